import "server-only";
import { DASHBOARD_LIMITS } from "@/config/limits";
import {
  endOfMonth,
  formatWan,
  isWithin,
  ratio,
  regionLevel,
  resolvePolicy,
  rewardAllocation,
  scopeFilter,
  type Bucket,
  type IsoDate,
  type RateWindow,
  RULE_DEFAULTS,
} from "@/domain";
import { db } from "../db";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { invalid } from "../errors";
import { decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { missedBenefitsIn } from "./organisations";
import { fundPositions, type FundSummary } from "./fund";
import { codePrefix, codeRange } from "../prefix";
import {
  agingBuckets,
  figuresByChild,
  portfolioFigures,
  regionGrouping,
  subsidyByCounty,
  totalOf,
  withRates,
  type PortfolioFigures,
  type Window,
} from "../read-models/figures";
import { monthlyFlows, rollingRates, rollingRatesBy, type MonthFlow } from "../read-models/trends";
import { loadPolicies } from "./policies";
import {
  approvedRectifications,
  historyEnds,
  suspensionSentence,
  suspensionStates,
  townshipAndVillageRates,
  type SuspensionRule,
} from "../read-models/rules";
import { monthlyRatesFromSnapshots, suspensionSeries } from "./snapshots";
import { Prisma } from "@/generated/prisma/client";

export type { PortfolioFigures, Window } from "../read-models/figures";

/** A region inside the actor's scope only (county A's official gets nothing of county B); refusals audited. */
export async function authoriseRegion(
  actor: Actor,
  regionCode: string,
  action = "dashboard.read",
): Promise<void> {
  const target = { action, entity: "Region", entityId: regionCode };
  await requirePermission(actor, "dashboard.read", target);
  await requireInScope(actor, { countyCode: regionCode.slice(0, 6), villageCode: regionCode }, target);
}

/** The figures of a region the actor may see. */
export async function regionFigures(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate,
  window: Window,
): Promise<PortfolioFigures> {
  await authoriseRegion(actor, regionCode);
  return portfolioFigures(regionCode, asOf, window);
}

export type AlertKind =
  "SUSPENSION" | "REWARD" | "FUND_OVER_CAP" | "COMPENSATION_DUE" | "CLAIMS_WAITING" | "ORG_BENEFIT_MISSED";

export interface DashboardView {
  region: { code: string; name: string; level: string };
  breadcrumbs: { code: string; name: string }[];
  figures: PortfolioFigures;
  children: { code: string; name: string; figures: PortfolioFigures }[];
  buckets: { bucket: Bucket; outstandingFen: number }[];
  alerts: { kind: AlertKind; message: string; href: string }[];
  /** Below a county: the county whose figures the subsidy, fund and claims panels show. */
  countyWide: { code: string; name: string } | null;
  /** Every suspension, counted per county (`alerts` lists the first few). */
  suspensions: SuspensionSummary;
  subsidy: {
    claimedFen: number;
    approvedFen: number;
    paidFen: number;
    byLevelFen: Record<string, number>;
    /** Claimed subsidy (submitted, approved or paid) per settlement quarter and finance level. */
    byQuarter: { quarter: string; byLevelFen: Record<string, number> }[];
  };
  fund: {
    balanceFen: number;
    outstandingFen: number;
    coverage: number | null;
    leverage: number | null;
    headroomFen: number;
    overCap: number;
    funds: number;
    list: FundSummary[];
  };
  flows: MonthFlow[];
  /** Per month: rolling 12-month 到期还款率 and that month's 按时还款率 (the suspension rule reads its
   *  policy's window at month-ends: `alerts`). */
  rates: { month: string; maturityRepayment: number | null; onTime: number | null }[];
  threshold: number;
}

const MONTHS = 12;

export type DashboardOverview = Omit<DashboardView, "rates" | "suspensions">;
export interface DashboardRates {
  rates: DashboardView["rates"];
  /** Suspension alerts (the rule that refuses applications, rules.suspensionStates): the first
   *  DASHBOARD_LIMITS.alertsListed. */
  alerts: DashboardView["alerts"];
  /** All of them, counted per county (each county's full list is its 暂停放款与整改 page). */
  suspensions: SuspensionSummary;
  threshold: number;
  /** The as-of date when its month is not over: the last point is that month so far (no 按时还款率 yet). */
  partialMonth: IsoDate | null;
}

export interface SuspensionSummary {
  total: number;
  byCounty: { code: string; name: string; count: number }[];
}

/** The overview of a region for officials: figures, child regions for drill-down, charts, alerts. */
export async function dashboard(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate,
  window: Window,
): Promise<DashboardView> {
  const [overview, rates] = await Promise.all([
    dashboardOverview(actor, regionCode, asOf, window),
    dashboardRates(actor, regionCode, asOf),
  ]);
  return {
    ...overview,
    alerts: [...rates.alerts, ...overview.alerts],
    rates: rates.rates,
    suspensions: rates.suspensions,
  };
}

async function womenPolicy(regionCode: string, asOf: IsoDate) {
  const policies = await loadPolicies(db, "WOMEN");
  const policy = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode, date: asOf });
  return {
    policies,
    policy,
    threshold: (policy?.suspensionThresholdBp ?? RULE_DEFAULTS.suspensionThresholdBp) / 10_000,
  };
}

