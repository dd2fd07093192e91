import "server-only";
import { Prisma } from "@/generated/prisma/client";
import {
  addDays,
  addMonths,
  endOfMonth,
  fenToYuan,
  NATIONAL_CODE,
  scopePrefix,
  type IsoDate,
  type RateWindow,
} from "@/domain";
import { asReport, db } from "../db";
import { env } from "../env";
import { writeAudit } from "../audit";
import { pacer } from "../heavy";
import { codePrefix, codeRange } from "../prefix";
import { dateToIso, decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import {
  figuresByChildWindows,
  subsidyByCounty,
  zeroSums,
  type FigureSums,
  type Window,
} from "../read-models/figures";
import { fundPositions } from "./fund";
import { monthEnds, monthlyRates, type MonthRates } from "../read-models/trends";
import {
  addSeriesRows,
  seriesAt,
  villageSeries,
  type SeriesRow,
  type VillageSeries,
} from "../read-models/rules";

/**
 * Month-end snapshots (issue 22): for every village and past month-end, the figures of DOMAIN §5 and §17 for
 * four windows, computed by the dashboard's own SQL (figuresByChildWindows grouped by village, subsidyByCounty,
 * fundPositions) and stored, so a past month is read from a small table instead of recomputed from the
 * instalments on every view. Read model: trusts its caller (services authorise).
 *
 * Freshness: a change to a past month's facts writes a row to "SnapshotStale" in its own transaction (database
 * triggers, migration 20261201124159); `runSnapshots` recomputes the county's month-ends from that date on and
 * records each changed figure in the audit log. Until it has, readers see the month as not fresh and compute it
 * live: a reader never gets a stale figure. Postings are never blocked: the job reads without locks and writes
 * only the snapshot tables, one county and month-end per short transaction.
 */

export const SNAPSHOT_WINDOWS = ["MONTH", "YEAR", "ROLLING", "CUMULATIVE"] as const;
export type SnapshotWindow = (typeof SNAPSHOT_WINDOWS)[number];

/** The window of a month-end: the month, 1 January to it, the 12 months to it, since the start. */
export function snapshotWindow(monthEnd: IsoDate, w: SnapshotWindow): Window {
  const from = {
    MONTH: `${monthEnd.slice(0, 7)}-01`,
    YEAR: `${monthEnd.slice(0, 4)}-01-01`,
    ROLLING: `${addMonths(`${monthEnd.slice(0, 7)}-01`, -11)}`,
    CUMULATIVE: "1900-01-01",
  }[w];
  return { from, to: monthEnd };
}

/** The last month-end before `today`'s month (the latest a snapshot may exist for). */
export function lastClosedMonthEnd(today: IsoDate): IsoDate {
  return addDays(`${today.slice(0, 7)}-01`, -1);
}

export function monthEndsBetween(first: IsoDate, last: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let m = `${first.slice(0, 7)}-01`; endOfMonth(m) <= last; m = addMonths(m, 1)) out.push(endOfMonth(m));
  return out;
}

export interface CountyMonthEnd {
  fundBalanceFen: number;
  subsidyClaimedFen: number;
  subsidyPaidFen: number;
}

const FIELDS = [
  ["loans", "loans", "int"],
  ["outstandingFen", "outstanding", "fen"],
  ["overdueLoans", "overdueLoans", "int"],
  ["overdueFen", "overdue", "fen"],
  ["par30Fen", "par30", "fen"],
  ["par90Fen", "par90", "fen"],
  ["par180Fen", "par180", "fen"],
  ["maturedFen", "matured", "fen"],
  ["recoveredFen", "recovered", "fen"],
  ["dueFen", "due", "fen"],
  ["paidOnTimeFen", "paidOnTime", "fen"],
  ["disbursedCount", "disbursedCount", "int"],
  ["disbursedFen", "disbursed", "fen"],
  ["women", "women", "int"],
  ["compensatedCount", "compensatedCount", "int"],
  ["compensatedFen", "compensated", "fen"],
] as const satisfies readonly (readonly [keyof FigureSums, string, "int" | "fen"])[];

/** The figures a snapshot holds: every FigureSums field but `borrowers` (registered now, not as of a date). */
export type SnapshotSums = Omit<FigureSums, "borrowers">;
export const SNAPSHOT_FIELDS = FIELDS.map(([k]) => k);

// ───────────────────────────── computing ─────────────────────────────

