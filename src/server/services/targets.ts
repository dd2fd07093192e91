import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import {
  addDays,
  assessmentPoints,
  can,
  fenToYuan,
  formatRate,
  formatWan,
  isWithin,
  rankByCompletion,
  regionLevel,
  requiredRiskFundFen,
  resolvePolicy,
  scopeFilter,
  yuanToFen,
  type AssessmentRule,
  type IsoDate,
} from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { invalid, parseOrInvalid } from "../errors";
import { requirePermission, requireRegionInScope, type Actor } from "../authz";
import { yuanField } from "../fields";
import { codePrefix, codeRange } from "../prefix";
import { decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { loadPolicies } from "./policies";

/**
 * Lending targets (任务数), progress, assessment points and the risk fund required (DOMAIN §11), and the
 * morning bulletin (今日通报) a county or city pastes into its group chat.
 */

export const targetInput = z.object({
  regionCode: z.string().regex(/^\d{9}(\d{3})?$/, "请选择乡镇或村"),
  year: z.coerce.number().int().min(2009, "年份不正确").max(2100, "年份不正确"),
  target: yuanField("任务数（元）"),
});

/** Sets (or replaces) the year's target of a township or village of the actor's county. Audited. */
export async function setTarget(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(targetInput, raw);
  const target = {
    action: "target.set",
    entity: "LendingTarget",
    entityId: `${input.regionCode}:${input.year}`,
  };
  await requirePermission(actor, "loan.write", target);
  await requireRegionInScope(actor, input.regionCode, {
    ...target,
    field: "regionCode",
    message: "请选择您管辖范围内的乡镇或村",
  });
  const region = await db.region.findUnique({ where: { code: input.regionCode } });
  if (!region || (region.level !== "TOWNSHIP" && region.level !== "VILLAGE"))
    throw invalid({ regionCode: ["请选择您管辖范围内的乡镇或村"] });
  const fen = yuanToFen(input.target);
  if (fen <= 0) throw invalid({ target: ["任务数须大于0"] });
  return writeTargets(actor, [{ regionCode: input.regionCode, year: input.year, targetFen: fen }]);
}

/** Upserts targets in one transaction with one audit event (the import uses it for a whole file). */
export async function writeTargets(
  actor: Actor,
  rows: { regionCode: string; year: number; targetFen: number }[],
  source: "FORM" | "IMPORT" = "FORM",
) {
  return db.$transaction(async (tx) => {
    for (const r of rows)
      await tx.lendingTarget.upsert({
        where: { regionCode_year: { regionCode: r.regionCode, year: r.year } },
        create: {
          countyCode: r.regionCode.slice(0, 6),
          regionCode: r.regionCode,
          year: r.year,
          target: fenToYuan(r.targetFen),
          createdById: actor.id,
          updatedById: actor.id,
        },
        update: { target: fenToYuan(r.targetFen), updatedById: actor.id },
      });
    const counties = [...new Set(rows.map((r) => r.regionCode.slice(0, 6)))];
    for (const countyCode of counties)
      await writeAudit(tx, {
        action: source === "IMPORT" ? "target.import" : "target.set",
        entity: "LendingTarget",
        entityId: countyCode,
        countyCode,
        after: rows.filter((r) => r.regionCode.startsWith(countyCode)),
        outcome: "OK",
        ...actorFields(actor),
      });
    return { count: rows.length };
  });
}

export interface TargetRow {
  regionCode: string;
  regionName: string;
  level: "COUNTY" | "TOWNSHIP" | "VILLAGE";
  targetFen: number;
  lentFen: number;
  lentYesterdayFen: number;
  completionBp: number | null;
  /** Change of completion since yesterday (bp), null without a target. */
  changeBp: number | null;
  rank: number | null;
  points: number;
  awardsBarred: boolean;
  requiredFundFen: number;
}

export interface TargetProgress {
  regionCode: string;
  regionName: string;
  year: number;
  asOf: IsoDate;
  rows: TargetRow[];
  villages: TargetRow[];
  total: { targetFen: number; lentFen: number; completionBp: number | null; requiredFundFen: number };
  fundBalanceFen: number;
  canEdit: boolean;
}

function ruleOf(p: {
  assessmentBaseBp: number;
  assessmentBasePoints: number;
  assessmentStepBp: number;
  assessmentPointsPerStep: number;
  assessmentMaxPoints: number;
}): AssessmentRule {
  return {
    baseBp: p.assessmentBaseBp,
    basePoints: p.assessmentBasePoints,
    stepBp: p.assessmentStepBp,
    pointsPerStep: p.assessmentPointsPerStep,
    maxPoints: p.assessmentMaxPoints,
  };
}

/**
 * Progress against the targets of a county's townships (and villages with targets) or a city's counties, in
 * the year to `asOf`, ranked by completion, with yesterday's completion, assessment points and the risk
 * fund required (policy of each unit's county).
 */
export async function targetProgress(
  actor: Actor,
  regionCode: string,
  year: number,
  asOf: IsoDate = todayShanghai(),
): Promise<TargetProgress> {
  const t = { action: "target.read", entity: "LendingTarget", entityId: `${regionCode}:${year}` };
  await requirePermission(actor, "dashboard.read", t);
  if (!isWithin(regionCode, actor.regionCode))
    await requireRegionInScope(actor, regionCode, {
      ...t,
      field: "region",
      message: "请选择您管辖范围内的地区",
    });
  const level = regionLevel(regionCode);
  if (level !== "COUNTY" && level !== "CITY") throw invalid({ region: ["请选择县或市"] });
  const region = await db.region.findUnique({ where: { code: regionCode }, select: { name: true } });
  if (!region) throw invalid({ region: ["请选择县或市"] });
  const unitLength = level === "COUNTY" ? 9 : 6;
  const prefix = scopeFilter(regionCode).prefix; // a city's counties share its first four digits
  const from = `${year}-01-01`;
  const yesterday = addDays(asOf, -1);
  const [targets, regions, lent, policies, balance] = await Promise.all([
    db.lendingTarget.findMany({
      where: { year, regionCode: codePrefix(prefix) },
      select: { regionCode: true, target: true },
    }),
    db.region.findMany({
      where: {
        code: codePrefix(prefix),
        level: { in: level === "COUNTY" ? ["TOWNSHIP", "VILLAGE"] : ["COUNTY"] },
      },
      select: { code: true, name: true, level: true },
      orderBy: { code: "asc" },
    }),
    db.$queryRaw<{ v: string; today: string | null; yesterday: string | null }[]>`
      SELECT l."villageCode" AS v,
             SUM(l.principal) FILTER (WHERE l."disbursedDate" <= ${isoToDate(asOf)})::text AS today,
             SUM(l.principal) FILTER (WHERE l."disbursedDate" <= ${isoToDate(yesterday)})::text AS yesterday
      FROM "Loan" l
      WHERE ${codeRange(Prisma.raw(`l."countyCode"`), prefix.slice(0, 6))}
        AND ${codeRange(Prisma.raw(`l."villageCode"`), prefix)}
        AND l."disbursedDate" >= ${isoToDate(from)} AND l."disbursedDate" <= ${isoToDate(asOf)}
      GROUP BY 1`,
    loadPolicies(db, "WOMEN"),
    db.$queryRaw<{ b: string | null }[]>`
      SELECT SUM(amount)::text AS b FROM "FundLedgerEntry"
      WHERE ${codeRange(Prisma.raw(`"countyCode"`), prefix.slice(0, 6))} AND "valueDate" <= ${isoToDate(asOf)}`,
  ]);
  const targetOf = new Map<string, number>();
  for (const x of targets) {
    // A city's county target is the sum of its townships'.
    const key = level === "CITY" ? x.regionCode.slice(0, 6) : x.regionCode;
    if (level === "CITY" && x.regionCode.length !== 9) continue;
    targetOf.set(key, (targetOf.get(key) ?? 0) + decToFen(x.target));
  }
  const lentOf = (code: string, which: "today" | "yesterday") =>
    lent.filter((l) => l.v.startsWith(code)).reduce((s, l) => s + decToFen(l[which] ?? "0"), 0);
  const row = (code: string, name: string, lvl: TargetRow["level"]): Omit<TargetRow, "rank"> => {
    const policy = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: code, date: asOf });
    const rule = policy ? ruleOf(policy) : undefined;
    const targetFen = targetOf.get(code) ?? 0;
    const lentFen = lentOf(code, "today");
    const lentYesterdayFen = lentOf(code, "yesterday");
    const a = assessmentPoints({ lentFen, targetFen, rule });
    const before = assessmentPoints({ lentFen: lentYesterdayFen, targetFen, rule });
    return {
      regionCode: code,
      regionName: name,
      level: lvl,
      targetFen,
      lentFen,
      lentYesterdayFen,
      completionBp: a.completionBp,
      changeBp:
        a.completionBp === null || before.completionBp === null ? null : a.completionBp - before.completionBp,
      points: a.points,
      awardsBarred: a.awardsBarred,
      requiredFundFen: requiredRiskFundFen({ targetFen, ratioBp: policy?.requiredFundRatioBp }),
    };
  };
  const units = regions.filter((r) => r.code.length === unitLength && isWithin(r.code, actor.regionCode));
  const rows = rankByCompletion(
    units.map((u) => ({ ...row(u.code, u.name, u.level as TargetRow["level"]), code: u.code })),
  );
  const villages =
    level === "COUNTY"
      ? rankByCompletion(
          regions
            .filter((r) => r.code.length === 12 && targetOf.has(r.code) && isWithin(r.code, actor.regionCode))
            .map((u) => ({ ...row(u.code, u.name, "VILLAGE"), code: u.code })),
        )
      : [];
  const totalTarget = rows.reduce((s, r) => s + r.targetFen, 0);
  const totalLent = rows.reduce((s, r) => s + r.lentFen, 0);
  return {
    regionCode,
    regionName: region.name,
    year,
    asOf,
    rows,
    villages,
    total: {
      targetFen: totalTarget,
      lentFen: totalLent,
      completionBp: assessmentPoints({ lentFen: totalLent, targetFen: totalTarget }).completionBp,
      requiredFundFen: rows.reduce((s, r) => s + r.requiredFundFen, 0),
    },
    fundBalanceFen: decToFen(balance[0]?.b ?? "0"),
    canEdit: can(actor.role, "loan.write") && level === "COUNTY",
  };
}