/**
 * The monthly rolling 到期还款率 and 按时还款率 of the last 12 months, and the region's suspensions by the
 * rule that refuses applications: the slow part of a city's dashboard (~1 s at 200k loans), so the page
 * streams it after the overview.
 */
export async function dashboardRates(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate,
): Promise<DashboardRates> {
  await authoriseRegion(actor, regionCode);
  refuseFuture(asOf);
  const policy = womenPolicy(regionCode, asOf);
  const [monthly, { threshold }, suspensions] = await Promise.all([
    // Past month-ends from the month-end snapshots (issue 22), only the as-of point live.
    monthlyRatesFromSnapshots(regionCode, asOf, MONTHS),
    policy,
    policy.then(({ policies }) => suspensionAlerts(regionCode, asOf, policies)),
  ]);
  const regionRates = rollingRates(monthly, scopeFilter(regionCode).prefix);
  // A month not yet over has no 按时还款率 yet (on 1 December it would read 0.00%): left out, and said so.
  const partial = asOf < endOfMonth(asOf);
  const last = monthly.ends.length - 1;
  return {
    rates: monthly.ends.map((e, i) => ({
      month: e.slice(0, 7),
      maturityRepayment: regionRates[i]!,
      onTime: partial && i === last ? null : ratio(monthly.paidOnTimeFen[i]!, monthly.dueFen[i]!),
    })),
    partialMonth: partial ? asOf : null,
    ...suspensions,
    threshold,
  };
}

/** A dashboard is as of today or a past date: a future date would project loans overdue that are not. */
export function refuseFuture(asOf: IsoDate): void {
  const message = "统计截止日不能晚于今天";
  if (asOf > todayShanghai()) throw invalid({ asOf: [message] }, message);
}

