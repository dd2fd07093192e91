import "server-only";
import { fenToYuan, yuanToFen, fromDate, type Fen, type IsoDate } from "@/domain";

/** numeric(16,2) yuan from the database → integer fen. Exact: goes through the decimal string. */
export function decToFen(value: { toFixed: (n: number) => string } | string | number | null | undefined): Fen {
  if (value === null || value === undefined) return 0;
  if (typeof value === "number") throw new TypeError("money must not arrive as a float");
  return yuanToFen(typeof value === "string" ? value : value.toFixed(2));
}

/** Integer fen → decimal string for a numeric column. */
export function fenToDec(fen: Fen): string {
  return fenToYuan(fen);
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

/** Today's calendar date in Asia/Shanghai. */
export function todayShanghai(now = new Date()): IsoDate {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}