/**
 * 今日通报: plain text for a group message — the date, the region's progress, then its units ranked by
 * completion with the change since yesterday. The same ranking as targetProgress (and the dashboard).
 */
export function bulletinText(p: TargetProgress): string {
  const pct = (bp: number | null) => (bp === null ? "未下达任务" : formatRate(bp / 10_000, 1));
  const lines = [
    `【今日通报】${p.asOf} ${p.regionName}${p.year}年妇女创业担保贷款放款进度`,
    `全${p.regionCode.length === 6 && regionLevel(p.regionCode) === "CITY" ? "市" : "县"}任务 ${formatWan(p.total.targetFen)}，已放款 ${formatWan(p.total.lentFen)}，完成 ${pct(p.total.completionBp)}。`,
  ];
  for (const r of p.rows) {
    const change =
      r.changeBp === null || r.changeBp === 0 ? "" : `（较昨日 +${formatRate(r.changeBp / 10_000, 1)}）`;
    lines.push(
      `${r.rank ?? "—"}. ${r.regionName}：任务 ${formatWan(r.targetFen)}，已放 ${formatWan(r.lentFen)}，完成 ${pct(r.completionBp)}${change}`,
    );
  }
  const behind = p.rows.filter((r) => r.awardsBarred).map((r) => r.regionName);
  if (behind.length) lines.push(`未完成任务的单位：${behind.join("、")}，请加快进度。`);
  return lines.join("\n");
}

