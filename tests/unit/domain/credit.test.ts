import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  creditCheck,
  creditRates,
  creditVillage,
  lastExpiry,
  ratingInputProblems,
  ratingOn,
  RULE_DEFAULTS,
  type RatingLike,
} from "@/domain";

const r = (o: Partial<RatingLike> & { id: number }): RatingLike => ({
  status: "APPROVED",
  grade: "AA",
  creditLimitFen: 5_000_000,
  validFrom: "2026-01-01",
  validTo: "2027-12-31",
  ...o,
});

describe("ratingOn: the approved rating in force on a day", () => {
  it.each([
    ["first day", "2026-01-01", 1],
    ["last day", "2027-12-31", 1],
    ["the day before", "2025-12-31", null],
    ["the day after", "2028-01-01", null],
  ])("%s", (_label, on, id) => {
    expect(ratingOn([r({ id: 1 })], on)?.id ?? null).toBe(id);
  });

  it("ignores pending and rejected ratings", () => {
    expect(
      ratingOn([r({ id: 1, status: "PENDING" }), r({ id: 2, status: "REJECTED" })], "2026-06-01"),
    ).toBeNull();
  });

  it("of several in force, the one that started last wins, then the later id", () => {
    const list = [r({ id: 1 }), r({ id: 3, validFrom: "2026-03-01" }), r({ id: 2, validFrom: "2026-03-01" })];
    expect(ratingOn(list, "2026-04-01")?.id).toBe(3);
    expect(ratingOn(list, "2026-02-01")?.id).toBe(1);
  });

  it("lastExpiry names the latest approved end before the day", () => {
    const list = [
      r({ id: 1, validFrom: "2022-01-01", validTo: "2023-12-31" }),
      r({ id: 2, validFrom: "2024-01-01", validTo: "2025-12-31" }),
      r({ id: 3, validFrom: "2024-01-01", validTo: "2026-12-31", status: "REJECTED" }),
    ];
    expect(lastExpiry(list, "2026-03-01")).toBe("2025-12-31");
    expect(lastExpiry(list, "2023-06-01")).toBeNull();
  });
});

describe("creditCheck at application (DOMAIN §18)", () => {
  const ratings = [r({ id: 1 })];
  it.each([
    ["at the limit", 5_000_000, false, []],
    ["one fen over", 5_000_001, false, ["OVER_CREDIT_LIMIT"]],
    ["over, with a rating required", 6_000_000, true, ["OVER_CREDIT_LIMIT"]],
  ])("%s", (_label, amountFen, ratingRequired, codes) => {
    expect(creditCheck({ ratings, on: "2026-03-01", amountFen, ratingRequired }).map((p) => p.code)).toEqual(
      codes,
    );
  });

  it("the refusal carries the limit, grade and validity for the message", () => {
    expect(creditCheck({ ratings, on: "2026-03-01", amountFen: 6_000_000, ratingRequired: false })).toEqual([
      { code: "OVER_CREDIT_LIMIT", field: "amount", limitFen: 5_000_000, grade: "AA", validTo: "2027-12-31" },
    ]);
  });

  it("an expired rating no longer limits; where one is required, the refusal names when it expired", () => {
    const expired = [r({ id: 1, validFrom: "2024-01-01", validTo: "2025-12-31", creditLimitFen: 100 })];
    expect(
      creditCheck({ ratings: expired, on: "2026-03-01", amountFen: 6_000_000, ratingRequired: false }),
    ).toEqual([]);
    expect(creditCheck({ ratings: expired, on: "2026-03-01", amountFen: 1, ratingRequired: true })).toEqual([
      { code: "NO_VALID_RATING", field: "borrowerId", expiredOn: "2025-12-31" },
    ]);
    expect(creditCheck({ ratings: [], on: "2026-03-01", amountFen: 1, ratingRequired: true })).toEqual([
      { code: "NO_VALID_RATING", field: "borrowerId", expiredOn: null },
    ]);
  });

  it("property: refused for the amount exactly when it is above the limit in force", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (limit, amount) => {
        const p = creditCheck({
          ratings: [r({ id: 1, creditLimitFen: limit })],
          on: "2026-06-01",
          amountFen: amount,
          ratingRequired: true,
        });
        expect(p.length === 1).toBe(amount > limit);
      }),
    );
  });
});

