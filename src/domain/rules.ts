/**
 * The programme's running rules (DOMAIN.md §11–§14): lending targets and assessment points, the risk fund a
 * target requires, the reward allocated per unit, suspension with rectification, and the leverage cap.
 * Amounts in fen, rates in basis points, `null` for no data. Every number here has a policy setting; the
 * defaults are the Daoxian figures.
 */
import { addMonths, endOfMonth, type IsoDate } from "./dates";
import { fail } from "./errors";
import { assertFen, roundHalfUp, toSafeNumber, type Fen } from "./money";

/** numerator ÷ denominator in basis points, half-up; null when the denominator is 0 ("no data"). */
export function ratioBp(numerator: Fen, denominator: Fen): number | null {
  if (denominator === 0) return null;
  return toSafeNumber(roundHalfUp(BigInt(numerator) * 10_000n, BigInt(denominator)));
}

/**
 * The programme's rule values: what a new policy version starts from in the policy admin, and what services
 * use when no policy version is in force (the Daoxian figures of DOMAIN §11–§14). Keys named like a
 * PolicyVersion column equal that column's `@default` in prisma/schema.prisma (tests/unit/rule-literals.test.ts
 * checks it); `maxPrincipalFen` and `maxTermMonths` have no column default (DOMAIN: 30万 since 2023, ≤ 3 years).
 * Services read the policy first; these only fill a gap. Amounts in fen, rates in basis points.
 */
export const RULE_DEFAULTS = {
  maxPrincipalFen: 30_000_000,
  maxTermMonths: 36,
  maxExtensionMonths: 12,
  maxSubsidisedLoans: 3,
  rateCapSpreadBp: 0,
  borrowerSpreadBp: 150,
  subsidyShareBp: 10_000,
  /** Split of the subsidy among finance levels (central:provincial:city:county). */
  shareCentral: 0,
  shareProvincial: 0,
  shareCity: 0,
  shareCounty: 1,
  dayCountBasis: 360,
  leverageCap: 10,
  compensationAfterDays: 90,
  compensationShareBp: 8_000,
  rewardThresholdBp: 9_800,
  rewardRateBp: 200,
  rewardShares: [3, 2, 4, 1] as number[],
  suspensionThresholdBp: 9_800,
  suspensionMonths: 3,
  reportDeadlineDay: 5,
  writeOffAfterDays: 180,
  requiredFundRatioBp: 1_000,
  minAge: 18,
  maxAge: 65,
  womenOnly: true,
  /** Work lists (DOMAIN §15): instalments due within this many days are 即将到期; a case not followed up for this long is flagged. */
  dueNoticeDays: 30,
  followUpDays: 14,
  /** Deadlines of a subsidy claim's steps (DOMAIN §15), calendar days: submit after the quarter's settlement
   *  date, approve after submission, pay after approval. */
  claimSubmitDays: 10,
  claimApproveDays: 5,
  claimPayDays: 20,
  /** Post-loan visits (DOMAIN §18): the first within this many days of disbursement, then every this many months. */
  firstVisitDays: 30,
  visitEveryMonths: 3,
  /** Credit rating and 信用村 (DOMAIN §18). */
  creditRatingRequired: false,
  creditVillageRatedBp: 8_000,
  creditVillageRepayBp: 9_800,
  /** 分贷统还 (DOMAIN §18): at least 10% of the household's credit a year, for 3 years. */
  orgBenefitShareBp: 1_000,
  orgBenefitYears: 3,
} as const;

// ───────────────────────────── §11 targets and assessment points ─────────────────────────────

export interface AssessmentRule {
  /** Completion that earns the base points (bp of the target; 10000 = 100%). */
  baseBp: number;
  basePoints: number;
  /** Each whole step of completion above the base (bp of the target) earns `pointsPerStep`. */
  stepBp: number;
  pointsPerStep: number;
  maxPoints: number;
}

/** Daoxian: 100% → +10, +1 per whole 10% above, at most +20 (the schema's assessment* column defaults). */
export const DEFAULT_ASSESSMENT_RULE: AssessmentRule = {
  baseBp: 10_000,
  basePoints: 10,
  stepBp: 1_000,
  pointsPerStep: 1,
  maxPoints: 20,
};

