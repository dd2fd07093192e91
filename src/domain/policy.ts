/**
 * Policy versions, LPR, rate rules and subsidy under each subsidy mode (DOMAIN.md §2, "Programmes").
 * A policy version is in force on [validFrom, validTo); the most specific region wins.
 */
import { addMonths, compareDates, daysBetween, minDate, type IsoDate } from "./dates";
import { fail } from "./errors";
import {
  assertBasis,
  assertRateBp,
  interestDenominator,
  interestNumerator,
  type DayCountBasis,
  type SubsidySplit,
} from "./interest";
import { assertFen, roundHalfUp, toSafeNumber, type Fen } from "./money";
import { isWithin, scopePrefix } from "./region";

export type SubsidyMode = "LPR_MINUS_SPREAD" | "FULL" | "SHARE_OF_INTEREST" | "YEAR_FACTORS";
export type RateRule = "LPR_1Y_PLUS_SPREAD" | "LPR_BY_TERM";

export interface PolicyRules {
  id: number | string;
  programmeCode: string;
  regionCode: string;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  rateRule: RateRule;
  rateCapSpreadBp: number;
  subsidyMode: SubsidyMode;
  borrowerSpreadBp: number;
  subsidyShareBp: number;
  dayCountBasis: number;
}

export function resolvePolicy<
  P extends Pick<PolicyRules, "programmeCode" | "regionCode" | "validFrom" | "validTo">,
>(policies: readonly P[], query: { programmeCode: string; regionCode: string; date: IsoDate }): P | null {
  let best: P | null = null;
  for (const p of policies) {
    if (p.programmeCode !== query.programmeCode) continue;
    if (!isWithin(query.regionCode, p.regionCode)) continue;
    if (compareDates(query.date, p.validFrom) < 0) continue;
    if (p.validTo !== null && compareDates(query.date, p.validTo) >= 0) continue;
    if (
      best === null ||
      scopePrefix(p.regionCode).length > scopePrefix(best.regionCode).length ||
      (scopePrefix(p.regionCode).length === scopePrefix(best.regionCode).length &&
        p.validFrom > best.validFrom)
    ) {
      best = p;
    }
  }
  return best;
}

export interface LprEntry {
  effectiveDate: IsoDate;
  term: "ONE_YEAR" | "FIVE_YEAR";
  rateBp: number;
}

/** The LPR in force on a date: the latest publication on or before it. */
export function lprOn(table: readonly LprEntry[], date: IsoDate, term: LprEntry["term"]): number {
  let best: LprEntry | null = null;
  for (const e of table) {
    if (e.term === term && e.effectiveDate <= date && (best === null || e.effectiveDate > best.effectiveDate))
      best = e;
  }
  if (!best)
    fail("NO_LPR", `no ${term === "ONE_YEAR" ? "1-year" : "5-year"} LPR published on or before ${date}`);
  return best.rateBp;
}

/** The highest contract rate the policy allows (fixed for the contract). */
export function contractRateCapBp(
  policy: Pick<PolicyRules, "rateRule" | "rateCapSpreadBp">,
  lpr: { oneYearBp: number; fiveYearBp: number },
  termMonths: number,
): number {
  if (policy.rateRule === "LPR_BY_TERM") return termMonths <= 12 ? lpr.oneYearBp : lpr.fiveYearBp;
  return lpr.oneYearBp + policy.rateCapSpreadBp;
}

/** The rate the borrower pays under LPR_MINUS_SPREAD: LPR(1y, contract date) − spread, never above the contract rate. */
export function borrowerRateBp(
  policy: Pick<PolicyRules, "subsidyMode" | "borrowerSpreadBp">,
  lprOneYearBp: number,
  contractRate: number,
): number {
  switch (policy.subsidyMode) {
    case "LPR_MINUS_SPREAD":
      return Math.max(0, Math.min(contractRate, lprOneYearBp - policy.borrowerSpreadBp));
    case "FULL":
      return 0;
    default:
      // Share and year-factor modes are not rate-based: the borrower's part follows from the subsidy.
      return contractRate;
  }
}

export type ExclusionReason = "EXTENSION" | "OVERDUE" | "VOIDED" | "OVER_CAP";

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  EXTENSION: "展期期间不贴息",
  OVERDUE: "逾期本金不贴息",
  VOIDED: "取消贴息资格",
  OVER_CAP: "超倍数放款不贴息",
};

