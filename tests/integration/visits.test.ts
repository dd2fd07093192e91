import { Readable } from "node:stream";
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { visitState } from "@/domain";
import { db } from "@/server/db";
import { uploadAttachment } from "@/server/services/attachments";
import { homeSections } from "@/server/services/home";
import { applyForLoan, decideApplication, getLoanDetail } from "@/server/services/lifecycle";
import { createPolicyVersion } from "@/server/services/policies";
import { listVisits, overdueVisits, recordVisit } from "@/server/services/visits";
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
import { refusal } from "../support/refusal";

/**
 * Survey, review and visits (issue 23 item 2): the pre-loan survey is part of the application and validated
 * at its fields; the approver's review notes are stored and shown; post-loan visits are recorded with a photo
 * of the same loan, by the county's staff of the loan's county only; the visit rule is the loan's policy's, and
 * the overdue list (SQL) agrees with src/domain's rule and reaches the clerk's home page.
 */
const TODAY = "2026-11-23";
const VILLAGE = "620123101201"; // 榆中县
const OTHER_VILLAGE = "620121101201"; // 永登县, same city

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const otherStaff = await makeUser("COUNTY_STAFF", "620121");
  const city = await makeUser("CITY_OFFICIAL", "620100");
  const borrower = await makeBorrower(VILLAGE, staff.id);
  return { ctx, staff, approver, otherStaff, city, borrower };
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
  applicationDate: "2026-03-01",
  ...SURVEY,
  ...o,
});

const png = () =>
  sharp({ create: { width: 32, height: 24, channels: 3, background: "#2e7d32" } })
    .png()
    .toBuffer();

describe("pre-loan survey (贷前摸底调查)", () => {
  beforeEach(resetDatabase);

  it("is required with the application and checked at its fields", async () => {
    const w = await world();
    const bare = Object.fromEntries(
      Object.entries(application(w.borrower.id, w.ctx.bank.id)).filter(([k]) => !(k in SURVEY)),
    );
    const e = await refusal(applyForLoan(w.staff, bare, TODAY));
    expect(Object.keys(e.fieldErrors ?? {}).sort()).toEqual(Object.keys(SURVEY).sort());
    expect(e.fieldErrors?.householdSize?.join()).toMatch(/家庭人口/);

    const e2 = await refusal(
      applyForLoan(
        w.staff,
        application(w.borrower.id, w.ctx.bank.id, {
          householdSize: "3",
          labourers: "4",
          projectInvestment: "50000",
          surveyDate: "2026-03-05",
          household: "x",
        }),
        TODAY,
      ),
    );
    expect(e2.fieldErrors?.household?.join()).toMatch(/请填写家庭情况/);
    // The checks between fields come with the per-field ones once those pass.
    const e3 = await refusal(
      applyForLoan(
        w.staff,
        application(w.borrower.id, w.ctx.bank.id, {
          householdSize: "3",
          labourers: "4",
          projectInvestment: "50000",
          surveyDate: "2026-03-05",
        }),
        TODAY,
      ),
    );
    expect(e3.fieldErrors).toMatchObject({
      labourers: ["劳动力人数不能多于家庭人口"],
      projectInvestment: ["项目总投资不能少于申请金额"],
      surveyDate: ["调查须在申请之前或当天完成"],
    });
    expect(await db.loan.count()).toBe(0);
    expect(await db.loanSurvey.count()).toBe(0);
  });

  it("is stored with the application, in its county, and shown on the loan", async () => {
    const w = await world();
    const loan = await applyForLoan(
      w.staff,
      application(w.borrower.id, w.ctx.bank.id, { annualIncome: "3.6万", projectInvestment: "150,000" }),
      TODAY,
    );
    const s = await db.loanSurvey.findUniqueOrThrow({ where: { loanId: loan.id } });
    expect(s).toMatchObject({
      countyCode: "620123",
      householdSize: 4,
      labourers: 2,
      incomeSource: SURVEY.incomeSource,
      surveyedById: w.staff.id,
    });
    expect(s.annualIncome.toFixed(2)).toBe("36000.00");
    expect(s.projectInvestment.toFixed(2)).toBe("150000.00");
    const d = await getLoanDetail(w.approver, loan.id, TODAY);
    expect(d.survey).toEqual({
      surveyDate: "2026-02-20",
      householdSize: 4,
      labourers: 2,
      household: SURVEY.household,
      annualIncomeFen: 3_600_000,
      incomeSource: SURVEY.incomeSource,
      project: SURVEY.project,
      projectInvestmentFen: 15_000_000,
      surveyedBy: w.staff.displayName,
    });
    const [audit] = await db.auditEvent.findMany({ where: { action: "loan.apply", outcome: "OK" } });
    expect(audit?.after).toMatchObject({ householdSize: 4, project: SURVEY.project });
  });
});

