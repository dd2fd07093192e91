import "server-only";
import { z } from "zod";
import {
  addMonths,
  can,
  emptyFigures,
  fenToWanText,
  formatMultiple,
  formatRate,
  REPORT_COLUMNS,
  type ColumnKind,
  monthEndOf,
  reportDeadline,
  reportDifferences,
  resolvePolicy,
  RULE_DEFAULTS,
  scopePrefix,
  submissionState,
  sumFigures,
  type FigureDifference,
  type IsoDate,
  type ReportFigures,
  type ReportTable,
} from "@/domain";
import type { Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { reportingRead } from "../read-db";
import { actorFields, writeAudit } from "../audit";
import { requireOtherPerson, type Actor } from "../authz";
import { AppError, conflict, invalid, notFound, parseOrInvalid } from "../errors";
import { todayShanghai } from "../clock";
import { codePrefix } from "../prefix";
import { authoriseRegion } from "./dashboard";
import { childKeyLength } from "../read-models/figures";
import { loadPolicies } from "./policies";
import { monthEndFigures, type MonthEndFigures } from "./snapshots";
import { writeXlsx, type XlsxCell, type XlsxColumn } from "../spreadsheet/write-xlsx";
import zh from "../../../messages/zh-CN.json";

/**
 * The 统计月报 (issue 22, DOMAIN §17): a region's children and a total, from the month-end snapshots; prepared
 * by staff, approved and submitted by a second person (frozen: the rows are stored as submitted), acknowledged by
 * the level above. Later changes to the month show as 差异 against the submitted rows — on the submitted
 * report and in the next month's. Every step is audited.
 */

const WINDOWS = ["MONTH", "YEAR", "CUMULATIVE"] as const;

export const reportInput = z.object({
  region: z.string().regex(/^\d{6}$/, "请选择地区"),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "请选择月份（年-月）"),
});

type Level = "PROVINCE" | "CITY" | "COUNTY" | "TOWNSHIP" | "VILLAGE";

function rowFigures(f: MonthEndFigures, code: string, withFund: boolean): ReportFigures {
  const m = f.villages.get("MONTH")!.get(code);
  const y = f.villages.get("YEAR")!.get(code);
  const c = f.villages.get("CUMULATIVE")!.get(code);
  const cy = f.counties.get("YEAR")!.get(code);
  const out = emptyFigures(withFund ? (cy?.fundBalanceFen ?? 0) : null);
  if (m) {
    out.disbursedMonthCount = m.disbursedCount;
    out.disbursedMonthFen = m.disbursedFen;
  }
  if (y) {
    out.disbursedYearCount = y.disbursedCount;
    out.disbursedYearFen = y.disbursedFen;
    out.womenYear = y.women;
    out.dueYearFen = y.maturedFen;
    out.recoveredYearFen = y.recoveredFen;
    out.instalmentsDueYearFen = y.dueFen;
    out.paidOnTimeYearFen = y.paidOnTimeFen;
  }
  // Stock figures (as of the month-end) are the same in every window's row.
  const s = c ?? y ?? m;
  if (s) {
    out.outstandingLoans = s.loans;
    out.outstandingFen = s.outstandingFen;
    out.overdueLoans = s.overdueLoans;
    out.overdueFen = s.overdueFen;
    out.par30Fen = s.par30Fen;
    out.par90Fen = s.par90Fen;
  }
  if (c) {
    out.disbursedCumCount = c.disbursedCount;
    out.disbursedCumFen = c.disbursedFen;
    out.womenCum = c.women;
    out.compensatedCumCount = c.compensatedCount;
    out.compensatedCumFen = c.compensatedFen;
  }
  if (cy) {
    out.subsidyClaimedYearFen = cy.subsidyClaimedFen;
    out.subsidyPaidYearFen = cy.subsidyPaidFen;
  }
  return out;
}

