import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { generateClaim, getClaim, lateClaims, transitionClaim } from "@/server/services/claims";
import { homeSections } from "@/server/services/home";
import { annualSettlementView } from "@/server/services/settlement";
import { createPolicyVersion } from "@/server/services/policies";
import { postRepayment } from "@/server/services/lifecycle";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
} from "../support/factories";
import { resetDatabase } from "../support/db";
import { refusal } from "../support/refusal";

/** The settlement of 2026 is made in January 2027: every quarter's settlement date has passed. */
const TODAY = "2027-01-10";

/**
 * 榆中县 with two banks: 农业银行 lends 50,000.00 on 2025-06-10, 农商银行 30,000.00 on 2025-09-01 (24 months,
 * 5.15%; the borrower pays LPR 3.65% − 1.50% = 2.15%, finance 3.00%; shares 0:1:0:1).
 */
async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const bank2 = await db.bank.create({ data: { code: "RCB", name: "农村商业银行" } });
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const a = await makeLoan({
    borrower: await makeBorrower("620123101201", staff.id, "王秀英"),
    ctx,
    makerId: staff.id,
    principalFen: 5_000_000,
    disbursedDate: "2025-06-10",
    termMonths: 24,
  });
  const b = await makeLoan({
    borrower: await makeBorrower("620123101201", staff.id, "李桂兰"),
    ctx: { ...ctx, bank: bank2 },
    makerId: staff.id,
    principalFen: 3_000_000,
    disbursedDate: "2025-09-01",
    termMonths: 24,
  });
  /** Generates the claim of a bank and quarter of 2026 and moves it to `to`. */
  const claim = async (bankId: number, quarter: number, to: "SUBMITTED" | "APPROVED" | "PAID" | "DRAFT") => {
    const c = await generateClaim(staff, { bankId, year: 2026, quarter }, TODAY);
    if (to === "DRAFT") return c;
    await transitionClaim(staff, { claimId: c.id, action: "SUBMIT", version: 1 }, TODAY);
    if (to !== "SUBMITTED")
      await transitionClaim(approver, { claimId: c.id, action: "APPROVE", version: 2 }, TODAY);
    if (to === "PAID")
      await transitionClaim(
        staff,
        { claimId: c.id, action: "PAY", payee: "BANK", paidDate: "2027-01-05", version: 3 },
        TODAY,
      );
    return c;
  };
  const view = (actor = staff, input: Record<string, unknown> = {}) =>
    annualSettlementView(actor, { year: 2026, ...input }, { today: TODAY });
  return { ctx, bank2, staff, approver, a, b, claim, view };
}

