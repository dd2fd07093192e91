import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  allocateReward,
  assessmentPoints,
  completedMonthEnds,
  DEFAULT_ASSESSMENT_RULE,
  leverageCapFor,
  leverageCheck,
  loanEligibility,
  rankByCompletion,
  rateWindowStart,
  requiredRiskFundFen,
  suspensionState,
  type EligibilityRules,
} from "@/domain";

const WAN = 1_000_000; // 1万元 in fen

describe("assessmentPoints (DOMAIN §11)", () => {
  it.each([
    // lent, target, completionBp, points, barred
    ["Daoxian 2016: 15,825万 of 15,000万", 15_825 * WAN, 15_000 * WAN, 10_550, 10, false],
    ["exactly 100%", 100 * WAN, 100 * WAN, 10_000, 10, false],
    ["99.99%: below, barred", 9_999, 10_000, 9_999, 0, true],
    ["129% → 10 + 2", 129 * WAN, 100 * WAN, 12_900, 12, false],
    ["130% → 13", 130 * WAN, 100 * WAN, 13_000, 13, false],
    ["205% → 20", 205 * WAN, 100 * WAN, 20_500, 20, false],
    ["500% capped at 20", 500 * WAN, 100 * WAN, 50_000, 20, false],
    ["nothing lent", 0, 100 * WAN, 0, 0, true],
  ])("%s", (_l, lentFen, targetFen, completionBp, points, awardsBarred) => {
    expect(assessmentPoints({ lentFen, targetFen })).toEqual({ completionBp, points, awardsBarred });
  });

  it("rounds completion half-up but compares exactly: 99.995% shows 10000 bp yet earns nothing", () => {
    expect(assessmentPoints({ lentFen: 199_990, targetFen: 200_000 })).toEqual({
      completionBp: 10_000,
      points: 0,
      awardsBarred: true,
    });
  });

  it("no target: no completion, no points, not barred", () => {
    expect(assessmentPoints({ lentFen: 5 * WAN, targetFen: 0 })).toEqual({
      completionBp: null,
      points: 0,
      awardsBarred: false,
    });
  });

  it("takes the rule's numbers from the policy", () => {
    const rule = { baseBp: 9_000, basePoints: 5, stepBp: 500, pointsPerStep: 2, maxPoints: 9 };
    expect(assessmentPoints({ lentFen: 90, targetFen: 100, rule }).points).toBe(5);
    expect(assessmentPoints({ lentFen: 95, targetFen: 100, rule }).points).toBe(7);
    expect(assessmentPoints({ lentFen: 200, targetFen: 100, rule }).points).toBe(9);
  });

  it("points are monotone in the amount lent and within [0, max]", () => {
    fc.assert(
      fc.property(
        // Targets from 10 元 up, lending up to 100亿元 (completion stays an exact bp number).
        fc.integer({ min: 1_000, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        (target, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const p = assessmentPoints({ lentFen: lo, targetFen: target }).points;
          const q = assessmentPoints({ lentFen: hi, targetFen: target }).points;
          return p <= q && p >= 0 && q <= DEFAULT_ASSESSMENT_RULE.maxPoints;
        },
      ),
    );
  });
});

describe("requiredRiskFundFen", () => {
  it("10% of the target by default: Daoxian 15,000万 → 1,500万", () => {
    expect(requiredRiskFundFen({ targetFen: 15_000 * WAN })).toBe(1_500 * WAN);
  });
  it("rounds half-up to the fen", () => {
    expect(requiredRiskFundFen({ targetFen: 5, ratioBp: 1_000 })).toBe(1); // 0.5 → 1
    expect(requiredRiskFundFen({ targetFen: 4, ratioBp: 1_000 })).toBe(0);
    expect(requiredRiskFundFen({ targetFen: 1_000, ratioBp: 1_250 })).toBe(125);
  });
});

describe("rankByCompletion", () => {
  it("ranks highest first, ties share a rank, no target last", () => {
    const r = rankByCompletion([
      { code: "a", completionBp: 9_000 },
      { code: "b", completionBp: null },
      { code: "c", completionBp: 10_550 },
      { code: "d", completionBp: 9_000 },
    ]);
    expect(r.map((x) => [x.code, x.rank])).toEqual([
      ["c", 1],
      ["a", 2],
      ["d", 2],
      ["b", null],
    ]);
  });
});

const every = (rateBp: number | null) => ({
  rewardRateBp: 200,
  thresholdBp: 9_800,
  shares: [3, 2, 4, 1],
  county: { lentFen: 10_000 * WAN, rateBp },
  townships: [
    { code: "T1", lentFen: 6_000 * WAN, rateBp },
    { code: "T2", lentFen: 4_000 * WAN, rateBp },
  ],
  villages: [
    { code: "V1", townshipCode: "T1", lentFen: 6_000 * WAN, rateBp },
    { code: "V2", townshipCode: "T2", lentFen: 4_000 * WAN, rateBp },
  ],
  banks: [{ id: 1, lentFenByTownship: { T1: 6_000 * WAN, T2: 4_000 * WAN } }],
});

describe("allocateReward (DOMAIN §12)", () => {
  it("1亿 at 98.5%, every unit qualifying → 200万 split 60/40/80/20万", () => {
    const r = allocateReward(every(9_850));
    expect(r.townships.reduce((s, t) => s + t.rewardFen, 0)).toBe(60 * WAN);
    expect(r.villages.reduce((s, t) => s + t.rewardFen, 0)).toBe(40 * WAN);
    expect(r.banks).toEqual([{ id: 1, rewardFen: 80 * WAN }]);
    expect(r.leadingGroupFen).toBe(20 * WAN);
    expect(r.totalFen).toBe(200 * WAN);
    expect(r.townships).toEqual([
      { code: "T1", rewardFen: 36 * WAN },
      { code: "T2", rewardFen: 24 * WAN },
    ]);
  });

  it("at 97.9% nothing; a unit with no data (null) does not qualify", () => {
    expect(allocateReward(every(9_790)).totalFen).toBe(0);
    expect(allocateReward(every(null)).totalFen).toBe(0);
  });

  it("a bank earns only on its lending in the townships that qualified", () => {
    const args = every(9_900);
    args.townships[1]!.rateBp = 9_700;
    const r = allocateReward(args);
    expect(r.townships).toEqual([
      { code: "T1", rewardFen: 36 * WAN },
      { code: "T2", rewardFen: 0 },
    ]);
    expect(r.banks[0]!.rewardFen).toBe(48 * WAN); // 4/10 × 2% × 6,000万
  });

  it("each amount half-up to the fen", () => {
    const r = allocateReward({
      ...every(9_900),
      county: { lentFen: 25, rateBp: 9_900 }, // 25 × 2% × 1/10 = 0.05 → 0
      townships: [{ code: "T1", lentFen: 250, rateBp: 9_900 }], // 250 × 0.006 = 1.5 → 2
      villages: [],
      banks: [],
    });
    expect(r.townships[0]!.rewardFen).toBe(2);
    expect(r.leadingGroupFen).toBe(0);
  });

  const lending = (unit: number) =>
    fc.array(
      fc.integer({ min: 0, max: 2_000_000 }).map((n) => n * unit),
      { minLength: 1, maxLength: 8 },
    );

  it("never exceeds the reward rate of what was lent, up to half a fen per line (half-up on each line)", () => {
    fc.assert(
      fc.property(lending(1), fc.integer({ min: 9_000, max: 10_000 }), (lent, rateBp) => {
        const total = lent.reduce((s, x) => s + x, 0);
        const r = allocateReward({
          rewardRateBp: 200,
          thresholdBp: 9_800,
          shares: [3, 2, 4, 1],
          county: { lentFen: total, rateBp },
          townships: lent.map((x, i) => ({ code: `T${i}`, lentFen: x, rateBp })),
          villages: lent.map((x, i) => ({ code: `V${i}`, townshipCode: `T${i}`, lentFen: x, rateBp })),
          banks: [{ id: 1, lentFenByTownship: Object.fromEntries(lent.map((x, i) => [`T${i}`, x])) }],
        });
        const lines = 2 * lent.length + 2;
        // 2 × total × 200 bp, in half-fen units: totalFen × 2 ≤ total × 2% × 2 + lines
        return BigInt(r.totalFen) * 2n * 10_000n <= BigInt(total) * 400n + BigInt(lines) * 10_000n;
      }),
    );
  });

  it("with lending in whole 50 元 the lines are exact and never exceed 2% of what was lent", () => {
    fc.assert(
      fc.property(lending(5_000), fc.integer({ min: 9_000, max: 10_000 }), (lent, rateBp) => {
        const total = lent.reduce((s, x) => s + x, 0);
        const r = allocateReward({
          rewardRateBp: 200,
          thresholdBp: 9_800,
          shares: [3, 2, 4, 1],
          county: { lentFen: total, rateBp },
          townships: lent.map((x, i) => ({ code: `T${i}`, lentFen: x, rateBp: i % 2 ? rateBp : 9_900 })),
          villages: lent.map((x, i) => ({ code: `V${i}`, townshipCode: `T${i}`, lentFen: x, rateBp })),
          banks: [{ id: 1, lentFenByTownship: Object.fromEntries(lent.map((x, i) => [`T${i}`, x])) }],
        });
        return r.totalFen * 50 <= total && (rateBp < 9_800 || r.totalFen * 50 === total);
      }),
    );
  });
});

describe("rate windows", () => {
  it("year to date starts on 1 January; rolling 12 months starts 11 months before the month's first day", () => {
    expect(rateWindowStart("YEAR_TO_DATE", "2026-06-30")).toBe("2026-01-01");
    expect(rateWindowStart("ROLLING_12", "2026-06-30")).toBe("2025-07-01");
    expect(rateWindowStart("ROLLING_12", "2026-01-31")).toBe("2025-02-01");
  });
  it("completed month-ends stop before the current month", () => {
    expect(completedMonthEnds("2026-01-15", "2026-04-29")).toEqual([
      "2026-01-31",
      "2026-02-28",
      "2026-03-31",
    ]);
    expect(completedMonthEnds("2026-01-15", "2026-04-30").at(-1)).toBe("2026-04-30");
  });
});

const m = (monthEnd: string, rateBp: number | null) => ({ monthEnd, rateBp });

describe("suspensionState (DOMAIN §13)", () => {
  const low3 = [m("2026-04-30", 9_700), m("2026-05-31", 9_600), m("2026-06-30", 9_500)];

  it("three month-ends below 98% suspend from the third, with the months and rates that caused it", () => {
    const s = suspensionState({ rates: low3, thresholdBp: 9_800, months: 3, rectifications: [] });
    expect(s.suspended).toBe(true);
    expect(s.current).toEqual({ start: "2026-06-30", cause: low3, end: null, rectificationId: null });
  });

  it("a month-end at or above the threshold alone does not lift it; with an approved rectification it does", () => {
    const rates = [...low3, m("2026-07-31", 9_850), m("2026-08-31", 9_900)];
    expect(suspensionState({ rates, thresholdBp: 9_800, months: 3, rectifications: [] }).suspended).toBe(
      true,
    );
    const s = suspensionState({
      rates,
      thresholdBp: 9_800,
      months: 3,
      rectifications: [{ id: 7, approvedOn: "2026-07-10" }],
    });
    expect(s.suspended).toBe(false);
    expect(s.episodes[0]).toMatchObject({ end: "2026-07-31", rectificationId: 7 });
  });

  it("a rectification approved after a good month-end lifts it on the day of approval", () => {
    const rates = [...low3, m("2026-07-31", 9_850)];
    const s = suspensionState({
      rates,
      thresholdBp: 9_800,
      months: 3,
      rectifications: [{ id: 8, approvedOn: "2026-08-05" }],
    });
    expect(s.suspended).toBe(false);
    expect(s.episodes[0]).toMatchObject({ end: "2026-08-05", rectificationId: 8 });
  });

  it("two month-ends below the threshold then one at it: no suspension", () => {
    const rates = [
      m("2026-04-30", 9_700),
      m("2026-05-31", 9_700),
      m("2026-06-30", 9_850),
      m("2026-07-31", 9_700),
    ];
    const s = suspensionState({ rates, thresholdBp: 9_800, months: 3, rectifications: [] });
    expect([s.suspended, s.episodes]).toEqual([false, []]);
  });

  it("a rectification approved before the suspension does not count", () => {
    const rates = [...low3, m("2026-07-31", 9_850)];
    const s = suspensionState({
      rates,
      thresholdBp: 9_800,
      months: 3,
      rectifications: [{ id: 1, approvedOn: "2026-05-01" }],
    });
    expect(s.suspended).toBe(true);
  });

  it("no data breaks a run and lifts nothing; a new run after a lift starts a new episode", () => {
    expect(
      suspensionState({
        rates: [
          m("2026-01-31", 9_000),
          m("2026-02-28", null),
          m("2026-03-31", 9_000),
          m("2026-04-30", 9_000),
        ],
        thresholdBp: 9_800,
        months: 3,
        rectifications: [],
      }).suspended,
    ).toBe(false);
    const s = suspensionState({
      rates: [
        ...low3,
        m("2026-07-31", null),
        m("2026-08-31", 9_900),
        m("2026-09-30", 9_000),
        m("2026-10-31", 9_000),
        m("2026-11-30", 9_000),
      ],
      thresholdBp: 9_800,
      months: 3,
      rectifications: [{ id: 2, approvedOn: "2026-07-20" }],
    });
    expect(s.episodes.map((e) => [e.start, e.end])).toEqual([
      ["2026-06-30", "2026-08-31"],
      ["2026-11-30", null],
    ]);
    expect(s.suspended).toBe(true);
  });

  it("never suspended while every month-end is at or above the threshold", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 9_800, max: 10_000 }), { maxLength: 24 }), (rates) => {
        const s = suspensionState({
          rates: rates.map((r, i) =>
            m(`20${String(10 + Math.floor(i / 12))}-${String((i % 12) + 1).padStart(2, "0")}-28`, r),
          ),
          thresholdBp: 9_800,
          months: 3,
          rectifications: [],
        });
        return !s.suspended && s.episodes.length === 0;
      }),
    );
  });
});

