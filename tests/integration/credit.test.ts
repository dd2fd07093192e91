import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { applyForLoan, postRepayment } from "@/server/services/lifecycle";
import { getBorrower, searchBorrowers, updateBorrower } from "@/server/services/borrowers";
import { borrowerApplyState } from "@/server/services/eligibility";
import {
  borrowerCredit,
  creditOverview,
  creditVillages,
  decideRating,
  pendingRatings,
  rateBorrower,
  setEligibleHouseholds,
} from "@/server/services/credit";
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

const VILLAGE = "620123101201"; // 榆中县 王家村
const OTHER_VILLAGE = "620121101201"; // 永登县 李家村
const TODAY = "2026-03-01";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const otherStaff = await makeUser("COUNTY_STAFF", "620121");
  const otherApprover = await makeUser("COUNTY_APPROVER", "620121");
  const city = await makeUser("CITY_OFFICIAL", "620100");
  const foreignCity = await makeUser("CITY_OFFICIAL", "431100");
  return { ctx, staff, approver, otherStaff, otherApprover, city, foreignCity };
}
type World = Awaited<ReturnType<typeof world>>;

const rating = (borrowerId: number, o: Record<string, unknown> = {}) => ({
  borrowerId,
  grade: "AA",
  creditLimit: "50000",
  validFrom: "2026-01-01",
  validTo: "2027-12-31",
  ratedOn: "2025-12-20",
  ratedBy: "城关镇评级小组 张明 李华",
  committeeOn: "2025-12-25",
  committeeRef: "王家村评议〔2025〕3号",
  ...o,
});

const application = (borrowerId: number, bankId: number, amount: string) => ({
  borrowerId,
  programmeCode: "WOMEN",
  amount,
  termMonths: "24",
  method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
  purpose: "扩大肉牛养殖",
  industry: "肉牛养殖",
  guaranteeType: "GUARANTEE_FUND",
  bankId,
  ...SURVEY,
});

/** A rating recorded by the village's staff and approved by the approver of its county. */
async function rated(w: World, borrowerId: number, o: Record<string, unknown> = {}, village = VILLAGE) {
  const [staff, approver] = village === VILLAGE ? [w.staff, w.approver] : [w.otherStaff, w.otherApprover];
  const r = await rateBorrower(staff, rating(borrowerId, o), TODAY);
  await decideRating(approver, { id: r.id, decision: "APPROVE" });
  return r;
}

