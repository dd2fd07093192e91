/**
 * Credit rating (评级授信) and credit villages (信用村), DOMAIN §11 and §18. A household's rating counts once a
 * second person has approved it, on the days of its validity [validFrom, validTo] (both included). The
 * numbers of the rules (whether a rating is required, the credit village's thresholds) are policy settings.
 */
import type { IsoDate } from "./dates";
import type { Fen } from "./money";
import { ratio } from "./portfolio";

export const CREDIT_GRADES = ["AAA", "AA", "A"] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];

export interface RatingLike {
  id: number;
  status: "PENDING" | "APPROVED" | "REJECTED";
  grade: CreditGrade;
  creditLimitFen: Fen;
  validFrom: IsoDate;
  validTo: IsoDate;
}

/**
 * The rating in force on a day: approved and valid that day. Of several, the one that started last (then the
 * later id: the newer decision of the committee) wins.
 */
export function ratingOn<R extends RatingLike>(ratings: readonly R[], on: IsoDate): R | null {
  let best: R | null = null;
  for (const r of ratings) {
    if (r.status !== "APPROVED" || r.validFrom > on || r.validTo < on) continue;
    if (!best || r.validFrom > best.validFrom || (r.validFrom === best.validFrom && r.id > best.id)) best = r;
  }
  return best;
}

/** The last day an approved rating was valid before `on` (the rating expired), or null. */
export function lastExpiry(ratings: readonly RatingLike[], on: IsoDate): IsoDate | null {
  let last: IsoDate | null = null;
  for (const r of ratings)
    if (r.status === "APPROVED" && r.validTo < on && (!last || r.validTo > last)) last = r.validTo;
  return last;
}

export type CreditProblem =
  | { code: "OVER_CREDIT_LIMIT"; field: "amount"; limitFen: Fen; grade: CreditGrade; validTo: IsoDate }
  | { code: "NO_VALID_RATING"; field: "borrowerId"; expiredOn: IsoDate | null };

/**
 * The credit check of an application: an amount above the limit of the rating in force on the application
 * date is refused; without a rating in force, the application is refused only where the policy requires one
 * (an expired rating is no rating: its limit no longer applies, and where one is required the refusal names
 * the day it expired). A pending or rejected rating counts for nothing.
 */
export function creditCheck(args: {
  ratings: readonly RatingLike[];
  on: IsoDate;
  amountFen: Fen;
  ratingRequired: boolean;
}): CreditProblem[] {
  const r = ratingOn(args.ratings, args.on);
  if (r)
    return args.amountFen > r.creditLimitFen
      ? [
          {
            code: "OVER_CREDIT_LIMIT",
            field: "amount",
            limitFen: r.creditLimitFen,
            grade: r.grade,
            validTo: r.validTo,
          },
        ]
      : [];
  if (!args.ratingRequired) return [];
  return [{ code: "NO_VALID_RATING", field: "borrowerId", expiredOn: lastExpiry(args.ratings, args.on) }];
}

export type RatingInputProblem =
  | { code: "VALID_TO_NOT_AFTER_FROM"; field: "validTo" }
  | { code: "RATED_AFTER_VALID_FROM"; field: "ratedOn" }
  | { code: "COMMITTEE_AFTER_VALID_FROM"; field: "committeeOn" }
  | { code: "DATE_IN_FUTURE"; field: "ratedOn" | "committeeOn" }
  | { code: "LIMIT_NOT_POSITIVE"; field: "creditLimit" }
  | { code: "LIMIT_OVER_CAP"; field: "creditLimit"; capFen: Fen };

/**
 * A rating as entered: rated and decided by the committee on or before the day it starts (and not in the future),
 * valid for a positive period, with a positive limit no higher than the programme's loan cap.
 */
