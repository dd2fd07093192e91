import "server-only";
import { codeRange } from "../prefix";
import { Prisma } from "@/generated/prisma/client";
import { BUCKETS, NATIONAL_CODE, ratio, type Bucket, regionLevel, scopePrefix, type IsoDate } from "@/domain";
import { db } from "../db";
import { decToFen, isoToDate } from "../db-values";

/**
 * Portfolio figures of regions computed in PostgreSQL (issue 6: never by loading loans into JavaScript).
 * The definitions are DOMAIN.md §4–5, the same as src/domain; tests/integration/dashboard.test.ts proves the
 * SQL equal to the domain functions on the same data.
 *  - outstanding as of D = principal − principal repaid by value date ≤ D, for loans disbursed ≤ D and not
 *    written off. Computed from the running total Loan.principalRepaid (maintained with every journal entry)
 *    minus the journal's principal dated after D — nothing to subtract for today's dashboard.
 *  - days past due as of D = D − due date of the oldest instalment not fully paid on D (paidDate null or
 *    > D). Such an instalment is unpaid or was paid late, which a partial index keeps small.
 *  - 到期还款率 = principal repaid (≤ D) of loans maturing in the window up to D ÷ their principal (a loan that
 *    matures after D has not matured yet, whatever the window's end)
 *  - 按时还款率 = instalments due in the window (≤ D) fully paid by their due date ÷ all due in it (amounts)
 * One statement returns the figures of every child region of a region at once (the drill-down table); the
 * region's own figures are the sums of its children's.
 */
export interface FigureSums {
  loans: number;
  outstandingFen: number;
  overdueFen: number;
  par30Fen: number;
  par90Fen: number;
  par180Fen: number;
  maturedFen: number;
  recoveredFen: number;
  dueFen: number;
  paidOnTimeFen: number;
  disbursedCount: number;
  disbursedFen: number;
  borrowers: number;
  /** Loans with anything overdue (as of D). */
  overdueLoans: number;
  /** Women (borrowers) with a loan disbursed in the window. */
  women: number;
  /** Compensation (代偿) paid by the fund in the window (≤ D): loans and amount. */
  compensatedCount: number;
  compensatedFen: number;
}

export interface PortfolioFigures extends FigureSums {
  rates: {
    maturityRepayment: number | null;
    onTime: number | null;
    overdue: number | null;
    par30: number | null;
    par90: number | null;
    npl: number | null;
  };
}

export interface Window {
  from: IsoDate;
  to: IsoDate;
}

const ZERO: FigureSums = {
  loans: 0,
  outstandingFen: 0,
  overdueFen: 0,
  par30Fen: 0,
  par90Fen: 0,
  par180Fen: 0,
  maturedFen: 0,
  recoveredFen: 0,
  dueFen: 0,
  paidOnTimeFen: 0,
  disbursedCount: 0,
  disbursedFen: 0,
  borrowers: 0,
  overdueLoans: 0,
  women: 0,
  compensatedCount: 0,
  compensatedFen: 0,
};
/** Zero figures, a fresh object to add into. */
export const zeroSums = (): FigureSums => ({ ...ZERO });

export function withRates(s: FigureSums): PortfolioFigures {
  return {
    ...s,
    rates: {
      maturityRepayment: ratio(s.recoveredFen, s.maturedFen),
      onTime: ratio(s.paidOnTimeFen, s.dueFen),
      overdue: ratio(s.overdueFen, s.outstandingFen),
      par30: ratio(s.par30Fen, s.outstandingFen),
      par90: ratio(s.par90Fen, s.outstandingFen),
      npl: ratio(s.par90Fen, s.outstandingFen),
    },
  };
}

export function addSums(a: FigureSums, b: FigureSums): FigureSums {
  const out = { ...a };
  for (const k of Object.keys(ZERO) as (keyof FigureSums)[]) out[k] = a[k] + b[k];
  return out;
}

