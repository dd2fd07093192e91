import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DomainError,
  interestFen,
  roundHalfUp,
  splitByShares,
  subsidyForPeriod,
  yuanToFen,
  fenToYuan,
  formatWan,
  formatYuan,
} from "@/domain";

describe("interestFen (DOMAIN.md §1)", () => {
  it.each([
    // principal fen, rate bp, days, basis, expected fen
    [10_000_000, 515, 91, 360, 130_181], // the worked example: 1,301.81
    [10_000_000, 515, 91, 365, 128_397], // 468650000000 / 3650000 = 128397.26
    [10_000_000, 515, 0, 360, 0], // zero days
    [5_000_000, 435, 366, 365, 218_096], // leap year: 366 days on a 365 basis → 2180.96
    [1, 1, 1, 360, 0],
    [72_000, 5000, 1, 360, 100], // exactly 100 fen
    [36, 5000, 1, 360, 0], // 0.05 fen rounds down
    [36_000, 50, 1, 360, 1], // exactly 0.5 fen rounds half-up to 1
    [35_999, 50, 1, 360, 0], // 0.49998 fen rounds down
  ])("P=%i r=%ibp d=%i basis=%i → %i fen", (principalFen, rateBp, days, basis, expected) => {
    expect(interestFen({ principalFen, rateBp, days, basis })).toBe(expected);
  });

  it.each([
    [{ principalFen: -1, rateBp: 435, days: 1, basis: 360 }, "NEGATIVE_AMOUNT"],
    [{ principalFen: 1.5, rateBp: 435, days: 1, basis: 360 }, "NOT_INTEGER_FEN"],
    [{ principalFen: 100, rateBp: 10_001, days: 1, basis: 360 }, "BAD_RATE"],
    [{ principalFen: 100, rateBp: 435, days: -1, basis: 360 }, "BAD_DAYS"],
    [{ principalFen: 100, rateBp: 435, days: 1, basis: 366 }, "BAD_BASIS"],
  ])("refuses bad input %o with %s", (args, code) => {
    expect(() => interestFen(args)).toThrow(DomainError);
    try {
      interestFen(args);
    } catch (e) {
      expect((e as DomainError).code).toBe(code);
      expect((e as DomainError).message.length).toBeGreaterThan(10);
    }
  });
});

describe("subsidyForPeriod (2021 rule)", () => {
  it("reproduces the worked example: 1,301.81 = 758.33 + 543.48", () => {
    // LPR 3.65% → borrower pays 2.15%, contract 5.15%
    const r = subsidyForPeriod({
      principalFen: 10_000_000,
      contractRateBp: 515,
      borrowerRateBp: 215,
      days: 91,
      basis: 360,
    });
    expect(r).toEqual({ interestFen: 130_181, subsidyFen: 75_833, borrowerFen: 54_348 });
    // Rounding the borrower share on its own would give 543.47 and the parts would not add up.
    expect(Number(roundHalfUp(10_000_000n * 215n * 91n, 3_600_000n))).toBe(54_347);
  });

  it("refuses a borrower rate above the contract rate", () => {
    expect(() =>
      subsidyForPeriod({ principalFen: 100, contractRateBp: 300, borrowerRateBp: 400, days: 1, basis: 360 }),
    ).toThrow(/cannot exceed/);
  });

  it("property: parts add up and the subsidy never exceeds the interest", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000_000_000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 1200 }),
        fc.constantFrom(360, 365),
        (principalFen, a, b, days, basis) => {
          const contractRateBp = Math.max(a, b);
          const borrowerRateBp = Math.min(a, b);
          const r = subsidyForPeriod({ principalFen, contractRateBp, borrowerRateBp, days, basis });
          expect(r.subsidyFen + r.borrowerFen).toBe(r.interestFen);
          expect(r.subsidyFen).toBeLessThanOrEqual(r.interestFen);
          expect(r.subsidyFen).toBeGreaterThanOrEqual(0);
          expect(r.borrowerFen).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe("splitByShares (largest remainder)", () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]], // tie goes to the earlier share
    [200_000_000, [3, 2, 4, 1], [60_000_000, 40_000_000, 80_000_000, 20_000_000]],
    [75_833, [0, 50, 0, 50], [0, 37_917, 0, 37_916]],
    [1, [1, 2], [0, 1]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [0, [3, 2], [0, 0]],
  ])("%i by %o → %o", (total, shares, expected) => {
    expect(splitByShares(total, shares)).toEqual(expected);
  });

  it("refuses empty, negative or all-zero shares", () => {
    expect(() => splitByShares(10, [])).toThrow(DomainError);
    expect(() => splitByShares(10, [1, -1])).toThrow(/non-negative/);
    expect(() => splitByShares(10, [0, 0])).toThrow(/all be zero/);
  });

  it("property: parts add up exactly and each part is within one fen of its exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }),
        (total, shares) => {
          fc.pre(shares.some((s) => s > 0));
          const parts = splitByShares(total, shares);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = shares.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => expect(Math.abs(p - (total * shares[i]!) / sum)).toBeLessThan(1 + 1e-6));
        },
      ),
    );
  });

  it("property: stable under share order (the same share gets the same part, up to tie-breaking by position)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }),
        (total, shares) => {
          // Distinct shares cannot tie on position, so reversing the order gives each share the same part.
          const forward = splitByShares(total, shares);
          const reversed = splitByShares(total, [...shares].reverse()).reverse();
          const sum = shares.reduce((a, b) => a + b, 0);
          forward.forEach((p, i) => {
            const remainderTies = shares.some(
              (s, j) => j !== i && (total * s) % sum === (total * shares[i]!) % sum,
            );
            if (!remainderTies) expect(reversed[i]).toBe(p);
          });
        },
      ),
    );
  });
});

describe("money strings and formatting", () => {
  it.each([
    ["1301.81", 130_181],
    ["0.5", 50],
    ["-0.01", -1],
    ["15,825,0000.00", 15_825_000_000],
    ["100000", 10_000_000],
  ])("yuanToFen(%s) = %i", (s, fen) => expect(yuanToFen(s)).toBe(fen));

  it("refuses more than two decimals and non-numbers", () => {
    expect(() => yuanToFen("1.005")).toThrow(DomainError);
    expect(() => yuanToFen("abc")).toThrow(DomainError);
  });

  it("round-trips fen ↔ yuan strings", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e14, max: 1e14 }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
    );
  });

  it("formats for Chinese readers", () => {
    expect(formatYuan(130_181)).toBe("1,301.81 元");
    expect(formatWan(15_825_000_000)).toBe("15,825.00 万元");
    expect(formatWan(56_600_000_000)).toBe("56,600.00 万元");
    expect(formatWan(1_234_567_890)).toBe("1,234.57 万元");
  });
});
