import { parse } from "csv-parse/sync";
import { beforeEach, describe, expect, it } from "vitest";
import { exportStream } from "@/server/exports";
import {
  addDays,
  benefitSchedule,
  benefitStatus,
  creditCodeCheckChar,
  fenToYuan,
  RULE_DEFAULTS,
  yuanToFen,
} from "@/domain";
import { db } from "@/server/db";
import { todayShanghai } from "@/server/clock";
import {
  addMember,
  getOrganisation,
  linkLoan,
  listOrganisations,
  missedBenefits,
  recordBenefitPayment,
  registerOrganisation,
} from "@/server/services/organisations";
import { homeSections } from "@/server/services/home";
import { dashboardOverview } from "@/server/services/dashboard";
import { authoriseLedger, ledgerPage } from "@/server/services/ledgers";
import { resetDatabase } from "../support/db";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { refusal } from "../support/refusal";

/**
 * 分贷统还 organisations (issue 23 item 5, DOMAIN §18): registration by unified social credit code, member
 * households, linked loans, the benefit schedule (src/domain/benefits.ts with the policy's share and years), the
 * payments, the missed-payment alert (home page, dashboard) and the organisation-benefit ledger; region checks.
 */
const VILLAGE = "620123101201"; // 榆中县 王家村
const OTHER_VILLAGE = "620121101201"; // 永登县 李家村
const code = (n: number) => {
  const first = `93620123MA${String(n).padStart(7, "0")}`;
  return first + creditCodeCheckChar(first)!;
};
const today = todayShanghai();
/** A date `years` years and `days` days before today (a loan disbursed then has year-1 due `days` ago…). */
const yearsAgo = (years: number, days = 0) =>
  addDays(`${Number(today.slice(0, 4)) - years}${today.slice(4)}`, -days);

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const other = await makeUser("COUNTY_STAFF", "620121");
  const auditor = await makeUser("AUDITOR", "620100");
  const official = await makeUser("CITY_OFFICIAL", "620100");
  const farAuditor = await makeUser("AUDITOR", "431100");
  const a = await makeBorrower(VILLAGE, staff.id, "王秀英");
  const b = await makeBorrower(VILLAGE, staff.id, "李桂兰");
  const stranger = await makeBorrower(OTHER_VILLAGE, other.id, "赵春梅");
  // A: 1万 disbursed 1 year and 30 days ago (year 1 due 30 days ago) and 0.5万 a month later; B: 2万 at the same time.
  const a1 = await makeLoan({
    borrower: a,
    ctx,
    makerId: staff.id,
    principalFen: 1_000_000,
    disbursedDate: yearsAgo(1, 30),
    termMonths: 36,
  });
  const a2 = await makeLoan({
    borrower: a,
    ctx,
    makerId: staff.id,
    principalFen: 500_005,
    disbursedDate: yearsAgo(1, 0),
    termMonths: 36,
  });
  const b1 = await makeLoan({
    borrower: b,
    ctx,
    makerId: staff.id,
    principalFen: 2_000_000,
    disbursedDate: yearsAgo(1, 30),
    termMonths: 36,
  });
  const s1 = await makeLoan({
    borrower: stranger,
    ctx,
    makerId: other.id,
    principalFen: 1_000_000,
    disbursedDate: yearsAgo(1, 30),
    termMonths: 36,
  });
  return { ctx, staff, other, auditor, official, farAuditor, a, b, stranger, a1, a2, b1, s1 };
}

async function organisation(w: Awaited<ReturnType<typeof world>>) {
  const { id } = await registerOrganisation(w.staff, {
    name: "榆中县金穗肉牛养殖专业合作社",
    creditCode: code(1),
    kind: "COOPERATIVE",
    villageCode: VILLAGE,
    legalRep: "张建国",
    phone: "13900001111",
  });
  for (const m of [w.a, w.b])
    await addMember(w.staff, { organisationId: id, idNumber: m.idNumber, joinedOn: yearsAgo(2) });
  for (const l of [w.a1, w.a2, w.b1]) await linkLoan(w.staff, { organisationId: id, loanId: l.id });
  return id;
}

