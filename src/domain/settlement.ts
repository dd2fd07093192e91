/**
 * The subsidy claim's line of one loan, the annual settlement (清算) of a county's year and the steps of a
 * claim (DOMAIN.md §2 and §15, issue 18 item 8; docs/decisions/040-annual-settlement.md).
 *
 * One rule: `loanClaimLine()` is what a quarterly claim puts on a loan's line (the policy of the period, the
 * borrower's rate from the LPR at the contract date, claimLine()'s interest and subsidy). The claim service
 * uses it to generate a claim; the settlement uses it again, with the journal as it stands now, for every
 * quarter of the year, and compares the sum with the claims. Amounts in fen.
 */
import { claimLineBalanceDays, type BalanceDays } from "./balance-days";
import { accrualSegments, claimLine, splitClaimByLevels, type LoanAccrualFacts } from "./claims";
import { addDays, daysBetween, settlementPeriod, type IsoDate, type Quarter } from "./dates";
import type { Fen } from "./money";
import {
  borrowerRateBp,
  lprOn,
  resolvePolicy,
  type LprEntry,
  type PeriodSubsidy,
  type PolicyRules,
} from "./policy";
import { RULE_DEFAULTS } from "./rules";

export type QuarterNo = Quarter["quarter"];
export const QUARTERS: readonly QuarterNo[] = [1, 2, 3, 4];

/** A disbursed loan as a claim reads it. */
export interface ClaimLoan {
  id: number;
  bankId: number;
  programmeCode: string;
  /** The region the policy is resolved for: the loan's village (the most specific policy wins). */
  regionCode: string;
  contractRateBp: number;
  facts: LoanAccrualFacts;
}

/** What a claim line needs of a policy version. */
export type ClaimPolicy = Pick<
  PolicyRules,
  | "programmeCode"
  | "regionCode"
  | "validFrom"
  | "validTo"
  | "subsidyMode"
  | "borrowerSpreadBp"
  | "subsidyShareBp"
  | "dayCountBasis"
> & { shareCentral: number; shareProvincial: number; shareCity: number; shareCounty: number };

export interface LoanClaimLine {
  loanId: number;
  bankId: number;
  principalFen: Fen;
  contractRateBp: number;
  borrowerRateBp: number;
  /** The policy's split among finance levels (central:provincial:city:county). */
  shares: [number, number, number, number];
  res: PeriodSubsidy;
  balance: BalanceDays;
}

/**
 * A loan's line in the claim of a settlement period: the policy in force on the period's last day decides
 * the mode (e.g. "70% of interest arising in 2024–2025"); the borrower's rate follows from the 1-year LPR on
 * the contract date. Null when no policy applies or the loan accrued nothing in the period.
 */
export function loanClaimLine(
  loan: ClaimLoan,
  period: { start: IsoDate; end: IsoDate },
  policies: readonly ClaimPolicy[],
  lpr: readonly LprEntry[],
): LoanClaimLine | null {
  const policy = resolvePolicy(policies, {
    programmeCode: loan.programmeCode,
    regionCode: loan.regionCode,
    date: period.end,
  });
  if (!policy) return null;
  // A loan that accrues nothing in the period has no line (and needs no LPR: loans of 2014 predate it).
  if (accrualSegments(loan.facts, period.start, addDays(period.end, 1)).length === 0) return null;
  // Only the LPR-based mode reads the LPR at the contract date; the others do not depend on it.
  const lprAtContract =
    policy.subsidyMode === "LPR_MINUS_SPREAD" ? lprOn(lpr, loan.facts.disbursedDate, "ONE_YEAR") : 0;
  const bRate = borrowerRateBp(policy, lprAtContract, loan.contractRateBp);
  const res = claimLine({
    facts: loan.facts,
    period,
    mode: policy.subsidyMode,
    basis: policy.dayCountBasis,
    contractRateBp: loan.contractRateBp,
    borrowerRateBp: bRate,
    subsidyShareBp: policy.subsidyShareBp,
  });
  if (res.days === 0) return null;
  return {
    loanId: loan.id,
    bankId: loan.bankId,
    principalFen: loan.facts.principalFen,
    contractRateBp: loan.contractRateBp,
    borrowerRateBp: bRate,
    shares: [policy.shareCentral, policy.shareProvincial, policy.shareCity, policy.shareCounty],
    res,
    balance: claimLineBalanceDays(loan.facts, period),
  };
}

