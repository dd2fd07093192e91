import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  annualSettlement,
  claimDeadlines,
  claimSteps,
  hasSettlementDifference,
  loanClaimLine,
  recomputeYear,
  RULE_DEFAULTS,
  splitClaimByLevels,
  type ClaimLoan,
  type ClaimPolicy,
  type ClaimStatusCode,
  type LprEntry,
  type QuarterNo,
  type SettlementClaim,
  type SettlementLine,
} from "@/domain";

const policy: ClaimPolicy = {
  programmeCode: "WOMEN",
  regionCode: "000000",
  validFrom: "2016-01-01",
  validTo: null,
  subsidyMode: "LPR_MINUS_SPREAD",
  borrowerSpreadBp: 150,
  subsidyShareBp: 10_000,
  dayCountBasis: 360,
  shareCentral: 0,
  shareProvincial: 1,
  shareCity: 0,
  shareCounty: 1,
};
const lpr: LprEntry[] = [{ effectiveDate: "2025-05-20", term: "ONE_YEAR", rateBp: 365 }];
const loan = (id: number, disbursedDate: string, over: Partial<ClaimLoan["facts"]> = {}): ClaimLoan => ({
  id,
  bankId: 1,
  programmeCode: "WOMEN",
  regionCode: "620123101201",
  contractRateBp: 515,
  facts: {
    disbursedDate,
    principalFen: 10_000_000,
    originalMaturity: "2028-03-22",
    extended: false,
    principalPayments: [],
    principalDues: [{ dueDate: "2028-03-22", amountFen: 10_000_000 }],
    ...over,
  },
});

describe("loanClaimLine: a loan's line in a quarter's claim", () => {
  const repaidIn2016 = {
    originalMaturity: "2016-01-02",
    principalPayments: [{ date: "2016-01-02", amountFen: 10_000_000 }],
    principalDues: [{ dueDate: "2016-01-02", amountFen: 10_000_000 }],
  };
  it.each([
    // DOMAIN.md §2: 22 Mar – 20 Jun, 91 days: 1,301.81 = 758.33 + 543.48
    [
      "the DOMAIN example",
      loan(1, "2026-03-22"),
      [policy],
      { days: 91, interestFen: 130_181, subsidyFen: 75_833, borrowerRateBp: 215, balance: 910_000_000 },
    ],
    // 100,000 × 5.15% × 92 / 360 = 1,316.11, all of it subsidy; no LPR needed (there was none in 2014).
    [
      "full subsidy, a contract of 2014",
      loan(1, "2014-01-02"),
      [{ ...policy, subsidyMode: "FULL" as const }],
      { days: 92, interestFen: 131_611, subsidyFen: 131_611, borrowerRateBp: 0, balance: 920_000_000 },
    ],
    ["no policy in force", loan(1, "2026-03-22"), [{ ...policy, programmeCode: "POVERTY" }], null],
    ["disbursed after the period", loan(1, "2026-06-21"), [policy], null],
    [
      "repaid long before the period (and older than the LPR)",
      loan(1, "2014-01-02", repaidIn2016),
      [policy],
      null,
    ],
  ] as const)("%s", (_label, l, policies, expected) => {
    const line = loanClaimLine(l, { start: "2026-03-21", end: "2026-06-20" }, policies, lpr);
    if (expected === null) expect(line).toBeNull();
    else {
      const { balance, borrowerRateBp, ...res } = expected;
      expect(line!.res).toMatchObject({ ...res, borrowerFen: res.interestFen - res.subsidyFen });
      expect(line).toMatchObject({ contractRateBp: 515, borrowerRateBp, shares: [0, 1, 0, 1] });
      expect(line!.balance.balanceFenDays).toBe(balance);
    }
  });
});

describe("recomputeYear", () => {
  it("gives one line per quarter the loan accrues in, with the settlement periods' days (90 + 92 + 92 + 91)", () => {
    const lines = recomputeYear({
      year: 2026,
      quarters: [1, 2, 3, 4],
      loans: [loan(7, "2025-06-10"), loan(8, "2026-07-01")],
      policies: [policy],
      lpr,
    });
    expect(lines.map((l) => [l.loanId, l.quarter])).toEqual([
      [7, 1],
      [7, 2],
      [7, 3],
      [8, 3],
      [7, 4],
      [8, 4],
    ]);
    // Each quarter as the claim computes it: loanClaimLine of that period.
    const q2 = loanClaimLine(
      loan(7, "2025-06-10"),
      { start: "2026-03-21", end: "2026-06-20" },
      [policy],
      lpr,
    );
    expect(lines[1]).toMatchObject({ subsidyFen: q2!.res.subsidyFen, interestFen: q2!.res.interestFen });
    expect(lines[1]!.subsidyFen).toBe(76_667); // 100,000 × 3.00% × 92 / 360 = 766.666… → 766.67
  });

  it("only the quarters asked for (those whose settlement date has passed)", () => {
    const lines = recomputeYear({
      year: 2026,
      quarters: [1, 2],
      loans: [loan(7, "2025-06-10")],
      policies: [policy],
      lpr,
    });
    expect(lines.map((l) => l.quarter)).toEqual([1, 2]);
  });
});

