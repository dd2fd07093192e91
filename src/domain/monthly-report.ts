/**
 * The 统计月报 (DOMAIN §17): the columns of the monthly table, its rates, the difference (差异) between a
 * submitted report and today's figures, and the submission deadline. Pure: the figures come in from the
 * month-end snapshots (src/server/services/snapshots.ts).
 */
import { addMonths, endOfMonth, type IsoDate } from "./dates";
import { ratio } from "./portfolio";

/** One row of the report (a child region or the total). Money in fen, counts in units. */
export interface ReportFigures {
  disbursedMonthCount: number;
  disbursedMonthFen: number;
  disbursedYearCount: number;
  disbursedYearFen: number;
  disbursedCumCount: number;
  disbursedCumFen: number;
  womenYear: number;
  womenCum: number;
  outstandingLoans: number;
  outstandingFen: number;
  /** Principal of loans maturing from 1 January to the month-end, and how much of it was repaid by then. */
  dueYearFen: number;
  recoveredYearFen: number;
  /** Instalments due from 1 January to the month-end, and the part paid by its due date. */
  instalmentsDueYearFen: number;
  paidOnTimeYearFen: number;
  overdueLoans: number;
  overdueFen: number;
  par30Fen: number;
  par90Fen: number;
  compensatedCumCount: number;
  compensatedCumFen: number;
  subsidyClaimedYearFen: number;
  subsidyPaidYearFen: number;
  /** Risk fund balance at the month-end (counties; null for a township, which has no fund of its own). */
  fundBalanceFen: number | null;
}

export type ReportFigureKey = keyof ReportFigures;
export type ColumnKind = "count" | "money" | "rate" | "multiple";

/** A column: a stored figure, or a rate/multiple derived from two of them. */
export interface ReportColumn {
  key: string;
  kind: ColumnKind;
  /** Header group (a message key under monthlyReport.groups). */
  group: string;
  value: (f: ReportFigures) => number | null;
}

const fig =
  (k: ReportFigureKey) =>
  (f: ReportFigures): number | null =>
    f[k];

/** The fixed layout of the table, left to right (DOMAIN §17). Labels: messages monthlyReport.columns.<key>. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { key: "disbursedMonthCount", kind: "count", group: "disbursedMonth", value: fig("disbursedMonthCount") },
  { key: "disbursedMonthFen", kind: "money", group: "disbursedMonth", value: fig("disbursedMonthFen") },
  { key: "disbursedYearCount", kind: "count", group: "disbursedYear", value: fig("disbursedYearCount") },
  { key: "disbursedYearFen", kind: "money", group: "disbursedYear", value: fig("disbursedYearFen") },
  { key: "disbursedCumCount", kind: "count", group: "disbursedCum", value: fig("disbursedCumCount") },
  { key: "disbursedCumFen", kind: "money", group: "disbursedCum", value: fig("disbursedCumFen") },
  { key: "womenYear", kind: "count", group: "women", value: fig("womenYear") },
  { key: "womenCum", kind: "count", group: "women", value: fig("womenCum") },
  { key: "outstandingLoans", kind: "count", group: "outstanding", value: fig("outstandingLoans") },
  { key: "outstandingFen", kind: "money", group: "outstanding", value: fig("outstandingFen") },
  { key: "dueYearFen", kind: "money", group: "dueYear", value: fig("dueYearFen") },
  { key: "recoveredYearFen", kind: "money", group: "dueYear", value: fig("recoveredYearFen") },
  {
    key: "maturityRate",
    kind: "rate",
    group: "dueYear",
    value: (f) => ratio(f.recoveredYearFen, f.dueYearFen),
  },
  {
    key: "onTimeRate",
    kind: "rate",
    group: "dueYear",
    value: (f) => ratio(f.paidOnTimeYearFen, f.instalmentsDueYearFen),
  },
  { key: "overdueLoans", kind: "count", group: "overdue", value: fig("overdueLoans") },
  { key: "overdueFen", kind: "money", group: "overdue", value: fig("overdueFen") },
  { key: "par30", kind: "rate", group: "overdue", value: (f) => ratio(f.par30Fen, f.outstandingFen) },
  { key: "par90", kind: "rate", group: "overdue", value: (f) => ratio(f.par90Fen, f.outstandingFen) },
  { key: "compensatedCumCount", kind: "count", group: "compensated", value: fig("compensatedCumCount") },
  { key: "compensatedCumFen", kind: "money", group: "compensated", value: fig("compensatedCumFen") },
  { key: "subsidyClaimedYearFen", kind: "money", group: "subsidy", value: fig("subsidyClaimedYearFen") },
  { key: "subsidyPaidYearFen", kind: "money", group: "subsidy", value: fig("subsidyPaidYearFen") },
  { key: "fundBalanceFen", kind: "money", group: "fund", value: fig("fundBalanceFen") },
  {
    key: "leverage",
    kind: "multiple",
    group: "fund",
    value: (f) => (f.fundBalanceFen === null ? null : ratio(f.outstandingFen, f.fundBalanceFen)),
  },
];

export const REPORT_FIGURE_KEYS: readonly ReportFigureKey[] = [
  "disbursedMonthCount",
  "disbursedMonthFen",
  "disbursedYearCount",
  "disbursedYearFen",
  "disbursedCumCount",
  "disbursedCumFen",
  "womenYear",
  "womenCum",
  "outstandingLoans",
  "outstandingFen",
  "dueYearFen",
  "recoveredYearFen",
  "instalmentsDueYearFen",
  "paidOnTimeYearFen",
  "overdueLoans",
  "overdueFen",
  "par30Fen",
  "par90Fen",
  "compensatedCumCount",
  "compensatedCumFen",
  "subsidyClaimedYearFen",
  "subsidyPaidYearFen",
  "fundBalanceFen",
];

export function emptyFigures(fund: number | null = 0): ReportFigures {
  const f = Object.fromEntries(REPORT_FIGURE_KEYS.map((k) => [k, 0])) as unknown as ReportFigures;
  f.fundBalanceFen = fund;
  return f;
}

/** The total row: the sum of the rows (a fund balance counts where the row has one). */
export function sumFigures(rows: readonly ReportFigures[]): ReportFigures {
  const t = emptyFigures(null);
  for (const r of rows)
    for (const k of REPORT_FIGURE_KEYS) {
      const v = r[k];
      if (v === null) continue;
      t[k] = (t[k] ?? 0) + v;
    }
  return t;
}

