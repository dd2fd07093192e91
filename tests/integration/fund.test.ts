import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import {
  applyForLoan,
  decideApplication,
  disburseLoan,
  postRepayment,
  reverseRepayment,
} from "@/server/services/lifecycle";
import {
  createFund,
  decideCompensation,
  depositToFund,
  listFunds,
  requestCompensation,
} from "@/server/services/fund";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
  SURVEY,
} from "../support/factories";
import { resetDatabase, sql } from "../support/db";
import { fundInvariant } from "../support/fund-invariant";
import { refusal } from "../support/refusal";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const borrower = await makeBorrower("620123101201", staff.id);
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
    "2026-11-23",
  );
  await decideApplication(approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
  await disburseLoan(
    staff,
    {
      loanId: loan.id,
      contractNo: "HT-1",
      disbursedDate: "2026-03-22",
      amount: "100000",
      contractRate: "5.15",
      version: 2,
    },
    "2026-11-23",
  );
  // The fund is set up after the loan was disbursed: an empty fund at disbursement would refuse the loan under
  // the leverage cap (DOMAIN §14, tests/integration/rules.test.ts).
  const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
  return { ctx, staff, approver, fund, loan };
}

const T = "2026-11-23";
const balance = async (fundId: number) =>
  (await listFunds(await makeUser("COUNTY_STAFF", "620123"), T)).find((f) => f.id === fundId)!.balanceFen;

/** The world's loan compensated: 1,000,000.00 deposited, 80% of the 100,000.00 unpaid paid out. */
async function compensated(w: Awaited<ReturnType<typeof world>>) {
  await depositToFund(
    w.staff,
    {
      fundId: w.fund.id,
      fundingLevel: "COUNTY",
      amount: "1000000",
      valueDate: "2026-01-15",
      idempotencyKey: "dep-big-0001",
    },
    T,
  );
  const c = await requestCompensation(w.staff, { loanId: w.loan.id }, T);
  await decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: 1 }, T);
  await decideCompensation(w.staff, { claimId: c.id, action: "PAY", paidDate: T, version: 2 }, T);
  return c;
}