describe("leverage cap (DOMAIN §14)", () => {
  it("10× only when last year's rate reached 90%, else 5×; no line → the full cap", () => {
    const p = { capFull: 10, capReduced: 5, minLastYearRateBp: 9_000 };
    expect(leverageCapFor({ ...p, lastYearRateBp: 9_000 })).toBe(10);
    expect(leverageCapFor({ ...p, lastYearRateBp: 8_999 })).toBe(5);
    expect(leverageCapFor({ ...p, lastYearRateBp: null })).toBe(5);
    expect(leverageCapFor({ ...p, minLastYearRateBp: null, lastYearRateBp: null })).toBe(10);
  });
  it("Daoxian: 1,500万 × 10 − 15,825万 → over by 825万; a loan within the headroom passes", () => {
    expect(
      leverageCheck({ balanceFen: 1_500 * WAN, outstandingFen: 15_825 * WAN, amountFen: 1, cap: 10 }),
    ).toEqual({
      headroomFen: -825 * WAN,
      headroomAfterFen: -825 * WAN - 1,
      overCap: true,
    });
    expect(
      leverageCheck({ balanceFen: 100 * WAN, outstandingFen: 990 * WAN, amountFen: 10 * WAN, cap: 10 })
        .overCap,
    ).toBe(false);
    expect(
      leverageCheck({ balanceFen: 100 * WAN, outstandingFen: 990 * WAN, amountFen: 10 * WAN + 1, cap: 10 })
        .overCap,
    ).toBe(true);
  });
});