describe("review notes (贷中审查)", () => {
  beforeEach(resetDatabase);

  it("are stored with the approval, audited, and shown on the loan with the approver", async () => {
    const w = await world();
    const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    const note = "已入户核实养殖场地和家庭收入，担保基金覆盖，同意";
    const before = await getLoanDetail(w.staff, loan.id, TODAY);
    expect(before.review).toEqual({ note: null, approver: null, decidedAt: null });
    await decideApplication(w.approver, {
      loanId: loan.id,
      decision: "APPROVE",
      reviewNote: note,
      version: 1,
    });
    expect((await db.loan.findUniqueOrThrow({ where: { id: loan.id } })).reviewNote).toBe(note);
    const d = await getLoanDetail(w.staff, loan.id, TODAY);
    expect(d.review.note).toBe(note);
    expect(d.review.approver).toBe(w.approver.displayName);
    expect(d.review.decidedAt).not.toBeNull();
    const [audit] = await db.auditEvent.findMany({ where: { action: "loan.approve", outcome: "OK" } });
    expect(audit?.after).toMatchObject({ status: "APPROVED", reviewNote: note });
  });

  it("are kept with a refusal beside its reason, and too long a note is refused at the field", async () => {
    const w = await world();
    const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    const e = await refusal(
      decideApplication(w.approver, {
        loanId: loan.id,
        decision: "APPROVE",
        reviewNote: "审".repeat(513),
        version: 1,
      }),
    );
    expect(e.fieldErrors?.reviewNote?.join()).toMatch(/512/);
    await decideApplication(w.approver, {
      loanId: loan.id,
      decision: "REJECT",
      reason: "项目投资与收入不符",
      reviewNote: "入户调查显示另有未结清贷款",
      version: 1,
    });
    const row = await db.loan.findUniqueOrThrow({ where: { id: loan.id } });
    expect([row.status, row.rejectReason, row.reviewNote]).toEqual([
      "REJECTED",
      "项目投资与收入不符",
      "入户调查显示另有未结清贷款",
    ]);
  });
});

