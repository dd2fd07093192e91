/**
 * Work lists (DOMAIN.md §16): what falls due soon, the state of a collection case, and the loans whose
 * payment would lift a region over the repayment-rate line. Pure functions; the numbers (days, threshold)
 * come from the policy.
 */
import { addDays, daysBetween, type IsoDate } from "./dates";
import { fail } from "./errors";
import { assertFen, type Fen } from "./money";
import { ratio } from "./portfolio";

/** Loan statuses that are still being repaid by the borrower (compensated loans are still collected). */
export const SERVICING_STATUSES = ["REPAYING", "COMPENSATED"] as const;

export function isServicing(status: string): boolean {
  return (SERVICING_STATUSES as readonly string[]).includes(status);
}

export interface DueInstalment {
  dueDate: IsoDate;
  principalDueFen: Fen;
  interestDueFen: Fen;
  principalPaidFen: Fen;
  interestPaidFen: Fen;
}

export interface ComingDue {
  /** The earliest due date in the window with something unpaid. */
  dueDate: IsoDate;
  principalFen: Fen;
  interestFen: Fen;
  instalments: number;
}

/**
 * A loan is "coming due" on `asOf` when it is being repaid and principal or interest of an instalment due
 * from `asOf` to `asOf + days` (both included) is unpaid. Returns what falls due in that window, by kind.
 */
export function comingDue(
  loan: { status: string; instalments: readonly DueInstalment[] },
  asOf: IsoDate,
  days: number,
): ComingDue | null {
  if (!Number.isInteger(days) || days < 0) fail("BAD_DAYS", `days must be a whole number ≥ 0 (${days})`);
  if (!isServicing(loan.status)) return null;
  const last = addDays(asOf, days);
  let dueDate: IsoDate | null = null;
  let principalFen = 0;
  let interestFen = 0;
  let instalments = 0;
  for (const i of loan.instalments) {
    if (i.dueDate < asOf || i.dueDate > last) continue;
    const p = Math.max(0, i.principalDueFen - i.principalPaidFen);
    const r = Math.max(0, i.interestDueFen - i.interestPaidFen);
    if (p + r === 0) continue;
    principalFen += p;
    interestFen += r;
    instalments++;
    if (dueDate === null || i.dueDate < dueDate) dueDate = i.dueDate;
  }
  return dueDate === null ? null : { dueDate, principalFen, interestFen, instalments };
}

// ───────────────────────────── collection cases ─────────────────────────────

export const COLLECTION_STATUSES = [
  "CONTACTING",
  "PROMISED",
  "EXTENSION_REQUESTED",
  "COMPENSATION_REQUESTED",
  "LEGAL",
  "SETTLED",
] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];
/** The statuses a person may record (已结清 follows from the journal, never entered). */
export const ENTERED_COLLECTION_STATUSES = COLLECTION_STATUSES.filter((s) => s !== "SETTLED");

export interface CaseEvent {
  id: number;
  /** The calendar day it was recorded. */
  onDate: IsoDate;
  status: CollectionStatus | null;
  promiseDate: IsoDate | null;
  promiseAmountFen: Fen | null;
}

/** A journal entry of the loan: what it brought (principal + interest + penalty; a reversal is negative). */
export interface CasePayment {
  valueDate: IsoDate;
  amountFen: Fen;
}

export interface PromiseState {
  eventId: number;
  madeOn: IsoDate;
  date: IsoDate;
  amountFen: Fen;
  /** Paid (value date from the day it was made to the promised date). */
  paidFen: Fen;
  /** null while the promised date has not passed. */
  kept: boolean | null;
}

export interface CaseState {
  open: boolean;
  status: CollectionStatus;
  /** A promise was broken and nobody has acted on the case since. */
  flagged: boolean;
  /** The latest promise of the current episode, if the status still rests on it. */
  promise: PromiseState | null;
}

/**
 * The state of a collection case from the loan's journal and the case's events (decision 031):
 * - open while the loan is being repaid and something is past due (`overdueSince` = due date of the oldest
 *   unpaid instalment); otherwise 已结清 — so a reversal that makes the loan past due again reopens it;
 * - the status is the last one recorded in the current episode (events after `overdueSince`), 联系中 if none;
 * - 承诺还款 holds until the promised date; once it has passed, the payments from the day of the promise to the
 *   promised date decide: at least the amount → kept, back to 联系中; less → broken: back to 联系中 and flagged,
 *   until someone records anything on the case after the promised date.
 */
