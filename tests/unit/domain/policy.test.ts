import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  borrowerRateBp,
  contractRateCapBp,
  DomainError,
  isWithin,
  lprOn,
  periodSubsidy,
  resolvePolicy,
  scopeFilter,
  scopePrefix,
  subsidyForPeriod,
  type SubsidyMode,
} from "@/domain";

const P = (
  id: string,
  regionCode: string,
  validFrom: string,
  validTo: string | null,
  programmeCode = "WOMEN",
) => ({ id, programmeCode, regionCode, validFrom, validTo });

describe("resolvePolicy: most specific region wins, dates half-open", () => {
  const policies = [
    P("sichuan-2020", "510000", "2020-01-01", "2023-01-01"),
    P("sichuan-2023", "510000", "2023-01-01", null),
    P("bazhong", "511900", "2024-01-01", null),
    P("tongjiang", "511921", "2024-06-01", "2025-06-01"),
    P("poverty", "510000", "2020-01-01", null, "POVERTY"),
  ];
  it.each([
    ["511921", "2022-12-31", "sichuan-2020"],
    ["511921", "2023-01-01", "sichuan-2023"], // validTo is exclusive
    ["511921", "2024-05-31", "bazhong"],
    ["511921", "2024-06-01", "tongjiang"],
    ["511921101001", "2025-05-31", "tongjiang"], // a village of 通江县
    ["511921", "2025-06-01", "bazhong"],
    ["620123", "2025-01-01", null],
    ["511921", "2019-12-31", null],
  ])("%s on %s → %s", (regionCode, date, expected) => {
    expect(resolvePolicy(policies, { programmeCode: "WOMEN", regionCode, date })?.id ?? null).toBe(expected);
  });
});

describe("region scope", () => {
  it.each([
    ["620000", "62"],
    ["620100", "6201"],
    ["620123", "620123"],
    ["620123100", "620123100"],
  ])("%s → prefix %s", (code, prefix) => expect(scopePrefix(code)).toBe(prefix));
  it("a county is within its city, not within another city", () => {
    expect(isWithin("620123", "620100")).toBe(true);
    expect(isWithin("620123100201", "620123")).toBe(true);
    expect(isWithin("431124", "620100")).toBe(false);
    expect(scopeFilter("620123100")).toEqual({ column: "villageCode", prefix: "620123100" });
    expect(scopeFilter("620100")).toEqual({ column: "countyCode", prefix: "6201" });
  });
});

describe("LPR and rate rules", () => {
  const lpr = [
    { effectiveDate: "2023-08-21", term: "ONE_YEAR" as const, rateBp: 345 },
    { effectiveDate: "2024-10-21", term: "ONE_YEAR" as const, rateBp: 310 },
    { effectiveDate: "2024-10-21", term: "FIVE_YEAR" as const, rateBp: 360 },
  ];
  it("takes the latest publication on or before the date", () => {
    expect(lprOn(lpr, "2024-10-20", "ONE_YEAR")).toBe(345);
    expect(lprOn(lpr, "2024-10-21", "ONE_YEAR")).toBe(310);
    expect(() => lprOn(lpr, "2023-01-01", "FIVE_YEAR")).toThrow(DomainError);
  });
  it("脱贫人口小额信贷: ≤ 1 year → 1-year LPR, 1–3 years → 5-year LPR; 创业担保: LPR + spread", () => {
    expect(
      contractRateCapBp(
        { rateRule: "LPR_BY_TERM", rateCapSpreadBp: 0 },
        { oneYearBp: 310, fiveYearBp: 360 },
        12,
      ),
    ).toBe(310);
    expect(
      contractRateCapBp(
        { rateRule: "LPR_BY_TERM", rateCapSpreadBp: 0 },
        { oneYearBp: 310, fiveYearBp: 360 },
        36,
      ),
    ).toBe(360);
    expect(
      contractRateCapBp(
        { rateRule: "LPR_1Y_PLUS_SPREAD", rateCapSpreadBp: 300 },
        { oneYearBp: 365, fiveYearBp: 420 },
        24,
      ),
    ).toBe(665);
  });
  it("2021 rule: the borrower pays LPR − 150bp", () => {
    expect(borrowerRateBp({ subsidyMode: "LPR_MINUS_SPREAD", borrowerSpreadBp: 150 }, 365, 515)).toBe(215);
    expect(borrowerRateBp({ subsidyMode: "LPR_MINUS_SPREAD", borrowerSpreadBp: 150 }, 365, 200)).toBe(200);
    expect(borrowerRateBp({ subsidyMode: "FULL", borrowerSpreadBp: 150 }, 365, 515)).toBe(0);
  });
});