describe("risk compensation fund", () => {
  beforeEach(resetDatabase);

  it("deposits by level once per key, and shows the position (balance, coverage, leverage, headroom)", async () => {
    const w = await world();
    const dep = {
      fundId: w.fund.id,
      fundingLevel: "COUNTY",
      amount: "10000",
      valueDate: "2026-01-15",
      idempotencyKey: "dep-00000001",
    };
    expect(await depositToFund(w.staff, dep, "2026-11-23")).toEqual({ duplicate: false });
    expect(await depositToFund(w.staff, dep, "2026-11-23")).toEqual({ duplicate: true });
    await depositToFund(
      w.staff,
      { ...dep, fundingLevel: "PROVINCIAL", idempotencyKey: "dep-00000002" },
      "2026-11-23",
    );
    const [f] = await listFunds(w.staff, "2026-11-23");
    expect(f).toMatchObject({ balanceFen: 2_000_000, outstandingFen: 10_000_000, leverageCap: 10 });
    // 100,000 outstanding on a 20,000 fund: 5× leverage, within a 10× cap, headroom 100,000
    expect(f!.position).toMatchObject({
      leverage: 5,
      coverage: 0.2,
      headroomFen: 10_000_000,
      overCap: false,
    });
    expect(
      (await refusal(depositToFund(w.approver, { ...dep, idempotencyKey: "dep-00000003" }, "2026-11-23")))
        .kind,
    ).toBe("FORBIDDEN");
  });

  it("a loan 90+ days past due gets a compensation claim; approved by another person and paid, it moves the fund balance", async () => {
    const w = await world();
    await depositToFund(
      w.staff,
      {
        fundId: w.fund.id,
        fundingLevel: "COUNTY",
        amount: "1000000",
        valueDate: "2026-01-15",
        idempotencyKey: "dep-big-0001",
      },
      "2026-11-23",
    );
    expect(
      (await refusal(requestCompensation(w.staff, { loanId: w.loan.id }, "2026-08-01"))).message,
    ).toMatch(/逾期天数未达到/); // 42 days
    const c = await requestCompensation(w.staff, { loanId: w.loan.id }, "2026-11-23");
    expect(c).toMatchObject({ amountFen: 8_000_000, daysPastDue: 156 }); // 80% of 100,000 unpaid; due 20 Jun
    expect((await refusal(requestCompensation(w.staff, { loanId: w.loan.id }, "2026-11-23"))).kind).toBe(
      "CONFLICT",
    );
    expect(
      (
        await refusal(
          decideCompensation(w.staff, { claimId: c.id, action: "APPROVE", version: 1 }, "2026-11-23"),
        )
      ).kind,
    ).toBe("FORBIDDEN");
    await decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: 1 }, "2026-11-23");
    await decideCompensation(
      w.staff,
      { claimId: c.id, action: "PAY", paidDate: "2026-11-23", version: 2 },
      "2026-11-23",
    );
    const [f] = await listFunds(w.staff, "2026-11-23");
    expect(f!.balanceFen).toBe(100_000_000 - 8_000_000);
    expect(f!.ledger[0]).toMatchObject({ kind: "COMPENSATION", amountFen: -8_000_000 });
    expect((await db.loan.findUniqueOrThrow({ where: { id: w.loan.id } })).status).toBe("COMPENSATED");
    expect(
      (await refusal(decideCompensation(w.staff, { claimId: c.id, action: "PAY", version: 3 }, "2026-11-23")))
        .kind,
    ).toBe("CONFLICT");
    // A later recovery of 10,000 flows back to the fund in the proportion it paid (80%).
    await postRepayment(
      w.staff,
      {
        loanId: w.loan.id,
        valueDate: "2026-11-23",
        principal: "10000",
        interest: "0",
        idempotencyKey: "recovery-0001",
      },
      "2026-11-23",
    );
    const [after] = await listFunds(w.staff, "2026-11-23");
    expect(after!.ledger[0]).toMatchObject({ kind: "RECOVERY", amountFen: 800_000 });
    expect(after!.balanceFen).toBe(100_000_000 - 8_000_000 + 800_000);
  });

  it("another county sees and touches nothing of this fund", async () => {
    const w = await world();
    const dx = await makeUser("COUNTY_STAFF", "431124");
    expect(await listFunds(dx, "2026-11-23")).toEqual([]);
    expect(
      (
        await refusal(
          depositToFund(
            dx,
            {
              fundId: w.fund.id,
              fundingLevel: "COUNTY",
              amount: "1",
              valueDate: "2026-01-15",
              idempotencyKey: "dep-dx-00001",
            },
            "2026-11-23",
          ),
        )
      ).kind,
    ).toBe("NOT_FOUND");
    expect((await refusal(requestCompensation(dx, { loanId: w.loan.id }, "2026-11-23"))).kind).toBe(
      "NOT_FOUND",
    );
    expect(await db.fundLedgerEntry.count()).toBe(0);
  });

  it("a county sets up a fund per bank once; officials cannot", async () => {
    const w = await world();
    const bank = await db.bank.findFirstOrThrow();
    await createFund(w.staff, { name: "榆中县农行风险补偿金", bankId: String(bank.id) });
    expect(
      (
        await refusal(createFund(w.staff, { name: "榆中县农行风险补偿金", bankId: String(bank.id) }))
      ).fieldErrors?.bankId?.join(),
    ).toMatch(/已设立/);
    expect(
      (
        await refusal(createFund(w.staff, { name: "榆中县风险补偿金", bankId: "" }))
      ).fieldErrors?.bankId?.join(),
    ).toMatch(/已设立/); // the county-wide one exists
    expect(
      (
        await refusal(
          createFund(await makeUser("CITY_OFFICIAL", "620100"), { name: "兰州市基金", bankId: "" }),
        )
      ).kind,
    ).toBe("FORBIDDEN");
    expect(await db.riskFund.count()).toBe(2);
  });

  it("reversing a recovery takes the fund's share back in the same transaction: fund = deposits − payouts + its share of the journal", async () => {
    const w = await world();
    await compensated(w);
    expect(await balance(w.fund.id)).toBe(100_000_000 - 8_000_000);
    const r = await postRepayment(
      w.staff,
      { loanId: w.loan.id, valueDate: T, principal: "1000", interest: "0", idempotencyKey: "recovery-0001" },
      T,
    );
    expect(await balance(w.fund.id)).toBe(100_000_000 - 8_000_000 + 80_000);
    await reverseRepayment(w.staff, {
      entryId: r.entryId,
      reason: "银行退回",
      idempotencyKey: "rev-rec-0001",
    });
    // The journal nets to 0, and so does the fund's recovery: a compensating entry, the original kept.
    const [journal] = await sql<{ p: string }>(
      `select sum(principal)::text p from "RepaymentEntry" where "loanId" = $1`,
      [w.loan.id],
    );
    expect(journal!.p).toBe("0.00");
    const recoveries = await db.fundLedgerEntry.findMany({
      where: { kind: "RECOVERY" },
      orderBy: { id: "asc" },
    });
    expect(recoveries.map((e) => e.amount.toFixed(2))).toEqual(["800.00", "-800.00"]);
    expect(await balance(w.fund.id)).toBe(100_000_000 - 8_000_000);
    expect(await fundInvariant(sql)).toEqual([
      { fundId: w.fund.id, ledgerFen: 92_000_000, expectedFen: 92_000_000, claimsOff: [], recoveries: 2 },
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "repayment.reverse", outcome: "OK" },
    });
    expect(audit.after).toMatchObject({ fundDeltaFen: -80_000 });
  });

  it("a compensated loan repaid in full and then reversed reopens as compensated, and later recoveries still reach the fund", async () => {
    const w = await world();
    await compensated(w);
    const due = await db.instalment.aggregate({ where: { loanId: w.loan.id }, _sum: { interestDue: true } });
    const full = {
      loanId: w.loan.id,
      valueDate: T,
      principal: "100000",
      interest: due._sum.interestDue!.toFixed(2),
      idempotencyKey: "recovery-full-1",
    };
    const r = await postRepayment(w.staff, full, T);
    expect(r.status).toBe("CLOSED");
    expect(await balance(w.fund.id)).toBe(100_000_000); // everything recovered: the fund got all 80,000 back
    const rev = await reverseRepayment(w.staff, {
      entryId: r.entryId,
      reason: "银行退回",
      idempotencyKey: "rev-full-0001",
    });
    expect(rev.status).toBe("COMPENSATED");
    expect((await db.loan.findUniqueOrThrow({ where: { id: w.loan.id } })).status).toBe("COMPENSATED");
    expect(await balance(w.fund.id)).toBe(92_000_000);
    await postRepayment(
      w.staff,
      { ...full, principal: "50000", interest: "0", idempotencyKey: "recovery-half-1" },
      T,
    );
    expect(await balance(w.fund.id)).toBe(92_000_000 + 4_000_000);
    expect((await fundInvariant(sql))[0]!.claimsOff).toEqual([]);
  });

  it("payouts from one fund are serialised: five claims at once on a fund that covers one, one is paid, the balance never goes below 0", async () => {
    const w = await world();
    await depositToFund(
      w.staff,
      {
        fundId: w.fund.id,
        fundingLevel: "COUNTY",
        amount: "100000",
        valueDate: "2026-01-15",
        idempotencyKey: "dep-small-001",
      },
      T,
    );
    const claims = [];
    for (let i = 0; i < 5; i++) {
      const b = await makeBorrower("620123101201", w.staff.id, `借款人${i}`);
      const loan = await makeLoan({ borrower: b, ctx: w.ctx, makerId: w.staff.id, principalFen: 10_000_000 });
      const c = await requestCompensation(w.staff, { loanId: loan.id }, T);
      expect(c.amountFen).toBe(8_000_000);
      await decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: 1 }, T);
      claims.push(c);
    }
    const results = await Promise.allSettled(
      claims.map((c) =>
        decideCompensation(w.staff, { claimId: c.id, action: "PAY", paidDate: T, version: 2 }, T),
      ),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.length - refused.length).toBe(1);
    for (const r of refused)
      expect(r.reason).toMatchObject({ kind: "INVALID", message: "风险补偿金余额不足" });
    expect(await balance(w.fund.id)).toBe(10_000_000 - 8_000_000);
    expect(await db.compensationClaim.count({ where: { status: "PAID" } })).toBe(1);
    expect(await db.loan.count({ where: { status: "COMPENSATED" } })).toBe(1);
  });
});