function assertRule(rule: AssessmentRule) {
  for (const [k, v] of Object.entries(rule))
    if (!Number.isSafeInteger(v) || v < 0)
      fail("BAD_RULE", `assessment rule ${k} must be a whole number ≥ 0`);
  if (rule.stepBp === 0) fail("BAD_RULE", "assessment step must be positive");
}

/**
 * Assessment points (考核加分) of a unit: completion = lent ÷ target (bp, half-up); at or above the base
 * completion the base points plus the per-step points for each WHOLE step above it, at most the maximum;
 * below it no points and awards are barred (不能评先评优). No target (0): completion null, no points, not barred.
 */
export function assessmentPoints(args: { lentFen: Fen; targetFen: Fen; rule?: AssessmentRule }): {
  completionBp: number | null;
  points: number;
  awardsBarred: boolean;
} {
  const rule = args.rule ?? DEFAULT_ASSESSMENT_RULE;
  assertRule(rule);
  assertFen(args.lentFen, "amount lent");
  assertFen(args.targetFen, "target");
  if (args.targetFen === 0) return { completionBp: null, points: 0, awardsBarred: false };
  const lent = BigInt(args.lentFen);
  const target = BigInt(args.targetFen);
  const completionBp = toSafeNumber(roundHalfUp(lent * 10_000n, target));
  // Exact comparison on the rational completion (not the rounded bp): 99.996% is not 100%.
  const excess = lent * 10_000n - target * BigInt(rule.baseBp);
  if (excess < 0n) return { completionBp, points: 0, awardsBarred: true };
  const steps = excess / (target * BigInt(rule.stepBp));
  const points = Math.min(rule.maxPoints, rule.basePoints + Number(steps) * rule.pointsPerStep);
  return { completionBp, points, awardsBarred: false };
}

/** Risk fund required for a lending target: target × ratio (default 10%), half-up to the fen. */
export function requiredRiskFundFen(args: { targetFen: Fen; ratioBp?: number }): Fen {
  const ratioBp = args.ratioBp ?? RULE_DEFAULTS.requiredFundRatioBp;
  assertFen(args.targetFen, "target");
  if (!Number.isSafeInteger(ratioBp) || ratioBp < 0) fail("BAD_RATIO", "fund ratio must be ≥ 0 bp");
  return toSafeNumber(roundHalfUp(BigInt(args.targetFen) * BigInt(ratioBp), 10_000n));
}

/** Units ranked by completion (highest first; no target last), ties by code. Rank 1 is the best. */
export function rankByCompletion<T extends { code: string; completionBp: number | null }>(
  units: readonly T[],
): (T & { rank: number | null })[] {
  const sorted = [...units].sort((a, b) => {
    if (a.completionBp === b.completionBp) return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
    if (a.completionBp === null) return 1;
    if (b.completionBp === null) return -1;
    return b.completionBp - a.completionBp;
  });
  let rank = 0;
  let prev: number | null | undefined;
  return sorted.map((u, i) => {
    if (u.completionBp !== prev) rank = i + 1;
    prev = u.completionBp;
    return { ...u, rank: u.completionBp === null ? null : rank };
  });
}

// ───────────────────────────── §12 reward allocation ─────────────────────────────

export interface RewardUnit {
  lentFen: Fen;
  /** The unit's rate for the reward year (bp), null when nothing fell due. */
  rateBp: number | null;
}

const qualifies = (rateBp: number | null, thresholdBp: number) => rateBp !== null && rateBp >= thresholdBp;

/**
 * The reward (奖励资金) of a county's year, per DOMAIN §12: each qualifying township gets share₁ of
 * rewardRate × its lending, each qualifying village share₂ of rewardRate × its lending, each bank share₃ of
 * rewardRate × its lending in the qualifying townships, the leading group share₄ of rewardRate × the county's
 * lending if the county qualifies. Shares are parts of their sum (3:2:4:1). Each amount half-up to the fen.
 */