/** The table of a region at a month-end as the figures stand now (read model: the caller authorises). */
export async function computeReportTable(
  regionCode: string,
  monthEnd: IsoDate,
  today: IsoDate = todayShanghai(),
): Promise<ReportTable & { fromSnapshot: boolean }> {
  const n = childKeyLength(regionCode);
  const [f, children] = await Promise.all([
    monthEndFigures(regionCode, monthEnd, WINDOWS, n, today),
    db.region.findMany({
      where: { parentCode: regionCode },
      orderBy: { code: "asc" },
      select: { code: true, name: true },
    }),
  ]);
  const withFund = n <= 6; // children are counties or larger: each has its funds
  const keys = new Set<string>(children.map((c) => c.code));
  for (const w of WINDOWS) for (const k of f.villages.get(w)!.keys()) keys.add(k);
  if (withFund) for (const k of f.counties.get("YEAR")!.keys()) keys.add(k);
  const names = new Map(children.map((c) => [c.code, c.name]));
  const rows = [...keys]
    .sort()
    .map((code) => ({ code, name: names.get(code) ?? code, figures: rowFigures(f, code, withFund) }));
  const total = sumFigures(rows.map((r) => r.figures));
  if (!withFund) {
    // A county's (or township's) report: the county's own funds in the total only.
    total.fundBalanceFen = [...f.counties.get("YEAR")!.values()].reduce((s, c) => s + c.fundBalanceFen, 0);
    total.subsidyClaimedYearFen = [...f.counties.get("YEAR")!.values()].reduce(
      (s, c) => s + c.subsidyClaimedFen,
      0,
    );
    total.subsidyPaidYearFen = [...f.counties.get("YEAR")!.values()].reduce(
      (s, c) => s + c.subsidyPaidFen,
      0,
    );
  }
  return { rows, total, fromSnapshot: f.fromSnapshot };
}

/** The roles that prepare and approve a region's report: county staff for a county, officials above it. */
function rolesFor(level: Level): { prepare: string; approve: string } | null {
  if (level === "COUNTY") return { prepare: "COUNTY_STAFF", approve: "COUNTY_APPROVER" };
  if (level === "CITY" || level === "PROVINCE") return { prepare: "CITY_OFFICIAL", approve: "CITY_OFFICIAL" };
  return null;
}

function mayPrepare(actor: Actor, region: { code: string; level: Level }): boolean {
  const r = rolesFor(region.level);
  return Boolean(
    r && actor.regionCode === region.code && actor.role === r.prepare && can(actor.role, "report.prepare"),
  );
}

function mayApprove(actor: Actor, region: { code: string; level: Level }): boolean {
  const r = rolesFor(region.level);
  return Boolean(
    r && actor.regionCode === region.code && actor.role === r.approve && can(actor.role, "report.approve"),
  );
}

function mayAcknowledge(actor: Actor, region: { parentCode: string | null }): boolean {
  return can(actor.role, "report.acknowledge") && region.parentCode === actor.regionCode;
}

async function deadlineDay(regionCode: string, monthEnd: IsoDate): Promise<number> {
  const policies = await loadPolicies(db, "WOMEN");
  return (
    resolvePolicy(policies, { programmeCode: "WOMEN", regionCode, date: monthEnd })?.reportDeadlineDay ??
    RULE_DEFAULTS.reportDeadlineDay
  );
}

interface StoredReport extends ReportTable {
  monthEnd: IsoDate;
  fromSnapshot: boolean;
}

const asStored = (v: Prisma.JsonValue | null): StoredReport | null =>
  v ? (v as unknown as StoredReport) : null;

export interface ReportStatus {
  id: number;
  status: "PREPARED" | "SUBMITTED" | "ACKNOWLEDGED";
  preparedBy: string;
  preparedAt: Date;
  submittedBy: string | null;
  submittedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  preparedById: number;
}

export interface ChildSubmission {
  code: string;
  name: string;
  status: ReportStatus["status"] | null;
  submittedAt: Date | null;
  acknowledgedBy: string | null;
  state: "ON_TIME" | "LATE" | "PENDING" | "OVERDUE";
  canAcknowledge: boolean;
}