describe("credit rating (评级授信): maker-checker", () => {
  beforeEach(resetDatabase);

  it("staff record a rating; it counts only once another person approves it; every step audited", async () => {
    const w = await world();
    const b = await makeBorrower(VILLAGE, w.staff.id);
    const { id } = await rateBorrower(w.staff, rating(b.id), TODAY);

    // Pending: not in force, and the household is not yet 信用户.
    let view = await borrowerCredit(w.staff, b.id, TODAY);
    expect(view.current).toBeNull();
    expect(view.ratings.map((r) => [r.status, r.mine])).toEqual([["PENDING", true]]);
    expect((await db.borrower.findUniqueOrThrow({ where: { id: b.id } })).creditRated).toBe(false);
    expect((await pendingRatings(w.approver)).map((p) => p.id)).toEqual([id]);
    expect(await pendingRatings(w.otherApprover)).toEqual([]);

    // A second pending rating of the same household is refused.
    expect((await refusal(rateBorrower(w.staff, rating(b.id), TODAY))).kind).toBe("CONFLICT");
    // The maker's role may not approve; nor may an approver of another county (not found, nothing revealed).
    expect((await refusal(decideRating(w.staff, { id, decision: "APPROVE" }))).kind).toBe("FORBIDDEN");
    expect((await refusal(decideRating(w.otherApprover, { id, decision: "APPROVE" }))).kind).toBe(
      "NOT_FOUND",
    );
    // A rejection needs a reason.
    expect(
      (await refusal(decideRating(w.approver, { id, decision: "REJECT" }))).fieldErrors?.note,
    ).toBeDefined();

    expect(await decideRating(w.approver, { id, decision: "APPROVE" })).toEqual({ status: "APPROVED" });
    // Decided once: a second decision is a conflict.
    expect((await refusal(decideRating(w.approver, { id, decision: "REJECT", note: "重复" }))).kind).toBe(
      "CONFLICT",
    );
    view = await borrowerCredit(w.staff, b.id, TODAY);
    expect(view.current).toMatchObject({ id, grade: "AA", creditLimitFen: 5_000_000, validTo: "2027-12-31" });
    expect((await db.borrower.findUniqueOrThrow({ where: { id: b.id } })).creditRated).toBe(true);

    const audit = await db.auditEvent.findMany({
      where: { entity: "CreditRating", entityId: String(id) },
      orderBy: { id: "asc" },
      select: { action: true, outcome: true, userId: true },
    });
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: "credit.rate", outcome: "OK", userId: w.staff.id },
        { action: "credit.approve", outcome: "DENIED", userId: w.staff.id },
        { action: "credit.approve", outcome: "OK", userId: w.approver.id },
      ]),
    );
  });

  it("nobody approves a rating they entered themselves (refused and audited)", async () => {
    const w = await world();
    const b = await makeBorrower(VILLAGE, w.staff.id);
    // A rating the approver entered while she was the county's staff (a role changed since).
    const r = await db.creditRating.create({
      data: {
        countyCode: "620123",
        villageCode: VILLAGE,
        borrowerId: b.id,
        grade: "A",
        creditLimit: "30000.00",
        validFrom: new Date("2026-01-01T00:00:00Z"),
        validTo: new Date("2026-12-31T00:00:00Z"),
        ratedOn: new Date("2025-12-20T00:00:00Z"),
        ratedBy: "评级小组",
        committeeOn: new Date("2025-12-25T00:00:00Z"),
        committeeRef: "评议〔2025〕1号",
        makerId: w.approver.id,
      },
    });
    const e = await refusal(decideRating(w.approver, { id: r.id, decision: "APPROVE" }));
    expect(e.kind).toBe("FORBIDDEN");
    expect(e.message).toMatch(/不能审核自己录入的评级授信/);
    expect((await db.creditRating.findUniqueOrThrow({ where: { id: r.id } })).status).toBe("PENDING");
    expect(
      await db.auditEvent.count({
        where: { action: "credit.approve", outcome: "DENIED", message: "self-approval" },
      }),
    ).toBe(1);
  });

  it("refuses a rating outside the staff's region, a cooperative, and inconsistent dates at their fields", async () => {
    const w = await world();
    const b = await makeBorrower(VILLAGE, w.staff.id);
    expect((await refusal(rateBorrower(w.otherStaff, rating(b.id), TODAY))).kind).toBe("NOT_FOUND");
    expect((await refusal(rateBorrower(w.approver, rating(b.id), TODAY))).kind).toBe("FORBIDDEN");
    const e = await refusal(
      rateBorrower(
        w.staff,
        rating(b.id, { validTo: "2025-12-31", ratedOn: "2026-03-02", committeeOn: "2026-01-05" }),
        TODAY,
      ),
    );
    expect(Object.keys(e.fieldErrors ?? {}).sort()).toEqual(["committeeOn", "ratedOn", "validTo"]);
    const over = await refusal(rateBorrower(w.staff, rating(b.id, { creditLimit: "300000.01" }), TODAY));
    expect(over.fieldErrors?.creditLimit?.join()).toMatch(/政策额度上限/);
    await db.borrower.update({ where: { id: b.id }, data: { kind: "COOPERATIVE" } });
    expect((await refusal(rateBorrower(w.staff, rating(b.id), TODAY))).fieldErrors?.borrowerId).toBeDefined();
    expect(await db.creditRating.count()).toBe(0);
  });
});