/** The next string after every string starting with `prefix` (digit codes): "6201" → "6202". */
/** How a region's records are scoped and grouped by child region. */
export interface RegionGrouping {
  /** Filter on the 12-digit villageCode of a loan or borrower. */
  village: (alias: string) => Prisma.Sql;
  /** Filter on the 6-digit countyCode (journal, instalments): the county or the counties containing the region. */
  county: (alias: string) => Prisma.Sql;
  /** Characters of villageCode naming the child region (0 = the region itself has no children). */
  keyLength: number;
  /** The child region's code from its key. */
  codeOf: (key: string) => string;
}

/** Characters of a code naming a region's children: province 2 → cities 4 → counties 6 → townships 9 → villages 12. */
export function childKeyLength(regionCode: string): number {
  const level = regionCode === NATIONAL_CODE ? "NATIONAL" : regionLevel(regionCode);
  return { NATIONAL: 2, PROVINCE: 4, CITY: 6, COUNTY: 9, TOWNSHIP: 12, VILLAGE: 12 }[level];
}

/** `keyLength` 12 groups by village whatever the region (the month-end snapshots, issue 22). */
export function regionGrouping(regionCode: string, keyLength = childKeyLength(regionCode)): RegionGrouping {
  const prefix = scopePrefix(regionCode);
  const countyPrefix = prefix.slice(0, 6);
  const col = (alias: string, name: string) => Prisma.raw(`${alias}."${name}"`);
  return {
    village: (a) => codeRange(col(a, "villageCode"), prefix),
    county: (a) => codeRange(col(a, "countyCode"), countyPrefix),
    keyLength,
    codeOf: (key) => (key.length < 6 ? key.padEnd(6, "0") : key),
  };
}

/**
 * The two CTEs every "as of D" figure and list is built on (one definition):
 *  - `later(loanId, p)`: principal of journal entries dated after D — subtracted from the running total
 *    Loan.principalRepaid to get what was repaid by D;
 *  - `late(loanId, due)`: due date of the oldest instalment not fully paid on D (days past due = D − due);
 *    only unpaid or late-paid instalments can qualify, which the partial index "Instalment_late_idx" holds.
 */
export function asOfCtes(g: RegionGrouping, D: Date): Prisma.Sql {
  return Prisma.sql`later AS (
      SELECT e."loanId", SUM(e.principal) AS p
      FROM "RepaymentEntry" e
      WHERE ${g.county("e")} AND e."valueDate" > ${D}
      GROUP BY e."loanId"
    ),
    late AS (
      SELECT i."loanId", MIN(i."dueDate") AS due
      FROM "Instalment" i
      WHERE ${g.county("i")} AND i."dueDate" < ${D} AND (i."paidDate" IS NULL OR i."paidDate" > ${D})
        AND (i."paidDate" IS NULL OR i."paidDate" > i."dueDate")
      GROUP BY i."loanId"
    )`;
}

type Row = Record<string, string | bigint | null>;
const fen = (v: string | bigint | null | undefined) =>
  decToFen(v === null || v === undefined ? "0" : String(v));

/** The figures of each child region of `regionCode` (keyed by child code), as of a date, for a window. */
export async function figuresByChild(
  regionCode: string,
  asOf: IsoDate,
  window: Window,
  keyLength?: number,
): Promise<Map<string, FigureSums>> {
  const [only] = await figuresByChildWindows(regionCode, asOf, [window], keyLength);
  return only!;
}

/**
 * The figures of each child region as of a date for several windows at once (the month-end snapshots' four,
 * issue 22): one element per window, each exactly `figuresByChild(regionCode, asOf, window)` — the same
 * children and sums. The as-of CTEs and the stock figures (outstanding, days past due, PAR), which do not
 * depend on the window, are computed once; each window's sums are FILTERs of the same scans (one loans query,
 * one instalment query, one compensation query for all windows).
 */
