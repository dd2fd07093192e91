import "server-only";
import { Prisma } from "@/generated/prisma/client";
import {
  completedMonthEnds,
  formatRate,
  formatWan,
  formatYuan,
  leverageCapFor,
  leverageCheck,
  ratioBp,
  rateWindowStart,
  suspensionState,
  type EligibilityProblem,
  type EligibilityRules,
  type IsoDate,
  type MonthEndRate,
  type RateWindow,
  type SuspensionState,
} from "@/domain";
import type { db, Tx } from "../db";
import { codePrefix, codeRange } from "../prefix";
import { dateToIso, decToFen, isoToDate } from "../db-values";

/**
 * The programme's rules where they act (DOMAIN §13–§14): the month-end rates of a township or village under
 * the policy's window, its suspension state with the approved rectifications, and the fund's headroom for a
 * new loan. Read models: the services that call them authorise first.
 */

type Client = Tx | typeof db;

/** The rule settings of a policy version these functions read. */
export interface RulePolicy {
  suspensionThresholdBp: number;
  suspensionMonths: number;
  rateWindow: RateWindow;
  leverageCap: number;
  leverageCapReduced: number | null;
  leverageCapMinRateBp: number | null;
  overCapMode: "REFUSE" | "FLAG";
}

/** How many month-ends back the suspension history is read (enough for any episode still open). */
const HISTORY_MONTHS = 36;

const pct = (bp: number | null) => (bp === null ? "无数据" : formatRate(bp / 10_000));

/** 年内到期贷款收回率 / 近12个月: the window's name as the UI says it. */
export const WINDOW_NAMES: Record<RateWindow, string> = {
  YEAR_TO_DATE: "年内到期贷款收回率",
  ROLLING_12: "近12个月到期贷款收回率",
};

/** The eligibility rules of a policy version (loanEligibility's shape). */
export function eligibilityRules(policy: {
  maxPrincipal: { toFixed: (n: number) => string } | string;
  maxTermMonths: number;
  womenOnly: boolean;
  minAge: number;
  maxAge: number;
  maxSubsidisedLoans: number;
}): EligibilityRules {
  return {
    maxPrincipalFen: decToFen(policy.maxPrincipal),
    maxTermMonths: policy.maxTermMonths,
    womenOnly: policy.womenOnly,
    minAge: policy.minAge,
    maxAge: policy.maxAge,
    maxSubsidisedLoans: policy.maxSubsidisedLoans,
  };
}

/** The problems of loanEligibility as field messages (the form shows each next to its field). */
export function eligibilityErrors(
  problems: readonly EligibilityProblem[],
  policyName: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (field: string, m: string) => (out[field] ??= []).push(m);
  for (const p of problems) {
    switch (p.code) {
      case "AMOUNT_NOT_POSITIVE":
        add(p.field, "申请金额须大于0");
        break;
      case "AMOUNT_OVER_CAP":
        add(p.field, `超过政策额度上限 ${formatYuan(p.capFen)}（${policyName}）`);
        break;
      case "TERM_OVER_CAP":
        add(p.field, `期限超过政策上限 ${p.maxTermMonths} 个月`);
        break;
      case "RATE_OVER_CAP":
        add(p.field, `合同利率超过政策上限 ${(p.capBp / 100).toFixed(2)}%`);
        break;
      case "NOT_WOMAN":
        add(p.field, `该项目仅面向女性借款人（${policyName}）`);
        break;
      case "AGE_OUT_OF_RANGE":
        add(
          p.field,
          `借款人申请时年龄 ${p.age} 周岁，不在 ${p.minAge}–${p.maxAge} 周岁之间（${policyName}）`,
        );
        break;
      case "OPEN_LOAN":
        add(p.field, "该借款人在本项目下已有未结清的贷款，结清后才能再申请");
        break;
      case "PENDING_APPLICATION":
        add(p.field, "该借款人在本项目下已有待审批或待放款的申请，未结清前不能再申请");
        break;
      case "MAX_LOANS":
        add(p.field, `该借款人已享受 ${p.count} 次贴息贷款，达到上限 ${p.max} 次`);
        break;
      case "REGION_SUSPENDED":
        add(p.field, suspensionSentence(p.regionName ?? p.regionCode, p.since, p.cause));
        break;
    }
  }
  return out;
}

