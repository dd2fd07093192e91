/**
 * Calendar dates as 'YYYY-MM-DD' strings (Asia/Shanghai calendar days). Arithmetic on day numbers in UTC
 * (the platform's Date.UTC and getUTC* methods), so the machine's time zone never shifts a day. This was
 * date-fns over @date-fns/utc's UTCDate; at ~5 µs an operation that made schedule building the slowest part
 * of an import (decision 005). date-fns stays as the oracle of the property test (tests/unit/domain/dates).
 */
import { fail } from "./errors";

export type IsoDate = string;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Year, month (1–12), day of a valid date, or null. Years before 100 are refused (two-digit-year trap). */
function parts(value: string): [number, number, number] | null {
  const m = ISO_RE.exec(value);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return [y, mo, d];
}

function checked(value: IsoDate, field: string): [number, number, number] {
  const p = parts(value);
  if (!p) fail("BAD_DATE", `${field} must be a calendar date YYYY-MM-DD (got "${value}")`, field);
  return p;
}

/** A computed date must still be a date of years 100–9999 (what YYYY-MM-DD can say). */
function inRange(y: number): void {
  if (!(y >= 100 && y <= 9999)) fail("BAD_DATE", `the resulting date is outside the years 100–9999`, "date");
}

function count(n: number, what: string): number {
  if (!Number.isFinite(n))
    fail(what === "months" ? "BAD_TERM" : "BAD_DAYS", `${what} must be a finite number (got ${n})`, what);
  return Math.trunc(n);
}

function format(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}

/** Days since 1970-01-01. */
function dayNumber(value: IsoDate, field: string): number {
  const [y, m, d] = checked(value, field);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromDayNumber(n: number): IsoDate {
  const u = new Date(n * DAY_MS);
  inRange(u.getUTCFullYear());
  return format(u.getUTCFullYear(), u.getUTCMonth() + 1, u.getUTCDate());
}

export function isIsoDate(value: string): boolean {
  return parts(value) !== null;
}

/** The date as a Date at UTC midnight. */
export function toDate(value: IsoDate, field = "date"): Date {
  return new Date(dayNumber(value, field) * DAY_MS);
}

/** The UTC calendar date of a Date (Prisma returns @db.Date columns at UTC midnight). */
export function fromDate(d: Date): IsoDate {
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Adds months; the 31st falls back to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = checked(date, "date");
  const total = y * 12 + (m - 1) + count(months, "months");
  const ny = Math.floor(total / 12);
  inRange(ny);
  const nm = total - ny * 12 + 1;
  return format(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date, "date") + count(days, "days"));
}

/** Days from `from` to `to` (to − from); negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to, "end date") - dayNumber(from, "start date");
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
  const [y, m] = checked(date, "date");
  return format(y, m, daysInMonth(y, m));
}

export interface Quarter {
  year: number;
  quarter: 1 | 2 | 3 | 4;
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
  const startYear = checked(after, "date")[0];
  const endYear = checked(before, "date")[0];
  for (let y = startYear; y <= endYear; y++) {
    for (const m of annual ? [12] : [3, 6, 9, 12]) {
      const d = `${y}-${String(m).padStart(2, "0")}-20`;
      if (d > after && d < before) out.push(d);
    }
  }
  return out;
}