describe("信用户 (Borrower.creditRated) follows the ratings", () => {
  beforeEach(resetDatabase);

  it("rated while an approved rating is in force; the form's checkbox no longer sets it; a move takes the ratings along", async () => {
    const w = await world();
    const b = await makeBorrower(VILLAGE, w.staff.id);
    // Never rated in the app: the stored yes/no stands.
    await db.borrower.update({ where: { id: b.id }, data: { creditRated: true } });
    expect((await getBorrower(w.staff, b.id, TODAY)).creditRated).toBe(true);
    // Only an expired rating: not 信用户 today, whatever was stored.
    await rated(w, b.id, {
      validFrom: "2023-01-01",
      validTo: "2025-12-31",
      ratedOn: "2022-12-20",
      committeeOn: "2022-12-25",
    });
    expect((await getBorrower(w.staff, b.id, TODAY)).creditRated).toBe(false);
    expect((await getBorrower(w.staff, b.id, "2025-06-30")).creditRated).toBe(true);
    await rated(w, b.id);
    const dto = await getBorrower(w.staff, b.id, TODAY);
    expect(dto.creditRated).toBe(true);
    expect((await searchBorrowers(w.staff, {}, TODAY)).rows.find((x) => x.id === b.id)?.creditRated).toBe(
      true,
    );

    // Saving the form with the box unticked changes nothing of it; moving her village moves her ratings.
    await db.region.create({
      data: { code: "620123101202", name: "李家庄", level: "VILLAGE", parentCode: "620123101" },
    });
    const stored = await db.borrower.findUniqueOrThrow({ where: { id: b.id } });
    const after = await updateBorrower(
      w.staff,
      {
        id: b.id,
        version: String(stored.version),
        name: stored.name,
        idNumber: stored.idNumber,
        phone: stored.phone,
        villageCode: "620123101202",
        householdType: stored.householdType,
        industry: stored.industry,
        creditRated: "",
      },
      TODAY,
    );
    expect(after.creditRated).toBe(true);
    expect((await db.borrower.findUniqueOrThrow({ where: { id: b.id } })).creditRated).toBe(true);
    expect(
      await db.creditRating.findMany({ where: { borrowerId: b.id }, select: { villageCode: true } }),
    ).toEqual([{ villageCode: "620123101202" }, { villageCode: "620123101202" }]);
  });
});

describe("the credit limit at application", () => {
  beforeEach(resetDatabase);

  it("an amount over the approved limit in force is refused at the amount; within it, accepted", async () => {
    const w = await world();
    const b = await makeBorrower(VILLAGE, w.staff.id);
    await rated(w, b.id);
    const e = await refusal(applyForLoan(w.staff, application(b.id, w.ctx.bank.id, "50000.01"), TODAY));
    expect(e.kind).toBe("INVALID");
    expect(e.fieldErrors?.amount).toEqual([
      "申请金额超过该户的授信额度 50,000.00 元（信用等级较好（AA），有效至 2027-12-31）",
    ]);
    expect(await db.loan.count()).toBe(0);
    const loan = await applyForLoan(w.staff, application(b.id, w.ctx.bank.id, "50000"), TODAY);
    expect(loan.id).toBeGreaterThan(0);
  });

  it("a pending rating limits nothing; an expired one neither, unless the policy requires a rating in force", async () => {
    const w = await world();
    const pending = await makeBorrower(VILLAGE, w.staff.id, "待审户");
    await rateBorrower(w.staff, rating(pending.id, { creditLimit: "10000" }), TODAY);
    await applyForLoan(w.staff, application(pending.id, w.ctx.bank.id, "60000"), TODAY);

    const expired = await makeBorrower(VILLAGE, w.staff.id, "到期户");
    await rated(w, expired.id, {
      creditLimit: "10000",
      validFrom: "2024-01-01",
      validTo: "2025-12-31",
      ratedOn: "2023-12-20",
      committeeOn: "2023-12-25",
    });
    const never = await makeBorrower(VILLAGE, w.staff.id, "未评户");

    // The policy requires a rating in force from now on.
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { creditRatingRequired: true } });
    const e = await refusal(applyForLoan(w.staff, application(expired.id, w.ctx.bank.id, "5000"), TODAY));
    expect(e.fieldErrors?.borrowerId?.join()).toMatch(/已于 2025-12-31 到期/);
    const n = await refusal(applyForLoan(w.staff, application(never.id, w.ctx.bank.id, "5000"), TODAY));
    expect(n.fieldErrors?.borrowerId?.join()).toMatch(/没有经审核的有效评级授信/);
    // Her page says so before anyone fills in the form.
    const state = await borrowerApplyState(w.staff, never.id, TODAY);
    expect(state.canApply).toBe(false);
    expect(state.programmes[0]!.reasons.join()).toMatch(/没有经审核的有效评级授信/);

    // Without the requirement, the expired limit no longer applies.
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { creditRatingRequired: false } });
    await applyForLoan(w.staff, application(expired.id, w.ctx.bank.id, "60000"), TODAY);
    await applyForLoan(w.staff, application(never.id, w.ctx.bank.id, "60000"), TODAY);
    expect(await db.loan.count()).toBe(3);
  });

  it("of two approved ratings in force, the later one's limit applies", async () => {
    const w = await world();
    const b = await makeBorrower(VILLAGE, w.staff.id);
    await rated(w, b.id, { creditLimit: "80000" });
    await rated(w, b.id, { creditLimit: "20000", validFrom: "2026-02-01", committeeOn: "2026-01-20" });
    const e = await refusal(applyForLoan(w.staff, application(b.id, w.ctx.bank.id, "30000"), TODAY));
    expect(e.fieldErrors?.amount?.join()).toMatch(/20,000\.00 元/);
  });
});

