import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { accrualSegments, claimLine, splitClaimByLevels } from "@/domain";

const facts = {
  disbursedDate: "2026-03-22",
  principalFen: 10_000_000,
  originalMaturity: "2028-03-22",
  extended: false,
  principalPayments: [] as { date: string; amountFen: number }[],
  principalDues: [{ dueDate: "2028-03-22", amountFen: 10_000_000 }],
};

describe("accrual segments of a claim period", () => {
  it("start at disbursement, shrink with principal repaid, exclude overdue principal, extension and voided days", () => {
    expect(accrualSegments(facts, "2026-03-21", "2026-06-21")).toEqual([
      { from: "2026-03-22", to: "2026-06-21", principalFen: 10_000_000 },
    ]);
    const paid = { ...facts, principalPayments: [{ date: "2026-05-01", amountFen: 4_000_000 }] };
    expect(accrualSegments(paid, "2026-03-21", "2026-06-21")).toEqual([
      { from: "2026-03-22", to: "2026-05-01", principalFen: 10_000_000 },
      { from: "2026-05-01", to: "2026-06-21", principalFen: 6_000_000 },
    ]);
    const overdue = { ...paid, principalDues: [{ dueDate: "2026-05-01", amountFen: 10_000_000 }] };
    expect(accrualSegments(overdue, "2026-03-21", "2026-06-21")[1]).toEqual({
      from: "2026-05-01",
      to: "2026-06-21",
      principalFen: 6_000_000,
      excluded: "OVERDUE",
    });
    const extended = { ...facts, originalMaturity: "2026-05-01", extended: true };
    expect(accrualSegments(extended, "2026-03-21", "2026-06-21")[1]).toMatchObject({
      from: "2026-05-01",
      excluded: "EXTENSION",
    });
    const voided = { ...facts, voidedDate: "2026-06-01" };
    expect(accrualSegments(voided, "2026-03-21", "2026-06-21")[1]).toMatchObject({
      from: "2026-06-01",
      excluded: "VOIDED",
    });
    expect(accrualSegments(facts, "2026-01-01", "2026-03-21")).toEqual([]); // before disbursement
  });

  it("a loan disbursed and repaid within one quarter accrues only its own days", () => {
    const short = {
      ...facts,
      disbursedDate: "2026-04-01",
      principalPayments: [{ date: "2026-05-11", amountFen: 10_000_000 }],
      principalDues: [{ dueDate: "2026-05-11", amountFen: 10_000_000 }],
    };
    const res = claimLine({
      facts: short,
      period: { start: "2026-03-21", end: "2026-06-20" },
      mode: "LPR_MINUS_SPREAD",
      basis: 360,
      contractRateBp: 515,
      borrowerRateBp: 215,
      subsidyShareBp: 10_000,
    });
    expect(res).toMatchObject({ days: 40, excludedDays: 0 });
    expect(res.subsidyFen + res.borrowerFen).toBe(res.interestFen);
  });
});

describe("splitClaimByLevels", () => {
  it("splits each set of policy shares and sums by level, to the fen", () => {
    expect(splitClaimByLevels([{ subsidyFen: 75_833, shares: [0, 50, 0, 50] }])).toEqual([
      0, 37_917, 0, 37_916,
    ]);
    expect(
      splitClaimByLevels([
        { subsidyFen: 100, shares: [0, 1, 0, 1] },
        { subsidyFen: 100, shares: [40, 30, 10, 20] },
      ]),
    ).toEqual([40, 80, 10, 70]);
  });
  it("property: the levels add up to the subsidy total", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            subsidyFen: fc.integer({ min: 0, max: 1e9 }),
            shares: fc.constantFrom([0, 50, 0, 50], [40, 30, 10, 20], [0, 30, 20, 50]),
          }),
          { maxLength: 30 },
        ),
        (lines) => {
          const levels = splitClaimByLevels(lines);
          expect(levels.reduce((a, b) => a + b, 0)).toBe(lines.reduce((a, l) => a + l.subsidyFen, 0));
        },
      ),
    );
  });
});