describe("post-loan visits (贷后回访)", () => {
  beforeEach(resetDatabase);

  const photoFor = async (
    actor: Awaited<ReturnType<typeof makeUser>>,
    borrowerId: number,
    loanId: number,
    kind = "VISIT_PHOTO",
  ) => {
    const bytes = await png();
    return uploadAttachment(
      actor,
      { borrowerId, loanId, kind, fileName: "回访.png" },
      Readable.from([bytes]),
      bytes.length,
    );
  };
  const visit = (loanId: number, o: Record<string, unknown> = {}) => ({
    loanId,
    visitDate: "2026-02-01",
    visitor: "李春梅",
    usage: "购买基础母牛4头，已入栏",
    matchesPurpose: "YES",
    ...o,
  });

  it("a clerk records a visit with a photo of the loan: stored, linked, audited, listed with the photo", async () => {
    const w = await world();
    const loan = await makeLoan({
      borrower: w.borrower,
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2026-01-10",
    });
    const photo = await photoFor(w.staff, w.borrower.id, loan.id);
    const v = await recordVisit(w.staff, visit(loan.id, { photoId: String(photo.id) }), TODAY);
    const row = await db.loanVisit.findUniqueOrThrow({ where: { id: v.id } });
    expect(row).toMatchObject({
      loanId: loan.id,
      countyCode: "620123",
      villageCode: VILLAGE,
      visitor: "李春梅",
      matchesPurpose: true,
      matchNote: null,
      photoId: photo.id,
      recordedById: w.staff.id,
    });
    const [audit] = await db.auditEvent.findMany({ where: { action: "visit.record", outcome: "OK" } });
    expect(audit).toMatchObject({
      entity: "LoanVisit",
      entityId: String(v.id),
      countyCode: "620123",
      userId: w.staff.id,
    });

    const list = await listVisits(w.city, loan.id, TODAY);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      visitDate: "2026-02-01",
      usage: "购买基础母牛4头，已入栏",
      photo: { id: photo.id, fileName: photo.fileName, sha256: photo.sha256 },
      recordedBy: w.staff.displayName,
    });
    expect(list.mayRecord).toBe(false); // a city official reads, she does not record
    expect(list.mayViewPhotos).toBe(true);
    expect((await listVisits(w.staff, loan.id, TODAY)).mayRecord).toBe(true);

    // The same photo cannot serve a second visit.
    const again = await refusal(recordVisit(w.staff, visit(loan.id, { photoId: String(photo.id) }), TODAY));
    expect(again.fieldErrors?.photo?.join()).toMatch(/另一次回访/);
  });

  it("checks the photo, the dates and the note when the use does not match the purpose", async () => {
    const w = await world();
    const loan = await makeLoan({
      borrower: w.borrower,
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2026-01-10",
    });
    const other = await makeLoan({
      borrower: await makeBorrower(VILLAGE, w.staff.id, "张桂芳"),
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2026-01-10",
    });
    const otherPhoto = await photoFor(w.staff, other.borrowerId, other.id);
    const contract = await photoFor(w.staff, w.borrower.id, loan.id, "CONTRACT");
    for (const photoId of [otherPhoto.id, contract.id])
      expect(
        (await refusal(recordVisit(w.staff, visit(loan.id, { photoId: String(photoId) }), TODAY))).fieldErrors
          ?.photo,
      ).toEqual(["照片须是本笔贷款的回访照片"]);
    expect(
      (await refusal(recordVisit(w.staff, visit(loan.id, { visitDate: "2026-01-09" }), TODAY))).fieldErrors
        ?.visitDate,
    ).toEqual(["回访日期不能早于放款日期 2026-01-10"]);
    expect(
      (await refusal(recordVisit(w.staff, visit(loan.id, { visitDate: "2026-11-24" }), TODAY))).fieldErrors
        ?.visitDate,
    ).toEqual(["回访日期不能晚于今天"]);
    expect(
      (await refusal(recordVisit(w.staff, visit(loan.id, { matchesPurpose: "NO" }), TODAY))).fieldErrors
        ?.matchNote,
    ).toEqual(["用途不符时须说明实际用途和处理意见"]);
    await recordVisit(
      w.staff,
      visit(loan.id, { matchesPurpose: "NO", matchNote: "一半资金用于建房，已责令限期归还" }),
      TODAY,
    );
    expect(await db.loanVisit.findMany({ select: { matchesPurpose: true, matchNote: true } })).toEqual([
      { matchesPurpose: false, matchNote: "一半资金用于建房，已责令限期归还" },
    ]);
    // A loan not yet disbursed has no visits.
    const applied = await applyForLoan(
      w.staff,
      application((await makeBorrower(VILLAGE, w.staff.id, "刘玉兰")).id, w.ctx.bank.id),
      TODAY,
    );
    expect(
      (await refusal(recordVisit(w.staff, visit(applied.id), TODAY))).fieldErrors?.visitDate,
    ).toBeDefined();
  });

  it("only the county's staff of the loan's county record visits; elsewhere the loan is not found", async () => {
    const w = await world();
    const loan = await makeLoan({
      borrower: w.borrower,
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2026-01-10",
    });
    const byApprover = await refusal(recordVisit(w.approver, visit(loan.id), TODAY));
    expect(byApprover.kind).toBe("FORBIDDEN");
    const byCity = await refusal(recordVisit(w.city, visit(loan.id), TODAY));
    expect(byCity.kind).toBe("FORBIDDEN");
    const byOther = await refusal(recordVisit(w.otherStaff, visit(loan.id), TODAY));
    expect(byOther.kind).toBe("NOT_FOUND");
    expect((await refusal(listVisits(w.otherStaff, loan.id, TODAY))).kind).toBe("NOT_FOUND");
    expect(await db.loanVisit.count()).toBe(0);
    const denied = await db.auditEvent.findMany({
      where: { action: "visit.record", outcome: "DENIED" },
      select: { userId: true },
    });
    expect(denied.map((d) => d.userId).sort()).toEqual([w.approver.id, w.city.id, w.otherStaff.id].sort());
  });
});

