/**
 * 分贷统还 (DOMAIN §18): households each borrow and an economic organisation uses the money; it must pay each
 * household at least a share of her credit every year for some years (policy settings: 10% and 3 years in the
 * source). The household's credit is the sum of her loans the organisation uses; the years count from the first
 * of those loans' disbursement (year k falls due on its k-th anniversary). A year is missed when its due date has
 * passed (the day after it) with less paid for it than due.
 */
import { addMonths, compareDates, type IsoDate } from "./dates";
import { fail } from "./errors";
import { assertFen, roundHalfUp, toSafeNumber, type Fen } from "./money";

export interface BenefitLoan {
  principalFen: Fen;
  disbursedDate: IsoDate;
}

export interface BenefitRule {
  /** The least share of the household's credit paid each year, in basis points (1000 = 10%). */
  shareBp: number;
  years: number;
}

export interface BenefitYear {
  year: number;
  dueDate: IsoDate;
  creditFen: Fen;
  dueFen: Fen;
}

/** The benefit schedule of one household: one row per year, each round(credit × share) half-up to the fen. */
export function benefitSchedule(loans: readonly BenefitLoan[], rule: BenefitRule): BenefitYear[] {
  if (!Number.isInteger(rule.shareBp) || rule.shareBp < 0 || rule.shareBp > 10_000)
    fail("BAD_RULE", `benefit share must be 0–10000 bp (got ${rule.shareBp})`);
  if (!Number.isInteger(rule.years) || rule.years < 1 || rule.years > 30)
    fail("BAD_RULE", `benefit years must be 1–30 (got ${rule.years})`);
  if (!loans.length) return [];
  let credit = 0n;
  let start = loans[0]!.disbursedDate;
  for (const l of loans) {
    credit += BigInt(assertFen(l.principalFen, "principal"));
    if (compareDates(l.disbursedDate, start) < 0) start = l.disbursedDate;
  }
  const creditFen = toSafeNumber(credit, "credit");
  const dueFen = toSafeNumber(roundHalfUp(credit * BigInt(rule.shareBp), 10_000n), "benefit");
  return Array.from({ length: rule.years }, (_, i) => ({
    year: i + 1,
    dueDate: addMonths(start, 12 * (i + 1)),
    creditFen,
    dueFen,
  }));
}

export type BenefitStatus = "PAID" | "MISSED" | "OPEN";

/** A year's standing on a date: paid in full, missed (its due date passed with less paid), or still open. */
export function benefitStatus(
  due: Pick<BenefitYear, "dueDate" | "dueFen">,
  paidFen: Fen,
  asOf: IsoDate,
): BenefitStatus {
  if (paidFen >= due.dueFen) return "PAID";
  return compareDates(due.dueDate, asOf) < 0 ? "MISSED" : "OPEN";
}

/** The years of a schedule with what was paid for each and their standing on `asOf`. */
export function benefitStandings(
  schedule: readonly BenefitYear[],
  payments: readonly { year: number; amountFen: Fen }[],
  asOf: IsoDate,
): (BenefitYear & { paidFen: Fen; shortFen: Fen; status: BenefitStatus })[] {
  return schedule.map((y) => {
    const paidFen = payments.filter((p) => p.year === y.year).reduce((s, p) => s + p.amountFen, 0);
    return {
      ...y,
      paidFen,
      shortFen: Math.max(0, y.dueFen - paidFen),
      status: benefitStatus(y, paidFen, asOf),
    };
  });
}
