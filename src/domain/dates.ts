/**
 * Calendar dates as 'YYYY-MM-DD' strings (Asia/Shanghai calendar days). Arithmetic through date-fns on
 * UTC dates, so the machine's time zone never shifts a day.
 */
import { addMonths as dfAddMonths, addDays as dfAddDays, differenceInCalendarDays, isValid, lastDayOfMonth } from "date-fns";
import { UTCDate } from "@date-fns/utc";
import { fail } from "./errors";

export type IsoDate = string;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_RE.exec(value);
  if (!m) return false;
  const d = new UTCDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return isValid(d) && d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]);
}

export function toDate(value: IsoDate, field = "date"): UTCDate {
  if (!isIsoDate(value)) fail("BAD_DATE", `${field} must be a calendar date YYYY-MM-DD (got "${value}")`, field);
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  return new UTCDate(y, m - 1, d);
}

export function fromDate(d: Date): IsoDate {
  const u = new UTCDate(d);
  return `${String(u.getFullYear()).padStart(4, "0")}-${String(u.getMonth() + 1).padStart(2, "0")}-${String(u.getDate()).padStart(2, "0")}`;
}

/** Adds months; the 31st falls back to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  return fromDate(dfAddMonths(toDate(date), months));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDate(dfAddDays(toDate(date), days));
}

/** Days from `from` to `to` (to − from); negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return differenceInCalendarDays(toDate(to, "end date"), toDate(from, "start date"));
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO strings order as dates
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

export function endOfMonth(date: IsoDate): IsoDate {
  return fromDate(lastDayOfMonth(toDate(date)));
}

export interface Quarter {
  year: number;
  quarter: 1 | 2 | 3 | 4;
}

/** First and last day (inclusive) of a calendar quarter. */
export function quarterBounds({ year, quarter }: Quarter): { start: IsoDate; end: IsoDate } {
  const startMonth = (quarter - 1) * 3 + 1;
  const start = `${year}-${String(startMonth).padStart(2, "0")}-01`;
  return { start, end: endOfMonth(addMonths(start, 2)) };
}

/**
 * Interest settlement period of a quarter (按季结息): from the day after the previous quarter's 20th of the
 * last month to the 20th of this quarter's last month, both inclusive. E.g. 2025 Q1 = 2024-12-21 … 2025-03-20.
 */
export function settlementPeriod({ year, quarter }: Quarter): { start: IsoDate; end: IsoDate } {
  const lastMonth = quarter * 3;
  const end = `${year}-${String(lastMonth).padStart(2, "0")}-20`;
  const start = addDays(addMonths(end, -3), 1);
  return { start, end };
}

/** Settlement dates (20 Mar/Jun/Sep/Dec, or 20 Dec for annual) strictly after `after` and strictly before `before`. */
export function settlementDatesBetween(after: IsoDate, before: IsoDate, annual = false): IsoDate[] {
  const out: IsoDate[] = [];
  const startYear = toDate(after).getFullYear();
  const endYear = toDate(before).getFullYear();
  for (let y = startYear; y <= endYear; y++) {
    for (const m of annual ? [12] : [3, 6, 9, 12]) {
      const d = `${y}-${String(m).padStart(2, "0")}-20`;
      if (d > after && d < before) out.push(d);
    }
  }
  return out;
}
