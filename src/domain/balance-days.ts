/**
 * Balance-days (积数) of a claim line: Σ outstanding principal × days over the period's accrual segments, so an
 * auditor can recompute the line by hand — interest = 积数 × contract rate ÷ day-count basis, rounded half-up
 * once (as periodSubsidy computes it), and the subsidy on the 积数 of the subsidised days only. In fen·days
 * (shown as 元·天): 12 digits of yuan × 366 days stays far below 2^53.
 */
import { addDays, daysBetween, type IsoDate } from "./dates";
import { accrualSegments, type LoanAccrualFacts } from "./claims";
import { roundHalfUp, toSafeNumber, type Fen } from "./money";
import type { AccrualSegment } from "./policy";

export interface BalanceDays {
  /** Every accruing day (interest is computed on it). */
  balanceFenDays: number;
  /** Of which on days that earn no subsidy (extension, overdue principal, voided). */
  excludedFenDays: number;
}

export function balanceDaysOf(segments: readonly AccrualSegment[]): BalanceDays {
  let all = 0;
  let excluded = 0;
  for (const s of segments) {
    const v = s.principalFen * daysBetween(s.from, s.to);
    all += v;
    if (s.excluded) excluded += v;
  }
  return { balanceFenDays: all, excludedFenDays: excluded };
}

/** The 积数 of one loan's claim line for a settlement period [start, endInclusive]. */
export function claimLineBalanceDays(
  facts: LoanAccrualFacts,
  period: { start: IsoDate; end: IsoDate },
): BalanceDays {
  return balanceDaysOf(accrualSegments(facts, period.start, addDays(period.end, 1)));
}

/** Interest recomputed from the 积数 by hand: 积数 × rate ÷ basis, half-up to the fen. */
export function interestFromBalanceDays(balanceFenDays: number, rateBp: number, basis: number): Fen {
  return toSafeNumber(roundHalfUp(BigInt(balanceFenDays) * BigInt(rateBp), 10_000n * BigInt(basis)));
}