/** Claims made from recomputed lines exactly as a claim is generated (lines, then splits by level). */
function claimsOf(lines: readonly SettlementLine[], status: ClaimStatusCode = "PAID"): SettlementClaim[] {
  const groups = new Map<string, SettlementLine[]>();
  for (const l of lines)
    groups.set(`${l.bankId}:${l.quarter}`, [...(groups.get(`${l.bankId}:${l.quarter}`) ?? []), l]);
  return [...groups.values()].map((g, i) => ({
    id: i + 1,
    bankId: g[0]!.bankId,
    quarter: g[0]!.quarter,
    status,
    levelsFen: splitClaimByLevels(g),
    lines: g.map((l) => ({ loanId: l.loanId, interestFen: l.interestFen, subsidyFen: l.subsidyFen })),
  }));
}

const line = (loanId: number, quarter: QuarterNo, subsidyFen: number, bankId = 1): SettlementLine => ({
  loanId,
  bankId,
  quarter,
  interestFen: subsidyFen * 2,
  subsidyFen,
  shares: [0, 1, 0, 1],
});

describe("annualSettlement: the year's claims against the recomputation", () => {
  const year = [
    line(1, 1, 75_833),
    line(1, 2, 76_667),
    line(1, 3, 76_667),
    line(1, 4, 75_833),
    line(2, 4, 1_001),
  ];
  const all: QuarterNo[] = [1, 2, 3, 4];

  it("four claims equal to the recomputation: no difference anywhere", () => {
    const s = annualSettlement({ dueQuarters: all, claims: claimsOf(year), recomputed: year });
    expect(s.totals).toMatchObject({
      claimedTotalFen: 306_001,
      recomputedFen: 306_001,
      differenceFen: 0,
      loans: 2,
      loansWithDifference: 0,
      missingQuarters: 0,
    });
    expect(s.loans.every((l) => !hasSettlementDifference(l))).toBe(true);
    expect(s.levels.map((l) => l.differenceFen)).toEqual([0, 0, 0, 0]);
    expect(s.levels.map((l) => l.claimedFen)).toEqual([0, 153_002, 0, 152_999]);
    expect(s.quarters.map((q) => [q.quarter, q.counted, q.missing, q.differenceFen])).toEqual([
      [1, true, false, 0],
      [2, true, false, 0],
      [3, true, false, 0],
      [4, true, false, 0],
    ]);
  });

  it.each([
    {
      label: "a line claimed 1 fen too much",
      claims: () => {
        const c = claimsOf(year);
        c[1] = {
          ...c[1]!,
          lines: [{ loanId: 1, interestFen: 153_334, subsidyFen: 76_668 }],
          levelsFen: [0, 38_334, 0, 38_334],
        };
        return c;
      },
      loan1: { differenceFen: -1, missingQuarters: [], differentQuarters: [2] },
      totalDifference: -1,
      levels: [0, 0, 0, -1],
      missing: 0,
    },
    {
      label: "the third quarter not claimed (a missing claim is a difference too)",
      claims: () => claimsOf(year).filter((c) => c.quarter !== 3),
      loan1: { differenceFen: 76_667, missingQuarters: [3], differentQuarters: [] },
      totalDifference: 76_667,
      levels: [0, 38_334, 0, 38_333],
      missing: 1,
    },
    {
      label: "the fourth quarter's claim still a draft: not counted, the quarter is missing",
      claims: () => claimsOf(year).map((c) => (c.quarter === 4 ? { ...c, status: "DRAFT" as const } : c)),
      loan1: { differenceFen: 75_833, missingQuarters: [4], differentQuarters: [] },
      totalDifference: 76_834,
      levels: [0, 38_417, 0, 38_417],
      missing: 1,
    },
    {
      label: "a loan left out of a claim it belongs in",
      claims: () => claimsOf(year.filter((l) => l.loanId !== 2)),
      loan1: { differenceFen: 0, missingQuarters: [], differentQuarters: [] },
      totalDifference: 1_001,
      // Largest remainder on the claim's total: 75,833 → 37,917 + 37,916; 76,834 → 38,417 + 38,417.
      levels: [0, 500, 0, 501],
      missing: 0,
    },
  ])(
    "$label: the exact difference per loan, quarter and level",
    ({ claims, loan1, totalDifference, levels, missing }) => {
      const s = annualSettlement({ dueQuarters: all, claims: claims(), recomputed: year });
      expect(s.loans.find((l) => l.loanId === 1)).toMatchObject(loan1);
      expect(s.totals.differenceFen).toBe(totalDifference);
      expect(s.totals.differenceFen).toBe(s.totals.recomputedFen - s.totals.claimedTotalFen);
      expect(s.quarters.reduce((a, q) => a + q.differenceFen, 0)).toBe(totalDifference);
      expect(s.levels.map((l) => l.differenceFen)).toEqual(levels);
      expect(s.levels.reduce((a, l) => a + l.differenceFen, 0)).toBe(totalDifference);
      expect(s.totals.missingQuarters).toBe(missing);
      // Loans with a difference come first.
      expect(hasSettlementDifference(s.loans[0]!)).toBe(s.totals.loansWithDifference > 0);
    },
  );

  it("claimed by status; a line the recomputation no longer gives (e.g. voided since) is to be recovered", () => {
    const claims = claimsOf(
      year.filter((l) => l.quarter <= 2),
      "PAID",
    )
      .concat(
        claimsOf(
          year.filter((l) => l.quarter === 3),
          "APPROVED",
        ),
      )
      .concat(
        claimsOf(
          year.filter((l) => l.quarter === 4),
          "SUBMITTED",
        ),
      );
    const s = annualSettlement({ dueQuarters: all, claims, recomputed: year.filter((l) => l.loanId !== 2) });
    const two = s.loans.find((l) => l.loanId === 2)!;
    expect(two).toMatchObject({
      claimedTotalFen: 1_001,
      recomputedFen: 0,
      differenceFen: -1_001,
      differentQuarters: [4],
    });
    expect(s.loans.find((l) => l.loanId === 1)!.claimedFen).toEqual({
      PAID: 152_500,
      APPROVED: 76_667,
      SUBMITTED: 75_833,
    });
    expect(s.totals.claimedFen).toEqual({ PAID: 152_500, APPROVED: 76_667, SUBMITTED: 76_834 });
  });

  it("a quarter not yet due is neither recomputed nor missing", () => {
    const due: QuarterNo[] = [1, 2, 3];
    const recomputed = year.filter((l) => l.quarter <= 3);
    const s = annualSettlement({ dueQuarters: due, claims: claimsOf(recomputed), recomputed });
    expect(s.quarters.find((q) => q.quarter === 4)).toMatchObject({
      due: false,
      missing: false,
      claimId: null,
    });
    expect(s.totals.differenceFen).toBe(0);
  });

  it("property: claims generated from the recomputation settle to zero, per loan and level", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            loanId: fc.integer({ min: 1, max: 20 }),
            bankId: fc.integer({ min: 1, max: 3 }),
            quarter: fc.constantFrom<QuarterNo>(1, 2, 3, 4),
            subsidyFen: fc.integer({ min: 0, max: 1e7 }),
            shares: fc.constantFrom([0, 1, 0, 1], [40, 30, 10, 20], [0, 0, 0, 1]),
          }),
          { maxLength: 40 },
        ),
        (raw) => {
          // One line per loan and quarter, the loan with one bank.
          const seen = new Set<string>();
          const lines = raw
            .map((l) => ({ ...l, bankId: (l.loanId % 3) + 1, interestFen: l.subsidyFen * 2 }))
            .filter((l) => !seen.has(`${l.loanId}:${l.quarter}`) && seen.add(`${l.loanId}:${l.quarter}`));
          const s = annualSettlement({ dueQuarters: all, claims: claimsOf(lines), recomputed: lines });
          expect(s.totals.differenceFen).toBe(0);
          expect(s.totals.loansWithDifference).toBe(0);
          expect(s.levels.every((l) => l.differenceFen === 0)).toBe(true);
        },
      ),
    );
  });
});

