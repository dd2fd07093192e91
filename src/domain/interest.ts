/**
 * Interest and interest subsidy (DOMAIN.md §1–2).
 *   interest = round(P × r × d / basis)
 *   subsidy  = round(P × (r_contract − r_borrower) × d / basis)     (2021 rule: borrower pays ≤ LPR1y − 150bp)
 *   borrower = interest − subsidy                                   (so the parts always add up)
 * Rates are annual basis points; basis is the day-count basis (360 or 365).
 */
import { fail } from "./errors";
import { assertFen, roundHalfUp, toSafeNumber, type Fen } from "./money";

export type DayCountBasis = 360 | 365;

export function assertRateBp(rateBp: number, field = "rate"): number {
  if (!Number.isSafeInteger(rateBp) || rateBp < 0 || rateBp > 10_000) {
    fail(
      "BAD_RATE",
      `${field} must be whole basis points between 0 and 10000 (0%–100%), got ${rateBp}`,
      field,
    );
  }
  return rateBp;
}

export function assertDays(days: number): number {
  if (!Number.isSafeInteger(days) || days < 0)
    fail("BAD_DAYS", `days must be a whole number ≥ 0, got ${days}`, "days");
  return days;
}

export function assertBasis(basis: number): DayCountBasis {
  if (basis !== 360 && basis !== 365)
    fail("BAD_BASIS", `day-count basis must be 360 or 365, got ${basis}`, "basis");
  return basis;
}

/** Exact numerator of P × r × d / (10000 × basis), to be summed before a single rounding. */
export function interestNumerator(principalFen: Fen, rateBp: number, days: number): bigint {
  return BigInt(principalFen) * BigInt(rateBp) * BigInt(days);
}

export function interestDenominator(basis: DayCountBasis): bigint {
  return 10_000n * BigInt(basis);
}

export function interestFen(args: { principalFen: Fen; rateBp: number; days: number; basis: number }): Fen {
  assertFen(args.principalFen, "principal");
  assertRateBp(args.rateBp);
  assertDays(args.days);
  const basis = assertBasis(args.basis);
  return toSafeNumber(
    roundHalfUp(interestNumerator(args.principalFen, args.rateBp, args.days), interestDenominator(basis)),
  );
}

export interface SubsidySplit {
  interestFen: Fen;
  subsidyFen: Fen;
  borrowerFen: Fen;
}

export function subsidyForPeriod(args: {
  principalFen: Fen;
  contractRateBp: number;
  borrowerRateBp: number;
  days: number;
  basis: number;
}): SubsidySplit {
  assertRateBp(args.contractRateBp, "contract rate");
  assertRateBp(args.borrowerRateBp, "borrower rate");
  if (args.borrowerRateBp > args.contractRateBp) {
    fail(
      "BAD_RATE",
      `borrower rate (${args.borrowerRateBp}bp) cannot exceed the contract rate (${args.contractRateBp}bp)`,
      "borrowerRateBp",
    );
  }
  const interest = interestFen({
    principalFen: args.principalFen,
    rateBp: args.contractRateBp,
    days: args.days,
    basis: args.basis,
  });
  const subsidy = interestFen({
    principalFen: args.principalFen,
    rateBp: args.contractRateBp - args.borrowerRateBp,
    days: args.days,
    basis: args.basis,
  });
  return { interestFen: interest, subsidyFen: subsidy, borrowerFen: interest - subsidy };
}