describe("授信率, 用信率 and 信用村", () => {
  beforeEach(resetDatabase);

  /** Five households of 王家村, three rated in force on TODAY; two of them borrowed after their rating started. */
  async function village(w: World) {
    const hs = [];
    for (let i = 0; i < 5; i++) hs.push(await makeBorrower(VILLAGE, w.staff.id, `农户${i}`));
    const [a, b, c, d, e] = hs as [
      (typeof hs)[0],
      (typeof hs)[0],
      (typeof hs)[0],
      (typeof hs)[0],
      (typeof hs)[0],
    ];
    await rated(w, a.id, { validFrom: "2024-12-01", ratedOn: "2024-11-20", committeeOn: "2024-11-25" });
    await rated(w, b.id, { validFrom: "2024-12-01", ratedOn: "2024-11-20", committeeOn: "2024-11-25" });
    await rated(w, c.id);
    // d: only a pending rating; e: an expired one (neither counts).
    await rateBorrower(w.staff, rating(d.id), TODAY);
    await rated(w, e.id, {
      validFrom: "2023-01-01",
      validTo: "2024-12-31",
      ratedOn: "2022-12-20",
      committeeOn: "2022-12-25",
    });
    // a and b borrowed in January 2025 (maturing January 2026, in the year-to-date window of 1 March 2026);
    // c's loan was disbursed before c's rating started: c has not used the credit.
    const la = await makeLoan({ borrower: a, ctx: w.ctx, makerId: w.staff.id, disbursedDate: "2025-01-10" });
    const lb = await makeLoan({ borrower: b, ctx: w.ctx, makerId: w.staff.id, disbursedDate: "2025-01-10" });
    await makeLoan({ borrower: c, ctx: w.ctx, makerId: w.staff.id, disbursedDate: "2025-06-10" });
    return { hs, la, lb };
  }

  const repay = (w: World, loanId: number, principal: string) =>
    postRepayment(
      w.staff,
      { loanId, valueDate: "2026-01-10", principal, interest: "0", idempotencyKey: `credit-repay-${loanId}` },
      "2026-01-10",
    );

  it("授信率 = rated ÷ eligible households and 用信率 = borrowed ÷ rated, per region and child, by SQL", async () => {
    const w = await world();
    await village(w);
    const lone = await makeBorrower(OTHER_VILLAGE, w.otherStaff.id, "李家户");
    await rated(w, lone.id, {}, OTHER_VILLAGE);
    await setEligibleHouseholds(w.staff, { villageCode: VILLAGE, eligible: "4" });
    await setEligibleHouseholds(w.otherStaff, { villageCode: OTHER_VILLAGE, eligible: "10" });

    const county = await creditOverview(w.approver, "620123", TODAY);
    expect(county.figures).toEqual({ eligible: 4, rated: 3, borrowed: 2, grantRate: 0.75, useRate: 2 / 3 });
    expect(county.children.map((c) => [c.code, c.rated, c.eligible])).toEqual([["620123101", 3, 4]]);

    const city = await creditOverview(w.city, "620100", TODAY);
    expect(city.figures).toEqual({ eligible: 14, rated: 4, borrowed: 2, grantRate: 4 / 14, useRate: 0.5 });
    expect(city.children.map((c) => [c.code, c.eligible, c.rated, c.borrowed])).toEqual([
      ["620121", 10, 1, 0],
      ["620123", 4, 3, 2],
    ]);
    // As of a day before the 2026 ratings started, c is not rated (its rating starts 2026-01-01).
    // As of 2025-12-31 c's rating has not started (2026-01-01) and e's has ended (2024-12-31): a and b.
    expect((await creditOverview(w.approver, "620123", "2025-12-31")).figures).toMatchObject({
      rated: 2,
      borrowed: 2,
    });

    // Another city's official sees nothing of this one.
    expect((await refusal(creditOverview(w.foreignCity, "620100", TODAY))).kind).toBe("NOT_FOUND");
  });

  it("a village is a 信用村 when its rated share and 到期还款率 reach the policy's thresholds", async () => {
    const w = await world();
    const { la, lb } = await village(w);
    const row = async () =>
      (await creditVillages(w.approver, "620123", TODAY)).rows.find((r) => r.code === VILLAGE)!;

    // No eligible count, nothing repaid.
    expect((await row()).shortfalls.map((s) => s.code)).toEqual(["NO_ELIGIBLE_COUNT", "REPAYMENT_BELOW"]);
    await setEligibleHouseholds(w.staff, { villageCode: VILLAGE, eligible: "4" });
    await repay(w, la.id, "50000");
    await repay(w, lb.id, "48000");
    // 3 of 4 rated (75% < 80%); repaid 98,000 of 100,000 matured (98% ≥ 98%).
    let r = await row();
    expect(r).toMatchObject({
      eligible: 4,
      rated: 3,
      grantRate: 0.75,
      maturityRepayment: 0.98,
      qualifies: false,
    });
    expect(r.shortfalls).toEqual([{ code: "RATED_SHARE_BELOW", rated: 3, eligible: 4, thresholdBp: 8000 }]);

    // The policy's threshold is 75%: exactly at it, the village qualifies.
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { creditVillageRatedBp: 7500 } });
    r = await row();
    expect(r.qualifies).toBe(true);
    expect((await creditOverview(w.approver, "620123", TODAY)).creditVillages).toBe(1);
    expect((await creditVillages(w.city, "620100", TODAY, true)).rows.map((x) => x.code)).toEqual([VILLAGE]);

    // A repayment threshold above 98% takes it away again.
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { creditVillageRepayBp: 9801 } });
    r = await row();
    expect(r.qualifies).toBe(false);
    expect(r.shortfalls.map((s) => s.code)).toEqual(["REPAYMENT_BELOW"]);
  });

  it("eligible households: county staff of the village only, audited", async () => {
    const w = await world();
    const e = await refusal(setEligibleHouseholds(w.otherStaff, { villageCode: VILLAGE, eligible: "4" }));
    expect(e.fieldErrors?.villageCode).toBeDefined();
    expect(
      (await refusal(setEligibleHouseholds(w.approver, { villageCode: VILLAGE, eligible: "4" }))).kind,
    ).toBe("FORBIDDEN");
    expect(
      (await refusal(setEligibleHouseholds(w.staff, { villageCode: "620123101", eligible: "4" }))).fieldErrors
        ?.villageCode,
    ).toBeDefined();
    await setEligibleHouseholds(w.staff, { villageCode: VILLAGE, eligible: "4" });
    await setEligibleHouseholds(w.staff, { villageCode: VILLAGE, eligible: "6" });
    expect(await db.villageHouseholds.findMany({ select: { villageCode: true, eligible: true } })).toEqual([
      { villageCode: VILLAGE, eligible: 6 },
    ]);
    expect(
      await db.auditEvent.count({ where: { action: "credit.households", outcome: "OK", entityId: VILLAGE } }),
    ).toBe(2);
    expect(
      await db.auditEvent.count({ where: { action: "credit.households", outcome: "DENIED" } }),
    ).toBeGreaterThanOrEqual(2);
  });
});