/** Everything of the dashboard but the monthly rates: figures, children, aging, fund, subsidy, flows, alerts. */
export async function dashboardOverview(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate,
  window: Window,
): Promise<DashboardOverview> {
  await authoriseRegion(actor, regionCode);
  refuseFuture(asOf);
  const level = regionLevel(regionCode);
  const countyPrefix = scopeFilter(regionCode).prefix.slice(0, 6);

  const [
    region,
    byChild,
    childRegions,
    flows,
    positions,
    { policies, threshold },
    claimRows,
    levelRows,
    waiting,
    due,
  ] = await Promise.all([
    db.region.findUniqueOrThrow({
      where: { code: regionCode },
      select: { code: true, name: true, level: true, parentCode: true },
    }),
    figuresByChild(regionCode, asOf, window),
    level === "VILLAGE"
      ? Promise.resolve([])
      : db.region.findMany({
          where: { parentCode: regionCode },
          orderBy: { code: "asc" },
          select: { code: true, name: true },
        }),
    monthlyFlows(regionCode, asOf, MONTHS),
    fundPositions(countyPrefix, asOf),
    womenPolicy(regionCode, asOf),
    subsidyByStatus(countyPrefix, window),
    subsidyByQuarterAndLevel(countyPrefix, window),
    db.subsidyClaim.count({ where: { countyCode: codePrefix(countyPrefix), status: "SUBMITTED" } }),
    compensationDue(regionCode, asOf),
  ]);

  const breadcrumbs: { code: string; name: string }[] = [];
  const mine = scopeFilter(actor.regionCode).prefix;
  for (let p: string | null = region.parentCode; p;) {
    if (!scopeFilter(p).prefix.startsWith(mine)) break;
    const r = await db.region.findUniqueOrThrow({
      where: { code: p },
      select: { code: true, name: true, parentCode: true },
    });
    breadcrumbs.unshift({ code: r.code, name: r.name });
    p = r.parentCode;
  }

  // Below a county the subsidy, the funds and the claims are the county's (they are kept per county): said so.
  const countyWide =
    level === "TOWNSHIP" || level === "VILLAGE"
      ? await db.region.findUniqueOrThrow({
          where: { code: countyPrefix },
          select: { code: true, name: true },
        })
      : null;
  const total = totalOf(byChild);
  const figures = withRates(total);
  const children = childRegions.map((c) => ({
    ...c,
    figures: withRates(byChild.get(c.code) ?? totalOf(new Map())),
  }));

  const alerts: DashboardView["alerts"] = [];
  // Reward fund (DOMAIN §8): counties whose 到期还款率 for the period reaches the threshold earn 2% of the
  // period's lending, split township : village : bank : county leading group.
  const counties =
    level === "COUNTY"
      ? [{ code: region.code, name: region.name, figures }]
      : level === "CITY" || level === "PROVINCE"
        ? children
        : [];
  for (const c of counties) {
    const p = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: c.code, date: asOf });
    const reward = rewardAllocation({
      lendingFen: c.figures.disbursedFen,
      recoveryRate: c.figures.rates.maturityRepayment,
      threshold: (p?.rewardThresholdBp ?? RULE_DEFAULTS.rewardThresholdBp) / 10_000,
      rateBp: p?.rewardRateBp ?? RULE_DEFAULTS.rewardRateBp,
      shares: p?.rewardShares ?? RULE_DEFAULTS.rewardShares,
    });
    if (reward && reward.totalFen > 0) {
      const [t, v, b, g] = reward.partsFen.map((x) => formatWan(x, false));
      alerts.push({
        kind: "REWARD",
        message: `${c.name}：到期还款率 ${pct(c.figures.rates.maturityRepayment)} ≥ ${pct((p?.rewardThresholdBp ?? RULE_DEFAULTS.rewardThresholdBp) / 10_000)}，可按期内放款的 ${(p?.rewardRateBp ?? RULE_DEFAULTS.rewardRateBp) / 100}% 计提奖励 ${formatWan(reward.totalFen, false)} 万元（乡镇 ${t} / 村 ${v} / 银行 ${b} / 县领导小组 ${g} 万元）`,
        href: `/rewards?county=${c.code}`,
      });
    }
  }
  for (const f of positions) {
    if (f.position.overCap)
      alerts.push({
        kind: "FUND_OVER_CAP",
        message: `${f.name}：放大倍数 ${(f.position.leverage ?? 0).toFixed(2)}× 超过上限 ${f.leverageCap}×`,
        href: "/fund",
      });
  }
  if (due.count > 0)
    alerts.push({
      kind: "COMPENSATION_DUE",
      message: `${due.count} 笔贷款逾期已达${due.days}天，可申请风险补偿金代偿`,
      href: `/dashboard/loans?${new URLSearchParams({ region: regionCode, asOf, figure: "par90" }).toString()}`,
    });
  if (waiting > 0)
    alerts.push({
      kind: "CLAIMS_WAITING",
      message: `${countyWide ? `${countyWide.name}（全县）` : region.name}：${waiting} 份贴息申请等待审核`,
      href: "/claims",
    });

  // 分贷统还 (issue 23 item 5): household benefit years past their due date and not paid in full.
  const missed = await missedBenefitsIn(regionCode, asOf);
  if (missed.length > 0)
    alerts.push({
      kind: "ORG_BENEFIT_MISSED",
      message: `${region.name}：${new Set(missed.map((m) => m.organisationId)).size} 个分贷统还经济组织有 ${missed.length} 户年度收益未按期足额支付`,
      href: "/organisations",
    });

  const balanceFen = positions.reduce((s, f) => s + f.balanceFen, 0);
  const fundOutstanding = positions.reduce((s, f) => s + f.outstandingFen, 0);
  return {
    region: { code: region.code, name: region.name, level: region.level },
    breadcrumbs,
    figures,
    children,
    buckets: agingBuckets(total),
    alerts,
    countyWide,
    subsidy: { ...claimRows, ...levelRows },
    fund: {
      balanceFen,
      outstandingFen: fundOutstanding,
      coverage: ratio(balanceFen, fundOutstanding),
      leverage: ratio(fundOutstanding, balanceFen),
      headroomFen: positions.reduce((s, f) => s + f.position.headroomFen, 0),
      overCap: positions.filter((f) => f.position.overCap).length,
      funds: positions.length,
      list: positions,
    },
    flows,
    threshold,
  };
}

