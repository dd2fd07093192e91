import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { benefitSchedule, benefitStandings, benefitStatus, DomainError, RULE_DEFAULTS } from "@/domain";

/** 分贷统还 (DOMAIN §18): at least 10% of the household's credit a year for 3 years; 1万 → 1,000 元 a year. */
const RULE = { shareBp: RULE_DEFAULTS.orgBenefitShareBp, years: RULE_DEFAULTS.orgBenefitYears };

describe("benefitSchedule", () => {
  it("DOMAIN §18's example: a 1万 loan gives 1,000 元 a year for 3 years, on the disbursement's anniversaries", () => {
    expect(benefitSchedule([{ principalFen: 1_000_000, disbursedDate: "2023-03-15" }], RULE)).toEqual([
      { year: 1, dueDate: "2024-03-15", creditFen: 1_000_000, dueFen: 100_000 },
      { year: 2, dueDate: "2025-03-15", creditFen: 1_000_000, dueFen: 100_000 },
      { year: 3, dueDate: "2026-03-15", creditFen: 1_000_000, dueFen: 100_000 },
    ]);
  });

  it.each([
    // credit (fen), share (bp), due (fen): half-up on the exact value
    [1_000_005, 1_000, 100_001], // 100000.5 → 100001
    [1_000_004, 1_000, 100_000], // 100000.4 → 100000
    [3_333_333, 1_250, 416_667], // 416666.625 → 416667
    [5_000_000, 0, 0],
  ])("credit %i fen at %i bp → %i fen a year", (creditFen, shareBp, dueFen) => {
    const [y] = benefitSchedule([{ principalFen: creditFen, disbursedDate: "2024-01-10" }], {
      shareBp,
      years: 1,
    });
    expect(y!.dueFen).toBe(dueFen);
  });

  it("sums the household's loans and counts the years from the first disbursement; a 29 February falls back", () => {
    const s = benefitSchedule(
      [
        { principalFen: 3_000_000, disbursedDate: "2024-06-01" },
        { principalFen: 2_000_000, disbursedDate: "2024-02-29" },
      ],
      { shareBp: 1_500, years: 2 },
    );
    expect(s).toEqual([
      { year: 1, dueDate: "2025-02-28", creditFen: 5_000_000, dueFen: 750_000 },
      { year: 2, dueDate: "2026-02-28", creditFen: 5_000_000, dueFen: 750_000 },
    ]);
  });

  it("no loans, no schedule; a share or years outside the rule's range is refused", () => {
    expect(benefitSchedule([], RULE)).toEqual([]);
    const one = [{ principalFen: 100, disbursedDate: "2024-01-01" }];
    expect(() => benefitSchedule(one, { shareBp: 10_001, years: 3 })).toThrow(DomainError);
    expect(() => benefitSchedule(one, { shareBp: 1_000, years: 0 })).toThrow(DomainError);
    expect(() => benefitSchedule([{ principalFen: 1.5, disbursedDate: "2024-01-01" }], RULE)).toThrow(
      DomainError,
    );
  });

  it("every year is due the same amount, within half a fen of credit × share (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30_000_000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10 }),
        (principals, shareBp, years) => {
          const s = benefitSchedule(
            principals.map((p, i) => ({ principalFen: p, disbursedDate: `202${i}-05-31` })),
            { shareBp, years },
          );
          const credit = principals.reduce((a, b) => a + b, 0);
          expect(s).toHaveLength(years);
          expect(s[0]!.dueDate).toBe("2021-05-31");
          for (const y of s) {
            expect(y.creditFen).toBe(credit);
            expect(Math.abs(y.dueFen * 10_000 - credit * shareBp)).toBeLessThanOrEqual(5_000);
          }
        },
      ),
    );
  });
});

describe("benefitStatus and benefitStandings", () => {
  const due = { dueDate: "2025-03-15", dueFen: 100_000 };
  it("a year is missed only after its due date, when less than due was paid for it", () => {
    expect(benefitStatus(due, 0, "2025-03-15")).toBe("OPEN"); // the due date itself: still open
    expect(benefitStatus(due, 0, "2025-03-16")).toBe("MISSED");
    expect(benefitStatus(due, 99_999, "2026-01-01")).toBe("MISSED");
    expect(benefitStatus(due, 100_000, "2026-01-01")).toBe("PAID");
    expect(benefitStatus(due, 120_000, "2024-01-01")).toBe("PAID"); // paid early, and more than the least
  });

  it("adds up each year's payments and what is short", () => {
    const s = benefitSchedule([{ principalFen: 1_000_000, disbursedDate: "2023-03-15" }], RULE);
    const st = benefitStandings(
      s,
      [
        { year: 1, amountFen: 60_000 },
        { year: 1, amountFen: 40_000 },
        { year: 2, amountFen: 50_000 },
      ],
      "2025-11-20",
    );
    expect(st.map((y) => [y.year, y.paidFen, y.shortFen, y.status])).toEqual([
      [1, 100_000, 0, "PAID"],
      [2, 50_000, 50_000, "MISSED"],
      [3, 0, 100_000, "OPEN"],
    ]);
  });
});