describe("claimDeadlines", () => {
  it.each([
    [
      [],
      {
        claimSubmitDays: RULE_DEFAULTS.claimSubmitDays,
        claimApproveDays: RULE_DEFAULTS.claimApproveDays,
        claimPayDays: RULE_DEFAULTS.claimPayDays,
      },
    ],
    [
      [
        { claimSubmitDays: 10, claimApproveDays: 7, claimPayDays: 20 },
        { claimSubmitDays: 15, claimApproveDays: 5, claimPayDays: 30 },
      ],
      { claimSubmitDays: 10, claimApproveDays: 5, claimPayDays: 20 },
    ],
  ])("the shortest of the claim's policies (none: the defaults) %#", (policies, expected) => {
    expect(claimDeadlines(policies)).toEqual(expected);
  });
});

describe("claimSteps: dates, days taken, deadlines and lateness", () => {
  const deadlines = { claimSubmitDays: 10, claimApproveDays: 5, claimPayDays: 20 };
  const base = {
    settlementDate: "2026-06-20",
    generatedOn: "2026-06-22",
    submittedOn: null,
    approvedOn: null,
    paidOn: null,
    deadlines,
  };
  type Row = [string, string, number | null, string | null, string, number];
  it.each<{
    label: string;
    args: Partial<Parameters<typeof claimSteps>[0]> & { status: ClaimStatusCode; today: string };
    steps: Row[];
    late: boolean;
    overdue: string | null;
  }>([
    {
      label: "a draft within the submission deadline",
      args: { status: "DRAFT", today: "2026-06-25" },
      steps: [
        ["GENERATED", "DONE", 2, null, "2026-06-22", 0],
        ["SUBMITTED", "PENDING", 3, "2026-06-30", "", 0],
        ["APPROVED", "WAITING", null, null, "", 0],
        ["PAID", "WAITING", null, null, "", 0],
      ],
      late: false,
      overdue: null,
    },
    {
      label: "a draft past it (and a rejected claim waits for its submission again)",
      args: { status: "REJECTED", today: "2026-07-05" },
      steps: [
        ["GENERATED", "DONE", 2, null, "2026-06-22", 0],
        ["SUBMITTED", "OVERDUE", 13, "2026-06-30", "", 5],
        ["APPROVED", "WAITING", null, null, "", 0],
        ["PAID", "WAITING", null, null, "", 0],
      ],
      late: true,
      overdue: "SUBMITTED",
    },
    {
      label: "submitted on the deadline's day, waiting for approval",
      args: { status: "SUBMITTED", submittedOn: "2026-06-30", today: "2026-07-02" },
      steps: [
        ["GENERATED", "DONE", 2, null, "2026-06-22", 0],
        ["SUBMITTED", "ON_TIME", 8, "2026-06-30", "2026-06-30", 0],
        ["APPROVED", "PENDING", 2, "2026-07-05", "", 0],
        ["PAID", "WAITING", null, null, "", 0],
      ],
      late: false,
      overdue: null,
    },
    {
      label: "approved 3 days late, paid on time",
      args: {
        status: "PAID",
        submittedOn: "2026-06-28",
        approvedOn: "2026-07-06",
        paidOn: "2026-07-20",
        today: "2026-12-01",
      },
      steps: [
        ["GENERATED", "DONE", 2, null, "2026-06-22", 0],
        ["SUBMITTED", "ON_TIME", 6, "2026-06-30", "2026-06-28", 0],
        ["APPROVED", "LATE", 8, "2026-07-03", "2026-07-06", 3],
        ["PAID", "ON_TIME", 14, "2026-07-26", "2026-07-20", 0],
      ],
      late: true,
      overdue: null,
    },
    {
      label: "approved, payment overdue",
      args: { status: "APPROVED", submittedOn: "2026-06-28", approvedOn: "2026-07-01", today: "2026-08-01" },
      steps: [
        ["GENERATED", "DONE", 2, null, "2026-06-22", 0],
        ["SUBMITTED", "ON_TIME", 6, "2026-06-30", "2026-06-28", 0],
        ["APPROVED", "ON_TIME", 3, "2026-07-03", "2026-07-01", 0],
        ["PAID", "OVERDUE", 31, "2026-07-21", "", 11],
      ],
      late: true,
      overdue: "PAID",
    },
    {
      label: "paid, the submission's date not recorded (before it was kept)",
      args: { status: "PAID", approvedOn: "2026-07-05", paidOn: "2026-07-30", today: "2026-12-01" },
      steps: [
        ["GENERATED", "DONE", 2, null, "2026-06-22", 0],
        ["SUBMITTED", "UNRECORDED", null, "2026-06-30", "", 0],
        ["APPROVED", "DONE", null, null, "2026-07-05", 0],
        ["PAID", "LATE", 25, "2026-07-25", "2026-07-30", 5],
      ],
      late: true,
      overdue: null,
    },
  ])("$label", ({ args, steps, late, overdue }) => {
    const r = claimSteps({ ...base, ...args });
    expect(r.steps.map((s): Row => [s.step, s.state, s.days, s.deadline, s.date ?? "", s.daysLate])).toEqual(
      steps,
    );
    expect(r.late).toBe(late);
    expect(r.overdue).toBe(overdue);
  });
});