const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(2)}%`);

/**
 * The suspensions in a region (DOMAIN §13) by the rule that refuses applications (rules.suspensionStates):
 * every township and village under it with its policy's window, threshold and months, its approved
 * rectifications, at the month-ends of historyEnds(asOf) — read from the month-end snapshots where they are
 * current (snapshots.suspensionSeries), one query per window in use. Listed in code order; "since" is the
 * current suspension's start.
 */
async function suspensionAlerts(
  regionCode: string,
  asOf: IsoDate,
  policies: Awaited<ReturnType<typeof loadPolicies>>,
  listed: number = DASHBOARD_LIMITS.alertsListed,
): Promise<{ alerts: DashboardView["alerts"]; suspensions: SuspensionSummary }> {
  const prefix = scopeFilter(regionCode).prefix;
  const rules = new Map<string, SuspensionRule>();
  // Each township and village under its own policy (as an application there is decided), the defaults without one.
  const ruleOf = (code: string): SuspensionRule => {
    let r = rules.get(code);
    if (!r) {
      const p = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: code, date: asOf });
      r = {
        suspensionThresholdBp: p?.suspensionThresholdBp ?? RULE_DEFAULTS.suspensionThresholdBp,
        suspensionMonths: p?.suspensionMonths ?? RULE_DEFAULTS.suspensionMonths,
        rateWindow: p?.rateWindow ?? "YEAR_TO_DATE",
      };
      rules.set(code, r);
    }
    return r;
  };
  // The windows in use: the region's policy's and those of policies for parts of it (usually one).
  const windows = new Set<RateWindow>([ruleOf(regionCode).rateWindow]);
  for (const p of policies)
    if (p.programmeCode === "WOMEN" && p.regionCode !== regionCode && isWithin(p.regionCode, regionCode))
      windows.add(p.rateWindow);
  const ends = historyEnds(asOf);
  const [byWindow, rectifications] = await Promise.all([
    Promise.all(
      [...windows].map(
        async (w) =>
          [w, townshipAndVillageRates(await suspensionSeries(regionCode, ends, w), ends, prefix)] as const,
      ),
    ),
    approvedRectifications(db, { prefix }, asOf),
  ]);
  const rates = new Map(byWindow);
  const codes = new Set(byWindow.flatMap(([, m]) => [...m.keys()]));
  const states = suspensionStates({
    codes,
    ratesOf: (code) => rates.get(ruleOf(code).rateWindow)?.get(code),
    ruleOf,
    rectifications,
    asOf,
  });
  const suspended = [...states]
    .filter(([, s]) => s.current)
    .map(([code, s]) => ({ code, spell: s.current! }))
    .sort((a, b) => a.code.localeCompare(b.code));
  if (!suspended.length) return { alerts: [], suspensions: { total: 0, byCounty: [] } };
  // A province can have thousands: counted per county, and only the first few written out (issue 22 item 5).
  const perCounty = new Map<string, number>();
  for (const s of suspended) perCounty.set(s.code.slice(0, 6), (perCounty.get(s.code.slice(0, 6)) ?? 0) + 1);
  const first = suspended.slice(0, listed);
  const names = new Map(
    (
      await db.region.findMany({
        where: { code: { in: [...first.map((s) => s.code), ...perCounty.keys()] } },
        select: { code: true, name: true },
      })
    ).map((r) => [r.code, r.name]),
  );
  return {
    alerts: first.map(({ code, spell }) => {
      const rule = ruleOf(code);
      const county = names.get(code.slice(0, 6)) ?? code.slice(0, 6);
      const region = `${county} ${names.get(code) ?? code}（${code.length === 9 ? "乡镇" : "村"}）`;
      return {
        kind: "SUSPENSION" as const,
        message: suspensionSentence(region, spell.start, spell.cause, {
          rateWindow: rule.rateWindow,
          thresholdBp: rule.suspensionThresholdBp,
        }),
        href: `/dashboard?region=${code}`,
      };
    }),
    suspensions: {
      total: suspended.length,
      byCounty: [...perCounty].map(([code, count]) => ({ code, name: names.get(code) ?? code, count })),
    },
  };
}

async function subsidyByStatus(countyPrefix: string, window: Window) {
  const total = { claimedFen: 0, approvedFen: 0, paidFen: 0 };
  for (const c of (await subsidyByCounty(countyPrefix, window)).values()) {
    total.claimedFen += c.subsidyClaimedFen;
    total.approvedFen += c.subsidyApprovedFen;
    total.paidFen += c.subsidyPaidFen;
  }
  return total;
}

/** Claimed subsidy per finance level, in total and per settlement quarter (claims ending in the window). */
async function subsidyByQuarterAndLevel(countyPrefix: string, window: Window) {
  const rows = await db.$queryRaw<{ y: number; q: number; level: string; amount: string }[]>`
    SELECT c.year AS y, c.quarter AS q, s.level::text AS level, SUM(s.amount)::text AS amount
    FROM "SubsidyClaimSplit" s JOIN "SubsidyClaim" c ON c.id = s."claimId"
    WHERE ${codeRange(Prisma.raw(`c."countyCode"`), countyPrefix)} AND c.status IN ('SUBMITTED', 'APPROVED', 'PAID')
      AND c."periodEnd" BETWEEN ${isoToDate(window.from)} AND ${isoToDate(window.to)}
    GROUP BY 1, 2, 3 ORDER BY 1, 2`;
  const byLevelFen: Record<string, number> = {};
  const quarters = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const fen = decToFen(r.amount);
    byLevelFen[r.level] = (byLevelFen[r.level] ?? 0) + fen;
    const key = `${r.y}Q${r.q}`;
    const q = quarters.get(key) ?? {};
    q[r.level] = (q[r.level] ?? 0) + fen;
    quarters.set(key, q);
  }
  return {
    byLevelFen,
    byQuarter: [...quarters].map(([quarter, levels]) => ({ quarter, byLevelFen: levels })),
  };
}

/** Repaying loans with an instalment unpaid for ≥ the policy's days and no compensation claim yet. */
async function compensationDue(regionCode: string, asOf: IsoDate): Promise<{ count: number; days: number }> {
  const policy = resolvePolicy(await loadPolicies(db, "WOMEN"), {
    programmeCode: "WOMEN",
    regionCode,
    date: asOf,
  });
  const days = policy?.compensationAfterDays ?? RULE_DEFAULTS.compensationAfterDays;
  const g = regionGrouping(regionCode);
  const D = isoToDate(asOf);
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(DISTINCT l.id) AS n FROM "Instalment" i JOIN "Loan" l ON l.id = i."loanId"
    WHERE ${g.county("i")} AND ${g.village("l")} AND l.status = 'REPAYING' AND i."paidDate" IS NULL AND i."dueDate" <= ${D}::date - ${days}::int
      AND (i."paidDate" IS NULL OR i."paidDate" > i."dueDate")
      AND NOT EXISTS (SELECT 1 FROM "CompensationClaim" c WHERE c."loanId" = l.id AND c.status IN ('SUBMITTED', 'APPROVED', 'PAID'))`;
  return { count: Number(row!.n), days };
}