/**
 * Why a region takes no new applications: since when, the month-ends and rates that caused it, how it resumes.
 * With the rule (the dashboard's and home page's alerts, read away from the policy) the window is named and
 * the threshold given.
 */
export function suspensionSentence(
  regionName: string,
  since: IsoDate,
  cause: readonly MonthEndRate[],
  rule?: { rateWindow: RateWindow; thresholdBp: number },
): string {
  const months = cause.map((c) => `${c.monthEnd.slice(0, 7)} ${pct(c.rateBp)}`).join("、");
  const below = rule
    ? `${WINDOW_NAMES[rule.rateWindow]}连续 ${cause.length} 个月末低于 ${pct(rule.thresholdBp)}`
    : `连续 ${cause.length} 个月末收回率低于标准`;
  return `${regionName}自 ${since.slice(0, 7)} 起暂停新增贷款：${below}（${months}）；整改经审核通过且月末收回率达标后恢复`;
}

/** Per village: principal matured in each month-end's window and the part of it recovered by that month-end. */
export type VillageSeries = Map<string, { maturedFen: number[]; recoveredFen: number[] }>;

/**
 * The window sums of every village under a prefix (village, township, county, city or province; "" for the
 * country) at each month-end: loans (disbursed, not written off) whose maturity falls in the window, their
 * principal and what of it was repaid by the month-end (the running total minus the journal's principal dated
 * after it). One query. The month-end snapshots' YEAR and ROLLING windows hold the same sums
 * (snapshots.suspensionSeries reads them; tests/integration/snapshots.test.ts compares the two).
 */
export async function villageSeries(
  client: Client,
  prefix: string,
  ends: readonly IsoDate[],
  window: RateWindow,
): Promise<VillageSeries> {
  const out: VillageSeries = new Map();
  if (!ends.length) return out;
  const pairs = ends.map((e) => ({ e, s: rateWindowStart(window, e) }));
  const endsSql = Prisma.join(
    pairs.map((p) => Prisma.sql`(${isoToDate(p.e)}::date, ${isoToDate(p.s)}::date)`),
  );
  const from = pairs.reduce((m, p) => (p.s < m ? p.s : m), pairs[0]!.s);
  const rows = await client.$queryRaw<SeriesRow[]>`
    WITH ends(e, s) AS (VALUES ${endsSql}),
    m AS (
      SELECT l.id, l."villageCode" AS v, l.principal, l."principalRepaid" AS pr, l."maturityDate" AS mat
      FROM "Loan" l
      WHERE ${codeRange(Prisma.raw(`l."countyCode"`), prefix.slice(0, 6))}
        AND ${codeRange(Prisma.raw(`l."villageCode"`), prefix)}
        AND l."disbursedDate" IS NOT NULL AND l.status <> 'WRITTEN_OFF'
        AND l."maturityDate" >= ${isoToDate(from)} AND l."maturityDate" <= ${isoToDate(ends.at(-1)!)}
    ),
    pairs AS (SELECT m.*, ends.e FROM m JOIN ends ON m.mat >= ends.s AND m.mat <= ends.e),
    later AS (
      SELECT p.id, p.e, SUM(r.principal) AS s FROM pairs p
      JOIN "RepaymentEntry" r ON r."loanId" = p.id AND r."valueDate" > p.e AND r.principal <> 0
      GROUP BY 1, 2
    )
    SELECT p.v, p.e, SUM(p.principal)::text AS matured,
           SUM(LEAST(p.principal, p.pr - COALESCE(l.s, 0)))::text AS recovered
    FROM pairs p LEFT JOIN later l ON l.id = p.id AND l.e = p.e GROUP BY 1, 2`;
  return addSeriesRows(out, ends, rows);
}

