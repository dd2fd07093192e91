import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { addDays, addMonths, endOfMonth, ratio, type IsoDate } from "@/domain";
import { db } from "../db";
import { decToFen, isoToDate } from "../db-values";
import { regionGrouping } from "./figures";

/**
 * Month-by-month series of a region for the dashboard's charts and the suspension rule, computed in SQL.
 * A month's point is its last day (the as-of date for the as-of month).
 */
export function monthEnds(asOf: IsoDate, months: number): IsoDate[] {
  const out: IsoDate[] = [];
  for (let k = months - 1; k >= 1; k--) out.push(endOfMonth(addMonths(`${asOf.slice(0, 7)}-01`, -k)));
  out.push(asOf);
  return out;
}

export interface MonthFlow {
  month: string; // YYYY-MM
  disbursedCount: number;
  disbursedFen: number;
  repaidPrincipalFen: number;
  repaidInterestFen: number;
}

/** Loans disbursed and money repaid (journal by value date, reversals netted) per month. */
export async function monthlyFlows(regionCode: string, asOf: IsoDate, months: number): Promise<MonthFlow[]> {
  const g = regionGrouping(regionCode);
  const ends = monthEnds(asOf, months);
  const start = isoToDate(`${ends[0]!.slice(0, 7)}-01`);
  const D = isoToDate(asOf);
  const villageScoped = g.keyLength > 9; // township or village: the journal carries only the county
  const [disbursed, repaid] = await Promise.all([
    db.$queryRaw<{ m: string; n: bigint; amount: string | null }[]>`
      SELECT to_char(l."disbursedDate", 'YYYY-MM') AS m, COUNT(*) AS n, SUM(l.principal)::text AS amount
      FROM "Loan" l WHERE ${g.village("l")} AND l."disbursedDate" BETWEEN ${start} AND ${D} GROUP BY 1`,
    villageScoped
      ? db.$queryRaw<{ m: string; p: string | null; i: string | null }[]>`
      SELECT to_char(e."valueDate", 'YYYY-MM') AS m, SUM(e.principal)::text AS p, SUM(e.interest)::text AS i
      FROM "RepaymentEntry" e JOIN "Loan" l ON l.id = e."loanId"
      WHERE ${g.county("e")} AND ${g.village("l")} AND e."valueDate" BETWEEN ${start} AND ${D} GROUP BY 1`
      : db.$queryRaw<{ m: string; p: string | null; i: string | null }[]>`
      SELECT to_char(e."valueDate", 'YYYY-MM') AS m, SUM(e.principal)::text AS p, SUM(e.interest)::text AS i
      FROM "RepaymentEntry" e
      WHERE ${g.county("e")} AND e."valueDate" BETWEEN ${start} AND ${D} GROUP BY 1`,
  ]);
  return ends.map((e) => {
    const m = e.slice(0, 7);
    const d = disbursed.find((r) => r.m === m);
    const r = repaid.find((x) => x.m === m);
    return {
      month: m,
      disbursedCount: Number(d?.n ?? 0),
      disbursedFen: decToFen(d?.amount ?? "0"),
      repaidPrincipalFen: decToFen(r?.p ?? "0"),
      repaidInterestFen: decToFen(r?.i ?? "0"),
    };
  });
}

export interface MonthRates {
  /** village code → per month: principal of loans maturing in the 12 months up to the month's end, and
   *  how much of it was repaid by that day (the suspension rule's "loans due within the year"). */
  villages: Map<string, { maturedFen: number[]; recoveredFen: number[] }>;
  /** Per month for the whole region: instalments due in the month and the part paid by the due date. */
  dueFen: number[];
  paidOnTimeFen: number[];
  ends: IsoDate[];
}

/**
 * Monthly rates of a region and of each of its villages. Rolling: at a month's end E, loans (disbursed,
 * not written off) maturing in (E − 12 months, E], principal repaid by E (Loan.principalRepaid minus the
 * journal's principal dated after E) ÷ their principal.
 */