describe("分贷统还 organisations", () => {
  beforeEach(resetDatabase);

  it("the benefit schedule per household: her linked loans × the policy's share, half-up, for the policy's years", async () => {
    const w = await world();
    const id = await organisation(w);
    const o = await getOrganisation(w.staff, id);
    expect([o.members, o.loans, o.creditFen]).toEqual([2, 3, 3_500_005]);
    const expected = (loans: { principalFen: number; disbursedDate: string }[]) =>
      benefitSchedule(loans, {
        shareBp: RULE_DEFAULTS.orgBenefitShareBp,
        years: RULE_DEFAULTS.orgBenefitYears,
      });
    const ofA = o.schedule.filter((s) => s.borrowerId === w.a.id);
    expect(ofA.map((s) => [s.year, s.dueDate, s.creditFen, s.dueFen])).toEqual(
      expected([
        { principalFen: 1_000_000, disbursedDate: yearsAgo(1, 30) },
        { principalFen: 500_005, disbursedDate: yearsAgo(1, 0) },
      ]).map((y) => [y.year, y.dueDate, y.creditFen, y.dueFen]),
    );
    // 1万 + 5,000.05 元 at 10% = 1,500.005 元 → 1,500.01 元 (half-up to the fen); 3 years from the first loan.
    expect(ofA.map((s) => s.dueFen)).toEqual([150_001, 150_001, 150_001]);
    expect(ofA[0]!.dueDate).toBe(addDays(today, -30));
    expect(o.schedule.filter((s) => s.borrowerId === w.b.id).map((s) => s.dueFen)).toEqual([
      200_000, 200_000, 200_000,
    ]);
    // The share and years are the loan's policy settings: another version's figures rebuild on the next link.
    await db.policyVersion.update({
      where: { id: w.ctx.policy.id },
      data: { orgBenefitShareBp: 1_250, orgBenefitYears: 2 },
    });
    const c = await makeBorrower(VILLAGE, w.staff.id, "陈玉珍");
    const c1 = await makeLoan({
      borrower: c,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 3_333_333,
      disbursedDate: yearsAgo(0, 10),
    });
    await addMember(w.staff, { organisationId: id, idNumber: c.idNumber, joinedOn: today });
    await linkLoan(w.staff, { organisationId: id, loanId: c1.id });
    const after = await getOrganisation(w.staff, id);
    // 33,333.33 元 × 12.5% = 4,166.66625 元 → 4,166.67 元, for 2 years.
    expect(
      after.schedule.filter((s) => s.borrowerId === c.id).map((s) => [s.year, s.dueFen, s.status]),
    ).toEqual([
      [1, 416_667, "OPEN"],
      [2, 416_667, "OPEN"],
    ]);
    const events = await db.auditEvent.findMany({ where: { entity: "EconomicOrganisation", outcome: "OK" } });
    expect(events.map((e) => e.action).sort()).toEqual(
      [
        "organisation.create",
        ...Array(3).fill("organisation.member.add"),
        ...Array(4).fill("organisation.loan.link"),
      ].sort(),
    );
    expect(events.every((e) => e.countyCode === "620123" && e.userId === w.staff.id)).toBe(true);
  });

  it("a year past its due date with less paid than due raises the county's alert: home page, dashboard, list", async () => {
    const w = await world();
    const id = await organisation(w);
    // A is paid in full for year 1 (two payments); B only half.
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.a.id}:1`,
      paidDate: addDays(today, -40),
      amount: "1000",
    });
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.a.id}:1`,
      paidDate: addDays(today, -31),
      amount: "500.01",
    });
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.b.id}:1`,
      paidDate: addDays(today, -35),
      amount: "1000.00",
      memo: "先付一半",
    });
    const missed = await missedBenefits(w.staff, today);
    expect(missed).toEqual([
      {
        organisationId: id,
        organisationName: "榆中县金穗肉牛养殖专业合作社",
        countyCode: "620123",
        borrowerId: w.b.id,
        borrowerName: "李桂兰",
        year: 1,
        dueDate: addDays(today, -30),
        shortFen: 100_000,
      },
    ]);
    // The day of the due date itself: not missed yet.
    expect(await missedBenefits(w.staff, addDays(today, -30))).toEqual([]);
    const o = await getOrganisation(w.staff, id);
    expect(o.missed).toBe(1);
    expect(o.schedule.filter((s) => s.year === 1).map((s) => [s.borrowerName, s.paidFen, s.status])).toEqual([
      ["王秀英", 150_001, "PAID"],
      ["李桂兰", 100_000, "MISSED"],
    ]);
    expect((await listOrganisations(w.staff)).map((r) => [r.name, r.missed])).toEqual([
      ["榆中县金穗肉牛养殖专业合作社", 1],
    ]);
    // The county clerk's home page and the city's: one section with the missed year.
    for (const actor of [w.staff, w.official, w.auditor]) {
      const section = (await homeSections(actor, today)).find((s) => s.key === "missedBenefits");
      expect(section).toMatchObject({
        count: 1,
        href: "/organisations",
        messages: {
          title: "organisations.home.sections.missedBenefits",
          facts: "organisations.home.facts.missedBenefits",
        },
      });
      expect(section!.items[0]).toMatchObject({
        title: "榆中县金穗肉牛养殖专业合作社 · 李桂兰",
        facts: { year: 1, amount: "1,000.00" },
      });
    }
    // Nothing in another county's home page.
    expect((await homeSections(w.other, today)).some((s) => s.key === "missedBenefits")).toBe(false);
    const dash = await dashboardOverview(w.staff, "620123", today, {
      from: `${today.slice(0, 4)}-01-01`,
      to: today,
    });
    expect(dash.alerts.filter((a) => a.kind === "ORG_BENEFIT_MISSED")).toEqual([
      {
        kind: "ORG_BENEFIT_MISSED",
        message: "榆中县：1 个分贷统还经济组织有 1 户年度收益未按期足额支付",
        href: "/organisations",
      },
    ]);
    // Paid up: the alert is gone.
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.b.id}:1`,
      paidDate: today,
      amount: "1000.00",
    });
    expect(await missedBenefits(w.staff, today)).toEqual([]);
    const pays = await db.auditEvent.findMany({ where: { action: "organisation.benefit.pay" } });
    expect(pays).toHaveLength(4);
    expect(pays[2]!.after).toMatchObject({
      borrowerId: w.b.id,
      year: 1,
      amountFen: 100_000,
      memo: "先付一半",
    });
  });

  it("the organisation-benefit ledger: each due year with paid, unpaid and status as the domain has them", async () => {
    const w = await world();
    const id = await organisation(w);
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.a.id}:1`,
      paidDate: addDays(today, -31),
      amount: "1500.01",
    });
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.b.id}:1`,
      paidDate: addDays(today, -31),
      amount: "600",
    });
    const q = { region: "620100", from: yearsAgo(1, 60), to: yearsAgo(-3) };
    const page = await ledgerPage(w.auditor, "orgBenefits", q, 0, 100);
    const col = (h: string) => page.def.columns.findIndex((c) => c.header === h);
    expect(page.rows).toHaveLength(6);
    // Every row as the domain computes it from the stored due and the payments up to the period's end.
    const dues = await db.organisationBenefitDue.findMany({ orderBy: { id: "asc" } });
    const payments = await db.organisationBenefitPayment.findMany();
    for (const [i, d] of dues.entries()) {
      const row = page.rows[i]!;
      const paidFen = payments
        .filter((p) => p.borrowerId === d.borrowerId && p.year === d.year)
        .reduce((s, p) => s + yuanToFen(p.amount.toFixed(2)), 0);
      const dueFen = yuanToFen(d.amount.toFixed(2));
      const status = benefitStatus({ dueDate: d.dueDate.toISOString().slice(0, 10), dueFen }, paidFen, q.to);
      expect([
        row[col("年度")],
        row[col("应付收益（元）")],
        row[col("已付收益（元）")],
        row[col("未付（元）")],
        row[col("状态")],
      ]).toEqual([
        String(d.year),
        fenToYuan(dueFen),
        fenToYuan(paidFen),
        fenToYuan(Math.max(0, dueFen - paidFen)),
        { PAID: "已足额支付", MISSED: "未按期足额支付", OPEN: "未到期" }[status],
      ]);
      expect(row[col("身份证号")]).toMatch(/^\d{6}\*{11}[\dX]$/);
    }
    // As of today: B's year 1 is missed (1,400 元 short), the later years open.
    const now = await ledgerPage(w.auditor, "orgBenefits", { ...q, to: today }, 0, 100);
    expect(
      now.rows.map((r) => [r[col("农户")], r[col("年度")], r[col("未付（元）")], r[col("状态")]]),
    ).toEqual([
      ["王秀英", "1", "0.00", "已足额支付"],
      ["李桂兰", "1", "1400.00", "未按期足额支付"],
    ]);
    // The export (COPY, status labels and masks in SQL) has the screen's cells; its totals row sums the columns.
    const def = await authoriseLedger(w.auditor, "orgBenefits", q, "ledger.export");
    const chunks: Buffer[] = [];
    for await (const c of (await exportStream(
      w.auditor,
      "orgBenefits",
      def,
      q,
      "兰州市",
      "csv",
      new AbortController().signal,
    )) as unknown as AsyncIterable<Uint8Array>)
      chunks.push(Buffer.from(c));
    const csv = parse(Buffer.concat(chunks).subarray(3), { relax_column_count: true }) as string[][];
    expect(csv.slice(1, 7)).toEqual(page.rows);
    const sum = (h: string) => page.rows.reduce((s, r) => s + yuanToFen(r[col(h)]!), 0);
    expect(csv[7]![col("应付收益（元）")]).toBe(fenToYuan(sum("应付收益（元）")));
    expect(csv[7]![col("未付（元）")]).toBe(fenToYuan(sum("未付（元）")));
    // Another city's auditor: refused, audited.
    const e = await refusal(authoriseLedger(w.farAuditor, "orgBenefits", q));
    expect(e.kind).toBe("NOT_FOUND");
    expect(
      await db.auditEvent.count({ where: { action: "ledger.read.orgBenefits", outcome: "DENIED" } }),
    ).toBe(1);
  });

  it("region and role checks: another county sees and changes nothing; read-only roles write nothing", async () => {
    const w = await world();
    const id = await organisation(w);
    const before = await db.organisationBenefitPayment.count();
    // Another county's clerk: the organisation does not exist for her.
    expect((await refusal(getOrganisation(w.other, id))).kind).toBe("NOT_FOUND");
    expect(await listOrganisations(w.other)).toEqual([]);
    expect(await missedBenefits(w.other, today)).toEqual([]);
    for (const call of [
      () => addMember(w.other, { organisationId: id, idNumber: w.stranger.idNumber, joinedOn: today }),
      () => linkLoan(w.other, { organisationId: id, loanId: w.s1.id }),
      () =>
        recordBenefitPayment(w.other, {
          organisationId: id,
          line: `${w.a.id}:1`,
          paidDate: today,
          amount: "1",
        }),
    ])
      expect((await refusal(call())).kind).toBe("NOT_FOUND");
    // Her county's borrower cannot join 榆中县's organisation, nor her loan be linked to it.
    const join = await refusal(
      addMember(w.staff, { organisationId: id, idNumber: w.stranger.idNumber, joinedOn: today }),
    );
    expect(join.fieldErrors?.idNumber?.join()).toMatch(/本县没有该身份证号的借款人/);
    expect((await refusal(linkLoan(w.staff, { organisationId: id, loanId: w.s1.id }))).kind).toBe(
      "NOT_FOUND",
    );
    // A village outside her county; an invalid and a duplicate credit code.
    const away = await refusal(
      registerOrganisation(w.staff, {
        name: "外县合作社",
        creditCode: code(2),
        kind: "COOPERATIVE",
        villageCode: OTHER_VILLAGE,
      }),
    );
    expect(away.fieldErrors?.villageCode).toBeDefined();
    const bad = await refusal(
      registerOrganisation(w.staff, {
        name: "错码合作社",
        creditCode: code(3).slice(0, 17) + "0",
        kind: "COOPERATIVE",
        villageCode: VILLAGE,
      }),
    );
    expect(bad.fieldErrors?.creditCode?.join()).toMatch(/统一社会信用代码不正确/);
    const dup = await refusal(
      registerOrganisation(w.staff, {
        name: "重复",
        creditCode: code(1),
        kind: "COMPANY",
        villageCode: VILLAGE,
      }),
    );
    expect(dup.fieldErrors?.creditCode?.join()).toMatch(/已登记/);
    // A loan linked twice; a non-member's loan; a year outside the schedule.
    expect(
      (await refusal(linkLoan(w.staff, { organisationId: id, loanId: w.a1.id }))).fieldErrors?.loanId?.join(),
    ).toMatch(/已关联/);
    const c = await makeBorrower(VILLAGE, w.staff.id, "陈玉珍");
    const c1 = await makeLoan({ borrower: c, ctx: w.ctx, makerId: w.staff.id });
    expect(
      (await refusal(linkLoan(w.staff, { organisationId: id, loanId: c1.id }))).fieldErrors?.loanId?.join(),
    ).toMatch(/不是本组织的成员/);
    expect(
      (
        await refusal(
          recordBenefitPayment(w.staff, {
            organisationId: id,
            line: `${w.a.id}:4`,
            paidDate: today,
            amount: "1",
          }),
        )
      ).fieldErrors?.line,
    ).toBeDefined();
    expect(
      (
        await refusal(
          recordBenefitPayment(w.staff, {
            organisationId: id,
            line: `${w.a.id}:1`,
            paidDate: addDays(today, 1),
            amount: "1",
          }),
        )
      ).fieldErrors?.paidDate,
    ).toBeDefined();
    // Auditors and officials read but never write.
    expect((await getOrganisation(w.auditor, id)).canWrite).toBe(false);
    for (const actor of [w.auditor, w.official])
      expect(
        (
          await refusal(
            recordBenefitPayment(actor, {
              organisationId: id,
              line: `${w.a.id}:1`,
              paidDate: today,
              amount: "1",
            }),
          )
        ).kind,
      ).toBe("FORBIDDEN");
    expect(await db.organisationBenefitPayment.count()).toBe(before);
    const denied = await db.auditEvent.count({
      where: { outcome: "DENIED", entity: { in: ["EconomicOrganisation", "Loan"] } },
    });
    expect(denied).toBeGreaterThanOrEqual(7);
    // Payments are append-only.
    await recordBenefitPayment(w.staff, {
      organisationId: id,
      line: `${w.a.id}:1`,
      paidDate: today,
      amount: "1",
    });
    await expect(db.organisationBenefitPayment.updateMany({ data: { amount: "2.00" } })).rejects.toThrow(
      /append-only/,
    );
  });
});