/** A village's series in `out` (zeros at each of `length` month-ends when it has none yet). */
export function seriesAt(out: VillageSeries, village: string, length: number) {
  let x = out.get(village);
  if (!x) out.set(village, (x = { maturedFen: Array(length).fill(0), recoveredFen: Array(length).fill(0) }));
  return x;
}

/** A row of window sums: a village at a month-end, matured principal and the part recovered (numeric text). */
export interface SeriesRow {
  v: string;
  e: Date;
  matured: string;
  recovered: string;
}

/** Puts rows of window sums into a village series over `ends` (rows at other month-ends are ignored). */
export function addSeriesRows(
  out: VillageSeries,
  ends: readonly IsoDate[],
  rows: readonly SeriesRow[],
): VillageSeries {
  const index = new Map(ends.map((e, i) => [e, i]));
  for (const r of rows) {
    const i = index.get(dateToIso(r.e));
    if (i === undefined) continue;
    const x = seriesAt(out, r.v, ends.length);
    x.maturedFen[i] = decToFen(r.matured);
    x.recoveredFen[i] = decToFen(r.recovered);
  }
  return out;
}

/** The month-end rates of a region from the village series (the villages whose code starts with it). */
export function ratesOf(series: VillageSeries, ends: readonly IsoDate[], region: string): MonthEndRate[] {
  const matured = ends.map(() => 0);
  const recovered = ends.map(() => 0);
  for (const [code, v] of series) {
    if (!code.startsWith(region)) continue;
    v.maturedFen.forEach((x, i) => (matured[i]! += x));
    v.recoveredFen.forEach((x, i) => (recovered[i]! += x));
  }
  return ends.map((e, i) => ({ monthEnd: e, rateBp: ratioBp(recovered[i]!, matured[i]!) }));
}

/**
 * The month-end rates of every township and village of the series under `within` (a village counts for its
 * township and itself), in one pass over the villages.
 */
export function townshipAndVillageRates(
  series: VillageSeries,
  ends: readonly IsoDate[],
  within = "",
): Map<string, MonthEndRate[]> {
  const sums = new Map<string, { matured: number[]; recovered: number[] }>();
  for (const [village, v] of series)
    for (const code of [village.slice(0, 9), village]) {
      if (!code.startsWith(within)) continue;
      let s = sums.get(code);
      if (!s) sums.set(code, (s = { matured: ends.map(() => 0), recovered: ends.map(() => 0) }));
      v.maturedFen.forEach((x, i) => (s.matured[i]! += x));
      v.recoveredFen.forEach((x, i) => (s.recovered[i]! += x));
    }
  return new Map(
    [...sums].map(([code, s]) => [
      code,
      ends.map((e, i) => ({ monthEnd: e, rateBp: ratioBp(s.recovered[i]!, s.matured[i]!) })),
    ]),
  );
}

/** The rate of a region (village, township or county) at each month-end under the window. */
export async function monthEndRates(
  client: Client,
  regionCode: string,
  ends: readonly IsoDate[],
  window: RateWindow,
): Promise<MonthEndRate[]> {
  return ratesOf(await villageSeries(client, regionCode, ends, window), ends, regionCode);
}

/** The month-ends the suspension history reads on `asOf`. */
export function historyEnds(asOf: IsoDate): IsoDate[] {
  const start = new Date(`${asOf.slice(0, 7)}-01T00:00:00Z`);
  start.setUTCMonth(start.getUTCMonth() - HISTORY_MONTHS);
  return completedMonthEnds(start.toISOString().slice(0, 10), asOf);
}

/** The policy settings the suspension rule reads. */
export type SuspensionRule = Pick<RulePolicy, "suspensionThresholdBp" | "suspensionMonths" | "rateWindow">;

/** An approved rectification of a township or village. */
export interface ApprovedRectification {
  id: number;
  regionCode: string;
  approvedOn: IsoDate;
}