export async function monthlyRates(regionCode: string, asOf: IsoDate, months: number): Promise<MonthRates> {
  const g = regionGrouping(regionCode);
  const ends = monthEnds(asOf, months);
  const first = ends[0]!;
  const endsSql = Prisma.join(ends.map((e) => Prisma.sql`(${isoToDate(e)}::date)`));
  const matFrom = isoToDate(addDays(addMonths(first, -12), 0));
  const [rows, due] = await Promise.all([
    db.$queryRaw<{ v: string; e: Date; matured: string; recovered: string }[]>`
      WITH ends(e) AS (VALUES ${endsSql}),
      m AS (
        SELECT l.id, l."villageCode" AS v, l.principal, l."principalRepaid" AS pr, l."maturityDate" AS mat
        FROM "Loan" l
        WHERE ${g.village("l")} AND l."disbursedDate" IS NOT NULL AND l.status <> 'WRITTEN_OFF'
          AND l."maturityDate" > ${matFrom} AND l."maturityDate" <= ${isoToDate(asOf)}
      ),
      pairs AS (
        SELECT m.id, m.v, m.principal, m.pr, ends.e FROM m JOIN ends ON m.mat <= ends.e AND m.mat > (ends.e - interval '12 months')::date
      ),
      after AS (
        SELECT e."loanId", e."valueDate", e.principal FROM "RepaymentEntry" e
        WHERE ${g.county("e")} AND e."valueDate" > ${isoToDate(first)} AND e.principal <> 0
          AND e."loanId" IN (SELECT id FROM m)
      ),
      later AS (
        SELECT p.id, p.e, SUM(a.principal) AS s FROM pairs p JOIN after a ON a."loanId" = p.id AND a."valueDate" > p.e GROUP BY 1, 2
      )
      SELECT p.v, p.e, SUM(p.principal)::text AS matured, SUM(LEAST(p.principal, p.pr - COALESCE(l.s, 0)))::text AS recovered
      FROM pairs p LEFT JOIN later l ON l.id = p.id AND l.e = p.e
      GROUP BY 1, 2`,
    db.$queryRaw<{ m: string; due: string; on_time: string | null }[]>`
      SELECT to_char(i."dueDate", 'YYYY-MM') AS m, SUM(i."principalDue" + i."interestDue")::text AS due,
             SUM(i."principalDue" + i."interestDue") FILTER (WHERE i."paidDate" IS NOT NULL AND i."paidDate" <= i."dueDate")::text AS on_time
      FROM "Instalment" i JOIN "Loan" l ON l.id = i."loanId"
      WHERE ${g.county("i")} AND ${g.village("l")} AND l.status <> 'WRITTEN_OFF'
        AND i."dueDate" >= ${isoToDate(`${first.slice(0, 7)}-01`)} AND i."dueDate" <= ${isoToDate(asOf)}
      GROUP BY 1`,
  ]);
  const index = new Map(ends.map((e, i) => [e, i]));
  const villages: MonthRates["villages"] = new Map();
  for (const r of rows) {
    const i = index.get(r.e.toISOString().slice(0, 10));
    if (i === undefined) continue;
    let v = villages.get(r.v);
    if (!v) villages.set(r.v, (v = { maturedFen: ends.map(() => 0), recoveredFen: ends.map(() => 0) }));
    v.maturedFen[i] = decToFen(r.matured);
    v.recoveredFen[i] = decToFen(r.recovered);
  }
  return {
    ends,
    villages,
    dueFen: ends.map((e) => decToFen(due.find((d) => d.m === e.slice(0, 7))?.due ?? "0")),
    paidOnTimeFen: ends.map((e) => decToFen(due.find((d) => d.m === e.slice(0, 7))?.on_time ?? "0")),
  };
}

/** Sums the village series of the villages whose code starts with `prefix` and returns the monthly rates. */
export function rollingRates(rates: MonthRates, prefix: string): (number | null)[] {
  return (
    rollingRatesBy(rates, (village) => (village.startsWith(prefix) ? [prefix] : [])).get(prefix) ??
    rates.ends.map(() => null)
  );
}

/**
 * The monthly rates of many regions in one pass over the villages: `regionsOf(village)` names the regions a
 * village counts towards (e.g. its township and itself).
 */
export function rollingRatesBy(
  rates: MonthRates,
  regionsOf: (village: string) => string[],
): Map<string, (number | null)[]> {
  const sums = new Map<string, { matured: number[]; recovered: number[] }>();
  for (const [code, v] of rates.villages) {
    for (const region of regionsOf(code)) {
      let s = sums.get(region);
      if (!s)
        sums.set(region, (s = { matured: rates.ends.map(() => 0), recovered: rates.ends.map(() => 0) }));
      v.maturedFen.forEach((x, i) => (s.matured[i]! += x));
      v.recoveredFen.forEach((x, i) => (s.recovered[i]! += x));
    }
  }
  return new Map(
    [...sums].map(([region, s]) => [region, s.matured.map((m, i) => ratio(s.recovered[i]!, m))]),
  );
}