export function ratingInputProblems(r: {
  creditLimitFen: Fen;
  validFrom: IsoDate;
  validTo: IsoDate;
  ratedOn: IsoDate;
  committeeOn: IsoDate;
  today: IsoDate;
  maxPrincipalFen: Fen | null;
}): RatingInputProblem[] {
  const out: RatingInputProblem[] = [];
  if (r.creditLimitFen <= 0) out.push({ code: "LIMIT_NOT_POSITIVE", field: "creditLimit" });
  else if (r.maxPrincipalFen !== null && r.creditLimitFen > r.maxPrincipalFen)
    out.push({ code: "LIMIT_OVER_CAP", field: "creditLimit", capFen: r.maxPrincipalFen });
  if (r.validTo <= r.validFrom) out.push({ code: "VALID_TO_NOT_AFTER_FROM", field: "validTo" });
  if (r.ratedOn > r.today) out.push({ code: "DATE_IN_FUTURE", field: "ratedOn" });
  else if (r.ratedOn > r.validFrom) out.push({ code: "RATED_AFTER_VALID_FROM", field: "ratedOn" });
  if (r.committeeOn > r.today) out.push({ code: "DATE_IN_FUTURE", field: "committeeOn" });
  else if (r.committeeOn > r.validFrom)
    out.push({ code: "COMMITTEE_AFTER_VALID_FROM", field: "committeeOn" });
  return out;
}

export interface CreditCounts {
  /** Eligible households (the denominator of 授信率), as entered per village; null when none was entered. */
  eligible: number | null;
  /** Households with an approved rating in force on the day. */
  rated: number;
  /** Of those, households that borrowed (a loan disbursed from the rating's start up to the day). */
  borrowed: number;
}

/** 授信率 = rated ÷ eligible households; 用信率 = households that borrowed ÷ rated households (DOMAIN §11). */
export function creditRates(c: CreditCounts): { grantRate: number | null; useRate: number | null } {
  return {
    grantRate: c.eligible === null ? null : ratio(c.rated, c.eligible),
    useRate: ratio(c.borrowed, c.rated),
  };
}

export interface CreditVillageRule {
  creditVillageRatedBp: number;
  creditVillageRepayBp: number;
}

export type CreditVillageShortfall =
  | { code: "NO_ELIGIBLE_COUNT" }
  | { code: "RATED_SHARE_BELOW"; rated: number; eligible: number; thresholdBp: number }
  | { code: "NO_MATURED_LOANS" }
  | { code: "REPAYMENT_BELOW"; recoveredFen: Fen; maturedFen: Fen; thresholdBp: number };

/**
 * 信用村: a village whose rated households reach the policy's share of its eligible households and whose
 * 到期还款率 (recovered ÷ matured principal) reaches the policy's rate. Compared exactly in integers. A village
 * with no eligible count entered, or with no principal matured in the window, does not qualify (nothing shows
 * it reaches the line); the shortfalls say which part is missing.
 */
export function creditVillage(
  v: { eligible: number | null; rated: number; recoveredFen: Fen; maturedFen: Fen },
  rule: CreditVillageRule,
): { qualifies: boolean; shortfalls: CreditVillageShortfall[] } {
  const shortfalls: CreditVillageShortfall[] = [];
  if (v.eligible === null || v.eligible <= 0) shortfalls.push({ code: "NO_ELIGIBLE_COUNT" });
  else if (BigInt(v.rated) * 10_000n < BigInt(rule.creditVillageRatedBp) * BigInt(v.eligible))
    shortfalls.push({
      code: "RATED_SHARE_BELOW",
      rated: v.rated,
      eligible: v.eligible,
      thresholdBp: rule.creditVillageRatedBp,
    });
  if (v.maturedFen <= 0) shortfalls.push({ code: "NO_MATURED_LOANS" });
  else if (BigInt(v.recoveredFen) * 10_000n < BigInt(rule.creditVillageRepayBp) * BigInt(v.maturedFen))
    shortfalls.push({
      code: "REPAYMENT_BELOW",
      recoveredFen: v.recoveredFen,
      maturedFen: v.maturedFen,
      thresholdBp: rule.creditVillageRepayBp,
    });
  return { qualifies: shortfalls.length === 0, shortfalls };
}
