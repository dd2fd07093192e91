import "server-only";
/**
 * Database values ↔ the domain's: numeric(16,2) yuan → integer fen, @db.Date columns ↔ ISO calendar dates, and
 * the rows of the instalment table and the repayment journal as src/domain reads them. Today's date is in
 * ./clock.ts.
 */
import { yuanToFen, fromDate, type Fen, type IsoDate } from "@/domain";

/** numeric(16,2) yuan from the database → integer fen. Exact: goes through the decimal string. */
export function decToFen(
  value: { toFixed: (n: number) => string } | string | number | null | undefined,
): Fen {
  if (value === null || value === undefined) return 0;
  if (typeof value === "number") throw new TypeError("money must not arrive as a float");
  return yuanToFen(typeof value === "string" ? value : value.toFixed(2));
}

export function dateToIso(d: Date): IsoDate;
export function dateToIso(d: Date | null): IsoDate | null;
export function dateToIso(d: Date | null): IsoDate | null {
  return d ? fromDate(d) : null;
}

/** 'YYYY-MM-DD' → Date at UTC midnight, the form Prisma uses for @db.Date columns. */
export function isoToDate(iso: IsoDate): Date {
  return new Date(`${iso}T00:00:00.000Z`);
}

interface InstalmentRow {
  seq: number;
  dueDate: Date;
  principalDue: { toFixed: (n: number) => string };
  interestDue: { toFixed: (n: number) => string };
  principalPaid: { toFixed: (n: number) => string };
  interestPaid: { toFixed: (n: number) => string };
  paidDate: Date | null;
}

interface JournalRow {
  id: number;
  kind: "REPAYMENT" | "REVERSAL";
  valueDate: Date;
  principal: { toFixed: (n: number) => string };
  interest: { toFixed: (n: number) => string };
  penalty: { toFixed: (n: number) => string };
  reversesId: number | null;
}

/** An instalment row as src/domain reads it: the schedule line and what is paid on it. */
export function toInstalment(i: InstalmentRow) {
  return {
    seq: i.seq,
    dueDate: dateToIso(i.dueDate),
    principalDueFen: decToFen(i.principalDue),
    interestDueFen: decToFen(i.interestDue),
    principalPaidFen: decToFen(i.principalPaid),
    interestPaidFen: decToFen(i.interestPaid),
    paidDate: dateToIso(i.paidDate),
  };
}

/** A repayment-journal row as src/domain reads it. */
export function toJournalEntry(e: JournalRow) {
  return {
    id: e.id,
    kind: e.kind,
    valueDate: dateToIso(e.valueDate),
    principalFen: decToFen(e.principal),
    interestFen: decToFen(e.interest),
    penaltyFen: decToFen(e.penalty),
    reversesId: e.reversesId,
  };
}