export interface ReportRow {
  code: string;
  name: string;
  figures: ReportFigures;
}

export interface ReportTable {
  rows: ReportRow[];
  total: ReportFigures;
}

/** One figure that differs: as submitted, as the figures stand now, and now − submitted. */
export interface FigureDifference {
  code: string;
  key: ReportFigureKey;
  submitted: number | null;
  current: number | null;
  delta: number;
}

/**
 * 差异: every stored figure of every row (and the total, code "total") whose current value differs from the
 * submitted one. A row present on one side only counts as zeros on the other.
 */
export function reportDifferences(submitted: ReportTable, current: ReportTable): FigureDifference[] {
  const out: FigureDifference[] = [];
  const compare = (code: string, a: ReportFigures | undefined, b: ReportFigures | undefined) => {
    for (const k of REPORT_FIGURE_KEYS) {
      const s = a ? a[k] : null;
      const c = b ? b[k] : null;
      if ((s ?? 0) !== (c ?? 0))
        out.push({ code, key: k, submitted: s, current: c, delta: (c ?? 0) - (s ?? 0) });
    }
  };
  const codes = [...new Set([...submitted.rows.map((r) => r.code), ...current.rows.map((r) => r.code)])];
  for (const code of codes)
    compare(
      code,
      submitted.rows.find((r) => r.code === code)?.figures,
      current.rows.find((r) => r.code === code)?.figures,
    );
  compare("total", submitted.total, current.total);
  return out;
}

/** The month's last day from "YYYY-MM". */
export function monthEndOf(month: string): IsoDate {
  return endOfMonth(`${month}-01`);
}

/** The day a month's report is due to the level above: the policy's day of the next month. */
export function reportDeadline(monthEnd: IsoDate, deadlineDay: number): IsoDate {
  const next = addMonths(`${monthEnd.slice(0, 7)}-01`, 1);
  const last = endOfMonth(next);
  const day = Math.min(Math.max(1, Math.trunc(deadlineDay)), Number(last.slice(8, 10)));
  return `${next.slice(0, 8)}${String(day).padStart(2, "0")}`;
}

/**
 * Where a report stands against its deadline: submitted on time, submitted late, not yet submitted (still
 * within the time), or overdue (not submitted and the deadline has passed).
 */
export function submissionState(
  deadline: IsoDate,
  submittedOn: IsoDate | null,
  today: IsoDate,
): "ON_TIME" | "LATE" | "PENDING" | "OVERDUE" {
  if (submittedOn) return submittedOn <= deadline ? "ON_TIME" : "LATE";
  return today <= deadline ? "PENDING" : "OVERDUE";
}

/** A fen amount as 万元 text with `digits` decimals, rounded half-up, exact (no float). */
export function fenToWanText(fen: number, digits = 2): string {
  const neg = fen < 0;
  const abs = BigInt(Math.abs(fen));
  const scale = 10n ** BigInt(6 - digits); // 1万元 = 1,000,000 fen
  const q = (abs + scale / 2n) / scale;
  const p = 10n ** BigInt(digits);
  const whole = q / p;
  const frac = digits ? `.${(q % p).toString().padStart(digits, "0")}` : "";
  return `${neg && q !== 0n ? "-" : ""}${whole}${frac}`;
}
