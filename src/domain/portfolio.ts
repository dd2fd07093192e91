/**
 * Delinquency and repayment rates (DOMAIN.md §4–5). Ratios are numbers in [0, 1], or null when the
 * denominator is zero ("no data" — never 0% or 100%).
 */
import { daysBetween, type IsoDate } from "./dates";
import { assertFen, type Fen } from "./money";
import { fail } from "./errors";

export interface InstalmentState {
  dueDate: IsoDate;
  principalDueFen: Fen;
  interestDueFen: Fen;
  principalPaidFen: Fen;
  interestPaidFen: Fen;
}

function unpaid(i: InstalmentState): Fen {
  return (
    Math.max(0, i.principalDueFen - i.principalPaidFen) + Math.max(0, i.interestDueFen - i.interestPaidFen)
  );
}

/** As-of date − due date of the oldest instalment still unpaid (0 when nothing is past due). */
export function daysPastDue(instalments: readonly InstalmentState[], asOf: IsoDate): number {
  let oldest: IsoDate | null = null;
  for (const i of instalments) {
    if (i.dueDate < asOf && unpaid(i) > 0 && (oldest === null || i.dueDate < oldest)) oldest = i.dueDate;
  }
  return oldest === null ? 0 : daysBetween(oldest, asOf);
}

/** Unpaid amounts of instalments already due (due date before the as-of date). */
export function overdueAmount(
  instalments: readonly InstalmentState[],
  asOf: IsoDate,
): { principalFen: Fen; interestFen: Fen } {
  let principalFen = 0;
  let interestFen = 0;
  for (const i of instalments) {
    if (i.dueDate < asOf) {
      principalFen += Math.max(0, i.principalDueFen - i.principalPaidFen);
      interestFen += Math.max(0, i.interestDueFen - i.interestPaidFen);
    }
  }
  return { principalFen, interestFen };
}

export const BUCKETS = ["CURRENT", "D1_30", "D31_90", "D91_180", "D180_PLUS"] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_LABELS: Record<Bucket, string> = {
  CURRENT: "正常",
  D1_30: "逾期1–30天",
  D31_90: "逾期31–90天",
  D91_180: "逾期91–180天",
  D180_PLUS: "逾期180天以上",
};

export function bucketOf(dpd: number): Bucket {
  if (dpd <= 0) return "CURRENT";
  if (dpd <= 30) return "D1_30";
  if (dpd <= 90) return "D31_90";
  if (dpd <= 180) return "D91_180";
  return "D180_PLUS";
}

export function ratio(numerator: number | bigint, denominator: number | bigint): number | null {
  const d = Number(denominator);
  const n = Number(numerator);
  if (!Number.isFinite(n) || !Number.isFinite(d)) fail("BAD_RATIO", `ratio of non-numbers (${n} / ${d})`);
  if (d === 0) return null;
  const r = n / d;
  if (!Number.isFinite(r)) fail("BAD_RATIO", `ratio out of range (${n} / ${d})`);
  return r;
}

/**
 * 到期还款率: principal recovered on loans that matured in the window ÷ principal that matured in it.
 * `recoveredFen` is what was repaid (as of the as-of date) of each matured loan's principal.
 */
export function maturityRepaymentRate(
  loans: readonly { maturityDate: IsoDate; principalFen: Fen; recoveredFen: Fen }[],
  window: { from: IsoDate; to: IsoDate },
): number | null {
  let due = 0n;
  let recovered = 0n;
  for (const l of loans) {
    if (l.maturityDate >= window.from && l.maturityDate <= window.to) {
      due += BigInt(assertFen(l.principalFen, "principal"));
      recovered += BigInt(Math.min(assertFen(l.recoveredFen, "recovered"), l.principalFen));
    }
  }
  return ratio(recovered, due);
}

/** 按时还款率: amounts paid by their due date ÷ amounts that fell due in the window (up to the as-of date). */
export function onTimeRate(
  instalments: readonly { dueDate: IsoDate; dueFen: Fen; paidByDueDateFen: Fen }[],
  window: { from: IsoDate; to: IsoDate },
): number | null {
  let due = 0n;
  let onTime = 0n;
  for (const i of instalments) {
    if (i.dueDate >= window.from && i.dueDate <= window.to) {
      due += BigInt(i.dueFen);
      onTime += BigInt(Math.min(i.paidByDueDateFen, i.dueFen));
    }
  }
  return ratio(onTime, due);
}

export interface LoanBalance {
  outstandingFen: Fen;
  daysPastDue: number;
}

function balanceRatio(loans: readonly LoanBalance[], pred: (l: LoanBalance) => boolean): number | null {
  let total = 0n;
  let part = 0n;
  for (const l of loans) {
    total += BigInt(l.outstandingFen);
    if (pred(l)) part += BigInt(l.outstandingFen);
  }
  return ratio(part, total);
}

/** 逾期率: outstanding balance of loans with anything overdue ÷ total outstanding balance. */
export function overdueRatio(loans: readonly LoanBalance[]): number | null {
  return balanceRatio(loans, (l) => l.daysPastDue > 0);
}

/** PAR(n): outstanding balance of loans more than n days past due ÷ gross outstanding (balances, not counts). */
export function par(loans: readonly LoanBalance[], days: number): number | null {
  return balanceRatio(loans, (l) => l.daysPastDue > days);
}

/** 不良率: PAR over 90 days. */
export function nplRatio(loans: readonly LoanBalance[]): number | null {
  return par(loans, 90);
}