export interface RegionLine {
  code: string;
  name: string;
  level: "TOWNSHIP" | "VILLAGE";
  rate: number | null;
  /** The rate at the previous month's end: the region crossed the line this month when that was at or above it. */
  previous: number | null;
  crossedThisMonth: boolean;
}

/**
 * The lines a region's townships and villages and funds stand on today (the official's home page): those whose
 * rolling rate today (the dashboard's chart, the 提升回收率 page's) is below the suspension threshold, the
 * suspensions the dashboard alerts on (the rule that refuses applications), and funds over their leverage
 * cap — the same computations, not a second set of rules.
 */
export async function regionLines(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate,
): Promise<{
  threshold: number;
  below: RegionLine[];
  suspended: DashboardView["alerts"];
  overCap: DashboardView["alerts"];
}> {
  await authoriseRegion(actor, regionCode, "home.read");
  const countyPrefix = scopeFilter(regionCode).prefix.slice(0, 6);
  // The dashboard's own 12-month series: the last point is today's rate.
  const policy = womenPolicy(regionCode, asOf);
  const [monthly, { threshold }, positions, suspensions] = await Promise.all([
    monthlyRatesFromSnapshots(regionCode, asOf, MONTHS),
    policy,
    fundPositions(countyPrefix, asOf),
    // Every one (callers filter or bound the list).
    policy.then(({ policies }) => suspensionAlerts(regionCode, asOf, policies, Infinity)),
  ]);
  const prefix = scopeFilter(regionCode).prefix;
  const byRegion = rollingRatesBy(monthly, (v) => [v.slice(0, 9), v].filter((c) => c.startsWith(prefix)));
  const lines = [...byRegion]
    .map(([code, rates]) => ({ code, rate: rates.at(-1) ?? null, previous: rates.at(-2) ?? null }))
    .filter((l) => l.rate !== null && l.rate < threshold)
    .sort((a, b) => a.code.localeCompare(b.code));
  const names = new Map(
    (
      await db.region.findMany({
        where: { code: { in: lines.map((l) => l.code) } },
        select: { code: true, name: true },
      })
    ).map((r) => [r.code, r.name]),
  );
  return {
    threshold,
    below: lines.map((l) => ({
      ...l,
      name: names.get(l.code) ?? l.code,
      level: l.code.length === 9 ? "TOWNSHIP" : "VILLAGE",
      crossedThisMonth: l.previous === null || l.previous >= threshold,
    })),
    suspended: suspensions.alerts,
    overCap: positions
      .filter((f) => f.position.overCap)
      .map((f) => ({
        kind: "FUND_OVER_CAP" as const,
        message: `${f.name}：放大倍数 ${(f.position.leverage ?? 0).toFixed(2)}× 超过上限 ${f.leverageCap}×`,
        href: "/fund",
      })),
  };
}
