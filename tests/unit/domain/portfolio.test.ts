import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  bucketOf,
  daysPastDue,
  formatRate,
  maturityRepaymentRate,
  nplRatio,
  onTimeRate,
  overdueAmount,
  overdueRatio,
  par,
  type InstalmentState,
} from "@/domain";

const YI = 10_000_000_000; // 1亿 in fen

describe("到期还款率 (maturity repayment rate)", () => {
  it("Lanzhou 2015: 5.62亿 recovered of 5.66亿 due → 99.29%", () => {
    const loans = [
      { maturityDate: "2015-03-20", principalFen: 3 * YI, recoveredFen: 3 * YI },
      { maturityDate: "2015-11-30", principalFen: 2.66 * YI, recoveredFen: 2.62 * YI },
      { maturityDate: "2016-01-05", principalFen: 1 * YI, recoveredFen: 0 }, // outside the window
    ];
    const rate = maturityRepaymentRate(loans, { from: "2015-01-01", to: "2015-12-31" });
    expect(rate).toBeCloseTo(5.62 / 5.66, 12);
    expect(formatRate(rate)).toBe("99.29%");
  });
  it("no loan matured in the window → no data, not 0% or 100%", () => {
    expect(
      maturityRepaymentRate([{ maturityDate: "2016-01-05", principalFen: 100, recoveredFen: 0 }], {
        from: "2015-01-01",
        to: "2015-12-31",
      }),
    ).toBeNull();
    expect(formatRate(null)).toBe("无数据");
  });
});

describe("delinquency", () => {
  const inst = (dueDate: string, due: number, paid: number): InstalmentState => ({
    dueDate,
    principalDueFen: due,
    interestDueFen: 0,
    principalPaidFen: paid,
    interestPaidFen: 0,
  });
  it("counts from the oldest instalment still unpaid", () => {
    const s = [inst("2025-03-20", 100, 100), inst("2025-06-20", 100, 50), inst("2025-09-20", 100, 0)];
    expect(daysPastDue(s, "2025-06-20")).toBe(0); // due today is not yet past due
    expect(daysPastDue(s, "2025-06-21")).toBe(1);
    expect(daysPastDue(s, "2025-10-01")).toBe(103);
    expect(overdueAmount(s, "2025-10-01")).toEqual({ principalFen: 150, interestFen: 0 });
  });
  it.each([
    [0, "CURRENT"],
    [1, "D1_30"],
    [30, "D1_30"],
    [31, "D31_90"],
    [90, "D31_90"],
    [91, "D91_180"],
    [180, "D91_180"],
    [181, "D180_PLUS"],
  ])("%i days → %s", (d, b) => expect(bucketOf(d)).toBe(b));
});

describe("balance-based ratios", () => {
  const loans = [
    { outstandingFen: 600, daysPastDue: 0 },
    { outstandingFen: 200, daysPastDue: 15 },
    { outstandingFen: 100, daysPastDue: 45 },
    { outstandingFen: 100, daysPastDue: 200 },
  ];
  it("逾期率, PAR30, PAR90, 不良率 use balances, not counts", () => {
    expect(overdueRatio(loans)).toBe(0.4);
    expect(par(loans, 30)).toBe(0.2);
    expect(par(loans, 90)).toBe(0.1);
    expect(nplRatio(loans)).toBe(0.1);
    expect(par([], 30)).toBeNull();
  });
  it("按时还款率 counts what was paid by the due date", () => {
    const r = onTimeRate(
      [
        { dueDate: "2025-03-20", dueFen: 1000, paidByDueDateFen: 1000 },
        { dueDate: "2025-06-20", dueFen: 1000, paidByDueDateFen: 400 },
        { dueDate: "2025-09-20", dueFen: 1000, paidByDueDateFen: 0 }, // outside the window
      ],
      { from: "2025-01-01", to: "2025-06-30" },
    );
    expect(r).toBe(0.7);
  });
  it("property: every ratio is in [0, 1] or null, and PAR90 ≤ PAR30 ≤ 逾期率", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            outstandingFen: fc.integer({ min: 0, max: 1e9 }),
            daysPastDue: fc.integer({ min: 0, max: 400 }),
          }),
        ),
        (ls) => {
          const o = overdueRatio(ls);
          const p30 = par(ls, 30);
          const p90 = par(ls, 90);
          for (const r of [o, p30, p90]) if (r !== null) expect(r >= 0 && r <= 1).toBe(true);
          if (o !== null && p30 !== null && p90 !== null) {
            expect(p90).toBeLessThanOrEqual(p30);
            expect(p30).toBeLessThanOrEqual(o);
          }
        },
      ),
    );
  });
});