/**
 * The suspension rule of DOMAIN §13 for many townships and villages at once — the one place the services
 * apply it (applications, the loan page, the 暂停放款与整改 list, the dashboard and the home page): each
 * region's month-end rates under its policy's window (`ratesOf(code)`, null for no data), its policy's
 * threshold and months, and its rectifications approved by `asOf`, to src/domain `suspensionState`. Only
 * month-ends on or before `asOf` (historyEnds) and approvals by `asOf` count, whatever the caller passes.
 */
export function suspensionStates(args: {
  codes: Iterable<string>;
  ratesOf: (regionCode: string) => readonly MonthEndRate[] | undefined;
  ruleOf: (regionCode: string) => Pick<SuspensionRule, "suspensionThresholdBp" | "suspensionMonths">;
  rectifications: readonly ApprovedRectification[];
  asOf: IsoDate;
}): Map<string, SuspensionState> {
  const rects = new Map<string, { id: number; approvedOn: IsoDate }[]>();
  for (const r of args.rectifications)
    if (r.approvedOn <= args.asOf)
      (rects.get(r.regionCode) ?? rects.set(r.regionCode, []).get(r.regionCode)!).push(r);
  const out = new Map<string, SuspensionState>();
  for (const code of args.codes) {
    const rule = args.ruleOf(code);
    out.set(
      code,
      suspensionState({
        rates: (args.ratesOf(code) ?? []).filter((r) => r.monthEnd <= args.asOf),
        thresholdBp: rule.suspensionThresholdBp,
        months: rule.suspensionMonths,
        rectifications: (rects.get(code) ?? []).map((r) => ({ id: r.id, approvedOn: r.approvedOn })),
      }),
    );
  }
  return out;
}

/** The rectifications approved by `asOf` of the given townships and villages, or of every one under a prefix. */
export async function approvedRectifications(
  client: Client,
  regions: { codes: readonly string[] } | { prefix: string },
  asOf: IsoDate,
): Promise<ApprovedRectification[]> {
  const where =
    "codes" in regions
      ? { regionCode: { in: [...regions.codes] } }
      : { countyCode: codePrefix(regions.prefix.slice(0, 6)), regionCode: codePrefix(regions.prefix) };
  const rows = await client.rectification.findMany({
    where: { ...where, status: "APPROVED", approvedOn: { lte: isoToDate(asOf) } },
    select: { id: true, regionCode: true, approvedOn: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ id: r.id, regionCode: r.regionCode, approvedOn: dateToIso(r.approvedOn!) }));
}

/** The suspension state of a township or village on `asOf` (only month-ends that have ended count). */
export async function regionSuspension(
  client: Client,
  regionCode: string,
  policy: SuspensionRule,
  asOf: IsoDate,
): Promise<SuspensionState> {
  const ends = historyEnds(asOf);
  const [series, rectifications] = await Promise.all([
    villageSeries(client, regionCode, ends, policy.rateWindow),
    approvedRectifications(client, { codes: [regionCode] }, asOf),
  ]);
  return suspensionStates({
    codes: [regionCode],
    ratesOf: (code) => ratesOf(series, ends, code),
    ruleOf: () => policy,
    rectifications,
    asOf,
  }).get(regionCode)!;
}

export interface RegionSuspension {
  regionCode: string;
  regionName: string;
  since: IsoDate;
  cause: MonthEndRate[];
}

/**
 * The suspensions that stop new lending in a village: its township's and its own (one series for the
 * township, which holds the village's).
 */
export async function suspensionsOf(
  client: Client,
  villageCode: string,
  policy: SuspensionRule,
  asOf: IsoDate,
): Promise<RegionSuspension[]> {
  const codes = [villageCode.slice(0, 9), villageCode];
  const ends = historyEnds(asOf);
  const [series, rectifications, names] = await Promise.all([
    villageSeries(client, codes[0]!, ends, policy.rateWindow),
    approvedRectifications(client, { codes }, asOf),
    client.region.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } }),
  ]);
  const states = suspensionStates({
    codes,
    ratesOf: (code) => ratesOf(series, ends, code),
    ruleOf: () => policy,
    rectifications,
    asOf,
  });
  const out: RegionSuspension[] = [];
  for (const code of codes) {
    const s = states.get(code)!;
    if (s.current)
      out.push({
        regionCode: code,
        regionName: names.find((n) => n.code === code)?.name ?? code,
        since: s.current.start,
        cause: s.current.cause,
      });
  }
  return out;
}