export function collectionState(args: {
  loanServicing: boolean;
  overdueSince: IsoDate | null;
  events: readonly CaseEvent[];
  payments: readonly CasePayment[];
  today: IsoDate;
}): CaseState {
  if (!args.loanServicing || args.overdueSince === null)
    return { open: false, status: "SETTLED", flagged: false, promise: null };
  const since = args.overdueSince;
  const episode = args.events.filter((e) => e.onDate > since).sort((a, b) => a.id - b.id);
  const lastStatus = [...episode].reverse().find((e) => e.status !== null && e.status !== "SETTLED");
  if (!lastStatus) return { open: true, status: "CONTACTING", flagged: false, promise: null };
  if (lastStatus.status !== "PROMISED" || !lastStatus.promiseDate)
    return { open: true, status: lastStatus.status!, flagged: false, promise: null };
  const date = lastStatus.promiseDate;
  const amountFen = assertFen(lastStatus.promiseAmountFen ?? 0, "promised amount");
  let paid = 0;
  for (const p of args.payments)
    if (p.valueDate >= lastStatus.onDate && p.valueDate <= date) paid += p.amountFen;
  const paidFen = Math.max(0, paid);
  const passed = args.today > date;
  const kept = passed ? paidFen >= amountFen : null;
  const promise: PromiseState = {
    eventId: lastStatus.id,
    madeOn: lastStatus.onDate,
    date,
    amountFen,
    paidFen,
    kept,
  };
  if (!passed) return { open: true, status: "PROMISED", flagged: false, promise };
  const actedSince = episode.some((e) => e.id > lastStatus.id && e.onDate > date);
  return { open: true, status: "CONTACTING", flagged: kept === false && !actedSince, promise };
}

// ───────────────────────────── what lifts a region over the line ─────────────────────────────

export interface RateLoan {
  id: number;
  /** Principal that fell due in the rate's window. */
  maturedFen: Fen;
  /** What of it is repaid. */
  recoveredFen: Fen;
}

export interface LiftPlan {
  fromRate: number | null;
  toRate: number | null;
  /** The loans to be paid in full, largest unpaid principal first. Empty when already at or above the line. */
  loans: { id: number; unpaidFen: Fen }[];
  neededFen: Fen;
  reached: boolean;
}

/**
 * The smallest set of loans whose full payment brings recovered ÷ matured to at least `thresholdBp` ÷ 10,000:
 * taking the loans by largest unpaid principal is a minimum-count solution (any k loans recover at most what
 * the k largest do). Exact in integers: recovered × 10,000 ≥ threshold × matured.
 */
export function liftPlan(loans: readonly RateLoan[], thresholdBp: number): LiftPlan {
  if (!Number.isInteger(thresholdBp) || thresholdBp < 0 || thresholdBp > 10_000)
    fail("BAD_RATE", `threshold must be 0–10000 bp (${thresholdBp})`);
  let matured = 0n;
  let recovered = 0n;
  const unpaid: { id: number; unpaidFen: Fen }[] = [];
  for (const l of loans) {
    assertFen(l.maturedFen, "matured");
    assertFen(l.recoveredFen, "recovered");
    const r = Math.min(l.recoveredFen, l.maturedFen);
    matured += BigInt(l.maturedFen);
    recovered += BigInt(r);
    if (l.maturedFen > r) unpaid.push({ id: l.id, unpaidFen: l.maturedFen - r });
  }
  const fromRate = ratio(recovered, matured);
  const over = (rec: bigint) => rec * 10_000n >= BigInt(thresholdBp) * matured;
  if (matured === 0n) return { fromRate, toRate: fromRate, loans: [], neededFen: 0, reached: false };
  unpaid.sort((a, b) => b.unpaidFen - a.unpaidFen || a.id - b.id);
  const chosen: { id: number; unpaidFen: Fen }[] = [];
  let rec = recovered;
  for (const u of unpaid) {
    if (over(rec)) break;
    chosen.push(u);
    rec += BigInt(u.unpaidFen);
  }
  return {
    fromRate,
    toRate: ratio(rec, matured),
    loans: chosen,
    neededFen: Number(rec - recovered),
    reached: over(rec),
  };
}

/** An open case needs a follow-up when nothing was recorded on it for `days` days (or ever). */
export function needsFollowUp(lastActivity: IsoDate | null, today: IsoDate, days: number): boolean {
  return lastActivity === null || daysBetween(lastActivity, today) >= days;
}
