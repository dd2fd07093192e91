import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { fenToYuan, yuanToFen } from "@/domain";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { decideCompensation, depositToFund, requestCompensation } from "@/server/services/fund";
import { postRepayment, reverseRepayment } from "@/server/services/lifecycle";
import { resetDatabase } from "../support/db";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
} from "../support/factories";
import { fundInvariant } from "../support/fund-invariant";

const T = "2026-11-23";

/** Two overdue loans of 100,000.00 (due 2026-01-10) and an empty fund in 榆中县. */
async function world() {
  await resetDatabase();
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
  const loans = [];
  for (let i = 0; i < 2; i++) {
    const b = await makeBorrower("620123101201", staff.id, `借款人${i}`);
    loans.push(await makeLoan({ borrower: b, ctx, makerId: staff.id, principalFen: 10_000_000 }));
  }
  return { staff, approver, fund, loans };
}

type Op =
  | { op: "deposit"; fen: number }
  | { op: "claim"; loan: number }
  | { op: "approve"; loan: number }
  | { op: "pay"; loan: number }
  | { op: "compensate"; loan: number }
  | { op: "post"; loan: number; permille: number; day: number }
  | { op: "payoff"; loan: number }
  | { op: "reverse"; loan: number; pick: number };

const loanIx = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("deposit" as const), fen: fc.integer({ min: 1, max: 20_000_000 }) }),
  { arbitrary: fc.record({ op: fc.constant("claim" as const), loan: loanIx }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("approve" as const), loan: loanIx }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("pay" as const), loan: loanIx }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("compensate" as const), loan: loanIx }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant("post" as const),
      loan: loanIx,
      permille: fc.integer({ min: 0, max: 1000 }),
      day: fc.integer({ min: 1, max: 20 }),
    }),
    weight: 4,
  },
  fc.record({ op: fc.constant("payoff" as const), loan: loanIx }),
  { arbitrary: fc.record({ op: fc.constant("reverse" as const), loan: loanIx, pick: fc.nat() }), weight: 4 },
);
// Every sequence starts with a deposit that covers one payout, so claims can be paid and recovered.
const opening: Op = { op: "deposit", fen: 10_000_000 };

describe("the fund equals its rules over random sequences", () => {
  beforeEach(resetDatabase);

  it("deposits, claims, payouts, recoveries and reversals in any order: ledger = deposits − payouts + the fund's share of the journal", async () => {
    let n = 0;
    let refusals = 0;
    let givenBack = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 30 }), async (ops) => {
        const w = await world();
        for (const o of [opening, ...ops]) {
          try {
            await run(w, o, `${++n}`);
          } catch (e) {
            // Refusals the rules call for (not eligible, fund too small, nothing to reverse, loan closed …).
            if (!(e instanceof AppError)) throw e;
            refusals++;
          }
          for (const f of await fundInvariant((text) => db.$queryRawUnsafe(text))) {
            expect(f.claimsOff, JSON.stringify(ops)).toEqual([]);
            expect(f.ledgerFen, JSON.stringify(ops)).toBe(f.expectedFen);
            expect(f.ledgerFen).toBeGreaterThanOrEqual(0);
          }
        }
        givenBack += await db.fundLedgerEntry.count({ where: { kind: "RECOVERY", amount: { lt: 0 } } });
      }),
      { numRuns: 12, endOnFailure: true, seed: 20261123 },
    );
    expect(refusals).toBeGreaterThan(0);
    // The sequences did reach the interesting states.
    expect(n).toBeGreaterThan(100);
    expect(givenBack).toBeGreaterThan(0); // recoveries were reversed
  }, 300_000);
});

async function run(w: Awaited<ReturnType<typeof world>>, o: Op, k: string) {
  const loan = w.loans["loan" in o ? o.loan : 0]!;
  const claim = () => db.compensationClaim.findFirst({ where: { loanId: loan.id }, orderBy: { id: "desc" } });
  switch (o.op) {
    case "deposit":
      return depositToFund(
        w.staff,
        {
          fundId: w.fund.id,
          fundingLevel: "COUNTY",
          amount: fenToYuan(o.fen),
          valueDate: "2026-01-15",
          idempotencyKey: `dep-${k.padStart(8, "0")}`,
        },
        T,
      );
    case "claim":
      return requestCompensation(w.staff, { loanId: loan.id }, T);
    case "compensate": {
      // claim, approval and payout in a row
      const c = await requestCompensation(w.staff, { loanId: loan.id }, T);
      await decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: 1 }, T);
      return decideCompensation(w.staff, { claimId: c.id, action: "PAY", version: 2 }, T);
    }
    case "approve": {
      const c = await claim();
      if (!c) return;
      return decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: c.version }, T);
    }
    case "pay": {
      const c = await claim();
      if (!c) return;
      return decideCompensation(w.staff, { claimId: c.id, action: "PAY", version: c.version }, T);
    }
    case "post":
    case "payoff": {
      // payoff: all principal and interest still owed, which closes the loan.
      const l = await db.loan.findUniqueOrThrow({ where: { id: loan.id }, include: { instalments: true } });
      const outstanding = yuanToFen(l.principal!.toFixed(2)) - yuanToFen(l.principalRepaid.toFixed(2));
      const interest = l.instalments.reduce(
        (s, i) => s + yuanToFen(i.interestDue.toFixed(2)) - yuanToFen(i.interestPaid.toFixed(2)),
        0,
      );
      const fen =
        o.op === "payoff" ? outstanding : Math.max(1, Math.floor((outstanding * o.permille) / 1000));
      return postRepayment(
        w.staff,
        {
          loanId: loan.id,
          valueDate: o.op === "payoff" ? "2026-11-20" : `2026-11-${String(o.day).padStart(2, "0")}`,
          principal: fenToYuan(fen),
          interest: o.op === "payoff" ? fenToYuan(interest) : "0",
          idempotencyKey: `post-${k.padStart(8, "0")}`,
        },
        T,
      );
    }
    case "reverse": {
      const entries = await db.repaymentEntry.findMany({
        where: { loanId: loan.id },
        orderBy: { id: "asc" },
      });
      const reversed = new Set(entries.map((e) => e.reversesId));
      const live = entries.filter((e) => e.kind === "REPAYMENT" && !reversed.has(e.id));
      const e = live[o.pick % Math.max(1, live.length)];
      if (!e) return;
      return reverseRepayment(w.staff, {
        entryId: e.id,
        reason: "随机冲正",
        idempotencyKey: `rev-${k.padStart(8, "0")}`,
      });
    }
  }
}