export function allocateReward(args: {
  rewardRateBp: number;
  thresholdBp: number;
  shares: readonly number[];
  county: RewardUnit;
  townships: readonly (RewardUnit & { code: string })[];
  villages: readonly (RewardUnit & { code: string; townshipCode: string })[];
  banks: readonly { id: number; lentFenByTownship: Readonly<Record<string, number>> }[];
}): {
  townships: { code: string; rewardFen: Fen }[];
  villages: { code: string; rewardFen: Fen }[];
  banks: { id: number; rewardFen: Fen }[];
  leadingGroupFen: Fen;
  totalFen: Fen;
} {
  if (args.shares.length !== 4 || args.shares.some((s) => !Number.isSafeInteger(s) || s < 0))
    fail("BAD_SHARES", "reward shares are four whole numbers ≥ 0 (township:village:bank:leading group)");
  const shareSum = args.shares.reduce((s, x) => s + x, 0);
  if (shareSum <= 0) fail("BAD_SHARES", "reward shares cannot all be 0");
  if (!Number.isSafeInteger(args.rewardRateBp) || args.rewardRateBp < 0 || args.rewardRateBp > 10_000)
    fail("BAD_RATIO", "reward rate must be 0–10000 bp");
  const den = 10_000n * BigInt(shareSum);
  const part = (lentFen: Fen, share: number) => {
    assertFen(lentFen, "amount lent");
    return toSafeNumber(roundHalfUp(BigInt(lentFen) * BigInt(args.rewardRateBp) * BigInt(share), den));
  };
  const [tShare, vShare, bShare, gShare] = args.shares as [number, number, number, number];
  const qualifiedTownships = new Set<string>();
  const townships = args.townships.map((t) => {
    const ok = qualifies(t.rateBp, args.thresholdBp);
    if (ok) qualifiedTownships.add(t.code);
    return { code: t.code, rewardFen: ok ? part(t.lentFen, tShare) : 0 };
  });
  const villages = args.villages.map((v) => ({
    code: v.code,
    rewardFen: qualifies(v.rateBp, args.thresholdBp) ? part(v.lentFen, vShare) : 0,
  }));
  const banks = args.banks.map((b) => {
    let lent = 0;
    for (const [code, fen] of Object.entries(b.lentFenByTownship)) {
      assertFen(fen, "bank lending");
      if (qualifiedTownships.has(code)) lent += fen;
    }
    return { id: b.id, rewardFen: part(lent, bShare) };
  });
  const leadingGroupFen = qualifies(args.county.rateBp, args.thresholdBp)
    ? part(args.county.lentFen, gShare)
    : 0;
  const totalFen =
    townships.reduce((s, x) => s + x.rewardFen, 0) +
    villages.reduce((s, x) => s + x.rewardFen, 0) +
    banks.reduce((s, x) => s + x.rewardFen, 0) +
    leadingGroupFen;
  return { townships, villages, banks, leadingGroupFen, totalFen };
}

// ───────────────────────────── §13 suspension ─────────────────────────────

/** Which loans a month-end's rate counts: fallen due since 1 January (default) or in the last 12 months. */
export type RateWindow = "YEAR_TO_DATE" | "ROLLING_12";
export const RATE_WINDOWS: readonly RateWindow[] = ["YEAR_TO_DATE", "ROLLING_12"];

/** The first day of the window of a month-end (loans whose principal fell due in [start, monthEnd]). */
export function rateWindowStart(window: RateWindow, monthEnd: IsoDate): IsoDate {
  if (window === "YEAR_TO_DATE") return `${monthEnd.slice(0, 4)}-01-01`;
  // (E − 12 months, E]: the day after the same day a year earlier.
  const yearAgo = addMonths(`${monthEnd.slice(0, 7)}-01`, -11);
  return yearAgo;
}

/** The month-ends from `from`'s month to the last month that has ended on or before `asOf`. */
export function completedMonthEnds(from: IsoDate, asOf: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let m = `${from.slice(0, 7)}-01`; ; m = addMonths(m, 1)) {
    const e = endOfMonth(m);
    if (e > asOf) break;
    out.push(e);
  }
  return out;
}

export interface MonthEndRate {
  monthEnd: IsoDate;
  rateBp: number | null;
}

export interface SuspensionSpell {
  /** The month-end at which the rule triggered (the n-th consecutive month-end below the threshold). */
  start: IsoDate;
  /** The month-ends and rates that caused it. */
  cause: MonthEndRate[];
  /** The day it was lifted (a month-end at or above the threshold, or the approval of the rectification
   *  when the last month-end already was), null while suspended. */
  end: IsoDate | null;
  /** The rectification whose approval, with a month-end at or above the threshold, lifted it. */
  rectificationId: number | null;
}