export interface MonthlyReportView {
  region: { code: string; name: string; level: Level };
  month: string;
  monthEnd: IsoDate;
  closed: boolean;
  deadline: IsoDate;
  state: ChildSubmission["state"];
  /** The figures as they stand now. */
  current: ReportTable;
  fromSnapshot: boolean;
  report: ReportStatus | null;
  /** The rows as submitted (frozen), when submitted. */
  submitted: ReportTable | null;
  /** Now − submitted, for this month (empty when unchanged or not submitted). */
  differences: FigureDifference[];
  /** Last month's report: its submitted rows against its figures now. */
  previous: { month: string; differences: FigureDifference[] } | null;
  /** The reports of the regions below (a city sees its counties'; a province its cities'). */
  children: ChildSubmission[];
  can: { prepare: boolean; submit: boolean; acknowledge: boolean };
}

async function loadRegion(actor: Actor, regionCode: string, action: string) {
  await authoriseRegion(actor, regionCode, action);
  const region = await db.region.findUnique({
    where: { code: regionCode },
    select: { code: true, name: true, level: true, parentCode: true },
  });
  if (!region) throw notFound();
  return { ...region, level: region.level as Level };
}

async function statusOf(r: {
  id: number;
  status: ReportStatus["status"];
  preparedById: number;
  preparedAt: Date;
  submittedById: number | null;
  submittedAt: Date | null;
  acknowledgedById: number | null;
  acknowledgedAt: Date | null;
}): Promise<ReportStatus> {
  const ids = [r.preparedById, r.submittedById, r.acknowledgedById].filter((x): x is number => x !== null);
  const users = new Map(
    (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } })).map(
      (u) => [u.id, u.displayName],
    ),
  );
  return {
    id: r.id,
    status: r.status,
    preparedById: r.preparedById,
    preparedBy: users.get(r.preparedById) ?? "",
    preparedAt: r.preparedAt,
    submittedBy: r.submittedById ? (users.get(r.submittedById) ?? "") : null,
    submittedAt: r.submittedAt,
    acknowledgedBy: r.acknowledgedById ? (users.get(r.acknowledgedById) ?? "") : null,
    acknowledgedAt: r.acknowledgedAt,
  };
}

/** Beijing calendar day of an instant. */
const dayOf = (d: Date | null): IsoDate | null => (d ? todayShanghai(d) : null);

/** The report of a region the actor may see, for a month ("YYYY-MM"). */
export async function getMonthlyReport(
  actor: Actor,
  raw: unknown,
  today: IsoDate = todayShanghai(),
): Promise<MonthlyReportView> {
  const input = parseOrInvalid(reportInput, raw);
  const region = await loadRegion(actor, input.region, "monthlyReport.read");
  if (region.level === "VILLAGE" || region.level === "TOWNSHIP")
    throw invalid({ region: ["月报按县、市、省编制，请选择县（区）或以上地区"] });
  const monthEnd = monthEndOf(input.month);
  const prevEnd = monthEndOf(addMonths(`${input.month}-01`, -1).slice(0, 7));
  const [current, row, prevRow, day, children] = await Promise.all([
    reportingRead(() => computeReportTable(region.code, monthEnd, today)),
    db.monthlyReport.findUnique({
      where: {
        regionCode_monthEnd: { regionCode: region.code, monthEnd: new Date(`${monthEnd}T00:00:00Z`) },
      },
    }),
    db.monthlyReport.findUnique({
      where: { regionCode_monthEnd: { regionCode: region.code, monthEnd: new Date(`${prevEnd}T00:00:00Z`) } },
    }),
    deadlineDay(region.code, monthEnd),
    region.level === "COUNTY"
      ? Promise.resolve([])
      : db.region.findMany({
          where: { parentCode: region.code },
          orderBy: { code: "asc" },
          select: { code: true, name: true, level: true, parentCode: true },
        }),
  ]);
  const deadline = reportDeadline(monthEnd, day);
  const report = row ? await statusOf(row) : null;
  const submitted = asStored(row?.figures ?? null);
  const prevSubmitted = asStored(prevRow?.figures ?? null);
  const previous = prevSubmitted
    ? {
        month: prevEnd.slice(0, 7),
        differences: reportDifferences(
          prevSubmitted,
          await reportingRead(() => computeReportTable(region.code, prevEnd, today)),
        ),
      }
    : null;

  const childReports = children.length
    ? await db.monthlyReport.findMany({
        where: {
          monthEnd: new Date(`${monthEnd}T00:00:00Z`),
          regionCode: { in: children.map((c) => c.code) },
        },
      })
    : [];
  const ackNames = new Map(
    (
      await db.user.findMany({
        where: { id: { in: childReports.flatMap((r) => (r.acknowledgedById ? [r.acknowledgedById] : [])) } },
        select: { id: true, displayName: true },
      })
    ).map((u) => [u.id, u.displayName]),
  );
  const childSubmissions: ChildSubmission[] = [];
  for (const c of children) {
    const r = childReports.find((x) => x.regionCode === c.code);
    const sent = r && r.status !== "PREPARED" ? r : null;
    const childDeadline = reportDeadline(monthEnd, await deadlineDay(c.code, monthEnd));
    childSubmissions.push({
      code: c.code,
      name: c.name,
      status: r?.status ?? null,
      submittedAt: sent?.submittedAt ?? null,
      acknowledgedBy: r?.acknowledgedById ? (ackNames.get(r.acknowledgedById) ?? "") : null,
      state: submissionState(childDeadline, dayOf(sent?.submittedAt ?? null), today),
      canAcknowledge: r?.status === "SUBMITTED" && mayAcknowledge(actor, c),
    });
  }
  const closed = monthEnd < today;
  return {
    region: { code: region.code, name: region.name, level: region.level },
    month: input.month,
    monthEnd,
    closed,
    deadline,
    state: submissionState(
      deadline,
      dayOf(report && report.status !== "PREPARED" ? report.submittedAt : null),
      today,
    ),
    current: { rows: current.rows, total: current.total },
    fromSnapshot: current.fromSnapshot,
    report,
    submitted: submitted ? { rows: submitted.rows, total: submitted.total } : null,
    differences: submitted ? reportDifferences(submitted, current) : [],
    previous,
    children: childSubmissions,
    can: {
      prepare: closed && mayPrepare(actor, region) && (!report || report.status === "PREPARED"),
      submit:
        closed &&
        mayApprove(actor, region) &&
        report?.status === "PREPARED" &&
        report.preparedById !== actor.id,
      acknowledge: report?.status === "SUBMITTED" && mayAcknowledge(actor, region),
    },
  };
}