const RULES: EligibilityRules = {
  maxPrincipalFen: 30 * WAN,
  maxTermMonths: 36,
  womenOnly: true,
  minAge: 18,
  maxAge: 65,
  maxSubsidisedLoans: 3,
};

describe("loanEligibility", () => {
  const woman = { sex: "F", birthDate: "1985-03-15" };
  const on = "2026-03-22";
  it("an eligible application has no problems", () => {
    expect(
      loanEligibility({
        rules: RULES,
        on,
        borrower: woman,
        amountFen: 30 * WAN,
        termMonths: 36,
        previousLoans: [],
      }),
    ).toEqual([]);
  });
  it.each([
    ["amount over the cap", { amountFen: 30 * WAN + 1 }, "AMOUNT_OVER_CAP", "amount"],
    ["amount zero", { amountFen: 0 }, "AMOUNT_NOT_POSITIVE", "amount"],
    ["term over the cap", { termMonths: 37 }, "TERM_OVER_CAP", "termMonths"],
    ["rate over the cap", { contractRateBp: 466, rateCapBp: 465 }, "RATE_OVER_CAP", "contractRate"],
    ["a man", { borrower: { sex: "M", birthDate: "1985-03-15" } }, "NOT_WOMAN", "borrowerId"],
    ["17 years old", { borrower: { sex: "F", birthDate: "2008-03-23" } }, "AGE_OUT_OF_RANGE", "borrowerId"],
    ["66 years old", { borrower: { sex: "F", birthDate: "1960-01-01" } }, "AGE_OUT_OF_RANGE", "borrowerId"],
    ["an open loan", { previousLoans: [{ status: "REPAYING" }] }, "OPEN_LOAN", "borrowerId"],
    [
      "a pending application",
      { previousLoans: [{ status: "APPLIED" }] },
      "PENDING_APPLICATION",
      "borrowerId",
    ],
    [
      "three subsidised loans",
      { previousLoans: [{ status: "CLOSED" }, { status: "CLOSED" }, { status: "WRITTEN_OFF" }] },
      "MAX_LOANS",
      "borrowerId",
    ],
  ])("%s", (_l, over, code, field) => {
    const problems = loanEligibility({ rules: RULES, on, borrower: woman, ...over });
    expect(problems.map((p) => [p.code, p.field])).toEqual([[code, field]]);
  });
  it("the policy decides: a programme not women-only accepts a man; rejected loans do not count", () => {
    expect(
      loanEligibility({
        rules: { ...RULES, womenOnly: false },
        on,
        borrower: { sex: "M", birthDate: "1985-01-01" },
      }),
    ).toEqual([]);
    expect(
      loanEligibility({
        rules: RULES,
        on,
        borrower: woman,
        previousLoans: [{ status: "REJECTED" }, { status: "REJECTED" }, { status: "REJECTED" }],
      }),
    ).toEqual([]);
  });
});