interface Computed {
  villages: Map<SnapshotWindow, Map<string, FigureSums>>;
  counties: Map<SnapshotWindow, Map<string, CountyMonthEnd>>;
}

/** The live figures of a scope (a county, or the whole country) at a month-end, by village and by county. */
async function compute(scope: string, monthEnd: IsoDate): Promise<Computed> {
  const countyPrefix = scope === NATIONAL_CODE ? "" : scopePrefix(scope).slice(0, 6);
  const villages = new Map<SnapshotWindow, Map<string, FigureSums>>();
  const counties = new Map<SnapshotWindow, Map<string, CountyMonthEnd>>();
  const funds = await fundPositions(countyPrefix, monthEnd);
  const balance = new Map<string, number>();
  for (const f of funds) balance.set(f.countyCode, (balance.get(f.countyCode) ?? 0) + f.balanceFen);
  // All four windows in one pass: the as-of CTEs and the stock figures once, each window's sums as FILTERs.
  const windows = SNAPSHOT_WINDOWS.map((w) => snapshotWindow(monthEnd, w));
  const [byVillage, subsidies] = await Promise.all([
    figuresByChildWindows(scope, monthEnd, windows, 12),
    Promise.all(windows.map((window) => subsidyByCounty(countyPrefix, window))),
  ]);
  for (const [j, w] of SNAPSHOT_WINDOWS.entries()) {
    const subsidy = subsidies[j]!;
    villages.set(w, byVillage[j]!);
    const c = new Map<string, CountyMonthEnd>();
    for (const code of new Set([...balance.keys(), ...subsidy.keys()]))
      c.set(code, {
        fundBalanceFen: balance.get(code) ?? 0,
        subsidyClaimedFen: subsidy.get(code)?.subsidyClaimedFen ?? 0,
        subsidyPaidFen: subsidy.get(code)?.subsidyPaidFen ?? 0,
      });
    counties.set(w, c);
  }
  return { villages, counties };
}

async function countiesOf(scope: string): Promise<string[]> {
  const prefix = scope === NATIONAL_CODE ? "" : scopePrefix(scope).slice(0, 6);
  const rows = await db.region.findMany({
    where: { level: "COUNTY", code: codePrefix(prefix) },
    select: { code: true },
    orderBy: { code: "asc" },
  });
  return rows.map((r) => r.code);
}