export async function figuresByChildWindows(
  regionCode: string,
  asOf: IsoDate,
  windows: readonly Window[],
  keyLength?: number,
): Promise<Map<string, FigureSums>[]> {
  const g = regionGrouping(regionCode, keyLength);
  const D = isoToDate(asOf);
  const ws = windows.map((w) => {
    const from = isoToDate(w.from);
    const to = isoToDate(w.to);
    return { from, to, upTo: D < to ? D : to };
  });
  if (!ws.length) return [];
  const latest = ws.reduce((m, w) => (w.to > m ? w.to : m), D);
  const earliest = ws.reduce((m, w) => (w.from < m ? w.from : m), ws[0]!.from);
  const latestUpTo = ws.reduce((m, w) => (w.upTo > m ? w.upTo : m), ws[0]!.upTo);
  const n = g.keyLength;
  const key = (alias: string) => Prisma.sql`left(${Prisma.raw(`${alias}."villageCode"`)}, ${n})`;
  const col = (name: string, i: number) => Prisma.raw(`${name}_${i}`);
  const perWindow = (f: (w: (typeof ws)[number], i: number) => Prisma.Sql) =>
    Prisma.join(ws.map(f), ",\n      ");
  // With several windows a child's row of a query may count for some windows only: `n_i` says whether it
  // counts for window i (one window: always, the WHERE is the window's), so each window has figuresByChild's
  // children exactly.
  const several = ws.length > 1;
  const counts = (cond: (w: (typeof ws)[number]) => Prisma.Sql) =>
    several
      ? Prisma.sql`, ${perWindow((w, i) => Prisma.sql`COUNT(*) FILTER (WHERE ${cond(w)}) AS ${col("n", i)}`)}`
      : Prisma.empty;
  const countsFor = (r: Row, i: number) => !several || Number(r[`n_${i}`]) > 0;

  const inWindow = (w: (typeof ws)[number]) =>
    Prisma.sql`"maturityDate" BETWEEN ${w.from} AND ${w.to} OR "disbursedDate" BETWEEN ${w.from} AND ${w.to}`;
  const loanSums = (w: (typeof ws)[number], i: number) =>
    Prisma.sql`SUM(principal) FILTER (WHERE live AND "maturityDate" BETWEEN ${w.from} AND ${w.upTo}) AS ${col("matured", i)},
    SUM(LEAST(repaid, principal)) FILTER (WHERE live AND "maturityDate" BETWEEN ${w.from} AND ${w.upTo}) AS ${col("recovered", i)},
    COUNT(*) FILTER (WHERE "disbursedDate" BETWEEN ${w.from} AND ${w.to}) AS ${col("disbursed_count", i)},
    SUM(principal) FILTER (WHERE "disbursedDate" BETWEEN ${w.from} AND ${w.to}) AS ${col("disbursed", i)},
    COUNT(DISTINCT "borrowerId") FILTER (WHERE "disbursedDate" BETWEEN ${w.from} AND ${w.to}) AS ${col("women", i)}`;
  const loansQ = db.$queryRaw<Row[]>`
    WITH ${asOfCtes(g, D)},
    loan AS (
      SELECT ${key("l")} AS k, l.principal, l."maturityDate", l."disbursedDate", l."borrowerId",
             l."disbursedDate" <= ${D} AND l.status <> 'WRITTEN_OFF' AS live,
             l.principal - l."principalRepaid" + COALESCE(la.p, 0) AS outstanding,
             l."principalRepaid" - COALESCE(la.p, 0) AS repaid,
             COALESCE(${D}::date - lt.due, 0) AS dpd
      FROM "Loan" l
      LEFT JOIN later la ON la."loanId" = l.id
      LEFT JOIN late lt ON lt."loanId" = l.id
      WHERE ${g.village("l")} AND l."disbursedDate" IS NOT NULL AND l."disbursedDate" <= ${latest}
    )
    SELECT k,
      COUNT(*) FILTER (WHERE live AND outstanding > 0) AS loans,
      SUM(outstanding) FILTER (WHERE live AND outstanding > 0) AS outstanding,
      SUM(outstanding) FILTER (WHERE live AND outstanding > 0 AND dpd > 0) AS overdue,
      COUNT(*) FILTER (WHERE live AND outstanding > 0 AND dpd > 0) AS overdue_loans,
      SUM(outstanding) FILTER (WHERE live AND outstanding > 0 AND dpd > 30) AS par30,
      SUM(outstanding) FILTER (WHERE live AND outstanding > 0 AND dpd > 90) AS par90,
      SUM(outstanding) FILTER (WHERE live AND outstanding > 0 AND dpd > 180) AS par180,
      ${perWindow(loanSums)}
      ${counts((w) => Prisma.sql`(live AND outstanding > 0) OR ${inWindow(w)}`)}
    FROM loan
    -- Only loans that count for something (most are closed, matured before the window): fewer aggregate steps.
    WHERE (live AND outstanding > 0) OR ${Prisma.join(
      ws.map((w) => inWindow(w)),
      " OR ",
    )}
    GROUP BY k`;

  // Instalments due in the windows. Down to county level the instalment's own countyCode names the child,
  // and written-off loans (few) are excluded by a hashed anti-join instead of a join to every loan.
  const amount = Prisma.sql`i."principalDue" + i."interestDue"`;
  const dueIn = (w: (typeof ws)[number]) => Prisma.sql`i."dueDate" BETWEEN ${w.from} AND ${w.upTo}`;
  const dueSums = Prisma.sql`${perWindow(
    (w, i) => Prisma.sql`SUM(${amount}) FILTER (WHERE ${dueIn(w)}) AS ${col("due", i)},
           SUM(${amount}) FILTER (WHERE ${dueIn(w)} AND i."paidDate" IS NOT NULL AND i."paidDate" <= i."dueDate") AS ${col("on_time", i)}`,
  )}${counts(dueIn)}`;
  const dueQ =
    n <= 6
      ? db.$queryRaw<Row[]>`
    SELECT left(i."countyCode", ${n}) AS k, ${dueSums}
    FROM "Instalment" i
    WHERE ${g.county("i")} AND i."dueDate" BETWEEN ${earliest} AND ${latestUpTo}
      AND i."loanId" NOT IN (SELECT w.id FROM "Loan" w WHERE w.status = 'WRITTEN_OFF' AND ${g.county("w")})
    GROUP BY 1`
      : db.$queryRaw<Row[]>`
    SELECT ${key("l")} AS k, ${dueSums}
    FROM "Instalment" i JOIN "Loan" l ON l.id = i."loanId"
    WHERE ${g.county("i")} AND ${g.village("l")} AND l.status <> 'WRITTEN_OFF' AND i."dueDate" BETWEEN ${earliest} AND ${latestUpTo}
    GROUP BY 1`;

  const borrowersQ = db.$queryRaw<Row[]>`
    SELECT ${key("b")} AS k, COUNT(*) AS n FROM "Borrower" b WHERE ${g.village("b")} GROUP BY 1`;

  // Compensation paid by the fund in the windows (up to D), by the loan's village.
  const paidIn = (w: (typeof ws)[number]) => Prisma.sql`c."paidDate" BETWEEN ${w.from} AND ${w.upTo}`;
  const compensatedQ = db.$queryRaw<Row[]>`
    SELECT ${key("l")} AS k, ${perWindow(
      (w, i) => Prisma.sql`COUNT(DISTINCT c."loanId") FILTER (WHERE ${paidIn(w)}) AS ${col("count", i)},
           SUM(c.amount) FILTER (WHERE ${paidIn(w)}) AS ${col("amount", i)}`,
    )}${counts(paidIn)}
    FROM "CompensationClaim" c JOIN "Loan" l ON l.id = c."loanId"
    WHERE ${g.county("c")} AND ${g.village("l")} AND c.status = 'PAID' AND c."paidDate" BETWEEN ${earliest} AND ${latestUpTo}
    GROUP BY 1`;

  const [loans, due, borrowers, compensated] = await Promise.all([loansQ, dueQ, borrowersQ, compensatedQ]);
  const out = ws.map(() => new Map<string, FigureSums>());
  const at = (i: number, k: string) => {
    const code = g.codeOf(k);
    let s = out[i]!.get(code);
    if (!s) out[i]!.set(code, (s = { ...ZERO }));
    return s;
  };
  ws.forEach((_w, i) => {
    for (const r of loans) {
      if (!countsFor(r, i)) continue;
      const s = at(i, String(r.k));
      s.loans += Number(r.loans);
      s.outstandingFen += fen(r.outstanding);
      s.overdueFen += fen(r.overdue);
      s.par30Fen += fen(r.par30);
      s.par90Fen += fen(r.par90);
      s.par180Fen += fen(r.par180);
      s.maturedFen += fen(r[`matured_${i}`]);
      s.recoveredFen += fen(r[`recovered_${i}`]);
      s.disbursedCount += Number(r[`disbursed_count_${i}`]);
      s.disbursedFen += fen(r[`disbursed_${i}`]);
      s.overdueLoans += Number(r.overdue_loans);
      s.women += Number(r[`women_${i}`]);
    }
    for (const r of compensated) {
      if (!countsFor(r, i)) continue;
      const s = at(i, String(r.k));
      s.compensatedCount += Number(r[`count_${i}`]);
      s.compensatedFen += fen(r[`amount_${i}`]);
    }
    for (const r of due) {
      if (!countsFor(r, i)) continue;
      const s = at(i, String(r.k));
      s.dueFen += fen(r[`due_${i}`]);
      s.paidOnTimeFen += fen(r[`on_time_${i}`]);
    }
    for (const r of borrowers) at(i, String(r.k)).borrowers += Number(r.n);
  });
  return out;
}

