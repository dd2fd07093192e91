import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as domain from "@/domain";
import { DomainError, REPAYMENT_METHODS } from "@/domain";
import { domainErrorMessage } from "@/domain";

/**
 * The domain's entry points under fuzzing (issue 9): whatever values of the right shape arrive — impossible
 * dates, NaN, infinities, fractions, negative or enormous amounts, garbage strings — each function either
 * answers with a well-formed value (whole fen, real calendar dates) or refuses with a DomainError, whose code
 * the server turns into a Chinese message next to the field. Never a TypeError, a RangeError or a NaN.
 */
const CJK = /[\u3400-\u9fff]/;

const num = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    2 ** 53,
    -(2 ** 53),
    0,
    1,
    360,
    365,
    600,
    601,
    10_000,
    10_001,
    0.5,
    1e15,
  ),
);
const text = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "",
    " ",
    "2025-02-30",
    "2025-13-01",
    "2025-1-1",
    "0000-01-01",
    "9999-12-31",
    "１２３",
    "1e5",
    "-0.001",
    "99999999999999.99",
    " 12.3 ",
    "NaN",
    "Infinity",
    "12,345.6",
    "620123198503150021",
    "62012319850315002X",
  ),
);
const isoDate = fc
  .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const date = fc.oneof(isoDate, isoDate, text);
const fenArb = fc.oneof(fc.integer({ min: 0, max: 10_000_000_000 }), num);
const method = fc.constantFrom(...REPAYMENT_METHODS, "WEEKLY", "");

const isFen = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v);
const isDate = (v: unknown) => typeof v === "string" && domain.isIsoDate(v);

/** Every number in the answer is finite (no NaN or Infinity smuggled out). */
function finiteEverywhere(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(finiteEverywhere);
  if (v && typeof v === "object") return Object.values(v).every(finiteEverywhere);
  return true;
}

const ENTRY_POINTS: [string, fc.Arbitrary<unknown[]>, (out: unknown) => boolean][] = [
  ["yuanToFen", fc.tuple(text), isFen],
  ["fenToYuan", fc.tuple(num), (o) => typeof o === "string" && /^-?\d+\.\d\d$/.test(o as string)],
  ["formatYuan", fc.tuple(num), (o) => typeof o === "string"],
  ["formatWan", fc.tuple(num), (o) => typeof o === "string"],
  ["parseResidentId", fc.tuple(text), (o) => typeof o === "object" && o !== null],
  ["maskIdNumber", fc.tuple(text), (o) => typeof o === "string"],
  ["maskPhone", fc.tuple(text), (o) => typeof o === "string"],
  ["isValidCreditCode", fc.tuple(text), (o) => typeof o === "boolean"],
  ["regionLevel", fc.tuple(text), (o) => typeof o === "string"],
  ["scopeFilter", fc.tuple(text), (o) => typeof o === "object"],
  ["addMonths", fc.tuple(date, num), isDate],
  ["addDays", fc.tuple(date, num), isDate],
  ["daysBetween", fc.tuple(date, date), isFen],
  ["endOfMonth", fc.tuple(date), isDate],
  ["ageOn", fc.tuple(date, date), isFen],
  ["maturityDate", fc.tuple(date, num), isDate],
  ["settlementDatesBetween", fc.tuple(date, date, fc.boolean()), (o) => Array.isArray(o) && o.every(isDate)],
  [
    "settlementPeriod",
    fc.tuple(fc.record({ year: num, quarter: num })),
    (o) => isDate((o as { start: string }).start) && isDate((o as { end: string }).end),
  ],
  ["interestFen", fc.tuple(fc.record({ principalFen: fenArb, rateBp: num, days: num, basis: num })), isFen],
  [
    "subsidyForPeriod",
    fc.tuple(
      fc.record({ principalFen: fenArb, contractRateBp: num, borrowerRateBp: num, days: num, basis: num }),
    ),
    finiteEverywhere,
  ],
  [
    "buildSchedule",
    fc.tuple(
      fc.record({
        principalFen: fenArb,
        rateBp: num,
        startDate: date,
        termMonths: fc.oneof(fc.integer({ min: -2, max: 60 }), num),
        method,
        basis: fc.oneof(fc.constantFrom(360, 365), num),
      }),
    ),
    (o) =>
      Array.isArray(o) && o.every((l) => finiteEverywhere(l) && isDate((l as { dueDate: string }).dueDate)),
  ],
  [
    "splitByShares",
    fc.tuple(fenArb, fc.array(num, { maxLength: 6 })),
    (o) => Array.isArray(o) && o.every(isFen),
  ],
  [
    "riskFundPosition",
    fc.tuple(fc.record({ balanceFen: fenArb, outstandingFen: fenArb, leverageCap: num })),
    finiteEverywhere,
  ],
  [
    "compensation",
    fc.tuple(
      fc.record({
        unpaidPrincipalFen: fenArb,
        daysPastDue: num,
        minDaysPastDue: num,
        fundShareBp: num,
        fundBalanceFen: fenArb,
        annualCapBp: fc.option(num),
        paidThisYearFen: fc.option(fenArb, { nil: undefined }),
      }),
    ),
    finiteEverywhere,
  ],
  [
    "recoveryToFund",
    fc.tuple(fc.record({ recoveredFen: fenArb, compensatedFen: fenArb, unpaidPrincipalFen: fenArb })),
    (o) => isFen((o as { fundFen: number }).fundFen) && isFen((o as { bankFen: number }).bankFen),
  ],
  ["ratio", fc.tuple(num, num), (o) => o === null || (typeof o === "number" && Number.isFinite(o))],
  ["bucketOf", fc.tuple(num), (o) => typeof o === "string"],
  [
    "suspensionState",
    fc.tuple(
      fc.record({
        rates: fc.array(
          fc.record({
            monthEnd: isoDate,
            rateBp: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
          }),
          { maxLength: 30 },
        ),
        thresholdBp: num,
        months: num,
        rectifications: fc.array(fc.record({ id: fc.nat(), approvedOn: isoDate }), { maxLength: 3 }),
      }),
    ),
    (o) =>
      typeof (o as { suspended: unknown }).suspended === "boolean" &&
      Array.isArray((o as { episodes: unknown }).episodes) &&
      finiteEverywhere(o),
  ],
];

describe("domain entry points under fuzzing", () => {
  it("covers the entry points named here (each still exported)", () => {
    for (const [name] of ENTRY_POINTS)
      expect(typeof (domain as Record<string, unknown>)[name], name).toBe("function");
  });

  it.each(ENTRY_POINTS)(
    "%s: a well-formed answer or a DomainError with a Chinese message",
    (name, args, wellFormed) => {
      const fn = (domain as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      fc.assert(
        fc.property(args, (a) => {
          let out: unknown;
          try {
            out = fn(...a);
          } catch (e) {
            expect(e, `${name}(${JSON.stringify(a)}) threw ${String(e)}`).toBeInstanceOf(DomainError);
            expect(domainErrorMessage(e as DomainError)).toMatch(CJK);
            return;
          }
          expect(wellFormed(out), `${name}(${JSON.stringify(a)}) → ${JSON.stringify(out)}`).toBe(true);
        }),
        { numRuns: 400 },
      );
    },
  );
});