export interface Headroom {
  fundId: number;
  fundName: string;
  balanceFen: number;
  /** Guaranteed outstanding (repaying loans the fund covers, 超倍数 loans left out). */
  outstandingFen: number;
  cap: number;
  /** Last year's 到期还款率 (bp) that chose the cap, null without data. */
  lastYearRateBp: number | null;
  headroomFen: number;
  headroomAfterFen: number;
  overCap: boolean;
  overCapMode: "REFUSE" | "FLAG";
}

/**
 * The fund that covers a loan of this county and bank (the bank's own fund, else the county's), its
 * headroom now and after `amountFen`, with the cap the policy gives for last year's 到期还款率. Null when the
 * county has no fund (nothing to lever).
 */
export async function headroomFor(
  client: Client,
  args: { countyCode: string; bankId: number; amountFen: number; policy: RulePolicy; today: IsoDate },
): Promise<Headroom | null> {
  const funds = await client.riskFund.findMany({
    where: { countyCode: args.countyCode },
    select: { id: true, name: true, bankId: true },
  });
  const fund = funds.find((f) => f.bankId === args.bankId) ?? funds.find((f) => f.bankId === null);
  if (!fund) return null;
  const [balance, outstanding] = await Promise.all([
    client.$queryRaw<{ b: string | null }[]>`
      SELECT SUM(amount)::text AS b FROM "FundLedgerEntry" WHERE "fundId" = ${fund.id} AND "valueDate" <= ${isoToDate(args.today)}`,
    client.$queryRaw<{ o: string | null }[]>`
      SELECT SUM(principal - "principalRepaid")::text AS o FROM "Loan"
      WHERE "countyCode" = ${args.countyCode} AND status = 'REPAYING' AND NOT "overCap"
        AND (${fund.bankId}::int IS NULL OR "bankId" = ${fund.bankId}::int)`,
  ]);
  const lastYear = String(Number(args.today.slice(0, 4)) - 1);
  const needsRate = args.policy.leverageCapMinRateBp !== null && args.policy.leverageCapReduced !== null;
  const lastYearRateBp = needsRate
    ? ((await monthEndRates(client, args.countyCode, [`${lastYear}-12-31`], "YEAR_TO_DATE"))[0]?.rateBp ??
      null)
    : null;
  const cap = leverageCapFor({
    capFull: args.policy.leverageCap,
    capReduced: args.policy.leverageCapReduced,
    minLastYearRateBp: args.policy.leverageCapMinRateBp,
    lastYearRateBp,
  });
  const balanceFen = decToFen(balance[0]?.b ?? "0");
  const outstandingFen = decToFen(outstanding[0]?.o ?? "0");
  const check = leverageCheck({ balanceFen, outstandingFen, amountFen: args.amountFen, cap });
  return {
    fundId: fund.id,
    fundName: fund.name,
    balanceFen,
    outstandingFen,
    cap,
    lastYearRateBp,
    ...check,
    overCapMode: args.policy.overCapMode,
  };
}

/** The refusal beyond the cap, with the numbers. */
export function overCapSentence(h: Headroom, amountFen: number): string {
  return `超过风险补偿金放大倍数上限：${h.fundName}余额 ${formatWan(h.balanceFen)} × ${h.cap} 倍，在贷 ${formatWan(h.outstandingFen)}，可放款空间 ${formatWan(Math.max(0, h.headroomFen))}，本笔 ${formatWan(amountFen)}`;
}

/** Serialises the decisions that move a county's guaranteed outstanding (two disbursements near the cap). */
export async function lockCountyFund(tx: Tx, countyCode: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`halfsky:fund:${countyCode}`}))`;
}