/** Computes and stores the snapshot of a scope (county or country) at a month-end; one short transaction. */
export async function buildMonthEnd(scope: string, monthEnd: IsoDate): Promise<number> {
  const data = await compute(scope, monthEnd);
  const counties = scope === NATIONAL_CODE ? await countiesOf(scope) : [scope];
  const villageRows: Record<string, string | number>[] = [];
  const countyRows: Record<string, string | number>[] = [];
  for (const w of SNAPSHOT_WINDOWS) {
    for (const [village, s] of data.villages.get(w)!) {
      const row: Record<string, string | number> = {
        villageCode: village,
        monthEnd,
        window: w,
        countyCode: village.slice(0, 6),
      };
      for (const [k, col, kind] of FIELDS) row[col] = kind === "fen" ? fenToYuan(s[k]) : s[k];
      villageRows.push(row);
    }
    for (const [county, c] of data.counties.get(w)!)
      countyRows.push({
        countyCode: county,
        monthEnd,
        window: w,
        fundBalance: fenToYuan(c.fundBalanceFen),
        subsidyClaimed: fenToYuan(c.subsidyClaimedFen),
        subsidyPaid: fenToYuan(c.subsidyPaidFen),
      });
  }
  const E = isoToDate(monthEnd);
  const range = scope === NATIONAL_CODE ? {} : { countyCode: scope };
  // Only the snapshot tables, in one short transaction (generous timeout: a busy 2-core server). The rows go
  // in as JSON, a few thousand per statement: Prisma's createMany spent seconds of this process's CPU per
  // month-end building its parameter lists (7–11 s for 8,000 rows), the database a few milliseconds.
  await db.$transaction(
    async (tx) => {
      await tx.monthEndFigures.deleteMany({ where: { monthEnd: E, ...range } });
      await tx.monthEndCountyFigures.deleteMany({ where: { monthEnd: E, ...range } });
      await tx.monthEndBuilt.deleteMany({ where: { monthEnd: E, ...range } });
      await insertRows(tx, "MonthEndFigures", VILLAGE_COLUMNS, villageRows);
      await insertRows(tx, "MonthEndCountyFigures", COUNTY_COLUMNS, countyRows);
      await tx.monthEndBuilt.createMany({ data: counties.map((c) => ({ countyCode: c, monthEnd: E })) });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return villageRows.length;
}

const VILLAGE_COLUMNS = ["villageCode", "monthEnd", "window", "countyCode", ...FIELDS.map(([, col]) => col)];
const COUNTY_COLUMNS = ["countyCode", "monthEnd", "window", "fundBalance", "subsidyClaimed", "subsidyPaid"];
const INSERT_BATCH = 5_000;

/** Inserts rows into a snapshot table through json_populate_recordset (its own row type converts each value). */
async function insertRows(
  tx: Prisma.TransactionClient,
  table: "MonthEndFigures" | "MonthEndCountyFigures",
  columns: readonly string[],
  rows: readonly Record<string, string | number>[],
): Promise<void> {
  const cols = Prisma.raw(columns.map((c) => `"${c}"`).join(", "));
  const type = Prisma.raw(`NULL::"${table}"`);
  const into = Prisma.raw(`"${table}"`);
  for (let i = 0; i < rows.length; i += INSERT_BATCH)
    await tx.$executeRaw`INSERT INTO ${into} (${cols})
      SELECT ${cols} FROM json_populate_recordset(${type}, ${JSON.stringify(rows.slice(i, i + INSERT_BATCH))}::json)`;
}

// ───────────────────────────── the job ─────────────────────────────

export interface SnapshotRun {
  built: number;
  recomputed: number;
  changed: number;
  rows: number;
}

let running: Promise<SnapshotRun> | null = null;

/**
 * Builds every missing past month-end (all of them on the first start, printing progress) and recomputes the
 * month-ends made stale by changes to past months, recording each changed figure (audit "snapshot.recompute").
 * One run at a time in this process; on the reporting pool, so it never takes the postings' connections.
 */
export function runSnapshots(
  options: { today?: IsoDate; log?: (m: string) => void; staleOnly?: boolean; pauseMs?: number } = {},
): Promise<SnapshotRun> {
  running ??= asReport(() =>
    run(
      options.today ?? todayShanghai(),
      options.log ?? (() => {}),
      options.staleOnly ?? false,
      options.pauseMs ?? 0,
    ),
  ).finally(() => (running = null));
  return running;
}

async function run(
  today: IsoDate,
  log: (m: string) => void,
  staleOnly: boolean,
  pauseMs: number,
): Promise<SnapshotRun> {
  const out: SnapshotRun = { built: 0, recomputed: 0, changed: 0, rows: 0 };
  const marks = await db.snapshotStale.findMany({ orderBy: { id: "asc" }, take: 50_000 });
  const last = lastClosedMonthEnd(today);
  const [first] = await db.$queryRaw<{ d: Date | null }[]>`SELECT MIN("disbursedDate") AS d FROM "Loan"`;
  const allCounties = await countiesOf(NATIONAL_CODE);
  const built = new Set(
    (await db.monthEndBuilt.findMany({ select: { countyCode: true, monthEnd: true } })).map(
      (b) => `${b.countyCode}:${dateToIso(b.monthEnd)}`,
    ),
  );
  const builtBefore = new Set(built);
  if (first?.d && !staleOnly) {
    const ends = monthEndsBetween(dateToIso(first.d)!, last);
    // Newest first: the dashboards' last 12 months are served from snapshots soonest.
    const missing = ends.filter((e) => allCounties.some((c) => !built.has(`${c}:${e}`))).reverse();
    const t0 = Date.now();
    const pace = pacer(); // background priority: while others use the app, rest as long as each month-end took
    for (const [i, e] of missing.entries()) {
      const lacking = allCounties.filter((c) => !built.has(`${c}:${e}`));
      const scopes = lacking.length === allCounties.length ? [NATIONAL_CODE] : lacking;
      for (const s of scopes) out.rows += await buildMonthEnd(s, e);
      for (const c of lacking) built.add(`${c}:${e}`);
      out.built++;
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs)); // room for postings and views
      await pace();
      if (i === 0 || (i + 1) % 12 === 0 || i === missing.length - 1)
        log(
          `月末快照 month-end snapshots: ${i + 1}/${missing.length} (${e}), ${out.rows} rows, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
    }
  }
  // Stale month-ends: per county, from the earliest changed date on, those computed before this run.
  const from = new Map<string, { date: IsoDate; sources: Set<string> }>();
  for (const m of marks) {
    const d = dateToIso(m.fromDate)!;
    const f = from.get(m.countyCode);
    if (!f) from.set(m.countyCode, { date: d, sources: new Set([m.source]) });
    else {
      if (d < f.date) f.date = d;
      f.sources.add(m.source);
    }
  }
  for (const [county, f] of from) {
    const ends = [...builtBefore]
      .filter((k) => k.startsWith(`${county}:`))
      .map((k) => k.slice(7))
      .filter((e) => e >= f.date)
      .sort();
    for (const e of ends) {
      const before = await storedCountyTotals(county, e);
      out.rows += await buildMonthEnd(county, e);
      const after = await storedCountyTotals(county, e);
      out.recomputed++;
      const diff = differences(before, after);
      if (Object.keys(diff.before).length) {
        out.changed++;
        await writeAudit(db, {
          action: "snapshot.recompute",
          entity: "MonthEndSnapshot",
          entityId: `${county}:${e}`,
          countyCode: county,
          before: diff.before,
          after: diff.after,
          outcome: "OK",
          message: `月末快照重算：${[...f.sources].join(", ")} 自 ${f.date} 起有变动`,
        });
      }
    }
  }
  if (marks.length) await db.snapshotStale.deleteMany({ where: { id: { in: marks.map((m) => m.id) } } });
  if (out.recomputed) log(`月末快照 stale month-ends recomputed: ${out.recomputed}, changed: ${out.changed}`);
  return out;
}

type Totals = Record<string, Record<string, number>>;

/** A county's stored totals per window (village figures summed, county figures), for recording changes. */
async function storedCountyTotals(county: string, monthEnd: IsoDate): Promise<Totals> {
  const out: Totals = {};
  for (const w of SNAPSHOT_WINDOWS) {
    const [v, c] = await Promise.all([
      readVillageSums(county, monthEnd, w, 6),
      readCountySums(county, monthEnd, w, 6),
    ]);
    out[w] = { ...(v.get(county) ?? {}), ...(c.get(county) ?? {}) } as Record<string, number>;
  }
  return out;
}

function differences(before: Totals, after: Totals): { before: Totals; after: Totals } {
  const b: Totals = {};
  const a: Totals = {};
  for (const w of SNAPSHOT_WINDOWS) {
    const keys = new Set([...Object.keys(before[w] ?? {}), ...Object.keys(after[w] ?? {})]);
    for (const k of keys) {
      const x = before[w]?.[k] ?? 0;
      const y = after[w]?.[k] ?? 0;
      if (x !== y) {
        (b[w] ??= {})[k] = x;
        (a[w] ??= {})[k] = y;
      }
    }
  }
  return { before: b, after: a };
}

// ───────────────────────────── reading ─────────────────────────────

/**
 * Whether every county of a region has a current snapshot at the month-end: computed, and no change to its
 * past months waiting to be applied.
 */
export async function snapshotFresh(regionCode: string, monthEnd: IsoDate): Promise<boolean> {
  const prefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode).slice(0, 6);
  const E = isoToDate(monthEnd);
  const [counties, built, stale] = await Promise.all([
    db.region.count({ where: { level: "COUNTY", code: codePrefix(prefix) } }),
    db.monthEndBuilt.count({ where: { monthEnd: E, countyCode: codePrefix(prefix) } }),
    db.snapshotStale.count({ where: { countyCode: codePrefix(prefix), fromDate: { lte: E } } }),
  ]);
  return counties > 0 && built === counties && stale === 0;
}

/** Stored village figures of a region at a month-end, summed by the first `keyLength` characters of the code. */
export async function readVillageSums(
  regionCode: string,
  monthEnd: IsoDate,
  w: SnapshotWindow,
  keyLength: number,
): Promise<Map<string, FigureSums>> {
  const prefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode);
  const sums = Prisma.join(FIELDS.map(([, col]) => Prisma.raw(`SUM(f."${col}")::text AS "${col}"`)));
  const rows = await db.$queryRaw<Record<string, string>[]>`
    SELECT left(f."villageCode", ${keyLength}) AS k, ${sums}
    FROM "MonthEndFigures" f
    WHERE f."monthEnd" = ${isoToDate(monthEnd)} AND f."window" = ${w}
      AND ${codeRange(Prisma.raw(`f."villageCode"`), prefix)}
    GROUP BY 1`;
  const out = new Map<string, FigureSums>();
  for (const r of rows) {
    const s = zeroSums();
    for (const [k, col, kind] of FIELDS)
      s[k] = kind === "fen" ? decToFen(r[col] ?? "0") : Number(r[col] ?? 0);
    const key = String(r.k);
    out.set(key.length < 6 ? key.padEnd(6, "0") : key, s);
  }
  return out;
}

/** Stored county figures of a region at a month-end, summed by the first `keyLength` (≤ 6) characters. */
export async function readCountySums(
  regionCode: string,
  monthEnd: IsoDate,
  w: SnapshotWindow,
  keyLength: number,
): Promise<Map<string, CountyMonthEnd>> {
  const prefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode).slice(0, 6);
  const n = Math.min(keyLength, 6);
  const rows = await db.$queryRaw<{ k: string; fund: string; claimed: string; paid: string }[]>`
    SELECT left(c."countyCode", ${n}) AS k, SUM(c."fundBalance")::text AS fund,
           SUM(c."subsidyClaimed")::text AS claimed, SUM(c."subsidyPaid")::text AS paid
    FROM "MonthEndCountyFigures" c
    WHERE c."monthEnd" = ${isoToDate(monthEnd)} AND c."window" = ${w}
      AND ${codeRange(Prisma.raw(`c."countyCode"`), prefix)}
    GROUP BY 1`;
  return new Map(
    rows.map((r) => [
      r.k.length < 6 ? r.k.padEnd(6, "0") : r.k,
      {
        fundBalanceFen: decToFen(r.fund),
        subsidyClaimedFen: decToFen(r.claimed),
        subsidyPaidFen: decToFen(r.paid),
      },
    ]),
  );
}

/** Sums live figures (keyed by village) by the first `keyLength` characters, the shape of readVillageSums. */
function regroup(byVillage: Map<string, FigureSums>, keyLength: number): Map<string, FigureSums> {
  const out = new Map<string, FigureSums>();
  for (const [code, s] of byVillage) {
    const raw = code.slice(0, keyLength);
    const key = raw.length < 6 ? raw.padEnd(6, "0") : raw;
    const t = out.get(key) ?? zeroSums();
    for (const k of SNAPSHOT_FIELDS) t[k] += s[k];
    out.set(key, t);
  }
  return out;
}

export interface MonthEndFigures {
  /** Child code (first `keyLength` characters of village codes, padded to 6) → figures, per window. */
  villages: Map<SnapshotWindow, Map<string, FigureSums>>;
  counties: Map<SnapshotWindow, Map<string, CountyMonthEnd>>;
  /** Read from the snapshots (true) or computed live (the month is open, or a change is waiting). */
  fromSnapshot: boolean;
}

/**
 * The figures of a region's children at a month-end for the given windows: from the snapshots when they are
 * current, else computed live by the same SQL (the month has not ended, or a change is waiting to be applied).
 */
export async function monthEndFigures(
  regionCode: string,
  monthEnd: IsoDate,
  windows: readonly SnapshotWindow[],
  keyLength: number,
  today: IsoDate = todayShanghai(),
): Promise<MonthEndFigures> {
  const villages = new Map<SnapshotWindow, Map<string, FigureSums>>();
  const counties = new Map<SnapshotWindow, Map<string, CountyMonthEnd>>();
  const fresh = monthEnd <= lastClosedMonthEnd(today) && (await snapshotFresh(regionCode, monthEnd));
  if (fresh) {
    await Promise.all(
      windows.map(async (w) => {
        const [v, c] = await Promise.all([
          readVillageSums(regionCode, monthEnd, w, keyLength),
          readCountySums(regionCode, monthEnd, w, keyLength),
        ]);
        villages.set(w, v);
        counties.set(w, c);
      }),
    );
    return { villages, counties, fromSnapshot: true };
  }
  const countyPrefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode).slice(0, 6);
  const asOf = monthEnd < today ? monthEnd : today;
  const funds = await fundPositions(countyPrefix, asOf);
  const ranges = windows.map((w) => snapshotWindow(monthEnd, w));
  const [byVillage, subsidies] = await Promise.all([
    figuresByChildWindows(regionCode, asOf, ranges, 12),
    Promise.all(ranges.map((window) => subsidyByCounty(countyPrefix, window))),
  ]);
  for (const [j, w] of windows.entries()) {
    const subsidy = subsidies[j]!;
    villages.set(w, regroup(byVillage[j]!, keyLength));
    const c = new Map<string, CountyMonthEnd>();
    const n = Math.min(keyLength, 6);
    const at = (county: string) => {
      const raw = county.slice(0, n);
      const key = raw.length < 6 ? raw.padEnd(6, "0") : raw;
      let x = c.get(key);
      if (!x) c.set(key, (x = { fundBalanceFen: 0, subsidyClaimedFen: 0, subsidyPaidFen: 0 }));
      return x;
    };
    for (const f of funds) at(f.countyCode).fundBalanceFen += f.balanceFen;
    for (const [county, s] of subsidy) {
      const x = at(county);
      x.subsidyClaimedFen += s.subsidyClaimedFen;
      x.subsidyPaidFen += s.subsidyPaidFen;
    }
    counties.set(w, c);
  }
  return { villages, counties, fromSnapshot: false };
}

const JOB_EVERY_MS = 10 * 60_000;
const globalJob = globalThis as unknown as { halfskySnapshotJob?: NodeJS.Timeout };

/**
 * Starts the snapshot job once per server process: a first run at once (every past month-end on the first
 * start, with progress on the console), then every 10 minutes (a month-end that has just passed, stale
 * month-ends). Called by the signed-in layout, so the first page after start starts it; idempotent and cheap.
 */
export function ensureSnapshotJob(): void {
  if (globalJob.halfskySnapshotJob || env().HALFSKY_SNAPSHOT_JOB === "off") return;
  const tick = () =>
    void runSnapshots({ log: (m) => console.log(m), pauseMs: 250 }).catch((e: unknown) =>
      console.error("[snapshots]", e),
    );
  globalJob.halfskySnapshotJob = setInterval(tick, JOB_EVERY_MS);
  globalJob.halfskySnapshotJob.unref();
  setTimeout(tick, 1_000).unref();
}

// ───────────────────────────── the dashboard's monthly series ─────────────────────────────

/** The month-ends among `ends` whose snapshot of the region is current (one query for all of them). */
export async function freshMonthEnds(regionCode: string, ends: readonly IsoDate[]): Promise<Set<IsoDate>> {
  if (!ends.length) return new Set();
  const prefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode).slice(0, 6);
  const dates = ends.map((e) => isoToDate(e));
  const [counties, built, stale] = await Promise.all([
    db.region.count({ where: { level: "COUNTY", code: codePrefix(prefix) } }),
    db.monthEndBuilt.groupBy({
      by: ["monthEnd"],
      where: { monthEnd: { in: dates }, countyCode: codePrefix(prefix) },
      _count: { _all: true },
    }),
    db.snapshotStale.aggregate({ where: { countyCode: codePrefix(prefix) }, _min: { fromDate: true } }),
  ]);
  const earliestStale = stale._min.fromDate ? dateToIso(stale._min.fromDate) : null;
  const out = new Set<IsoDate>();
  if (!counties) return out;
  for (const b of built) {
    const e = dateToIso(b.monthEnd);
    if (b._count._all === counties && (earliestStale === null || earliestStale > e)) out.add(e);
  }
  return out;
}

/**
 * The dashboard's monthly rates (trends.monthlyRates: rolling 12-month 到期还款率 per village, the month's
 * 按时还款率) with every past month-end read from the snapshots (their ROLLING and MONTH windows are the same
 * definitions) and only the as-of point computed live. Falls back to the live series when a past month-end
 * is not current.
 */
export async function monthlyRatesFromSnapshots(
  regionCode: string,
  asOf: IsoDate,
  months: number,
  today: IsoDate = todayShanghai(),
): Promise<MonthRates> {
  const ends = monthEnds(asOf, months);
  const past = ends.slice(0, -1).filter((e) => e <= lastClosedMonthEnd(today));
  const fresh = await freshMonthEnds(regionCode, past);
  if (past.length !== ends.length - 1 || fresh.size !== past.length)
    return monthlyRates(regionCode, asOf, months);
  const prefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode);
  const inPast = Prisma.join(past.map((e) => Prisma.sql`${isoToDate(e)}::date`));
  const [rows, due, last] = await Promise.all([
    db.$queryRaw<SeriesRow[]>`
      SELECT f."villageCode" AS v, f."monthEnd" AS e, f.matured::text AS matured, f.recovered::text AS recovered
      FROM "MonthEndFigures" f
      WHERE f."window" = 'ROLLING' AND f."monthEnd" IN (${inPast}) AND f.matured <> 0
        AND ${codeRange(Prisma.raw(`f."villageCode"`), prefix)}`,
    db.$queryRaw<{ e: Date; due: string; on_time: string }[]>`
      SELECT f."monthEnd" AS e, SUM(f.due)::text AS due, SUM(f."paidOnTime")::text AS on_time
      FROM "MonthEndFigures" f
      WHERE f."window" = 'MONTH' AND f."monthEnd" IN (${inPast}) AND ${codeRange(Prisma.raw(`f."villageCode"`), prefix)}
      GROUP BY 1`,
    monthlyRates(regionCode, asOf, 1),
  ]);
  const index = new Map(ends.map((e, i) => [e, i]));
  const villages: MonthRates["villages"] = addSeriesRows(new Map(), ends, rows);
  const n = ends.length - 1;
  for (const [v, s] of last.villages) {
    const x = seriesAt(villages, v, ends.length);
    x.maturedFen[n] = s.maturedFen[0]!;
    x.recoveredFen[n] = s.recoveredFen[0]!;
  }
  const dueFen = ends.map(() => 0);
  const paidOnTimeFen = ends.map(() => 0);
  for (const d of due) {
    const i = index.get(dateToIso(d.e))!;
    dueFen[i] = decToFen(d.due);
    paidOnTimeFen[i] = decToFen(d.on_time);
  }
  dueFen[n] = last.dueFen[0]!;
  paidOnTimeFen[n] = last.paidOnTimeFen[0]!;
  return { ends, villages, dueFen, paidOnTimeFen };
}

// ───────────────────────────── the suspension rule's series ─────────────────────────────

/** The snapshot window holding a suspension rate window's sums (1 January → month-end; the 12 months to it). */
export const SNAPSHOT_WINDOW_OF: Record<RateWindow, SnapshotWindow> = {
  YEAR_TO_DATE: "YEAR",
  ROLLING_12: "ROLLING",
};

/**
 * The suspension rule's village series (rules.villageSeries: the policy's window at each month-end) of a
 * region: the month-ends whose snapshot is current read from MonthEndFigures in one query (its YEAR and
 * ROLLING rows are the same loans and sums, compared in tests/integration/snapshots.test.ts), the others —
 * not yet built, made stale by a change to a past month, or not closed — computed live in one query.
 */
export async function suspensionSeries(
  regionCode: string,
  ends: readonly IsoDate[],
  window: RateWindow,
  today: IsoDate = todayShanghai(),
): Promise<VillageSeries> {
  const closed = ends.filter((e) => e <= lastClosedMonthEnd(today));
  const fresh = await freshMonthEnds(regionCode, closed);
  const stored = ends.filter((e) => fresh.has(e));
  const live = ends.filter((e) => !fresh.has(e));
  const prefix = regionCode === NATIONAL_CODE ? "" : scopePrefix(regionCode);
  const [rows, computed] = await Promise.all([
    stored.length
      ? db.$queryRaw<SeriesRow[]>`
      SELECT f."villageCode" AS v, f."monthEnd" AS e, f.matured::text AS matured, f.recovered::text AS recovered
      FROM "MonthEndFigures" f
      WHERE f."window" = ${SNAPSHOT_WINDOW_OF[window]} AND f.matured <> 0
        AND f."monthEnd" IN (${Prisma.join(stored.map((e) => Prisma.sql`${isoToDate(e)}::date`))})
        AND ${codeRange(Prisma.raw(`f."villageCode"`), prefix)}`
      : Promise.resolve([]),
    villageSeries(db, prefix, live, window),
  ]);
  const index = new Map(ends.map((e, i) => [e, i]));
  const out: VillageSeries = addSeriesRows(new Map(), ends, rows);
  const liveIndex = live.map((e) => index.get(e)!);
  for (const [v, s] of computed) {
    const x = seriesAt(out, v, ends.length);
    liveIndex.forEach((i, j) => {
      x.maturedFen[i] = s.maturedFen[j]!;
      x.recoveredFen[i] = s.recoveredFen[j]!;
    });
  }
  return out;
}
