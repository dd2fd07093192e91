import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import {
  applyForLoan,
  decideApplication,
  decideLoanChange,
  disburseLoan,
  postRepayment,
  requestLoanChange,
} from "@/server/services/lifecycle";
import { generateClaim, getClaim, transitionClaim } from "@/server/services/claims";
import { interestFromBalanceDays } from "@/domain";
import {
  makeBorrower,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
  SURVEY,
} from "../support/factories";
import { resetDatabase } from "../support/db";
import { refusal } from "../support/refusal";

const TODAY = "2026-11-23";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const loanFor = async (name: string, disbursedDate: string) => {
    const borrower = await makeBorrower("620123101201", staff.id, name);
    const loan = await applyForLoan(
      staff,
      {
        borrowerId: borrower.id,
        programmeCode: "WOMEN",
        amount: "100000",
        termMonths: "24",
        method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
        purpose: "扩大养殖",
        industry: "肉牛养殖",
        guaranteeType: "GUARANTEE_FUND",
        bankId: ctx.bank.id,
        applicationDate: "2026-03-01",
        ...SURVEY,
      },
      TODAY,
    );
    await decideApplication(approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
    await disburseLoan(
      staff,
      {
        loanId: loan.id,
        contractNo: `HT-${name}`,
        disbursedDate,
        amount: "100000",
        contractRate: "5.15",
        version: 2,
      },
      TODAY,
    );
    return loan;
  };
  return { ctx, staff, approver, loanFor };
}