describe("periodSubsidy under each mode", () => {
  const base = {
    basis: 360,
    contractRateBp: 515,
    borrowerRateBp: 215,
    subsidyShareBp: 7000,
    disbursedDate: "2025-01-01",
  };
  const seg = (
    from: string,
    to: string,
    principalFen = 10_000_000,
    excluded?: "EXTENSION" | "OVERDUE" | "VOIDED",
  ) => ({ from, to, principalFen, excluded });

  it("LPR − 150bp over one segment equals the worked example", () => {
    const r = periodSubsidy({
      ...base,
      mode: "LPR_MINUS_SPREAD",
      segments: [seg("2025-03-21", "2025-06-20")],
    });
    expect(r).toMatchObject({
      days: 91,
      interestFen: 130_181,
      subsidyFen: 75_833,
      borrowerFen: 54_348,
      excludedDays: 0,
    });
  });
  it("full subsidy: finance pays all the interest", () => {
    const r = periodSubsidy({
      ...base,
      mode: "FULL",
      borrowerRateBp: 0,
      segments: [seg("2025-03-21", "2025-06-20")],
    });
    expect(r).toMatchObject({ interestFen: 130_181, subsidyFen: 130_181, borrowerFen: 0 });
  });
  it("share of interest (70%) is rounded once on the exact value", () => {
    const r = periodSubsidy({
      ...base,
      mode: "SHARE_OF_INTEREST",
      segments: [seg("2025-03-21", "2025-06-20")],
    });
    // 130180.5555… × 0.7 = 91126.388… → 91126
    expect(r).toMatchObject({ interestFen: 130_181, subsidyFen: 91_126, borrowerFen: 39_055 });
  });
  it("year factors: a period across the first anniversary mixes full and two-thirds", () => {
    const r = periodSubsidy({
      ...base,
      mode: "YEAR_FACTORS",
      disbursedDate: "2024-05-01",
      segments: [seg("2025-03-21", "2025-06-20")],
    });
    // 41 days in year 1 (to 2025-05-01), 50 days in year 2 at 2/3
    const exact = (10_000_000 * 515 * 41) / 3_600_000 + ((10_000_000 * 515 * 50) / 3_600_000) * (2 / 3);
    expect(r.subsidyFen).toBe(Math.round(exact));
    expect(r.interestFen).toBe(130_181);
  });
  it("no subsidy for extension days, overdue principal or a voided loan; the reason is kept", () => {
    const r = periodSubsidy({
      ...base,
      mode: "LPR_MINUS_SPREAD",
      segments: [seg("2025-03-21", "2025-05-01"), seg("2025-05-01", "2025-06-20", 10_000_000, "EXTENSION")],
    });
    expect(r.days).toBe(91);
    expect(r.excludedDays).toBe(50);
    expect(r.excludedReasons).toEqual(["EXTENSION"]);
    expect(r.subsidyFen).toBe(
      subsidyForPeriod({
        principalFen: 10_000_000,
        contractRateBp: 515,
        borrowerRateBp: 215,
        days: 41,
        basis: 360,
      }).subsidyFen,
    );
    expect(r.interestFen).toBe(130_181);
    const voided = periodSubsidy({
      ...base,
      mode: "FULL",
      segments: [seg("2025-03-21", "2025-06-20", 10_000_000, "VOIDED")],
    });
    expect(voided).toMatchObject({ subsidyFen: 0, borrowerFen: 130_181, excludedReasons: ["VOIDED"] });
  });
  it("refuses a segment that ends before it starts", () => {
    expect(() =>
      periodSubsidy({ ...base, mode: "FULL", segments: [seg("2025-06-20", "2025-03-21")] }),
    ).toThrow(/before it starts/);
  });
  it("property: under every mode, interest = subsidy + borrower and 0 ≤ subsidy ≤ interest", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SubsidyMode>("LPR_MINUS_SPREAD", "FULL", "SHARE_OF_INTEREST", "YEAR_FACTORS"),
        fc.array(
          fc.record({
            start: fc.integer({ min: 0, max: 1000 }),
            len: fc.integer({ min: 0, max: 120 }),
            principalFen: fc.integer({ min: 0, max: 30_000_000 }),
            ex: fc.boolean(),
          }),
          { maxLength: 5 },
        ),
        fc.integer({ min: 0, max: 10_000 }),
        (mode, parts, shareBp) => {
          const day = (n: number) => new Date(Date.UTC(2023, 0, 1 + n)).toISOString().slice(0, 10);
          const segments = parts.map((p) => ({
            from: day(p.start),
            to: day(p.start + p.len),
            principalFen: p.principalFen,
            excluded: p.ex ? ("OVERDUE" as const) : undefined,
          }));
          const r = periodSubsidy({
            mode,
            basis: 365,
            contractRateBp: 435,
            borrowerRateBp: 200,
            subsidyShareBp: shareBp,
            disbursedDate: "2023-01-01",
            segments,
          });
          expect(r.subsidyFen + r.borrowerFen).toBe(r.interestFen);
          expect(r.subsidyFen).toBeGreaterThanOrEqual(0);
          expect(r.subsidyFen).toBeLessThanOrEqual(r.interestFen);
        },
      ),
    );
  });
});