/** A stored exclusion reason in words: older rows (the demo data) hold codes like "OVERDUE,EXTENSION". */
export function exclusionText(stored: string | null): string | null {
  if (!stored) return stored;
  return stored
    .split(/[,；]/)
    .map((r) => EXCLUSION_LABELS[r as ExclusionReason] ?? r)
    .join("；");
}

/** A stretch of days [from, to) on which a principal amount was outstanding. */
export interface AccrualSegment {
  from: IsoDate;
  to: IsoDate;
  principalFen: Fen;
  /** Interest accrues but no subsidy is paid on this segment. */
  excluded?: ExclusionReason;
}

export interface PeriodSubsidy extends SubsidySplit {
  days: number;
  excludedDays: number;
  excludedReasons: ExclusionReason[];
}

/** Year factors in thirds: year 1 full (3/3), year 2 two-thirds, year 3 one-third, later years nothing. */
export const YEAR_FACTOR_THIRDS: readonly number[] = [3, 2, 1];

/**
 * Interest and subsidy of one loan over a settlement period, as the sum over its accrual segments, each
 * amount rounded once on its exact value. Borrower share = interest − subsidy.
 */
export function periodSubsidy(args: {
  mode: SubsidyMode;
  basis: number;
  contractRateBp: number;
  /** LPR_MINUS_SPREAD / FULL: the borrower's rate. */
  borrowerRateBp: number;
  /** SHARE_OF_INTEREST: finance share in bp. */
  subsidyShareBp: number;
  /** YEAR_FACTORS: loan years count from this date. */
  disbursedDate: IsoDate;
  segments: readonly AccrualSegment[];
}): PeriodSubsidy {
  const basis: DayCountBasis = assertBasis(args.basis);
  assertRateBp(args.contractRateBp, "contract rate");
  assertRateBp(args.borrowerRateBp, "borrower rate");
  assertRateBp(args.subsidyShareBp, "subsidy share");
  if (args.borrowerRateBp > args.contractRateBp)
    fail("BAD_RATE", "borrower rate cannot exceed the contract rate", "borrowerRateBp");

  const den = interestDenominator(basis);
  let interestNum = 0n;
  // Subsidy numerator over a common denominator den × 10000 × 3 (share bp and thirds).
  let subsidyNum = 0n;
  const subsidyScale = 30_000n;
  let days = 0;
  let excludedDays = 0;
  const reasons = new Set<ExclusionReason>();

  for (const seg of args.segments) {
    assertFen(seg.principalFen, "principal");
    const d = daysBetween(seg.from, seg.to);
    if (d < 0) fail("END_BEFORE_START", `segment ends (${seg.to}) before it starts (${seg.from})`);
    days += d;
    interestNum += interestNumerator(seg.principalFen, args.contractRateBp, d);
    if (seg.excluded) {
      excludedDays += d;
      if (d > 0) reasons.add(seg.excluded);
      continue;
    }
    switch (args.mode) {
      case "LPR_MINUS_SPREAD":
      case "FULL": {
        const rate = args.mode === "FULL" ? args.contractRateBp : args.contractRateBp - args.borrowerRateBp;
        subsidyNum += interestNumerator(seg.principalFen, rate, d) * subsidyScale;
        break;
      }
      case "SHARE_OF_INTEREST":
        subsidyNum +=
          interestNumerator(seg.principalFen, args.contractRateBp, d) * BigInt(args.subsidyShareBp) * 3n;
        break;
      case "YEAR_FACTORS": {
        // Split the segment at the loan's anniversaries; year 4+ earns nothing.
        let cursor = seg.from;
        for (let year = 0; cursor < seg.to; year++) {
          const yearEnd = addMonths(args.disbursedDate, 12 * (year + 1));
          if (yearEnd <= cursor) continue;
          const piece = daysBetween(cursor, minDate(yearEnd, seg.to));
          const thirds = YEAR_FACTOR_THIRDS[year] ?? 0;
          subsidyNum +=
            interestNumerator(seg.principalFen, args.contractRateBp, piece) * 10_000n * BigInt(thirds);
          cursor = minDate(yearEnd, seg.to);
        }
        break;
      }
      default:
        fail("BAD_METHOD", `unknown subsidy mode ${String(args.mode)}`);
    }
  }
  const interestFen = toSafeNumber(roundHalfUp(interestNum, den));
  const subsidyFen = Math.min(interestFen, toSafeNumber(roundHalfUp(subsidyNum, den * subsidyScale)));
  return {
    days,
    excludedDays,
    excludedReasons: [...reasons],
    interestFen,
    subsidyFen,
    borrowerFen: interestFen - subsidyFen,
  };
}