describe("annual settlement (清算)", () => {
  beforeEach(resetDatabase);

  it("four claims per bank equal the recomputation of the year: no difference, totals by status and level", async () => {
    const w = await world();
    for (const bankId of [w.ctx.bank.id, w.bank2.id]) {
      await w.claim(bankId, 1, "PAID");
      await w.claim(bankId, 2, "PAID");
      await w.claim(bankId, 3, "APPROVED");
      await w.claim(bankId, 4, "SUBMITTED");
    }
    const v = await w.view();
    expect(v.county).toEqual({ code: "620123", name: "榆中县" });
    expect(v.dueQuarters).toEqual([1, 2, 3, 4]);
    const r = v.result!;
    // 50,000 × 3.00% × days / 360, quarter by quarter (90, 92, 92, 91 days): 375.00 + 383.33 + 383.33 + 379.17
    const a = r.loans.find((l) => l.loanId === w.a.id)!;
    expect(a).toMatchObject({
      claimedTotalFen: 152_083,
      recomputedFen: 152_083,
      differenceFen: 0,
      missingQuarters: [],
      differentQuarters: [],
      claimedFen: { PAID: 75_833, APPROVED: 38_333, SUBMITTED: 37_917 },
    });
    expect(r.totals).toMatchObject({
      differenceFen: 0,
      loansWithDifference: 0,
      missingQuarters: 0,
      loans: 2,
    });
    expect(r.quarters).toHaveLength(8);
    expect(r.quarters.every((q) => q.counted && !q.missing && q.differenceFen === 0)).toBe(true);
    // The claims' stored splits by level are the recomputation's, to the fen.
    const splits = await db.subsidyClaimSplit.groupBy({ by: ["level"], _sum: { amount: true } });
    for (const l of r.levels) {
      const stored = splits.find((s) => s.level === l.level)?._sum.amount?.toFixed(2) ?? "0.00";
      expect([l.level, l.claimedFen, l.differenceFen]).toEqual([l.level, Number(stored.replace(".", "")), 0]);
    }
    expect(r.levels.reduce((s, l) => s + l.claimedFen, 0)).toBe(r.totals.claimedTotalFen);
    // One bank: only its loans and quarters.
    const one = (await w.view(w.staff, { bankId: w.bank2.id })).result!;
    expect(one.loans.map((l) => l.loanId)).toEqual([w.b.id]);
    expect(one.quarters.map((q) => q.bankId)).toEqual([w.bank2.id, w.bank2.id, w.bank2.id, w.bank2.id]);
  });

  it("a prepayment posted after the claims: the recomputation gives less, the exact difference per quarter and loan", async () => {
    const w = await world();
    for (const q of [1, 2, 3, 4]) await w.claim(w.ctx.bank.id, q, "PAID");
    for (const q of [1, 2, 3, 4]) await w.claim(w.bank2.id, q, "PAID");
    // 20,000 of loan A's principal repaid on 1 May 2026, entered only now from the bank's statement.
    await postRepayment(
      w.staff,
      {
        loanId: w.a.id,
        valueDate: "2026-05-01",
        principal: "20000",
        interest: "0",
        idempotencyKey: "settle-prepay",
      },
      TODAY,
    );
    const r = (await w.view()).result!;
    const a = r.loans.find((l) => l.loanId === w.a.id)!;
    // Q2: 41 days on 50,000 + 51 days on 30,000 → 298.33 instead of 383.33 (−85.00); Q3: 230.00 instead of
    // 383.33 (−153.33); Q4: 227.50 instead of 379.17 (−151.67).
    expect(a).toMatchObject({ differenceFen: -39_000, differentQuarters: [2, 3, 4], missingQuarters: [] });
    expect(r.loans[0]!.loanId).toBe(w.a.id); // the loan with a difference first
    expect(r.quarters.filter((q) => q.bankId === w.ctx.bank.id).map((q) => q.differenceFen)).toEqual([
      0, -8_500, -15_333, -15_167,
    ]);
    expect(r.totals).toMatchObject({ differenceFen: -39_000, loansWithDifference: 1, missingQuarters: 0 });
    // Each quarter's claim split by largest remainder (383.33 → 191.67 + 191.66), against the recomputation's.
    expect(r.levels.map((l) => l.differenceFen)).toEqual([0, -19_501, 0, -19_499]);
  });

  it("a quarter without a claim (and one still a draft) is flagged; its subsidy is the difference", async () => {
    const w = await world();
    for (const q of [1, 2, 3, 4]) await w.claim(w.ctx.bank.id, q, "PAID");
    await w.claim(w.bank2.id, 1, "PAID");
    await w.claim(w.bank2.id, 2, "PAID");
    await w.claim(w.bank2.id, 4, "DRAFT"); // generated, never submitted
    const r = (await w.view()).result!;
    const q = (quarter: number) => r.quarters.find((x) => x.bankId === w.bank2.id && x.quarter === quarter)!;
    // 30,000 × 3.00% × 92 / 360 = 230.00; × 91 / 360 = 227.50
    expect(q(3)).toMatchObject({
      claimId: null,
      status: null,
      missing: true,
      claimedFen: 0,
      recomputedFen: 23_000,
    });
    expect(q(4)).toMatchObject({ status: "DRAFT", counted: false, missing: true, recomputedFen: 22_750 });
    expect(r.loans.find((l) => l.loanId === w.b.id)).toMatchObject({
      missingQuarters: [3, 4],
      differenceFen: 45_750,
    });
    expect(r.totals).toMatchObject({ differenceFen: 45_750, missingQuarters: 2, loansWithDifference: 1 });
    expect(r.levels.map((l) => l.differenceFen)).toEqual([0, 22_875, 0, 22_875]);
    // The other bank alone agrees.
    expect((await w.view(w.staff, { bankId: w.ctx.bank.id })).result!.totals.differenceFen).toBe(0);
  });

  it("nothing about other counties: refused (and audited) for another county's user; a city chooses among its own", async () => {
    const w = await world();
    for (const q of [1, 2]) await w.claim(w.ctx.bank.id, q, "PAID");
    const dx = await makeUser("COUNTY_STAFF", "431124");
    expect((await refusal(w.view(dx, { county: "620123" }))).kind).toBe("NOT_FOUND");
    expect(
      await db.auditEvent.count({ where: { action: "claim.settlement", outcome: "DENIED", userId: dx.id } }),
    ).toBe(1);
    // Without a county: her own, where nothing of 榆中县 appears.
    const own = await w.view(dx);
    expect(own.county?.code).toBe("431124");
    expect(own.result!.loans).toEqual([]);
    expect(own.banks).toEqual([]);
    // A city official of 兰州市 chooses one of her counties; one of 永州市 is refused.
    const city = await makeUser("CITY_OFFICIAL", "620100");
    const choose = await w.view(city);
    expect(choose.county).toBeNull();
    expect(choose.counties.map((c) => c.code)).toEqual(["620121", "620123"]);
    expect((await w.view(city, { county: "620123" })).result!.totals.claimedTotalFen).toBeGreaterThan(0);
    const yz = await makeUser("CITY_OFFICIAL", "431100");
    expect((await refusal(w.view(yz, { county: "620123" }))).kind).toBe("NOT_FOUND");
    expect((await refusal(w.view(await makeUser("ADMIN", "000000"), { county: "620123" }))).kind).toBe(
      "FORBIDDEN",
    );
    const bad = await refusal(w.view(w.staff, { year: "20x6" }));
    expect([bad.kind, bad.message, bad.fieldErrors?.year]).toEqual(["INVALID", "年份不正确", ["年份不正确"]]);
    // Printing the sheet is audited; reading it changes nothing.
    const before = await db.subsidyClaim.findMany({ orderBy: { id: "asc" } });
    await annualSettlementView(w.approver, { year: 2026 }, { print: true, today: TODAY });
    expect(await db.subsidyClaim.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    expect(
      await db.auditEvent.count({
        where: { action: "claim.settlement.print", outcome: "OK", countyCode: "620123" },
      }),
    ).toBe(1);
  });
});

describe("the steps of a claim and their deadlines", () => {
  beforeEach(resetDatabase);

  it("shows each step's date, days taken and the deadline from the claim's policy, and whether it was late", async () => {
    const w = await world();
    await db.policyVersion.update({
      where: { id: w.ctx.policy.id },
      data: { claimSubmitDays: 7, claimApproveDays: 3, claimPayDays: 15 },
    });
    const c = await w.claim(w.ctx.bank.id, 2, "DRAFT"); // settlement date 2026-06-20
    // (The claim is generated in this test's present; the dates of a real quarter are set as they would be.)
    await db.subsidyClaim.update({
      where: { id: c.id },
      data: { createdAt: new Date("2026-06-22T02:00:00Z") },
    });
    let steps = (await getClaim(w.staff, c.id, "2026-06-25")).steps;
    expect(steps.deadlines).toEqual({ claimSubmitDays: 7, claimApproveDays: 3, claimPayDays: 15 });
    expect(steps.steps.map((s) => [s.step, s.date, s.days, s.deadline, s.state])).toEqual([
      ["GENERATED", "2026-06-22", 2, null, "DONE"],
      ["SUBMITTED", null, 3, "2026-06-27", "PENDING"],
      ["APPROVED", null, null, null, "WAITING"],
      ["PAID", null, null, null, "WAITING"],
    ]);
    steps = (await getClaim(w.staff, c.id, "2026-07-01")).steps;
    expect([steps.steps[1]!.state, steps.steps[1]!.daysLate, steps.late]).toEqual(["OVERDUE", 4, true]);
    // The clerk's home page lists it (the submission is hers); the approver's does not; other counties see nothing.
    const late = (await homeSections(w.staff, "2026-07-01")).find((x) => x.key === "lateClaims");
    expect(late).toMatchObject({ count: 1, items: [{ tag: "SUBMITTED", href: `/claims/${c.id}` }] });
    expect(late!.items[0]!.facts).toEqual({ deadline: "2026-06-27", days: 4 });
    expect((await homeSections(w.approver, "2026-07-01")).map((x) => x.key)).not.toContain("lateClaims");
    expect((await homeSections(w.staff, "2026-06-25")).map((x) => x.key)).not.toContain("lateClaims");
    expect(await lateClaims(await makeUser("COUNTY_STAFF", "431124"), "2026-07-01")).toEqual([]);

    const started = Date.now();
    await transitionClaim(w.staff, { claimId: c.id, action: "SUBMIT", version: 1 }, TODAY);
    const submitted = await db.subsidyClaim.findUniqueOrThrow({ where: { id: c.id } });
    expect(submitted.submittedAt!.getTime()).toBeGreaterThanOrEqual(started - 1000); // kept on submission
    await db.subsidyClaim.update({
      where: { id: c.id },
      data: { submittedAt: new Date("2026-06-26T10:30:00Z") },
    });
    // Waiting for approval past its deadline (29 June): now it is the approver's.
    expect(await lateClaims(w.approver, "2026-07-01")).toMatchObject([
      { id: c.id, step: "APPROVED", daysLate: 2 },
    ]);
    expect(await lateClaims(w.staff, "2026-07-01")).toEqual([]);
    await transitionClaim(w.approver, { claimId: c.id, action: "APPROVE", version: 2 }, TODAY);
    await transitionClaim(
      w.staff,
      { claimId: c.id, action: "PAY", payee: "BANK", paidDate: "2026-07-20", version: 3 },
      TODAY,
    );
    // Submitted 26 June 18:30 Beijing time, approved 2 July 09:00 Beijing time.
    await db.subsidyClaim.update({
      where: { id: c.id },
      data: { submittedAt: new Date("2026-06-26T10:30:00Z"), decidedAt: new Date("2026-07-02T01:00:00Z") },
    });
    steps = (await getClaim(w.staff, c.id, TODAY)).steps;
    expect(await lateClaims(w.approver, "2026-07-01")).toEqual([]); // paid: nothing waits
    expect(steps.steps.map((s) => [s.step, s.date, s.days, s.deadline, s.state, s.daysLate])).toEqual([
      ["GENERATED", "2026-06-22", 2, null, "DONE", 0],
      ["SUBMITTED", "2026-06-26", 4, "2026-06-27", "ON_TIME", 0],
      ["APPROVED", "2026-07-02", 6, "2026-06-29", "LATE", 3],
      ["PAID", "2026-07-20", 18, "2026-07-17", "LATE", 3],
    ]);
    expect(steps.late).toBe(true);
  });

  it("the deadlines are policy settings: set in the policy form, empty keeps the defaults, nonsense refused", async () => {
    const { programme } = await seedProgrammeAndPolicy();
    await seedRegions();
    const admin = await makeUser("ADMIN", "000000");
    const form = (o: Record<string, unknown>) => ({
      programmeId: String(programme.id),
      regionCode: "620123",
      name: "榆中县2027政策",
      validFrom: "2027-01-01",
      validTo: "",
      maxPrincipal: "300000",
      maxTermMonths: "36",
      rateRule: "LPR_1Y_PLUS_SPREAD",
      rateCapSpread: "3.00",
      subsidyMode: "LPR_MINUS_SPREAD",
      borrowerSpread: "1.50",
      subsidyShare: "100",
      shareCentral: "0",
      shareProvincial: "50",
      shareCity: "0",
      shareCounty: "50",
      dayCountBasis: "360",
      leverageCap: "10",
      compensationShare: "80",
      ...o,
    });
    await createPolicyVersion(
      admin,
      form({ claimSubmitDays: "7", claimApproveDays: "3", claimPayDays: "15" }),
    );
    await createPolicyVersion(admin, form({ regionCode: "620121" }));
    const stored = await db.policyVersion.findMany({
      where: { regionCode: { in: ["620123", "620121"] } },
      orderBy: { regionCode: "desc" },
    });
    expect(stored.map((p) => [p.claimSubmitDays, p.claimApproveDays, p.claimPayDays])).toEqual([
      [7, 3, 15],
      [10, 5, 20],
    ]);
    for (const [field, value] of [
      ["claimSubmitDays", "0"],
      ["claimApproveDays", "2.5"],
      ["claimPayDays", "400"],
    ] as const)
      expect(
        (
          await refusal(createPolicyVersion(admin, form({ regionCode: "431124", [field]: value })))
        ).fieldErrors?.[field]?.join(),
      ).toMatch(/期限/);
  });
});