export interface SuspensionState {
  suspended: boolean;
  current: SuspensionSpell | null;
  episodes: SuspensionSpell[];
}

/**
 * The suspension state of a township or village (DOMAIN §13): below the threshold at `months` consecutive
 * month-ends → suspended from that month-end; lifted only when a month-end's rate is at or above the threshold
 * AND a rectification approved on or after the suspension's start exists (lifted on the later of the two).
 * A month with no data (null) breaks a run of low months and lifts nothing. Month-ends ascending; only those
 * that have ended, and rectifications approved by the as-of date, should be passed.
 */
export function suspensionState(args: {
  rates: readonly MonthEndRate[];
  thresholdBp: number;
  months: number;
  rectifications: readonly { id: number; approvedOn: IsoDate }[];
}): SuspensionState {
  if (!Number.isSafeInteger(args.months) || args.months < 1)
    fail("BAD_RULE", "suspension months must be ≥ 1");
  const rects = [...args.rectifications].sort((a, b) => (a.approvedOn < b.approvedOn ? -1 : 1));
  const episodes: SuspensionSpell[] = [];
  let run: MonthEndRate[] = [];
  let current: SuspensionSpell | null = null;
  const rates = args.rates;
  for (let i = 0; i < rates.length; i++) {
    const r = rates[i]!;
    const high = r.rateBp !== null && r.rateBp >= args.thresholdBp;
    if (current) {
      const spell: SuspensionSpell = current;
      if (high) {
        // A rectification approved since the start and by this month-end lifts it here; one approved before
        // the next month-end lifts it on its approval day (this month-end's rate stands until the next).
        const byNow = rects.find((x) => x.approvedOn >= spell.start && x.approvedOn <= r.monthEnd);
        if (byNow) {
          spell.end = r.monthEnd;
          spell.rectificationId = byNow.id;
        } else {
          const next = rates[i + 1]?.monthEnd;
          const later = rects.find((x) => x.approvedOn > r.monthEnd && (!next || x.approvedOn < next));
          if (later) {
            spell.end = later.approvedOn;
            spell.rectificationId = later.id;
          }
        }
        if (spell.end) {
          current = null;
          run = [];
        }
      }
      continue;
    }
    if (r.rateBp !== null && r.rateBp < args.thresholdBp) {
      run.push(r);
      if (run.length >= args.months) {
        current = { start: r.monthEnd, cause: run.slice(-args.months), end: null, rectificationId: null };
        episodes.push(current);
        run = [];
      }
    } else run = [];
  }
  return { suspended: current !== null, current, episodes };
}

// ───────────────────────────── §14 leverage cap ─────────────────────────────

export type OverCapMode = "REFUSE" | "FLAG";

/**
 * The leverage cap in force: the full cap when last year's 到期还款率 reached the policy's line (or the policy
 * sets no line), otherwise the reduced cap. A year with no data counts as not reaching it.
 */
export function leverageCapFor(args: {
  capFull: number;
  capReduced: number | null;
  minLastYearRateBp: number | null;
  lastYearRateBp: number | null;
}): number {
  if (args.minLastYearRateBp === null || args.capReduced === null) return args.capFull;
  return args.lastYearRateBp !== null && args.lastYearRateBp >= args.minLastYearRateBp
    ? args.capFull
    : args.capReduced;
}

/**
 * Would a new loan of `amountFen` take the guaranteed outstanding above cap × balance? Exact: the headroom
 * after the loan is cap × balance − outstanding − amount (negative: over by that much).
 */
export function leverageCheck(args: { balanceFen: Fen; outstandingFen: Fen; amountFen: Fen; cap: number }): {
  headroomFen: Fen;
  headroomAfterFen: Fen;
  overCap: boolean;
} {
  assertFen(args.balanceFen, "fund balance", true);
  assertFen(args.outstandingFen, "outstanding", true);
  assertFen(args.amountFen, "amount");
  if (!Number.isSafeInteger(args.cap) || args.cap <= 0)
    fail("BAD_RATIO", "leverage cap must be a positive whole number");
  const headroomFen = args.cap * args.balanceFen - args.outstandingFen;
  if (!Number.isSafeInteger(headroomFen)) fail("OVERFLOW", "headroom out of range");
  const headroomAfterFen = headroomFen - args.amountFen;
  return { headroomFen, headroomAfterFen, overCap: headroomAfterFen < 0 };
}
