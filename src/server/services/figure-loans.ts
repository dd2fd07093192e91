import "server-only";
import { z } from "zod";
import { type IsoDate } from "@/domain";
import { db } from "../db";
import { reportingRead } from "../read-db";
import { actorFields, writeAudit } from "../audit";
import { requirePermission, type Actor } from "../authz";
import { invalid } from "../errors";
import { decToFen, isoToDate } from "../db-values";
import { asOfCtes, regionGrouping, type Window } from "../read-models/figures";
import { authoriseRegion, refuseFuture } from "./dashboard";

/**
 * The loans behind a dashboard figure, for a region and an as-of date (issue 21 item 3): the same definitions
 * and SQL shape as the figure itself (src/server/services/figures.ts), so a list adds up to its figure.
 *  - overdue / par30 / par90: live loans with something unpaid for at least 1 / 31 / 91 days on D;
 *  - matured: the loans behind 到期还款率 — live loans maturing in the window up to D, with what of their
 *    principal was recovered by D and what is unpaid (the rate is recovered ÷ matured).
 */
export const FIGURE_KINDS = ["overdue", "par30", "par90", "matured"] as const;
export type FigureKey = (typeof FIGURE_KINDS)[number];
const MIN_DAYS: Record<Exclude<FigureKey, "matured">, number> = { overdue: 1, par30: 31, par90: 91 };

export interface FigureLoan {
  id: number;
  applicationNo: string;
  borrowerName: string;
  villageCode: string;
  villageName: string;
  status: string;
  principalFen: number;
  outstandingFen: number;
  /** overdue lists: days past due on D and the oldest unpaid due date; matured: 0 and null. */
  daysPastDue: number;
  oldestUnpaidDue: IsoDate | null;
  /** matured: the maturity date, principal recovered by D (≤ principal) and what is unpaid of it. */
  maturityDate: IsoDate | null;
  recoveredFen: number;
  unpaidFen: number;
}