describe("overdue visits (the rule, the work list)", () => {
  beforeEach(resetDatabase);

  it("follow the loan's policy; the SQL list equals src/domain's rule and reaches the clerk's home page", async () => {
    const w = await world();
    await db.policyVersion.update({
      where: { id: w.ctx.policy.id },
      data: { firstVisitDays: 20, visitEveryMonths: 3 },
    });
    const rule = { firstVisitDays: 20, visitEveryMonths: 3 };
    const mk = async (name: string, disbursedDate: string, village = VILLAGE) =>
      makeLoan({
        borrower: await makeBorrower(village, w.staff.id, name),
        ctx: w.ctx,
        makerId: w.staff.id,
        disbursedDate,
        termMonths: 24,
      });
    const never = await mk("甲", "2026-01-10"); // due 2026-01-30
    const recent = await mk("乙", "2026-01-10"); // visited 2026-10-01 → due 2027-01-01
    const monthEnd = await mk("丙", "2026-01-10"); // visited 2026-08-31 → due 2026-11-30
    const stale = await mk("丁", "2026-01-10"); // visited 2026-05-31 → due 2026-08-31
    const fresh = await mk("戊", "2026-11-10"); // due 2026-11-30
    const closed = await mk("己", "2026-01-10");
    await db.loan.update({ where: { id: closed.id }, data: { status: "CLOSED" } });
    const elsewhere = await mk("庚", "2026-01-10", OTHER_VILLAGE);
    for (const [loan, date] of [
      [recent, "2026-10-01"],
      [monthEnd, "2026-08-31"],
      [stale, "2026-05-31"],
    ] as const)
      await recordVisit(
        w.staff,
        { loanId: loan.id, visitDate: date, visitor: "李春梅", usage: "养牛", matchesPurpose: "YES" },
        TODAY,
      );

    for (const asOf of [TODAY, "2026-12-01", "2027-01-02"]) {
      const loans = [never, recent, monthEnd, stale, fresh, closed];
      const visits = await db.loanVisit.findMany({ select: { loanId: true, visitDate: true } });
      const expected = loans
        .map((l) => {
          const last = visits
            .filter((v) => v.loanId === l.id)
            .map((v) => v.visitDate.toISOString().slice(0, 10));
          const state = visitState(
            {
              status: l.id === closed.id ? "CLOSED" : "REPAYING",
              disbursedDate: l.disbursedDate!.toISOString().slice(0, 10),
              lastVisitDate: last.sort().at(-1) ?? null,
            },
            rule,
            asOf,
          );
          return state?.overdue
            ? { loanId: l.id, dueDate: state.dueDate, daysOverdue: state.daysOverdue }
            : null;
        })
        .filter((x) => x !== null)
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.loanId - b.loanId);
      const list = await overdueVisits(w.staff, { limit: 50 }, asOf);
      expect(
        list.rows.map((r) => ({ loanId: r.loanId, dueDate: r.dueDate, daysOverdue: r.daysOverdue })),
      ).toEqual(expected);
      expect(list.total).toBe(expected.length);
    }
    const today = await overdueVisits(w.staff, { limit: 50 }, TODAY);
    expect(today.rows.map((r) => [r.borrowerName, r.dueDate, r.lastVisitDate])).toEqual([
      ["甲", "2026-01-30", null],
      ["丁", "2026-08-31", "2026-05-31"],
    ]);
    expect(today.rows[0]!.borrowerIdMasked).toMatch(/\*/);
    // On 2026-12-01 the month-end visit (2026-08-31 + 3 months = 2026-11-30) and the new loan are overdue too.
    expect((await overdueVisits(w.staff, {}, "2026-12-01")).total).toBe(4);
    // A page of one, and the other county's loan only for the city.
    const first = await overdueVisits(w.staff, { limit: 1, page: 2 }, TODAY);
    expect([first.total, first.rows.map((r) => r.loanId)]).toEqual([2, [stale.id]]);
    const cityList = await overdueVisits(w.city, {}, TODAY);
    expect(cityList.rows.map((r) => r.loanId).sort()).toEqual([never.id, stale.id, elsewhere.id].sort());
    expect((await overdueVisits(w.otherStaff, {}, TODAY)).rows.map((r) => r.loanId)).toEqual([elsewhere.id]);

    // The loan page says the same.
    expect((await listVisits(w.staff, stale.id, TODAY)).state).toEqual({
      dueDate: "2026-08-31",
      daysOverdue: 84,
      overdue: true,
    });

    // The clerk's work list (home page).
    const section = (await homeSections(w.staff, TODAY)).find((s) => s.key === "visits");
    expect(section).toMatchObject({ count: 2, href: "/visits" });
    expect(section!.items.map((i) => i.href)).toEqual([
      `/loans/${never.id}#visits`,
      `/loans/${stale.id}#visits`,
    ]);
    expect((await homeSections(w.approver, TODAY)).map((s) => s.key)).not.toContain("visits");
  });

  it("the policy form takes the visit intervals, within bounds", async () => {
    const w = await world();
    const admin = await makeUser("ADMIN", "000000");
    const base = {
      programmeId: String(w.ctx.programme.id),
      regionCode: "620121",
      name: "永登县妇女创业担保贷款 2027",
      validFrom: "2027-01-01",
      maxPrincipal: "200000",
      maxTermMonths: "36",
      rateRule: "LPR_1Y_PLUS_SPREAD",
      subsidyMode: "LPR_MINUS_SPREAD",
      rateCapSpread: "3.00",
      borrowerSpread: "1.50",
      subsidyShare: "100",
      compensationShare: "80",
      shareCentral: "0",
      shareProvincial: "0",
      shareCity: "0",
      shareCounty: "1",
      dayCountBasis: "360",
      leverageCap: "10",
    };
    const e = await refusal(
      createPolicyVersion(admin, { ...base, firstVisitDays: "0", visitEveryMonths: "30" }),
    );
    expect(e.fieldErrors?.firstVisitDays?.join()).toMatch(/首次贷后回访期限/);
    expect(e.fieldErrors?.visitEveryMonths?.join()).toMatch(/贷后回访间隔月数/);
    await createPolicyVersion(admin, { ...base, firstVisitDays: "15", visitEveryMonths: "6" });
    const stored = await db.policyVersion.findFirstOrThrow({ where: { regionCode: "620121" } });
    expect([stored.firstVisitDays, stored.visitEveryMonths]).toEqual([15, 6]);
  });
});