/** A recomputed line of the year: one loan, one quarter. */
export interface SettlementLine {
  loanId: number;
  bankId: number;
  quarter: QuarterNo;
  interestFen: Fen;
  subsidyFen: Fen;
  shares: readonly number[];
}

/**
 * The year recomputed: every loan's line in each of the given quarters, exactly as a claim generated now
 * would have it (each quarter's amounts rounded once, as the claims round them).
 */
export function recomputeYear(args: {
  year: number;
  quarters: readonly QuarterNo[];
  loans: readonly ClaimLoan[];
  policies: readonly ClaimPolicy[];
  lpr: readonly LprEntry[];
}): SettlementLine[] {
  const out: SettlementLine[] = [];
  for (const quarter of args.quarters) {
    const period = settlementPeriod({ year: args.year, quarter });
    for (const loan of args.loans) {
      if (loan.facts.disbursedDate > period.end) continue;
      const line = loanClaimLine(loan, period, args.policies, args.lpr);
      if (!line) continue;
      out.push({
        loanId: loan.id,
        bankId: loan.bankId,
        quarter,
        interestFen: line.res.interestFen,
        subsidyFen: line.res.subsidyFen,
        shares: line.shares,
      });
    }
  }
  return out;
}

/** A claim's status; only a claim sent on (submitted, approved or paid) counts as claimed. */
export type ClaimStatusCode = "DRAFT" | "SUBMITTED" | "APPROVED" | "REJECTED" | "PAID";
export type CountedStatus = "SUBMITTED" | "APPROVED" | "PAID";
export const COUNTED_STATUSES: readonly CountedStatus[] = ["SUBMITTED", "APPROVED", "PAID"];
const isCounted = (s: ClaimStatusCode): s is CountedStatus =>
  (COUNTED_STATUSES as readonly string[]).includes(s);

/** A claim of the year as stored: its status, its split by finance level and its lines. */
export interface SettlementClaim {
  id: number;
  bankId: number;
  quarter: QuarterNo;
  status: ClaimStatusCode;
  /** Central, provincial, city, county. */
  levelsFen: readonly Fen[];
  lines: readonly { loanId: number; interestFen: Fen; subsidyFen: Fen }[];
}

export interface SettlementQuarter {
  bankId: number;
  quarter: QuarterNo;
  /** The quarter's settlement date has passed: its claim is due. */
  due: boolean;
  claimId: number | null;
  status: ClaimStatusCode | null;
  /** Counted in the settlement (submitted, approved or paid). */
  counted: boolean;
  /** Due, with subsidy to claim on the recomputation, and no counted claim (none, a draft or a rejected one). */
  missing: boolean;
  claimedFen: Fen;
  recomputedFen: Fen;
  /** Recomputed − claimed: positive is still owed, negative was claimed too much. */
  differenceFen: Fen;
  recomputedLoans: number;
}

export interface SettlementLoan {
  loanId: number;
  bankId: number;
  claimedFen: Record<CountedStatus, Fen>;
  claimedTotalFen: Fen;
  recomputedFen: Fen;
  differenceFen: Fen;
  claimedInterestFen: Fen;
  recomputedInterestFen: Fen;
  /** Quarters with a recomputed line whose bank has no counted claim. */
  missingQuarters: QuarterNo[];
  /** Quarters with a counted claim whose line (or its absence) differs from the recomputation. */
  differentQuarters: QuarterNo[];
}

export interface SettlementLevel {
  level: 0 | 1 | 2 | 3;
  claimedFen: Fen;
  recomputedFen: Fen;
  differenceFen: Fen;
}

export interface AnnualSettlement {
  quarters: SettlementQuarter[];
  /** Loans with a difference first (the largest first), then by id. */
  loans: SettlementLoan[];
  levels: SettlementLevel[];
  totals: {
    claimedFen: Record<CountedStatus, Fen>;
    claimedTotalFen: Fen;
    recomputedFen: Fen;
    differenceFen: Fen;
    claimedInterestFen: Fen;
    recomputedInterestFen: Fen;
    loans: number;
    loansWithDifference: number;
    missingQuarters: number;
  };
}

const byStatus = (): Record<CountedStatus, Fen> => ({ SUBMITTED: 0, APPROVED: 0, PAID: 0 });