describe("ratingInputProblems", () => {
  const ok = {
    creditLimitFen: 5_000_000,
    validFrom: "2026-01-01",
    validTo: "2027-12-31",
    ratedOn: "2025-12-20",
    committeeOn: "2025-12-25",
    today: "2026-03-01",
    maxPrincipalFen: 30_000_000,
  };
  it("accepts a consistent rating", () => expect(ratingInputProblems(ok)).toEqual([]));
  it.each([
    ["validTo not after validFrom", { validTo: "2026-01-01" }, "VALID_TO_NOT_AFTER_FROM"],
    ["rated after the start", { ratedOn: "2026-01-02" }, "RATED_AFTER_VALID_FROM"],
    ["committee after the start", { committeeOn: "2026-01-02" }, "COMMITTEE_AFTER_VALID_FROM"],
    ["rated in the future", { ratedOn: "2026-03-02", validFrom: "2026-04-01" }, "DATE_IN_FUTURE"],
    ["no limit", { creditLimitFen: 0 }, "LIMIT_NOT_POSITIVE"],
    ["above the programme's cap", { creditLimitFen: 30_000_001 }, "LIMIT_OVER_CAP"],
  ])("%s", (_label, o, code) => {
    expect(ratingInputProblems({ ...ok, ...o }).map((p) => p.code)).toEqual([code]);
  });
});

describe("授信率 and 用信率 (DOMAIN §11)", () => {
  it("Daoxian: 13,736 rated of ≈14,444 eligible = 95.1%; 3,685 borrowed = 26.8%", () => {
    const { grantRate, useRate } = creditRates({ eligible: 14_444, rated: 13_736, borrowed: 3_685 });
    expect(grantRate!.toFixed(3)).toBe("0.951");
    expect(useRate!.toFixed(3)).toBe("0.268");
  });
  it("no eligible count or nobody rated: no rate", () => {
    expect(creditRates({ eligible: null, rated: 5, borrowed: 1 })).toEqual({ grantRate: null, useRate: 0.2 });
    expect(creditRates({ eligible: 10, rated: 0, borrowed: 0 })).toEqual({ grantRate: 0, useRate: null });
  });
});

describe("creditVillage (信用村)", () => {
  const rule = {
    creditVillageRatedBp: RULE_DEFAULTS.creditVillageRatedBp,
    creditVillageRepayBp: RULE_DEFAULTS.creditVillageRepayBp,
  };
  it.each([
    ["both reached exactly", { eligible: 10, rated: 8, recoveredFen: 98, maturedFen: 100 }, []],
    [
      "rated share just below",
      { eligible: 10_000, rated: 7_999, recoveredFen: 1, maturedFen: 1 },
      ["RATED_SHARE_BELOW"],
    ],
    [
      "repayment just below",
      { eligible: 10, rated: 10, recoveredFen: 9_799, maturedFen: 10_000 },
      ["REPAYMENT_BELOW"],
    ],
    [
      "no eligible count",
      { eligible: null, rated: 10, recoveredFen: 1, maturedFen: 1 },
      ["NO_ELIGIBLE_COUNT"],
    ],
    ["nothing matured", { eligible: 10, rated: 10, recoveredFen: 0, maturedFen: 0 }, ["NO_MATURED_LOANS"]],
    [
      "both short",
      { eligible: 10, rated: 1, recoveredFen: 0, maturedFen: 1 },
      ["RATED_SHARE_BELOW", "REPAYMENT_BELOW"],
    ],
  ])("%s", (_label, v, codes) => {
    const res = creditVillage(v, rule);
    expect(res.shortfalls.map((s) => s.code)).toEqual(codes);
    expect(res.qualifies).toBe(codes.length === 0);
  });

  it("property: qualifies exactly when both exact ratios reach the thresholds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        (eligible, rated, maturedFen, recoveredFen) => {
          const q = creditVillage({ eligible, rated, maturedFen, recoveredFen }, rule).qualifies;
          expect(q).toBe(rated * 10_000 >= 8_000 * eligible && recoveredFen * 10_000 >= 9_800 * maturedFen);
        },
      ),
    );
  });
});