export async function dailyBulletin(actor: Actor, regionCode: string, year: number, asOf?: IsoDate) {
  return bulletinText(await targetProgress(actor, regionCode, year, asOf));
}

const TARGET_COLUMNS = [
  ["regionCode", "地区代码"],
  ["year", "年份"],
  ["target", "任务数（元）"],
] as const;

export interface TargetImportResult {
  ok: boolean;
  count: number;
  errors: { row: number; column: string; message: string }[];
}

/**
 * Targets from an .xlsx (first sheet with the columns 地区代码, 年份, 任务数（元）), all or nothing like the
 * loan import: every row is checked (a township or village of the actor's county, a year, an amount > 0, no
 * region and year twice); one error and nothing is written, every error listed with its row and column.
 */
export async function importTargets(actor: Actor, file: Buffer): Promise<TargetImportResult> {
  const t = { action: "target.import", entity: "LendingTarget" };
  await requirePermission(actor, "loan.write", t);
  if (regionLevel(actor.regionCode) !== "COUNTY") throw invalid({ file: ["任务数由县级经办人导入"] });
  const { readXlsx, SpreadsheetError } = await import("../spreadsheet/read-xlsx");
  const rows: { row: number; values: Record<string, string> }[] = [];
  let header: Map<string, number> | null = null;
  let sheetDone = false;
  try {
    await readXlsx(file, () => {
      if (sheetDone) return null;
      sheetDone = true;
      return {
        row({ row, cells }) {
          if (!header) {
            header = new Map(cells.map((c) => [c.text.trim(), c.col]));
            return;
          }
          const byCol = new Map(cells.map((c) => [c.col, c.text.trim()]));
          const values: Record<string, string> = {};
          for (const [key, label] of TARGET_COLUMNS) values[key] = byCol.get(header.get(label) ?? -1) ?? "";
          if (Object.values(values).some((v) => v !== "")) rows.push({ row, values });
        },
      };
    });
  } catch (e) {
    if (e instanceof SpreadsheetError) throw invalid({ file: ["文件不是有效的 .xlsx 表格，请用模板填写"] });
    throw e;
  }
  const errors: TargetImportResult["errors"] = [];
  const h = header as Map<string, number> | null;
  for (const [, label] of TARGET_COLUMNS)
    if (!h?.has(label)) errors.push({ row: 1, column: label, message: `缺少“${label}”列` });
  if (errors.length) return { ok: false, count: 0, errors };
  const regions = new Map(
    (
      await db.region.findMany({
        where: { code: codePrefix(actor.regionCode), level: { in: ["TOWNSHIP", "VILLAGE"] } },
        select: { code: true },
      })
    ).map((r) => [r.code, true]),
  );
  const seen = new Map<string, number>();
  const out: { regionCode: string; year: number; targetFen: number }[] = [];
  for (const { row, values } of rows) {
    const before = errors.length;
    const err = (column: string, message: string) => errors.push({ row, column, message });
    if (!regions.has(values.regionCode!)) err("地区代码", "不是您管辖范围内的乡镇或村代码");
    const year = Number(values.year);
    if (!Number.isInteger(year) || year < 2009 || year > 2100) err("年份", "年份应为四位数字，如 2026");
    const amount = targetInput.shape.target.safeParse(values.target);
    const fen = amount.success ? yuanToFen(amount.data) : 0;
    if (!amount.success) err("任务数（元）", amount.error.issues[0]!.message);
    else if (fen <= 0) err("任务数（元）", "任务数须大于0");
    const key = `${values.regionCode}:${year}`;
    if (seen.has(key)) err("地区代码", `与第 ${seen.get(key)} 行的地区和年份重复`);
    seen.set(key, row);
    if (errors.length === before) out.push({ regionCode: values.regionCode!, year, targetFen: fen });
  }
  if (!rows.length) errors.push({ row: 2, column: "地区代码", message: "表格中没有任务数" });
  if (errors.length) return { ok: false, count: 0, errors };
  await writeTargets(actor, out, "IMPORT");
  return { ok: true, count: out.length, errors: [] };
}