describe("quarterly subsidy claims", () => {
  beforeEach(resetDatabase);

  it("a loan on time for the whole 2026 Q2 period gets the DOMAIN.md example: 1,301.81 = 758.33 + 543.48", async () => {
    const w = await world();
    const loan = await w.loanFor("王秀英", "2026-03-22"); // 22 Mar – 20 Jun inclusive = 91 days
    const claim = await generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, TODAY);
    expect(claim).toMatchObject({ lines: 1, interestFen: 130_181, subsidyFen: 75_833, borrowerFen: 54_348 });
    const [line] = await db.subsidyClaimLine.findMany({ where: { claimId: claim.id } });
    expect(line).toMatchObject({
      loanId: loan.id,
      days: 91,
      excludedDays: 0,
      contractRateBp: 515,
      borrowerRateBp: 215,
    });
    // The line's 积数 lets an auditor recompute it: 100,000.00 × 91 days; × 5.15% ÷ 360 = 1,301.81.
    expect(line!.balanceDays!.toFixed(2)).toBe("9100000.00");
    expect(line!.excludedBalanceDays!.toFixed(2)).toBe("0.00");
    expect(interestFromBalanceDays(910_000_000, 515, 360)).toBe(130_181);
    const shown = await getClaim(w.staff, claim.id);
    expect(shown.lines[0]).toMatchObject({ balanceFenDays: 910_000_000, excludedBalanceFenDays: 0 });
    // per-level split 0:50:0:50, adding up to the fen
    const splits = await db.subsidyClaimSplit.findMany({
      where: { claimId: claim.id },
      orderBy: { id: "asc" },
    });
    expect(splits.map((s) => [s.level, s.amount.toFixed(2)])).toEqual([
      ["CENTRAL", "0.00"],
      ["PROVINCIAL", "379.17"],
      ["CITY", "0.00"],
      ["COUNTY", "379.16"],
    ]);
  });

  it("overdue principal earns no subsidy for its overdue days, with the reason on the line", async () => {
    const w = await world();
    const loan = await w.loanFor("李桂兰", "2026-03-22");
    // A fixture moves the principal's due date to 2026-05-01; 40,000 is paid that day, 60,000 stays overdue.
    const last = await db.instalment.findFirstOrThrow({
      where: { loanId: loan.id },
      orderBy: { seq: "desc" },
    });
    await db.instalment.update({
      where: { id: last.id },
      data: { dueDate: new Date("2026-05-01T00:00:00Z") },
    });
    await postRepayment(
      w.staff,
      {
        loanId: loan.id,
        valueDate: "2026-05-01",
        principal: "40000",
        interest: "0",
        idempotencyKey: "claim-part-1",
      },
      TODAY,
    );
    const claim = await generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, TODAY);
    const [line] = await db.subsidyClaimLine.findMany({ where: { claimId: claim.id } });
    expect(line!.days).toBe(91);
    expect(line!.excludedDays).toBe(51); // 1 May – 20 Jun: 60,000 overdue
    expect(line!.excludedReason).toBe("逾期本金不贴息");
    expect(line!.subsidy.lessThan(line!.interest)).toBe(true);
  });

  it("a loan whose subsidy is voided (approved on 1 May) gets none from that day, with the reason on its line", async () => {
    const w = await world();
    const loan = await w.loanFor("赵春燕", "2026-03-22");
    const r = await requestLoanChange(
      w.staff,
      { loanId: loan.id, kind: "VOID", reason: "贷款资金挪作他用" },
      "2026-04-30",
    );
    await decideLoanChange(w.approver, { requestId: r.id, decision: "APPROVE" }, "2026-05-01");
    const claim = await generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, TODAY);
    const [line] = await db.subsidyClaimLine.findMany({ where: { claimId: claim.id } });
    expect(line).toMatchObject({ days: 91, excludedDays: 51, excludedReason: "取消贴息资格" });
    expect(line!.interest.toFixed(2)).toBe("1301.81"); // interest accrues as before; only the subsidy stops
  });

  it("maker-checker: submit, approve by another person, mark paid; totals stay equal to the lines", async () => {
    const w = await world();
    await w.loanFor("王秀英", "2026-03-22");
    await w.loanFor("李桂兰", "2026-04-10");
    const claim = await generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, TODAY);
    expect(claim.lines).toBe(2);
    expect(
      (
        await refusal(
          transitionClaim(w.approver, { claimId: claim.id, action: "APPROVE", version: 1 }, TODAY),
        )
      ).kind,
    ).toBe("CONFLICT"); // not submitted
    await transitionClaim(w.staff, { claimId: claim.id, action: "SUBMIT", version: 1 }, TODAY);
    expect(
      (await refusal(transitionClaim(w.staff, { claimId: claim.id, action: "APPROVE", version: 2 }, TODAY)))
        .kind,
    ).toBe("FORBIDDEN");
    await transitionClaim(w.approver, { claimId: claim.id, action: "APPROVE", version: 2 }, TODAY);
    expect(
      (await refusal(generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, TODAY))).kind,
    ).toBe("CONFLICT");
    await transitionClaim(
      w.staff,
      { claimId: claim.id, action: "PAY", payee: "BANK", paidDate: "2026-07-15", version: 3 },
      TODAY,
    );
    const c = await db.subsidyClaim.findUniqueOrThrow({
      where: { id: claim.id },
      include: { lines: true, splits: true },
    });
    expect(c.status).toBe("PAID");
    const sum = (xs: { toFixed: (n: number) => string }[]) =>
      xs.reduce((s, x) => s + BigInt(x.toFixed(2).replace(".", "")), 0n);
    expect(sum(c.lines.map((l) => l.subsidy))).toBe(BigInt(c.subsidyTotal.toFixed(2).replace(".", "")));
    expect(sum(c.splits.map((l) => l.amount))).toBe(BigInt(c.subsidyTotal.toFixed(2).replace(".", "")));
    expect(sum(c.lines.map((l) => l.interest))).toBe(sum([c.subsidyTotal, c.borrowerTotal]));
  });

  it("refuses a quarter whose settlement date has not passed, and other counties' claims", async () => {
    const w = await world();
    await w.loanFor("王秀英", "2026-03-22");
    expect(
      (
        await refusal(generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 4 }, TODAY))
      ).fieldErrors?.quarter?.join(),
    ).toMatch(/尚未过去/);
    const claim = await generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, TODAY);
    const dx = await makeUser("COUNTY_APPROVER", "431124");
    expect(
      (await refusal(transitionClaim(dx, { claimId: claim.id, action: "APPROVE", version: 1 }, TODAY))).kind,
    ).toBe("NOT_FOUND");
  });
});
