import { beforeEach, describe, expect, it } from "vitest";
import { makeResidentId } from "@/domain";
import { db } from "@/server/db";
import { refusal } from "../support/refusal";
import { createBorrower } from "@/server/services/borrowers";
import {
  applyForLoan,
  decideApplication,
  disburseLoan,
  getLoanDetail,
  postRepayment,
} from "@/server/services/lifecycle";
import { decideRectification, listSuspensions, recordRectification } from "@/server/services/rectifications";
import { generateClaim } from "@/server/services/claims";
import { requestCompensation } from "@/server/services/fund";
import { dashboardRates, regionLines } from "@/server/services/dashboard";
import { historyEnds, suspensionsOf } from "@/server/read-models/rules";
import { freshMonthEnds, runSnapshots } from "@/server/services/snapshots";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
  SURVEY,
} from "../support/factories";
import { resetDatabase } from "../support/db";

const VILLAGE = "620123101201";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const approver2 = await makeUser("COUNTY_APPROVER", "620123");
  const borrower = await makeBorrower(VILLAGE, staff.id);
  return { ctx, staff, approver, approver2, borrower };
}

const application = (borrowerId: number, bankId: number, o: Record<string, unknown> = {}) => ({
  borrowerId,
  programmeCode: "WOMEN",
  amount: "100000",
  termMonths: "24",
  method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
  purpose: "扩大肉牛养殖",
  industry: "肉牛养殖",
  guaranteeType: "GUARANTEE_FUND",
  bankId,
  ...SURVEY,
  ...o,
});

/** Three loans of the village maturing in April, May and June 2026, nothing of their principal repaid. */
async function lowMonths(w: Awaited<ReturnType<typeof world>>) {
  const loans = [];
  for (const [i, d] of ["2025-04-10", "2025-05-10", "2025-06-10"].entries()) {
    const b = await makeBorrower(VILLAGE, w.staff.id, `借款人${i}`);
    loans.push(await makeLoan({ borrower: b, ctx: w.ctx, makerId: w.staff.id, disbursedDate: d }));
  }
  return loans;
}

