import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { claimLine, claimLineBalanceDays, interestFromBalanceDays, type LoanAccrualFacts } from "@/domain";

const period = { start: "2026-06-21", end: "2026-09-20" }; // 92 days

describe("balance-days (积数) on claim lines", () => {
  it("explains a line that is not principal × rate × days: 30,000.00 at 4.60%, 10,000.00 repaid on 2026-08-01", () => {
    const facts: LoanAccrualFacts = {
      disbursedDate: "2025-09-20",
      principalFen: 3_000_000,
      originalMaturity: "2027-09-20",
      extended: false,
      principalPayments: [{ date: "2026-08-01", amountFen: 1_000_000 }],
      principalDues: [{ dueDate: "2027-09-20", amountFen: 3_000_000 }],
    };
    const line = claimLine({
      facts,
      period,
      mode: "LPR_MINUS_SPREAD",
      basis: 360,
      contractRateBp: 460,
      borrowerRateBp: 150,
      subsidyShareBp: 10_000,
    });
    const b = claimLineBalanceDays(facts, period);
    // 30,000.00 × 41 days (06-21 … 07-31) + 20,000.00 × 51 days (08-01 … 09-20) = 2,250,000.00 元·天.
    expect(b).toEqual({ balanceFenDays: 3_000_000 * 41 + 2_000_000 * 51, excludedFenDays: 0 });
    expect(interestFromBalanceDays(b.balanceFenDays, 460, 360)).toBe(line.interestFen); // 287.50
    expect(line.interestFen).toBe(28_750);
    expect(line.interestFen).not.toBe(Math.round((3_000_000 * 460 * 92) / 3_600_000)); // 352.67 on the original
  });

  it("interest = 积数 × rate ÷ basis, for any payments, dues and extension (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 30_000_000 }),
        fc.integer({ min: 100, max: 1_000 }),
        fc.array(
          fc.record({ day: fc.integer({ min: 0, max: 120 }), part: fc.integer({ min: 1, max: 40 }) }),
          {
            maxLength: 4,
          },
        ),
        fc.boolean(),
        (principalFen, rateBp, pays, extended) => {
          const addDay = (n: number) => new Date(Date.UTC(2026, 5, 1 + n)).toISOString().slice(0, 10);
          let left = principalFen;
          const principalPayments = pays.map((p) => {
            const amountFen = Math.min(left, Math.floor((principalFen * p.part) / 100));
            left -= amountFen;
            return { date: addDay(p.day), amountFen };
          });
          const facts: LoanAccrualFacts = {
            disbursedDate: "2026-01-10",
            principalFen,
            originalMaturity: extended ? "2026-08-10" : "2027-01-10",
            extended,
            principalPayments,
            principalDues: [{ dueDate: "2026-07-20", amountFen: Math.floor(principalFen / 3) }],
          };
          const line = claimLine({
            facts,
            period,
            mode: "FULL",
            basis: 360,
            contractRateBp: rateBp,
            borrowerRateBp: 0,
            subsidyShareBp: 10_000,
          });
          const b = claimLineBalanceDays(facts, period);
          expect(interestFromBalanceDays(b.balanceFenDays, rateBp, 360)).toBe(line.interestFen);
          expect(b.excludedFenDays).toBeLessThanOrEqual(b.balanceFenDays);
          if (line.excludedDays === 0) expect(b.excludedFenDays).toBe(0);
        },
      ),
    );
  });
});
