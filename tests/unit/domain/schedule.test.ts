import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  buildSchedule,
  DomainError,
  REPAYMENT_METHODS,
  settlementPeriod,
  addMonths,
  daysBetween,
} from "@/domain";

describe("buildSchedule (DOMAIN.md §3)", () => {
  it("按季付息到期还本: interest through each 20th of Mar/Jun/Sep/Dec on actual days, principal at maturity", () => {
    const s = buildSchedule({
      principalFen: 5_000_000,
      rateBp: 435,
      startDate: "2025-01-10",
      termMonths: 12,
      method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
      basis: 360,
    });
    expect(s.map((l) => l.dueDate)).toEqual([
      "2025-03-20",
      "2025-06-20",
      "2025-09-20",
      "2025-12-20",
      "2026-01-10",
    ]);
    // 10 Jan–20 Mar inclusive = 70 days; then 21st–20th periods as the subsidy claims use; 21 Dec–9 Jan = 20
    expect(s.map((l) => l.days)).toEqual([70, 92, 92, 91, 20]);
    expect(s.map((l) => l.periodStart)).toEqual([
      "2025-01-10",
      "2025-03-21",
      "2025-06-21",
      "2025-09-21",
      "2025-12-21",
    ]);
    // 50,000.00 × 4.35% × 70 / 360 = 422.9166… → 422.92
    expect(s[0]!.interestFen).toBe(42_292);
    expect(s.map((l) => l.principalFen)).toEqual([0, 0, 0, 0, 5_000_000]);
    expect(s.reduce((a, l) => a + l.days, 0)).toBe(365);
  });

  it("a loan disbursed and due in the same quarter has one instalment", () => {
    const s = buildSchedule({
      principalFen: 2_000_000,
      rateBp: 400,
      startDate: "2025-04-01",
      termMonths: 2,
      method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
      basis: 360,
    });
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ dueDate: "2025-06-01", days: 61, principalFen: 2_000_000 });
  });

  it("a settlement date the day before maturity does not leave an empty last period", () => {
    const s = buildSchedule({
      principalFen: 2_000_000,
      rateBp: 400,
      startDate: "2025-03-21",
      termMonths: 3,
      method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
      basis: 360,
    });
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ dueDate: "2025-06-21", days: 92 });
  });

  it("the quarterly periods of a schedule are the subsidy settlement periods", () => {
    const s = buildSchedule({
      principalFen: 10_000_000,
      rateBp: 515,
      startDate: "2024-12-21",
      termMonths: 12,
      method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
      basis: 360,
    });
    const q1 = settlementPeriod({ year: 2025, quarter: 1 });
    expect([s[0]!.periodStart, s[0]!.dueDate]).toEqual([q1.start, q1.end]);
    expect(s[0]!.days).toBe(daysBetween(q1.start, q1.end) + 1);
  });

  it("到期一次还本付息 (bullet) across a leap year", () => {
    const s = buildSchedule({
      principalFen: 8_000_000,
      rateBp: 365,
      startDate: "2023-06-30",
      termMonths: 12,
      method: "BULLET",
      basis: 365,
    });
    expect(s).toEqual([
      {
        seq: 1,
        periodStart: "2023-06-30",
        dueDate: "2024-06-30",
        days: 366,
        principalFen: 8_000_000,
        interestFen: 292_800,
        balanceAfterFen: 0,
      },
    ]);
  });

  it("monthly dates from the 31st clamp to the month's end without drifting", () => {
    const s = buildSchedule({
      principalFen: 1_200_000,
      rateBp: 480,
      startDate: "2024-01-31",
      termMonths: 4,
      method: "EQUAL_PRINCIPAL",
      basis: 360,
    });
    expect(s.map((l) => l.dueDate)).toEqual(["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]);
    expect(s.map((l) => l.principalFen)).toEqual([300_000, 300_000, 300_000, 300_000]);
    // interest at 4.80%/12 = 0.4% a month on the opening balance
    expect(s.map((l) => l.interestFen)).toEqual([4_800, 3_600, 2_400, 1_200]);
  });

  it("等额本息: equal payments (last absorbs rounding), 100,000 at 4.35% over 12 months → 8,530.99", () => {
    const s = buildSchedule({
      principalFen: 10_000_000,
      rateBp: 435,
      startDate: "2025-03-15",
      termMonths: 12,
      method: "EQUAL_INSTALMENT",
      basis: 360,
    });
    const payments = s.map((l) => l.principalFen + l.interestFen);
    expect(payments.slice(0, 11).every((p) => p === 853_099)).toBe(true);
    expect(Math.abs(payments[11]! - 853_099)).toBeLessThanOrEqual(5);
    expect(s[0]!.interestFen).toBe(36_250); // 100,000 × 0.3625%
    expect(s.at(-1)!.balanceAfterFen).toBe(0);
  });

  it("等额本金 with a principal that does not divide evenly puts the remainder in the last instalment", () => {
    const s = buildSchedule({
      principalFen: 1_000_001,
      rateBp: 0,
      startDate: "2025-01-01",
      termMonths: 3,
      method: "EQUAL_PRINCIPAL",
      basis: 360,
    });
    expect(s.map((l) => l.principalFen)).toEqual([333_333, 333_333, 333_335]);
  });

  it.each([
    [
      {
        principalFen: -5,
        rateBp: 400,
        startDate: "2025-01-01",
        termMonths: 12,
        method: "BULLET",
        basis: 360,
      },
      "NEGATIVE_AMOUNT",
    ],
    [
      {
        principalFen: 500,
        rateBp: 10_500,
        startDate: "2025-01-01",
        termMonths: 12,
        method: "BULLET",
        basis: 360,
      },
      "BAD_RATE",
    ],
    [
      {
        principalFen: 500,
        rateBp: 400,
        startDate: "2025-02-30",
        termMonths: 12,
        method: "BULLET",
        basis: 360,
      },
      "BAD_DATE",
    ],
    [
      {
        principalFen: 500,
        rateBp: 400,
        startDate: "2025-01-01",
        termMonths: 0,
        method: "BULLET",
        basis: 360,
      },
      "BAD_TERM",
    ],
    [
      {
        principalFen: 500,
        rateBp: 400,
        startDate: "2025-01-01",
        termMonths: 12,
        method: "WEEKLY",
        basis: 360,
      },
      "BAD_METHOD",
    ],
  ])("refuses %o with %s", (input, code) => {
    // @ts-expect-error — deliberately bad method in one row
    const run = () => buildSchedule(input);
    expect(run).toThrow(DomainError);
    try {
      run();
    } catch (e) {
      expect((e as DomainError).code).toBe(code);
    }
  });

  it("property: principal of the instalments sums to the loan; dates increase; balances never negative", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.date({ min: new Date("2016-01-01"), max: new Date("2026-12-31"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(...REPAYMENT_METHODS),
        fc.constantFrom(360, 365),
        (principalFen, rateBp, d, termMonths, method, basis) => {
          const startDate = d.toISOString().slice(0, 10);
          const s = buildSchedule({ principalFen, rateBp, startDate, termMonths, method, basis });
          expect(s.reduce((a, l) => a + l.principalFen, 0)).toBe(principalFen);
          expect(s.at(-1)!.dueDate).toBe(addMonths(startDate, termMonths));
          s.forEach((l, i) => {
            expect(l.balanceAfterFen).toBeGreaterThanOrEqual(0);
            expect(l.principalFen).toBeGreaterThanOrEqual(0);
            expect(l.interestFen).toBeGreaterThanOrEqual(0);
            if (i > 0) expect(l.dueDate > s[i - 1]!.dueDate).toBe(true);
          });
        },
      ),
    );
  });
});

describe("settlementPeriod", () => {
  it("runs from the 21st of the previous quarter's last month to the 20th", () => {
    expect(settlementPeriod({ year: 2025, quarter: 1 })).toEqual({ start: "2024-12-21", end: "2025-03-20" });
    expect(settlementPeriod({ year: 2024, quarter: 1 })).toEqual({ start: "2023-12-21", end: "2024-03-20" });
    expect(daysBetween("2024-12-21", "2025-03-21")).toBe(90);
  });
});