/** A loan the settlement has to explain: a difference, a quarter not claimed, or a quarter claimed otherwise. */
export function hasSettlementDifference(
  l: Pick<SettlementLoan, "differenceFen" | "missingQuarters" | "differentQuarters">,
): boolean {
  return l.differenceFen !== 0 || l.missingQuarters.length > 0 || l.differentQuarters.length > 0;
}

/**
 * The annual settlement: per loan, the sum of its lines in the year's counted claims (by status) against the
 * recomputation of the year, and the difference to the fen; per bank and quarter, the claim and whether it is
 * missing (a missing claim is a difference too: nothing claimed against what the recomputation gives); per
 * finance level, the claims' splits against the recomputation split the way a claim splits (largest remainder
 * per bank and quarter). Banks are those with a claim or a recomputed line.
 */
export function annualSettlement(args: {
  /** The quarters whose settlement date has passed (their claims are due and recomputed). */
  dueQuarters: readonly QuarterNo[];
  claims: readonly SettlementClaim[];
  recomputed: readonly SettlementLine[];
}): AnnualSettlement {
  const due = new Set(args.dueQuarters);
  const key = (bankId: number, q: number) => `${bankId}:${q}`;
  const claimOf = new Map<string, SettlementClaim>();
  for (const c of args.claims) claimOf.set(key(c.bankId, c.quarter), c);
  const banks = [
    ...new Set([...args.claims.map((c) => c.bankId), ...args.recomputed.map((l) => l.bankId)]),
  ].sort((a, b) => a - b);

  const recomputedOf = new Map<string, SettlementLine[]>();
  for (const l of args.recomputed) {
    const k = key(l.bankId, l.quarter);
    const list = recomputedOf.get(k) ?? [];
    list.push(l);
    recomputedOf.set(k, list);
  }

  // Per loan, per quarter: what was claimed (counted claims only) and what the recomputation gives.
  interface Cell {
    claimed: { subsidyFen: Fen; interestFen: Fen; status: CountedStatus } | null;
    recomputed: SettlementLine | null;
  }
  const loans = new Map<number, { bankId: number; cells: Map<QuarterNo, Cell> }>();
  const cell = (loanId: number, bankId: number, q: QuarterNo): Cell => {
    const loan = loans.get(loanId) ?? { bankId, cells: new Map<QuarterNo, Cell>() };
    loans.set(loanId, loan);
    const c = loan.cells.get(q) ?? { claimed: null, recomputed: null };
    loan.cells.set(q, c);
    return c;
  };
  for (const c of args.claims) {
    if (!isCounted(c.status)) continue;
    for (const l of c.lines)
      cell(l.loanId, c.bankId, c.quarter).claimed = {
        subsidyFen: l.subsidyFen,
        interestFen: l.interestFen,
        status: c.status,
      };
  }
  for (const l of args.recomputed) cell(l.loanId, l.bankId, l.quarter).recomputed = l;

  const quarters: SettlementQuarter[] = [];
  const levelsClaimed = [0, 0, 0, 0];
  const levelsRecomputed = [0, 0, 0, 0];
  for (const bankId of banks) {
    for (const quarter of QUARTERS) {
      const claim = claimOf.get(key(bankId, quarter)) ?? null;
      const lines = recomputedOf.get(key(bankId, quarter)) ?? [];
      const counted = claim !== null && isCounted(claim.status);
      const claimedFen = counted ? claim.lines.reduce((s, l) => s + l.subsidyFen, 0) : 0;
      const recomputedFen = lines.reduce((s, l) => s + l.subsidyFen, 0);
      if (counted) claim.levelsFen.forEach((fen, k) => (levelsClaimed[k]! += fen));
      if (lines.length) splitClaimByLevels(lines).forEach((fen, k) => (levelsRecomputed[k]! += fen));
      quarters.push({
        bankId,
        quarter,
        due: due.has(quarter),
        claimId: claim?.id ?? null,
        status: claim?.status ?? null,
        counted,
        missing: due.has(quarter) && !counted && lines.length > 0,
        claimedFen,
        recomputedFen,
        differenceFen: recomputedFen - claimedFen,
        recomputedLoans: lines.length,
      });
    }
  }
  const countedQuarter = new Set(quarters.filter((q) => q.counted).map((q) => key(q.bankId, q.quarter)));

  const loanRows: SettlementLoan[] = [...loans].map(([loanId, { bankId, cells }]) => {
    const claimedFen = byStatus();
    let claimedInterestFen = 0;
    let recomputedFen = 0;
    let recomputedInterestFen = 0;
    const missingQuarters: QuarterNo[] = [];
    const differentQuarters: QuarterNo[] = [];
    for (const quarter of QUARTERS) {
      const c = cells.get(quarter);
      if (!c) continue;
      if (c.claimed) {
        claimedFen[c.claimed.status] += c.claimed.subsidyFen;
        claimedInterestFen += c.claimed.interestFen;
      }
      if (c.recomputed) {
        recomputedFen += c.recomputed.subsidyFen;
        recomputedInterestFen += c.recomputed.interestFen;
      }
      if (!countedQuarter.has(key(bankId, quarter))) {
        if (c.recomputed) missingQuarters.push(quarter);
      } else if (
        (c.claimed?.subsidyFen ?? null) !== (c.recomputed?.subsidyFen ?? null) ||
        (c.claimed?.interestFen ?? null) !== (c.recomputed?.interestFen ?? null)
      )
        differentQuarters.push(quarter);
    }
    const claimedTotalFen = claimedFen.SUBMITTED + claimedFen.APPROVED + claimedFen.PAID;
    return {
      loanId,
      bankId,
      claimedFen,
      claimedTotalFen,
      recomputedFen,
      differenceFen: recomputedFen - claimedTotalFen,
      claimedInterestFen,
      recomputedInterestFen,
      missingQuarters,
      differentQuarters,
    };
  });
  const flagged = hasSettlementDifference;
  loanRows.sort(
    (a, b) =>
      Number(flagged(b)) - Number(flagged(a)) ||
      Math.abs(b.differenceFen) - Math.abs(a.differenceFen) ||
      a.loanId - b.loanId,
  );

  const claimedTotals = byStatus();
  for (const l of loanRows) for (const s of COUNTED_STATUSES) claimedTotals[s] += l.claimedFen[s];
  const sum = (f: (l: SettlementLoan) => Fen) => loanRows.reduce((s, l) => s + f(l), 0);
  const claimedTotalFen = sum((l) => l.claimedTotalFen);
  const recomputedFen = sum((l) => l.recomputedFen);
  return {
    quarters,
    loans: loanRows,
    levels: ([0, 1, 2, 3] as const).map((level) => ({
      level,
      claimedFen: levelsClaimed[level]!,
      recomputedFen: levelsRecomputed[level]!,
      differenceFen: levelsRecomputed[level]! - levelsClaimed[level]!,
    })),
    totals: {
      claimedFen: claimedTotals,
      claimedTotalFen,
      recomputedFen,
      differenceFen: recomputedFen - claimedTotalFen,
      claimedInterestFen: sum((l) => l.claimedInterestFen),
      recomputedInterestFen: sum((l) => l.recomputedInterestFen),
      loans: loanRows.length,
      loansWithDifference: loanRows.filter(flagged).length,
      missingQuarters: quarters.filter((q) => q.missing).length,
    },
  };
}