async function refuse(
  actor: Actor,
  action: string,
  regionCode: string,
  message: string,
  reason: string,
): Promise<never> {
  await writeAudit(db, {
    action,
    entity: "MonthlyReport",
    entityId: regionCode,
    countyCode: regionCode.slice(0, 6),
    outcome: "DENIED",
    message: reason,
    ...actorFields(actor),
  });
  throw new AppError("FORBIDDEN", message);
}

/** Staff prepare (编制) their region's report of a closed month; again while it waits for the second person. */
export async function prepareMonthlyReport(actor: Actor, raw: unknown, at: Date = new Date()) {
  const today = todayShanghai(at);
  const input = parseOrInvalid(reportInput, raw);
  const action = "monthlyReport.prepare";
  const region = await loadRegion(actor, input.region, action);
  if (!mayPrepare(actor, region))
    await refuse(
      actor,
      action,
      region.code,
      "只有本地区的填报人员可以编制月报",
      `role ${actor.role} at ${actor.regionCode}`,
    );
  const monthEnd = monthEndOf(input.month);
  if (monthEnd >= today) throw invalid({ month: ["该月尚未结束，月末之后才能编制月报"] });
  const E = new Date(`${monthEnd}T00:00:00Z`);
  return db.$transaction(async (tx) => {
    const existing = await tx.monthlyReport.findUnique({
      where: { regionCode_monthEnd: { regionCode: region.code, monthEnd: E } },
    });
    if (existing && existing.status !== "PREPARED") throw conflict("该月月报已上报，不能重新编制");
    const now = at;
    const saved = existing
      ? await tx.monthlyReport.update({
          where: { id: existing.id },
          data: { preparedById: actor.id, preparedAt: now, version: { increment: 1 } },
        })
      : await tx.monthlyReport.create({
          data: {
            regionCode: region.code,
            monthEnd: E,
            status: "PREPARED",
            preparedById: actor.id,
            preparedAt: now,
          },
        });
    await writeAudit(tx, {
      action,
      entity: "MonthlyReport",
      entityId: String(saved.id),
      countyCode: region.code.slice(0, 6),
      after: { region: region.code, month: input.month, status: "PREPARED" },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: saved.id };
  });
}

/**
 * A second person approves and submits (审核上报) the prepared report: the rows as they stand now are stored
 * and frozen (a database trigger refuses any later change of them).
 */
export async function submitMonthlyReport(actor: Actor, raw: unknown, at: Date = new Date()) {
  const today = todayShanghai(at);
  const input = parseOrInvalid(reportInput, raw);
  const action = "monthlyReport.submit";
  const region = await loadRegion(actor, input.region, action);
  if (!mayApprove(actor, region))
    await refuse(
      actor,
      action,
      region.code,
      "只有本地区的审核人员可以审核上报月报",
      `role ${actor.role} at ${actor.regionCode}`,
    );
  const monthEnd = monthEndOf(input.month);
  const E = new Date(`${monthEnd}T00:00:00Z`);
  const existing = await db.monthlyReport.findUnique({
    where: { regionCode_monthEnd: { regionCode: region.code, monthEnd: E } },
  });
  if (!existing) throw invalid({ month: ["该月月报尚未编制，请先由填报人员编制"] });
  if (existing.status !== "PREPARED") throw conflict("该月月报已上报");
  await requireOtherPerson(
    actor,
    existing.preparedById,
    { action, entity: "MonthlyReport", entityId: String(existing.id), countyCode: region.code.slice(0, 6) },
    "不能审核自己编制的月报，请由另一位审核人员审核",
  );
  const table = await computeReportTable(region.code, monthEnd, today);
  const stored: StoredReport = {
    monthEnd,
    rows: table.rows,
    total: table.total,
    fromSnapshot: table.fromSnapshot,
  };
  return db.$transaction(async (tx) => {
    const now = at;
    const n = await tx.monthlyReport.updateMany({
      where: { id: existing.id, status: "PREPARED", version: existing.version },
      data: {
        status: "SUBMITTED",
        figures: stored as unknown as Prisma.InputJsonValue,
        submittedById: actor.id,
        submittedAt: now,
        version: { increment: 1 },
      },
    });
    if (n.count !== 1) throw conflict("月报已被他人修改或上报，请刷新后重试");
    await writeAudit(tx, {
      action,
      entity: "MonthlyReport",
      entityId: String(existing.id),
      countyCode: region.code.slice(0, 6),
      after: { region: region.code, month: input.month, status: "SUBMITTED", total: table.total },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: existing.id };
  });
}

/** The level above acknowledges (确认收到) a submitted report of a region just below hers. */
export async function acknowledgeMonthlyReport(actor: Actor, raw: unknown, at: Date = new Date()) {
  const input = parseOrInvalid(reportInput, raw);
  const action = "monthlyReport.acknowledge";
  const region = await loadRegion(actor, input.region, action);
  if (!mayAcknowledge(actor, region))
    await refuse(
      actor,
      action,
      region.code,
      "只有上一级管理人员可以确认收到月报",
      `role ${actor.role} at ${actor.regionCode}`,
    );
  const E = new Date(`${monthEndOf(input.month)}T00:00:00Z`);
  const existing = await db.monthlyReport.findUnique({
    where: { regionCode_monthEnd: { regionCode: region.code, monthEnd: E } },
  });
  if (!existing || existing.status === "PREPARED") throw invalid({ month: ["该月月报尚未上报"] });
  if (existing.status === "ACKNOWLEDGED") throw conflict("该月月报已确认收到");
  return db.$transaction(async (tx) => {
    const n = await tx.monthlyReport.updateMany({
      where: { id: existing.id, status: "SUBMITTED" },
      data: {
        status: "ACKNOWLEDGED",
        acknowledgedById: actor.id,
        acknowledgedAt: at,
        version: { increment: 1 },
      },
    });
    if (n.count !== 1) throw conflict("该月月报已确认收到");
    await writeAudit(tx, {
      action,
      entity: "MonthlyReport",
      entityId: String(existing.id),
      countyCode: region.code.slice(0, 6),
      after: { region: region.code, month: input.month, status: "ACKNOWLEDGED" },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: existing.id };
  });
}

/** The default month of the report: last month. */
export function defaultReportMonth(today: IsoDate = todayShanghai()): string {
  return addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
}

// ───────────────────────────── the .xlsx and print layout ─────────────────────────────

const M = zh.monthlyReport;
const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? "");

/** A cell of the table: 万元 with two decimals (exact), counts, rates in percent, multiples. */
function cellOf(kind: ColumnKind, v: number | null): XlsxCell {
  if (v === null) return "—";
  if (kind === "money") return { num: fenToWanText(v, 2), fmt: "money" };
  if (kind === "count") return { num: String(v), fmt: "int" };
  if (kind === "rate") return formatRate(v);
  return formatMultiple(v);
}

/**
 * The report as an .xlsx in the fixed layout of the paper form: title, reporting unit, period and units, the
 * two header rows (groups, columns), the rows and the total, then the signature lines 制表人 / 审核人 / 负责人.
 * A submitted report is exported as submitted. Audited.
 */
export async function monthlyReportWorkbook(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const view = await getMonthlyReport(actor, raw, today);
  const table = view.submitted ?? view.current;
  await writeAudit(db, {
    action: "monthlyReport.export",
    entity: "MonthlyReport",
    entityId: view.report ? String(view.report.id) : view.region.code,
    countyCode: view.region.code.slice(0, 6),
    after: {
      region: view.region.code,
      month: view.month,
      format: "xlsx",
      submitted: Boolean(view.submitted),
    },
    outcome: "OK",
    ...actorFields(actor),
  });
  const [y, m] = view.month.split("-");
  const period = `${y}年${Number(m)}月`;
  const title = fill(M.titleOf, { region: view.region.name });
  const status = view.report ? M.status[view.report.status] : M.status.NONE;
  const columns: XlsxColumn[] = [
    { header: title, width: 18 },
    ...REPORT_COLUMNS.map((c) => ({ header: "", width: c.kind === "money" ? 13 : 10 })),
  ];
  const rows: XlsxCell[][] = [
    [fill(M.filledBy, { region: view.region.name }), fill(M.period, { month: period }), M.unit, status],
    [
      M.regionColumn,
      ...REPORT_COLUMNS.map((c, i) =>
        i === 0 || REPORT_COLUMNS[i - 1]!.group !== c.group ? M.groups[c.group as keyof typeof M.groups] : "",
      ),
    ],
    ["", ...REPORT_COLUMNS.map((c) => M.columns[c.key as keyof typeof M.columns])],
    ...table.rows.map((r) => [r.name, ...REPORT_COLUMNS.map((c) => cellOf(c.kind, c.value(r.figures)))]),
    [M.total, ...REPORT_COLUMNS.map((c) => cellOf(c.kind, c.value(table.total)))],
    [],
    [
      `${M.signPreparer}${view.report?.preparedBy ?? ""}`,
      "",
      "",
      `${M.signReviewer}${view.report?.submittedBy ?? ""}`,
      "",
      "",
      M.signHead,
      "",
      "",
      `${M.signDate}${view.report?.submittedAt ? todayShanghai(view.report.submittedAt) : ""}`,
    ],
  ];
  if (view.submitted && view.differences.length)
    rows.push([], [`${M.differences}：${view.differences.length}`]);
  async function* batches() {
    yield rows;
  }
  return {
    filename: `${title}-${view.month}.xlsx`,
    chunks: writeXlsx({ sheetName: `${view.month}月报`, columns, batches: batches() }),
  };
}

/** The regions whose report the actor may open: her own and those below it, down to counties. */
export async function reportRegionOptions(
  actor: Actor,
): Promise<{ code: string; name: string; level: string }[]> {
  await authoriseRegion(actor, actor.regionCode, "monthlyReport.read");
  const prefix = scopePrefix(actor.regionCode);
  const rows = await db.region.findMany({
    where: { level: { in: ["PROVINCE", "CITY", "COUNTY"] }, code: codePrefix(prefix) },
    orderBy: { code: "asc" },
    select: { code: true, name: true, level: true },
  });
  return rows.filter((r) => r.code !== "000000" || actor.regionCode === "000000");
}
