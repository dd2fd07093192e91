/**
 * Post-loan visits (贷后回访, DOMAIN.md §18, issue 23 item 2): when the next visit to a disbursed loan is due
 * and whether it is overdue. The first visit is due `firstVisitDays` days after disbursement; each later one
 * `visitEveryMonths` months after the last visit. Both numbers are policy settings. Pure functions.
 */
import { addDays, addMonths, compareDates, daysBetween, type IsoDate } from "./dates";
import { fail } from "./errors";

export interface VisitRule {
  firstVisitDays: number;
  visitEveryMonths: number;
}

/** Loans whose money is in the borrower's hands and so are visited. */
export const VISITED_STATUSES = ["REPAYING"] as const;

export function assertVisitRule(rule: VisitRule): void {
  if (!Number.isInteger(rule.firstVisitDays) || rule.firstVisitDays < 1)
    fail("BAD_RULE", `firstVisitDays must be a positive whole number, got ${rule.firstVisitDays}`);
  if (!Number.isInteger(rule.visitEveryMonths) || rule.visitEveryMonths < 1)
    fail("BAD_RULE", `visitEveryMonths must be a positive whole number, got ${rule.visitEveryMonths}`);
}

/**
 * The date by which the next visit is due: `firstVisitDays` after disbursement while there has been no visit
 * (on or after disbursement), else `visitEveryMonths` months after the latest visit.
 */
export function nextVisitDue(
  loan: { disbursedDate: IsoDate; lastVisitDate: IsoDate | null },
  rule: VisitRule,
): IsoDate {
  assertVisitRule(rule);
  const last =
    loan.lastVisitDate !== null && compareDates(loan.lastVisitDate, loan.disbursedDate) >= 0
      ? loan.lastVisitDate
      : null;
  return last === null
    ? addDays(loan.disbursedDate, rule.firstVisitDays)
    : addMonths(last, rule.visitEveryMonths);
}

export interface VisitState {
  dueDate: IsoDate;
  /** Days past the due date (0 while not overdue). */
  daysOverdue: number;
  overdue: boolean;
}

/** The visit state of a loan on `asOf`: overdue the day after the due date passes without a visit. */
export function visitState(
  loan: { status: string; disbursedDate: IsoDate | null; lastVisitDate: IsoDate | null },
  rule: VisitRule,
  asOf: IsoDate,
): VisitState | null {
  if (!(VISITED_STATUSES as readonly string[]).includes(loan.status) || loan.disbursedDate === null)
    return null;
  const dueDate = nextVisitDue(
    { disbursedDate: loan.disbursedDate, lastVisitDate: loan.lastVisitDate },
    rule,
  );
  const days = daysBetween(dueDate, asOf);
  return { dueDate, daysOverdue: Math.max(0, days), overdue: days > 0 };
}