// ───────────────────────────── the steps of a claim ─────────────────────────────

export interface ClaimDeadlines {
  claimSubmitDays: number;
  claimApproveDays: number;
  claimPayDays: number;
}

/** The deadlines of a claim whose lines fall under several policies: the shortest of each; none → the defaults. */
export function claimDeadlines(policies: readonly ClaimDeadlines[]): ClaimDeadlines {
  if (policies.length === 0)
    return {
      claimSubmitDays: RULE_DEFAULTS.claimSubmitDays,
      claimApproveDays: RULE_DEFAULTS.claimApproveDays,
      claimPayDays: RULE_DEFAULTS.claimPayDays,
    };
  return {
    claimSubmitDays: Math.min(...policies.map((p) => p.claimSubmitDays)),
    claimApproveDays: Math.min(...policies.map((p) => p.claimApproveDays)),
    claimPayDays: Math.min(...policies.map((p) => p.claimPayDays)),
  };
}

export type ClaimStepKey = "GENERATED" | "SUBMITTED" | "APPROVED" | "PAID";

/**
 * ON_TIME / LATE: done, by / after its deadline. DONE: done, with no deadline to judge (the generation, or a
 * step after one whose date was not recorded). UNRECORDED: done (the claim is past it) but its date was not
 * kept. PENDING: the claim waits for it, within the deadline; OVERDUE: it waits past the deadline.
 * WAITING: an earlier step is not done yet.
 */