export interface FigureLoanList {
  figure: FigureKey;
  region: string;
  regionName: string;
  asOf: IsoDate;
  /** The window of `matured` (its end clipped to the as-of date); null for the overdue lists. */
  window: Window | null;
  total: number;
  loans: FigureLoan[];
  /** overdue lists: the outstanding balance of all `total` loans; matured: also their principal and recovered. */
  outstandingFen: number;
  maturedFen: number;
  recoveredFen: number;
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** The list's query as the page and the export route receive it (strings from the URL). */
export const figureQuery = z.object({
  region: z.string().regex(/^\d{6}(\d{3}){0,2}$/),
  asOf: isoDay,
  figure: z.enum(FIGURE_KINDS),
  from: isoDay.optional(),
  to: isoDay.optional(),
});
export type FigureQuery = z.infer<typeof figureQuery>;

/** The window of `matured` (the dashboard's period, by default the as-of date's year), ending at D at the latest. */
export function maturedWindow(asOf: IsoDate, window?: Partial<Window>): Window {
  const from = window?.from ?? `${asOf.slice(0, 4)}-01-01`;
  const to = window?.to ?? `${asOf.slice(0, 4)}-12-31`;
  if (from > to) throw invalid({ from: ["期间起不能晚于期间止"] }, "期间起不能晚于期间止");
  return { from, to: to < asOf ? to : asOf };
}

type Row = {
  id: number;
  applicationNo: string;
  name: string;
  villageCode: string;
  village: string | null;
  status: string;
  principal: string;
  outstanding: string;
  dpd: number;
  due: string | null;
  maturity: string | null;
  recovered: string;
  total: bigint;
  sum_outstanding: string | null;
  sum_principal: string | null;
  sum_recovered: string | null;
};

async function listRows(
  q: FigureQuery,
  limit: number | null,
): Promise<{ rows: Row[]; window: Window | null }> {
  const g = regionGrouping(q.region);
  const D = isoToDate(q.asOf);
  const lim = limit ?? 2_147_483_647;
  if (q.figure === "matured") {
    const w = maturedWindow(q.asOf, q);
    const rows = await db.$queryRaw<Row[]>`
      WITH ${asOfCtes(g, D)},
      hit AS (
        SELECT l.id, l."applicationNo", l."villageCode", l.status::text AS status, l.principal, l."borrowerId",
               l.principal - l."principalRepaid" + COALESCE(la.p, 0) AS outstanding,
               LEAST(l."principalRepaid" - COALESCE(la.p, 0), l.principal) AS recovered, l."maturityDate"
        FROM "Loan" l LEFT JOIN later la ON la."loanId" = l.id
        WHERE ${g.village("l")} AND l."disbursedDate" <= ${D} AND l.status <> 'WRITTEN_OFF'
          AND l."maturityDate" BETWEEN ${isoToDate(w.from)} AND ${isoToDate(w.to)}
      )
      SELECT h.id, h."applicationNo", b.name, h."villageCode", r.name AS village, h.status, h.principal::text,
             h.outstanding::text, 0 AS dpd, NULL AS due, to_char(h."maturityDate", 'YYYY-MM-DD') AS maturity,
             h.recovered::text, COUNT(*) OVER () AS total, SUM(h.outstanding) OVER ()::text AS sum_outstanding,
             SUM(h.principal) OVER ()::text AS sum_principal, SUM(h.recovered) OVER ()::text AS sum_recovered
      FROM hit h JOIN "Borrower" b ON b.id = h."borrowerId" LEFT JOIN "Region" r ON r.code = h."villageCode"
      ORDER BY h.principal - h.recovered DESC, h."maturityDate", h.id
      LIMIT ${lim}`;
    return { rows, window: w };
  }
  const minDays = MIN_DAYS[q.figure];
  const rows = await db.$queryRaw<Row[]>`
    WITH ${asOfCtes(g, D)},
    hit AS (
      SELECT l.id, l."applicationNo", l."villageCode", l.status::text AS status, l.principal, l."borrowerId",
             l.principal - l."principalRepaid" + COALESCE(la.p, 0) AS outstanding, (${D}::date - lt.due) AS dpd, lt.due
      FROM late lt JOIN "Loan" l ON l.id = lt."loanId" LEFT JOIN later la ON la."loanId" = l.id
      WHERE ${g.village("l")} AND l."disbursedDate" <= ${D} AND l.status <> 'WRITTEN_OFF' AND (${D}::date - lt.due) >= ${minDays}
    )
    SELECT h.id, h."applicationNo", b.name, h."villageCode", r.name AS village, h.status, h.principal::text,
           h.outstanding::text, h.dpd, to_char(h.due, 'YYYY-MM-DD') AS due, NULL AS maturity, '0' AS recovered,
           COUNT(*) OVER () AS total, SUM(h.outstanding) OVER ()::text AS sum_outstanding,
           SUM(h.principal) OVER ()::text AS sum_principal, '0' AS sum_recovered
    FROM hit h JOIN "Borrower" b ON b.id = h."borrowerId" LEFT JOIN "Region" r ON r.code = h."villageCode"
    WHERE h.outstanding > 0
    ORDER BY h.dpd DESC, h.id
    LIMIT ${lim}`;
  return { rows, window: null };
}

function toList(q: FigureQuery, regionName: string, rows: Row[], window: Window | null): FigureLoanList {
  const first = rows[0];
  return {
    figure: q.figure,
    region: q.region,
    regionName,
    asOf: q.asOf,
    window,
    total: Number(first?.total ?? 0),
    outstandingFen: decToFen(first?.sum_outstanding ?? "0"),
    maturedFen: q.figure === "matured" ? decToFen(first?.sum_principal ?? "0") : 0,
    recoveredFen: decToFen(first?.sum_recovered ?? "0"),
    loans: rows.map((r) => {
      const principalFen = decToFen(r.principal);
      const recoveredFen = decToFen(r.recovered);
      return {
        id: r.id,
        applicationNo: r.applicationNo,
        borrowerName: r.name,
        villageCode: r.villageCode,
        villageName: r.village ?? r.villageCode,
        status: r.status,
        principalFen,
        outstandingFen: decToFen(r.outstanding),
        daysPastDue: Number(r.dpd),
        oldestUnpaidDue: r.due,
        maturityDate: r.maturity,
        recoveredFen,
        unpaidFen: r.maturity === null ? 0 : principalFen - recoveredFen,
      };
    }),
  };
}

async function authorised(
  actor: Actor,
  raw: unknown,
  permission: "loan.read" | "ledger.export",
  actionOf: (q: FigureQuery) => string,
) {
  const parsed = figureQuery.safeParse(raw);
  if (!parsed.success) throw invalid({ figure: ["筛选条件不正确"] });
  const q = parsed.data;
  const action = actionOf(q);
  await authoriseRegion(actor, q.region, action);
  refuseFuture(q.asOf);
  await requirePermission(actor, permission, { action, entity: "Region", entityId: q.region });
  const region = await db.region.findUniqueOrThrow({ where: { code: q.region }, select: { name: true } });
  return { q, regionName: region.name };
}

/**
 * The first `limit` loans behind a figure (the screen), with the count and sums of all of them. For roles
 * allowed to see loans, in their scope; a region outside it is not found.
 */
export async function figureLoans(actor: Actor, raw: unknown, limit = 500): Promise<FigureLoanList> {
  const { q, regionName } = await authorised(actor, raw, "loan.read", (q) => `dashboard.loans.${q.figure}`);
  const { rows, window } = await reportingRead(() => listRows(q, limit));
  return toList(q, regionName, rows, window);
}

/** Every loan behind a figure, for the .xlsx export: audited (who, which list, which loans). */
export async function figureLoansExport(actor: Actor, raw: unknown): Promise<FigureLoanList> {
  const { q, regionName } = await authorised(actor, raw, "ledger.export", () => "dashboard.loans.export");
  const { rows, window } = await reportingRead(() => listRows(q, null));
  const list = toList(q, regionName, rows, window);
  await writeAudit(db, {
    ...actorFields(actor),
    action: "dashboard.loans.export",
    entity: "Loan",
    countyCode: q.region.length >= 6 && !q.region.endsWith("00") ? q.region.slice(0, 6) : null,
    after: { ...q, window, format: "xlsx", loans: list.loans.map((l) => l.id) },
    outcome: "OK",
  });
  return list;
}
