import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { ratio, scopeFilter, type IsoDate } from "@/domain";
import { db } from "../db";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { decToFen, isoToDate } from "../money";
import { listFunds } from "./fund";

/**
 * Portfolio figures of a region computed in SQL (issue 6: no loading of loans into JavaScript). The
 * definitions are DOMAIN.md §4–5, the same as src/domain; tests/integration/dashboard.test.ts proves the SQL
 * equal to the domain functions on the same data.
 *  - days past due as of D = D − due date of the oldest instalment not fully paid on D (paidDate null or > D)
 *  - outstanding as of D = principal − principal repaid by value date ≤ D (loans disbursed ≤ D, not written off)
 *  - 到期还款率 = principal repaid (≤ D) of loans maturing in the window ÷ their principal
 *  - 按时还款率 = instalments due in the window (≤ D) fully paid by their due date ÷ all due in it (amounts)
 */
export interface PortfolioFigures {
  loans: number;
  outstandingFen: number;
  overdueFen: number;
  par30Fen: number;
  par90Fen: number;
  maturedFen: number;
  recoveredFen: number;
  dueFen: number;
  paidOnTimeFen: number;
  disbursedCount: number;
  disbursedFen: number;
  borrowers: number;
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

function scopeSql(regionCode: string): Prisma.Sql {
  const f = scopeFilter(regionCode);
  return f.column === "countyCode" ? Prisma.sql`l."countyCode" LIKE ${`${f.prefix}%`}` : Prisma.sql`l."villageCode" LIKE ${`${f.prefix}%`}`;
}

/** The figures of one region (any level) as of a date, for a window of maturities and due dates. */
export async function portfolioFigures(regionCode: string, asOf: IsoDate, window: Window): Promise<PortfolioFigures> {
  const D = isoToDate(asOf);
  const from = isoToDate(window.from);
  const to = isoToDate(window.to);
  const scope = scopeSql(regionCode);
  const [row] = await db.$queryRaw<
    {
      loans: bigint;
      outstanding: string | null;
      overdue: string | null;
      par30: string | null;
      par90: string | null;
      matured: string | null;
      recovered: string | null;
      disbursed_count: bigint;
      disbursed: string | null;
    }[]
  >`
    WITH base AS (
      SELECT l.id, l.principal, l."maturityDate", l."disbursedDate"
      FROM "Loan" l
      WHERE ${scope} AND l."disbursedDate" IS NOT NULL AND l."disbursedDate" <= ${D} AND l.status <> 'WRITTEN_OFF'
    ),
    repaid AS (
      SELECT e."loanId", SUM(e.principal) AS principal
      FROM "RepaymentEntry" e JOIN base b ON b.id = e."loanId"
      WHERE e."valueDate" <= ${D}
      GROUP BY e."loanId"
    ),
    oldest AS (
      SELECT i."loanId", MIN(i."dueDate") AS due
      FROM "Instalment" i JOIN base b ON b.id = i."loanId"
      WHERE i."dueDate" < ${D} AND (i."paidDate" IS NULL OR i."paidDate" > ${D})
      GROUP BY i."loanId"
    ),
    loan AS (
      SELECT b.id, b.principal, b."maturityDate", b.principal - COALESCE(r.principal, 0) AS outstanding,
             COALESCE(${D}::date - o.due, 0) AS dpd, COALESCE(r.principal, 0) AS repaid
      FROM base b LEFT JOIN repaid r ON r."loanId" = b.id LEFT JOIN oldest o ON o."loanId" = b.id
    )
    SELECT
      COUNT(*) FILTER (WHERE outstanding > 0) AS loans,
      SUM(outstanding) FILTER (WHERE outstanding > 0) AS outstanding,
      SUM(outstanding) FILTER (WHERE outstanding > 0 AND dpd > 0) AS overdue,
      SUM(outstanding) FILTER (WHERE outstanding > 0 AND dpd > 30) AS par30,
      SUM(outstanding) FILTER (WHERE outstanding > 0 AND dpd > 90) AS par90,
      SUM(principal) FILTER (WHERE "maturityDate" BETWEEN ${from} AND ${to}) AS matured,
      SUM(LEAST(repaid, principal)) FILTER (WHERE "maturityDate" BETWEEN ${from} AND ${to}) AS recovered,
      (SELECT COUNT(*) FROM "Loan" l WHERE ${scope} AND l."disbursedDate" BETWEEN ${from} AND ${to}) AS disbursed_count,
      (SELECT SUM(l.principal) FROM "Loan" l WHERE ${scope} AND l."disbursedDate" BETWEEN ${from} AND ${to}) AS disbursed
    FROM loan`;
  const upTo = D < to ? D : to;
  const [due] = await db.$queryRaw<{ due: string | null; on_time: string | null }[]>`
    SELECT SUM(i."principalDue" + i."interestDue") AS due,
           SUM(i."principalDue" + i."interestDue") FILTER (WHERE i."paidDate" IS NOT NULL AND i."paidDate" <= i."dueDate") AS on_time
    FROM "Instalment" i JOIN "Loan" l ON l.id = i."loanId"
    WHERE ${scope} AND l.status <> 'WRITTEN_OFF' AND i."dueDate" BETWEEN ${from} AND ${upTo}`;
  const [borrowers] = await db.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM "Borrower" l WHERE ${scope}`;
  const f = (v: string | null | undefined) => decToFen(v ?? "0");
  const outstandingFen = f(row!.outstanding);
  const figures = {
    loans: Number(row!.loans),
    outstandingFen,
    overdueFen: f(row!.overdue),
    par30Fen: f(row!.par30),
    par90Fen: f(row!.par90),
    maturedFen: f(row!.matured),
    recoveredFen: f(row!.recovered),
    dueFen: f(due!.due),
    paidOnTimeFen: f(due!.on_time),
    disbursedCount: Number(row!.disbursed_count),
    disbursedFen: f(row!.disbursed),
    borrowers: Number(borrowers!.n),
  };
  return {
    ...figures,
    rates: {
      maturityRepayment: ratio(figures.recoveredFen, figures.maturedFen),
      onTime: ratio(figures.paidOnTimeFen, figures.dueFen),
      overdue: ratio(figures.overdueFen, outstandingFen),
      par30: ratio(figures.par30Fen, outstandingFen),
      par90: ratio(figures.par90Fen, outstandingFen),
      npl: ratio(figures.par90Fen, outstandingFen),
    },
  };
}

/** The figures of a region the actor may see (a region outside the actor's scope is refused). */
export async function regionFigures(actor: Actor, regionCode: string, asOf: IsoDate, window: Window): Promise<PortfolioFigures> {
  const target = { action: "dashboard.read", entity: "Region", entityId: regionCode };
  await requirePermission(actor, "dashboard.read", target);
  // A region inside the actor's scope only (county A's official gets nothing of county B).
  await requireInScope(actor, { countyCode: regionCode.slice(0, 6), villageCode: regionCode }, target);
  return portfolioFigures(regionCode, asOf, window);
}

export interface DashboardView {
  region: { code: string; name: string; level: string };
  breadcrumbs: { code: string; name: string }[];
  figures: PortfolioFigures;
  children: { code: string; name: string; figures: PortfolioFigures }[];
  buckets: { bucket: string; outstandingFen: number }[];
  alerts: { kind: "FUND_OVER_CAP" | "COMPENSATION_DUE" | "CLAIMS_WAITING"; message: string; href: string }[];
  subsidy: { claimedFen: number; approvedFen: number; paidFen: number; byLevelFen: Record<string, number> };
  fund: { balanceFen: number; outstandingFen: number; coverage: number | null; leverage: number | null; headroomFen: number; overCap: number; funds: number };
}

/** The overview of a region for officials: figures, child regions for drill-down, aging, alerts. */
export async function dashboard(actor: Actor, regionCode: string, asOf: IsoDate, window: Window): Promise<DashboardView> {
  const figures = await regionFigures(actor, regionCode, asOf, window);
  const region = await db.region.findUniqueOrThrow({ where: { code: regionCode }, select: { code: true, name: true, level: true, parentCode: true } });
  const breadcrumbs: { code: string; name: string }[] = [];
  const mine = scopeFilter(actor.regionCode).prefix;
  for (let p: string | null = region.parentCode; p; ) {
    if (!scopeFilter(p).prefix.startsWith(mine)) break;
    const r = await db.region.findUniqueOrThrow({ where: { code: p }, select: { code: true, name: true, parentCode: true } });
    breadcrumbs.unshift({ code: r.code, name: r.name });
    p = r.parentCode;
  }
  const childRegions = await db.region.findMany({ where: { parentCode: regionCode }, orderBy: { code: "asc" }, select: { code: true, name: true } });
  const children = [];
  for (const c of childRegions) children.push({ ...c, figures: await portfolioFigures(c.code, asOf, window) });

  const D = isoToDate(asOf);
  const scope = scopeSql(regionCode);
  const buckets = await db.$queryRaw<{ bucket: string; outstanding: string }[]>`
    WITH base AS (
      SELECT l.id, l.principal FROM "Loan" l
      WHERE ${scope} AND l."disbursedDate" <= ${D} AND l.status <> 'WRITTEN_OFF'
    ),
    loan AS (
      SELECT b.principal - COALESCE((SELECT SUM(e.principal) FROM "RepaymentEntry" e WHERE e."loanId" = b.id AND e."valueDate" <= ${D}), 0) AS outstanding,
             COALESCE(${D}::date - (SELECT MIN(i."dueDate") FROM "Instalment" i WHERE i."loanId" = b.id AND i."dueDate" < ${D} AND (i."paidDate" IS NULL OR i."paidDate" > ${D})), 0) AS dpd
      FROM base b
    )
    SELECT CASE WHEN dpd <= 0 THEN 'CURRENT' WHEN dpd <= 30 THEN 'D1_30' WHEN dpd <= 90 THEN 'D31_90' WHEN dpd <= 180 THEN 'D91_180' ELSE 'D180_PLUS' END AS bucket,
           SUM(outstanding)::text AS outstanding
    FROM loan WHERE outstanding > 0 GROUP BY 1`;
  const order = ["CURRENT", "D1_30", "D31_90", "D91_180", "D180_PLUS"];
  const bucketRows = order.map((b) => ({ bucket: b, outstandingFen: decToFen(buckets.find((x) => x.bucket === b)?.outstanding ?? "0") }));

  const alerts: DashboardView["alerts"] = [];
  const funds = (await listFunds(actor, asOf)).filter((f) => f.countyCode.startsWith(scopeFilter(regionCode).prefix.slice(0, 6)));
  const fundBalance = funds.reduce((s, f) => s + f.balanceFen, 0);
  const fundOutstanding = funds.reduce((s, f) => s + f.outstandingFen, 0);
  const fund = {
    balanceFen: fundBalance,
    outstandingFen: fundOutstanding,
    coverage: ratio(fundBalance, fundOutstanding),
    leverage: ratio(fundOutstanding, fundBalance),
    headroomFen: funds.reduce((s, f) => s + f.position.headroomFen, 0),
    overCap: funds.filter((f) => f.position.overCap).length,
    funds: funds.length,
  };
  for (const f of funds) {
    if (f.position.overCap) {
      alerts.push({ kind: "FUND_OVER_CAP", message: `${f.name}：放大倍数 ${(f.position.leverage ?? 0).toFixed(2)}× 超过上限 ${f.leverageCap}×`, href: "/fund" });
    }
  }
  const [due] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(DISTINCT l.id) AS n FROM "Loan" l JOIN "Instalment" i ON i."loanId" = l.id
    WHERE ${scope} AND l.status = 'REPAYING' AND i."paidDate" IS NULL AND i."dueDate" <= ${D}::date - 90
      AND NOT EXISTS (SELECT 1 FROM "CompensationClaim" c WHERE c."loanId" = l.id AND c.status IN ('SUBMITTED', 'APPROVED', 'PAID'))`;
  if (Number(due!.n) > 0) alerts.push({ kind: "COMPENSATION_DUE", message: `${Number(due!.n)} 笔贷款逾期已达90天，可申请风险补偿金代偿`, href: `/loans?status=REPAYING` });
  const waiting = await db.subsidyClaim.count({ where: { countyCode: { startsWith: scopeFilter(regionCode).prefix.slice(0, 6) }, status: "SUBMITTED" } });
  if (waiting > 0) alerts.push({ kind: "CLAIMS_WAITING", message: `${waiting} 份贴息申请等待审核`, href: "/claims" });

  // Subsidy claims whose settlement period ends in the window: claimed, approved, paid, and by finance level.
  const claimWhere = { countyCode: { startsWith: scopeFilter(regionCode).prefix.slice(0, 6) }, periodEnd: { gte: isoToDate(window.from), lte: isoToDate(window.to) } };
  const byStatus = await db.subsidyClaim.groupBy({ by: ["status"], where: claimWhere, _sum: { subsidyTotal: true } });
  const sumOf = (statuses: string[]) => byStatus.filter((b) => statuses.includes(b.status)).reduce((s, b) => s + decToFen(b._sum.subsidyTotal ?? "0"), 0);
  const levels = await db.subsidyClaimSplit.groupBy({ by: ["level"], where: { claim: { ...claimWhere, status: { in: ["SUBMITTED", "APPROVED", "PAID"] } } }, _sum: { amount: true } });
  const subsidy = {
    claimedFen: sumOf(["SUBMITTED", "APPROVED", "PAID"]),
    approvedFen: sumOf(["APPROVED", "PAID"]),
    paidFen: sumOf(["PAID"]),
    byLevelFen: Object.fromEntries(levels.map((l) => [l.level, decToFen(l._sum.amount ?? "0")])),
  };

  return { region: { code: region.code, name: region.name, level: region.level }, breadcrumbs, figures, children, buckets: bucketRows, alerts, subsidy, fund };
}