export type ClaimStepState = "ON_TIME" | "LATE" | "DONE" | "UNRECORDED" | "PENDING" | "OVERDUE" | "WAITING";

export interface ClaimStep {
  step: ClaimStepKey;
  /** The day the step was done (Asia/Shanghai calendar day), null when not (or not recorded). */
  date: IsoDate | null;
  /** The day the step could start: the settlement date, then the previous step's date. */
  from: IsoDate | null;
  /** Days the step took (from `from` to `date`), or has taken so far while it waits. */
  days: number | null;
  deadline: IsoDate | null;
  /** Days past the deadline (done late, or still waiting past it); 0 otherwise. */
  daysLate: number;
  state: ClaimStepState;
}

const ORDER: Record<ClaimStatusCode, number> = { DRAFT: 0, REJECTED: 0, SUBMITTED: 1, APPROVED: 2, PAID: 3 };

/**
 * The steps generated → submitted → approved → paid of one claim with their dates, the days each took and its
 * deadline from the policy: submission by the settlement date + claimSubmitDays, approval by the submission +
 * claimApproveDays, payment by the approval + claimPayDays. Calendar days. A rejected claim waits for its
 * submission again (its deadline does not move). `late` when any step was done late or waits past its deadline.
 */
export function claimSteps(args: {
  /** The quarter's settlement date (the period's last day). */
  settlementDate: IsoDate;
  status: ClaimStatusCode;
  generatedOn: IsoDate;
  submittedOn: IsoDate | null;
  approvedOn: IsoDate | null;
  paidOn: IsoDate | null;
  deadlines: ClaimDeadlines;
  today: IsoDate;
}): { steps: ClaimStep[]; late: boolean; overdue: ClaimStepKey | null } {
  const reached = ORDER[args.status];
  const generated: ClaimStep = {
    step: "GENERATED",
    date: args.generatedOn,
    from: args.settlementDate,
    days: daysBetween(args.settlementDate, args.generatedOn),
    deadline: null,
    daysLate: 0,
    state: "DONE",
  };
  const steps: ClaimStep[] = [generated];
  const defs: { step: ClaimStepKey; done: boolean; on: IsoDate | null; days: number }[] = [
    { step: "SUBMITTED", done: reached >= 1, on: args.submittedOn, days: args.deadlines.claimSubmitDays },
    { step: "APPROVED", done: reached >= 2, on: args.approvedOn, days: args.deadlines.claimApproveDays },
    { step: "PAID", done: reached >= 3, on: args.paidOn, days: args.deadlines.claimPayDays },
  ];
  let prev: ClaimStep = generated;
  for (const d of defs) {
    // Submission counts from the settlement date; later steps from the previous step's day.
    const base = d.step === "SUBMITTED" ? args.settlementDate : prev.date;
    const deadline = base === null ? null : addDays(base, d.days);
    const from = prev.date;
    let step: ClaimStep;
    if (d.done) {
      const date = d.on;
      const daysLate = date && deadline ? Math.max(0, daysBetween(deadline, date)) : 0;
      step = {
        step: d.step,
        date,
        from,
        days: date && from ? daysBetween(from, date) : null,
        deadline,
        daysLate,
        state: date === null ? "UNRECORDED" : deadline === null ? "DONE" : daysLate > 0 ? "LATE" : "ON_TIME",
      };
    } else if (prev.state === "PENDING" || prev.state === "OVERDUE" || prev.state === "WAITING") {
      step = {
        step: d.step,
        date: null,
        from: null,
        days: null,
        deadline: null,
        daysLate: 0,
        state: "WAITING",
      };
    } else {
      const daysLate = deadline ? Math.max(0, daysBetween(deadline, args.today)) : 0;
      step = {
        step: d.step,
        date: null,
        from,
        days: from ? Math.max(0, daysBetween(from, args.today)) : null,
        deadline,
        daysLate,
        state: daysLate > 0 ? "OVERDUE" : "PENDING",
      };
    }
    steps.push(step);
    prev = step;
  }
  return {
    steps,
    late: steps.some((s) => s.state === "LATE" || s.state === "OVERDUE"),
    overdue: steps.find((s) => s.state === "OVERDUE")?.step ?? null,
  };
}
