/**
 * What a loan has due now, for the repayment form: the unpaid remainder of every instalment already due on
 * `today` (overdue), or else of the next instalment. Amounts in fen; null when nothing is left to pay.
 */
import type { IsoDate } from "./dates";
import type { Fen } from "./money";

export interface DueInstalmentInput {
  seq: number;
  dueDate: IsoDate;
  principalDueFen: Fen;
  interestDueFen: Fen;
  principalPaidFen: Fen;
  interestPaidFen: Fen;
}

export interface DueNow {
  principalFen: Fen;
  interestFen: Fen;
  /** The instalments behind the amounts, in order. */
  seqs: number[];
  /** The due date of the last of them. */
  dueDate: IsoDate;
  /** True when they fell due before today (the loan is past due). */
  overdue: boolean;
}

export function dueNow(schedule: readonly DueInstalmentInput[], today: IsoDate): DueNow | null {
  const open = schedule
    .map((i) => ({
      seq: i.seq,
      dueDate: i.dueDate,
      principal: i.principalDueFen - i.principalPaidFen,
      interest: i.interestDueFen - i.interestPaidFen,
    }))
    .filter((i) => i.principal > 0 || i.interest > 0)
    .sort((a, b) => a.seq - b.seq);
  if (!open.length) return null;
  const due = open.filter((i) => i.dueDate <= today);
  const lines = due.length ? due : [open[0]!];
  return {
    principalFen: lines.reduce((s, i) => s + i.principal, 0),
    interestFen: lines.reduce((s, i) => s + i.interest, 0),
    seqs: lines.map((i) => i.seq),
    dueDate: lines.at(-1)!.dueDate,
    overdue: lines.some((i) => i.dueDate < today),
  };
}