/** The figures of one region (any level) as of a date, for a window of maturities and due dates. */
export async function portfolioFigures(
  regionCode: string,
  asOf: IsoDate,
  window: Window,
): Promise<PortfolioFigures> {
  return withRates(totalOf(await figuresByChild(regionCode, asOf, window)));
}

/** Outstanding balance by days-past-due bucket (src/domain BUCKETS), from the PAR sums. */
export function agingBuckets(s: FigureSums): { bucket: Bucket; outstandingFen: number }[] {
  const amounts: Record<Bucket, number> = {
    CURRENT: s.outstandingFen - s.overdueFen,
    D1_30: s.overdueFen - s.par30Fen,
    D31_90: s.par30Fen - s.par90Fen,
    D91_180: s.par90Fen - s.par180Fen,
    D180_PLUS: s.par180Fen,
  };
  return BUCKETS.map((bucket) => ({ bucket, outstandingFen: amounts[bucket] }));
}

export function totalOf(children: Map<string, FigureSums>): FigureSums {
  let total = { ...ZERO };
  for (const s of children.values()) total = addSums(total, s);
  return total;
}

export interface CountySums {
  subsidyClaimedFen: number;
  subsidyApprovedFen: number;
  subsidyPaidFen: number;
}

/**
 * Interest subsidy per county: claims whose settlement period ends in the window, by status (claimed =
 * submitted, approved or paid; paid). The dashboard sums it over its region; the month-end snapshots keep it
 * per county.
 */
export async function subsidyByCounty(
  countyPrefix: string,
  window: Window,
): Promise<Map<string, CountySums>> {
  const rows = await db.$queryRaw<{ county: string; status: string; amount: string | null }[]>`
    SELECT c."countyCode" AS county, c.status::text AS status, SUM(c."subsidyTotal")::text AS amount
    FROM "SubsidyClaim" c
    WHERE ${codeRange(Prisma.raw(`c."countyCode"`), countyPrefix)}
      AND c."periodEnd" BETWEEN ${isoToDate(window.from)} AND ${isoToDate(window.to)}
    GROUP BY 1, 2`;
  const out = new Map<string, CountySums>();
  for (const r of rows) {
    let s = out.get(r.county);
    if (!s) out.set(r.county, (s = { subsidyClaimedFen: 0, subsidyApprovedFen: 0, subsidyPaidFen: 0 }));
    const f = fen(r.amount);
    if (["SUBMITTED", "APPROVED", "PAID"].includes(r.status)) s.subsidyClaimedFen += f;
    if (["APPROVED", "PAID"].includes(r.status)) s.subsidyApprovedFen += f;
    if (r.status === "PAID") s.subsidyPaidFen += f;
  }
  return out;
}