describe("the programme's rules where they act", () => {
  beforeEach(resetDatabase);

  it("registration takes any valid ID; the policy refuses a man and a 16-year-old at application, at the borrower field", async () => {
    const w = await world();
    const man = await createBorrower(
      w.staff,
      {
        name: "赵建国",
        idNumber: makeResidentId("620123", "1985-03-15", 3),
        phone: "13812345678",
        villageCode: VILLAGE,
        householdType: "GENERAL",
        industry: "种植",
      },
      "2026-03-01",
    );
    expect(man.sex).toBe("M");
    const young = await createBorrower(
      w.staff,
      {
        name: "李小燕",
        idNumber: makeResidentId("620123", "2009-03-02", 2),
        phone: "13812345679",
        villageCode: VILLAGE,
        householdType: "GENERAL",
        industry: "种植",
      },
      "2026-03-01",
    );
    const e1 = await refusal(applyForLoan(w.staff, application(man.id, w.ctx.bank.id), "2026-03-01"));
    expect(e1.fieldErrors?.borrowerId?.join()).toMatch(/仅面向女性/);
    const e2 = await refusal(applyForLoan(w.staff, application(young.id, w.ctx.bank.id), "2026-03-01"));
    expect(e2.fieldErrors?.borrowerId?.join()).toMatch(/16 周岁，不在 18–65 周岁之间/);
    // The policy decides: lower its minimum age and she may apply.
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { minAge: 16 } });
    await applyForLoan(w.staff, application(young.id, w.ctx.bank.id), "2026-03-01");
  });

  it("a suspended village's application is refused with the months and rates; resumes after an approved rectification and a month-end ≥ 98%", async () => {
    const w = await world();
    const loans = await lowMonths(w);
    // Entered before the suspension: the approver sees the village's state on the application.
    const pending = await applyForLoan(
      w.staff,
      application(w.borrower.id, w.ctx.bank.id, { applicationDate: "2026-06-15" }),
      "2026-06-15",
    );
    const detail = await getLoanDetail(w.approver, pending.id, "2026-07-10");
    expect(detail.rules?.windowName).toBe("年内到期贷款收回率");
    expect(detail.rules?.suspensions.map((s) => [s.regionCode, s.since])).toEqual(
      expect.arrayContaining([
        ["620123101", "2026-06-30"],
        [VILLAGE, "2026-06-30"],
      ]),
    );

    const other = await makeBorrower(VILLAGE, w.staff.id, "张桂花");
    const before = await db.loan.count();
    const e = await refusal(applyForLoan(w.staff, application(other.id, w.ctx.bank.id), "2026-07-10"));
    const msg = e.fieldErrors?.borrowerId?.join() ?? "";
    expect(msg).toMatch(/王家村自 2026-06 起暂停新增贷款/);
    expect(msg).toMatch(/2026-04 0\.00%、2026-05 0\.00%、2026-06 0\.00%/);
    expect(await db.loan.count()).toBe(before);

    // The loans are repaid in July; without an approved rectification the village stays suspended.
    for (const l of loans)
      await postRepayment(
        w.staff,
        {
          loanId: l.id,
          valueDate: "2026-07-20",
          principal: "50000",
          interest: "0",
          idempotencyKey: `repay-loan-${l.id}`,
        },
        "2026-07-20",
      );
    expect(
      (await refusal(applyForLoan(w.staff, application(other.id, w.ctx.bank.id), "2026-08-03"))).fieldErrors
        ?.borrowerId,
    ).toBeDefined();

    // Rectifications of the village and its township, recorded by staff, approved by another person.
    const rects = [];
    for (const regionCode of [VILLAGE, "620123101"])
      rects.push(
        await recordRectification(
          w.staff,
          {
            regionCode,
            measures: "逐户上门催收，落实村干部包户责任",
            doneBy: "王家村两委",
            doneOn: "2026-07-15",
          },
          "2026-07-16",
        ),
      );
    const staffDecides = await refusal(
      decideRectification(w.staff, { id: rects[0]!.id, decision: "APPROVE" }, "2026-07-20"),
    );
    expect(staffDecides.kind).toBe("FORBIDDEN");
    const self = await makeUser("COUNTY_APPROVER", "620123");
    await db.rectification.update({ where: { id: rects[0]!.id }, data: { makerId: self.id } });
    expect(
      (await refusal(decideRectification(self, { id: rects[0]!.id, decision: "APPROVE" }, "2026-07-20")))
        .kind,
    ).toBe("FORBIDDEN");
    for (const r of rects)
      await decideRectification(w.approver, { id: r.id, decision: "APPROVE" }, "2026-07-25");

    // Approved on 2026-07-25 and the July month-end at 100%: on 2026-07-28 the month has not ended yet.
    expect(
      (
        await refusal(applyForLoan(w.staff, application(other.id, w.ctx.bank.id), "2026-07-28"))
      ).fieldErrors?.borrowerId?.join(),
    ).toMatch(/暂停新增贷款/);
    const ok = await applyForLoan(w.staff, application(other.id, w.ctx.bank.id), "2026-08-03");
    expect(ok.id).toBeGreaterThan(0);

    const list = await listSuspensions(w.approver, "620123", "2026-08-03");
    const village = list.rows.find((r) => r.regionCode === VILLAGE)!;
    expect(village.suspended).toBe(false);
    expect(village.episodes).toEqual([
      expect.objectContaining({
        start: "2026-06-30",
        end: "2026-07-31",
        rectification: expect.objectContaining({ doneBy: "王家村两委" }),
      }),
    ]);
    // Another county's user learns nothing of this county's regions.
    const dx = await makeUser("COUNTY_APPROVER", "431124");
    expect((await refusal(listSuspensions(dx, "620123", "2026-08-03"))).kind).toBe("INVALID");
    expect(
      (await refusal(decideRectification(dx, { id: rects[0]!.id, decision: "REJECT", note: "x" }))).kind,
    ).toBe("NOT_FOUND");
  });

  it("a disbursement beyond the leverage cap is refused; under the FLAG policy it is 超倍数放款, left out of the next claim and of compensation", async () => {
    const w = await world();
    const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
    await db.fundLedgerEntry.create({
      data: {
        fundId: fund.id,
        countyCode: "620123",
        kind: "DEPOSIT",
        fundingLevel: "COUNTY",
        amount: "100000.00",
        valueDate: new Date("2026-01-05T00:00:00Z"),
        idempotencyKey: "dep-1",
        createdById: w.staff.id,
      },
    });
    // 10 × 100,000 = 1,000,000 of capacity; 950,000 already outstanding.
    const b0 = await makeBorrower(VILLAGE, w.staff.id, "已贷户");
    await makeLoan({
      borrower: b0,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 95_000_000,
      disbursedDate: "2026-01-10",
      termMonths: 24,
    });

    const loan = await applyForLoan(
      w.staff,
      application(w.borrower.id, w.ctx.bank.id, { applicationDate: "2026-03-01" }),
      "2026-03-01",
    );
    await decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
    const detail = await getLoanDetail(w.staff, loan.id, "2026-03-22");
    expect(detail.rules?.headroom).toMatchObject({
      cap: 10,
      balanceFen: 10_000_000,
      headroomFen: 5_000_000,
      overCap: true,
    });

    const disburse = () =>
      disburseLoan(
        w.staff,
        {
          loanId: loan.id,
          contractNo: "ABC-2026-0009",
          disbursedDate: "2026-03-22",
          amount: "100000",
          contractRate: "5.15",
          version: 2,
        },
        "2026-03-22",
      );
    const e = await refusal(disburse());
    expect(e.fieldErrors?.amount?.join()).toMatch(/超过风险补偿金放大倍数上限.*可放款空间 5\.00 万元/);
    expect((await db.loan.findUniqueOrThrow({ where: { id: loan.id } })).status).toBe("APPROVED");

    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { overCapMode: "FLAG" } });
    expect(await disburse()).toMatchObject({ overCap: true });
    expect((await db.loan.findUniqueOrThrow({ where: { id: loan.id } })).overCap).toBe(true);
    // It does not count against the fund's guaranteed outstanding.
    expect((await getLoanDetail(w.staff, loan.id, "2026-03-23")).overCap).toBe(true);

    const claim = await generateClaim(
      w.staff,
      { bankId: w.ctx.bank.id, year: 2026, quarter: 2 },
      "2026-07-01",
    );
    const line = await db.subsidyClaimLine.findFirstOrThrow({
      where: { claimId: claim.id, loanId: loan.id },
    });
    expect(line.excludedReason).toMatch(/超倍数放款不贴息/);
    expect(line.subsidy.toFixed(2)).toBe("0.00");
    expect(line.excludedDays).toBe(line.days);
    const normal = await db.subsidyClaimLine.findFirstOrThrow({
      where: { claimId: claim.id, NOT: { loanId: loan.id } },
    });
    expect(Number(normal.subsidy)).toBeGreaterThan(0);

    expect((await refusal(requestCompensation(w.staff, { loanId: loan.id }, "2026-11-01"))).message).toMatch(
      /超倍数放款/,
    );
  });

  it("the cap follows last year's 到期还款率 when the policy says so (10× at ≥ 90%, else 5×)", async () => {
    const w = await world();
    await db.policyVersion.update({
      where: { id: w.ctx.policy.id },
      data: { leverageCapReduced: 5, leverageCapMinRateBp: 9_000 },
    });
    const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
    await db.fundLedgerEntry.create({
      data: {
        fundId: fund.id,
        countyCode: "620123",
        kind: "DEPOSIT",
        amount: "100000.00",
        valueDate: new Date("2025-01-05T00:00:00Z"),
        idempotencyKey: "dep-2",
        createdById: w.staff.id,
      },
    });
    // A loan of another township that matured in 2025 and was not repaid: last year's rate 0% → cap 5×
    // (that township is suspended; the borrower's is not).
    await db.region.create({
      data: { code: "620123102", name: "金崖镇", level: "TOWNSHIP", parentCode: "620123" },
    });
    await db.region.create({
      data: { code: "620123102201", name: "金崖村", level: "VILLAGE", parentCode: "620123102" },
    });
    const b0 = await makeBorrower("620123102201", w.staff.id, "逾期户");
    await makeLoan({ borrower: b0, ctx: w.ctx, makerId: w.staff.id, disbursedDate: "2024-06-10" });
    const loan = await applyForLoan(
      w.staff,
      application(w.borrower.id, w.ctx.bank.id, { applicationDate: "2026-03-01" }),
      "2026-03-01",
    );
    const h = (await getLoanDetail(w.staff, loan.id, "2026-03-02")).rules!.headroom!;
    expect(h).toMatchObject({ cap: 5, lastYearRateBp: 0 });
  });
  it("the dashboard lists the suspensions the application rule makes: still listed when the rate is back without an approved rectification, lifted after one and a month-end ≥ 98%", async () => {
    const w = await world();
    const loans = await lowMonths(w);
    // 永登县 李家村: a loan that fell due in March 2026 and was never repaid (suspended from the May month-end);
    // 金崖镇 金崖村: one repaid on time (never suspended).
    const li = await makeBorrower("620121101201", w.staff.id, "李桂兰");
    await makeLoan({ borrower: li, ctx: w.ctx, makerId: w.staff.id, disbursedDate: "2025-03-10" });
    await db.region.create({
      data: { code: "620123102", name: "金崖镇", level: "TOWNSHIP", parentCode: "620123" },
    });
    await db.region.create({
      data: { code: "620123102201", name: "金崖村", level: "VILLAGE", parentCode: "620123102" },
    });
    const jin = await makeBorrower("620123102201", w.staff.id, "金秀兰");
    const paid = await makeLoan({
      borrower: jin,
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2025-02-10",
    });
    await postRepayment(
      w.staff,
      {
        loanId: paid.id,
        valueDate: "2026-02-10",
        principal: "50000",
        interest: "0",
        idempotencyKey: "repay-jin-0001",
      },
      "2026-02-10",
    );
    // Every past month-end stored (issue 22): the dashboard reads them; the postings below make some stale.
    await runSnapshots();
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const villages = ["620121101201", VILLAGE, "620123102201"];

    /** The dashboard's suspensions of 兰州市, checked against the application rule region by region. */
    const listed = async (asOf: string) => {
      const rule = new Map<string, string>();
      for (const v of villages)
        for (const s of await suspensionsOf(db, v, w.ctx.policy, asOf)) rule.set(s.regionCode, s.since);
      const r = await dashboardRates(official, "620100", asOf);
      const codes = r.alerts.map((a) => a.href.split("region=")[1]!);
      expect(codes, asOf).toEqual([...rule.keys()].sort());
      for (const [i, a] of r.alerts.entries())
        expect(a.message).toContain(`自 ${rule.get(codes[i]!)!.slice(0, 7)} 起`);
      expect(r.suspensions.total).toBe(codes.length);
      expect((await regionLines(official, "620100", asOf)).suspended).toEqual(r.alerts);
      return r;
    };

    // Month-ends before the first loan were never stored: read live, the rest from the snapshots.
    const ends = historyEnds("2026-07-10");
    const fresh = await freshMonthEnds("620100", ends);
    expect(fresh.has("2026-06-30") && !fresh.has("2025-01-31")).toBe(true);
    const july = await listed("2026-07-10");
    expect(july.alerts.map((a) => a.message)).toEqual([
      "永登县 城关镇（乡镇）自 2026-05 起暂停新增贷款：年内到期贷款收回率连续 3 个月末低于 98.00%（2026-03 0.00%、2026-04 0.00%、2026-05 0.00%）；整改经审核通过且月末收回率达标后恢复",
      "永登县 李家村（村）自 2026-05 起暂停新增贷款：年内到期贷款收回率连续 3 个月末低于 98.00%（2026-03 0.00%、2026-04 0.00%、2026-05 0.00%）；整改经审核通过且月末收回率达标后恢复",
      "榆中县 城关镇（乡镇）自 2026-06 起暂停新增贷款：年内到期贷款收回率连续 3 个月末低于 98.00%（2026-04 0.00%、2026-05 0.00%、2026-06 0.00%）；整改经审核通过且月末收回率达标后恢复",
      "榆中县 王家村（村）自 2026-06 起暂停新增贷款：年内到期贷款收回率连续 3 个月末低于 98.00%（2026-04 0.00%、2026-05 0.00%、2026-06 0.00%）；整改经审核通过且月末收回率达标后恢复",
    ]);
    expect(july.suspensions.byCounty).toEqual([
      { code: "620121", name: "永登县", count: 2 },
      { code: "620123", name: "榆中县", count: 2 },
    ]);

    // 王家村's loans are repaid in July: the July month-end is at 100%. Without an approved rectification the
    // village and its township stay suspended — on the dashboard too (it used to lift them here).
    for (const l of loans)
      await postRepayment(
        w.staff,
        {
          loanId: l.id,
          valueDate: "2026-07-20",
          principal: "50000",
          interest: "0",
          idempotencyKey: `repay-wang-${l.id}`,
        },
        "2026-07-20",
      );
    const stale = await freshMonthEnds("620100", historyEnds("2026-08-03"));
    expect(stale.has("2026-06-30") && !stale.has("2026-07-31")).toBe(true); // July read live until recomputed
    expect((await listed("2026-08-03")).suspensions.total).toBe(4);
    await runSnapshots({ staleOnly: true });
    expect((await freshMonthEnds("620100", ["2026-07-31"])).size).toBe(1);
    const august = await listed("2026-08-03");
    expect(august.suspensions.total).toBe(4);
    expect(august.alerts.map((a) => a.href)).toContain(`/dashboard?region=${VILLAGE}`);

    // Rectifications recorded, approved by a second person on 5 August (after the good July month-end): the
    // village and its township resume that day; 永登县's stay.
    for (const regionCode of [VILLAGE, "620123101"]) {
      const r = await recordRectification(
        w.staff,
        {
          regionCode,
          measures: "逐户上门催收，落实村干部包户责任",
          doneBy: "王家村两委",
          doneOn: "2026-07-15",
        },
        "2026-07-16",
      );
      await decideRectification(w.approver, { id: r.id, decision: "APPROVE" }, "2026-08-05");
    }
    expect((await listed("2026-08-04")).suspensions.total).toBe(4);
    const lifted = await listed("2026-08-05");
    expect(lifted.alerts.map((a) => a.href.split("region=")[1])).toEqual(["620121101", "620121101201"]);

    // A policy on the rolling 12 months: the dashboard reads that window and names it.
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { rateWindow: "ROLLING_12" } });
    w.ctx.policy.rateWindow = "ROLLING_12";
    const rolling = await listed("2026-07-10");
    expect(rolling.alerts[0]!.message).toMatch(
      /^永登县 城关镇（乡镇）自 2026-05 起暂停新增贷款：近12个月到期贷款收回率连续 3 个月末低于 98\.00%/,
    );
    expect((await listed("2026-08-05")).suspensions.total).toBe(2);
  });
});
