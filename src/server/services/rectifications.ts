import "server-only";
import { z } from "zod";
import { can, isWithin, resolvePolicy, type IsoDate, type MonthEndRate } from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { conflict, invalid, parseOrInvalid } from "../errors";
import {
  requireInScope,
  requireOtherPerson,
  requirePermission,
  requireRegionInScope,
  type Actor,
} from "../authz";
import { codePrefix } from "../prefix";
import { dateToIso, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { loadPolicies } from "./policies";
import {
  historyEnds,
  regionSuspension,
  suspensionStates,
  townshipAndVillageRates,
  villageSeries,
  WINDOW_NAMES,
} from "../read-models/rules";

/**
 * Suspension (暂停新增贷款) and rectification (整改), DOMAIN §13: staff record what a suspended township or
 * village did; a second person approves it; the region resumes at a month-end at or above the threshold
 * with an approved rectification (src/domain suspensionState). Every region's episodes are listed.
 */

const isoDate = (label: string) => z.iso.date({ message: `请填写${label}（年-月-日）` });

export const rectificationInput = z.object({
  regionCode: z.string().regex(/^\d{9}(\d{3})?$/, "请选择暂停的乡镇或村"),
  measures: z.string().trim().min(10, "请写明整改措施（至少10个字）").max(1000, "不能超过1000个字"),
  doneBy: z.string().trim().min(2, "请填写整改责任人").max(128, "不能超过128个字"),
  doneOn: isoDate("整改完成日期"),
});

export const rectificationDecisionInput = z.object({
  id: z.coerce.number().int().positive(),
  decision: z.enum(["APPROVE", "REJECT"]),
  note: z.string().trim().max(256, "不能超过256个字").optional(),
});

async function womenPolicy(regionCode: string, on: IsoDate) {
  const policy = resolvePolicy(await loadPolicies(db, "WOMEN"), {
    programmeCode: "WOMEN",
    regionCode,
    date: on,
  });
  if (!policy) throw invalid({ regionCode: [`${on} 该地区没有生效的妇女创业担保贷款政策`] });
  return policy;
}

/** Staff record a rectification of a region that is suspended today. */
export async function recordRectification(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(rectificationInput, raw);
  const target = { action: "rectification.record", entity: "Rectification" };
  await requirePermission(actor, "loan.write", target);
  await requireRegionInScope(actor, input.regionCode, {
    ...target,
    field: "regionCode",
    message: "请选择您管辖范围内的乡镇或村",
  });
  if (input.doneOn > today) throw invalid({ doneOn: ["整改完成日期不能晚于今天"] });
  const region = await db.region.findUnique({ where: { code: input.regionCode } });
  if (!region || (region.level !== "TOWNSHIP" && region.level !== "VILLAGE"))
    throw invalid({ regionCode: ["请选择您管辖范围内的乡镇或村"] });
  const policy = await womenPolicy(input.regionCode, today);
  const state = await regionSuspension(db, input.regionCode, policy, today);
  if (!state.current) throw invalid({ regionCode: [`${region.name}当前没有被暂停新增贷款，无需整改`] });
  const since = state.current.start;
  if (
    await db.rectification.findFirst({
      where: { regionCode: input.regionCode, status: "PENDING" },
      select: { id: true },
    })
  )
    throw conflict(`${region.name}已有待审核的整改记录`);
  return db.$transaction(async (tx) => {
    const r = await tx.rectification.create({
      data: {
        countyCode: input.regionCode.slice(0, 6),
        regionCode: input.regionCode,
        suspendedSince: isoToDate(since),
        measures: input.measures,
        doneBy: input.doneBy,
        doneOn: isoToDate(input.doneOn),
        makerId: actor.id,
      },
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(r.id),
      countyCode: r.countyCode,
      after: { ...input, suspendedSince: since },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: r.id };
  });
}

/** A second person approves (or rejects) a rectification; nobody approves their own. */
export async function decideRectification(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(rectificationDecisionInput, raw);
  const target = {
    action: input.decision === "APPROVE" ? "rectification.approve" : "rectification.reject",
    entity: "Rectification",
    entityId: input.id,
  };
  await requirePermission(actor, "loan.approve", target);
  const r = await requireInScope(
    actor,
    await db.rectification
      .findUnique({ where: { id: input.id } })
      .then((x) => (x ? { ...x, villageCode: x.regionCode } : null)),
    target,
  );
  await requireOtherPerson(
    actor,
    r.makerId,
    { ...target, countyCode: r.countyCode },
    "不能审核自己录入的整改，请由另一位审核人审核",
  );
  if (input.decision === "REJECT" && !input.note) throw invalid({ note: ["驳回须填写理由"] });
  return db.$transaction(async (tx) => {
    const done = await tx.rectification.updateMany({
      where: { id: r.id, status: "PENDING" },
      data: {
        status: input.decision === "APPROVE" ? "APPROVED" : "REJECTED",
        approverId: actor.id,
        decidedAt: new Date(),
        approvedOn: input.decision === "APPROVE" ? isoToDate(today) : null,
        decisionNote: input.note ?? null,
      },
    });
    if (done.count === 0) throw conflict("该整改记录已处理，请刷新");
    await writeAudit(tx, {
      ...target,
      entityId: String(r.id),
      countyCode: r.countyCode,
      after: { decision: input.decision, note: input.note, on: today },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status: input.decision === "APPROVE" ? "APPROVED" : "REJECTED" };
  });
}

export interface SuspensionRow {
  regionCode: string;
  regionName: string;
  level: "TOWNSHIP" | "VILLAGE";
  suspended: boolean;
  /** The latest month-end rate. */
  latest: MonthEndRate | null;
  episodes: {
    start: IsoDate;
    end: IsoDate | null;
    cause: MonthEndRate[];
    rectification: { id: number; measures: string; doneBy: string; doneOn: IsoDate } | null;
  }[];
  rectifications: {
    id: number;
    status: string;
    measures: string;
    doneBy: string;
    doneOn: IsoDate;
    suspendedSince: IsoDate;
    approvedOn: IsoDate | null;
    decisionNote: string | null;
    mine: boolean;
  }[];
}

/**
 * The suspension state and episodes of every township and village of a county (one query for the rates),
 * with their rectifications. Regions never suspended are listed only with `all`.
 */
export async function listSuspensions(
  actor: Actor,
  countyCode: string,
  today: IsoDate = todayShanghai(),
  all = false,
): Promise<{
  windowName: string;
  rateWindow: "YEAR_TO_DATE" | "ROLLING_12";
  thresholdBp: number;
  months: number;
  rows: SuspensionRow[];
  canRecord: boolean;
  canDecide: boolean;
}> {
  const target = { action: "suspension.list", entity: "Region", entityId: countyCode };
  await requirePermission(actor, "loan.read", target);
  if (!/^\d{6}$/.test(countyCode)) throw invalid({ region: ["请选择县"] });
  // The county lies in the actor's region (a city official), or the actor's region lies in it (a township).
  if (!isWithin(actor.regionCode, countyCode))
    await requireRegionInScope(actor, countyCode, {
      ...target,
      field: "region",
      message: "请选择您管辖范围内的县",
    });
  const policy = await womenPolicy(countyCode, today);
  const ends = historyEnds(today);
  // A user below the county (a township's staff) sees only the regions inside their own.
  const inside = (code: string) => isWithin(code, actor.regionCode);
  const [series, regions, rects] = await Promise.all([
    villageSeries(db, countyCode, ends, policy.rateWindow),
    db.region.findMany({
      where: { code: codePrefix(countyCode), level: { in: ["TOWNSHIP", "VILLAGE"] } },
      select: { code: true, name: true, level: true },
      orderBy: { code: "asc" },
    }),
    db.rectification.findMany({ where: { countyCode }, orderBy: { id: "asc" } }),
  ]);
  const shown = regions.filter((r) => inside(r.code));
  const rates = townshipAndVillageRates(series, ends, countyCode);
  const none = ends.map((e) => ({ monthEnd: e, rateBp: null }));
  const states = suspensionStates({
    codes: shown.map((r) => r.code),
    ratesOf: (code) => rates.get(code) ?? none,
    ruleOf: () => policy,
    rectifications: rects
      .filter((x) => x.status === "APPROVED" && x.approvedOn)
      .map((x) => ({ id: x.id, regionCode: x.regionCode, approvedOn: dateToIso(x.approvedOn!) })),
    asOf: today,
  });
  const rows: SuspensionRow[] = [];
  for (const r of shown) {
    const own = rects.filter((x) => x.regionCode === r.code);
    const state = states.get(r.code)!;
    const regionRates = rates.get(r.code) ?? none;
    if (!all && state.episodes.length === 0 && own.length === 0) continue;
    const withData = regionRates.filter((x) => x.rateBp !== null);
    rows.push({
      regionCode: r.code,
      regionName: r.name,
      level: r.level as "TOWNSHIP" | "VILLAGE",
      suspended: state.suspended,
      latest: withData.at(-1) ?? null,
      episodes: state.episodes.map((e) => {
        const rect = own.find((x) => x.id === e.rectificationId);
        return {
          start: e.start,
          end: e.end,
          cause: e.cause,
          rectification: rect
            ? { id: rect.id, measures: rect.measures, doneBy: rect.doneBy, doneOn: dateToIso(rect.doneOn) }
            : null,
        };
      }),
      rectifications: own.map((x) => ({
        id: x.id,
        status: x.status,
        measures: x.measures,
        doneBy: x.doneBy,
        doneOn: dateToIso(x.doneOn),
        suspendedSince: dateToIso(x.suspendedSince),
        approvedOn: dateToIso(x.approvedOn),
        decisionNote: x.decisionNote,
        mine: x.makerId === actor.id,
      })),
    });
  }
  return {
    windowName: WINDOW_NAMES[policy.rateWindow],
    rateWindow: policy.rateWindow,
    thresholdBp: policy.suspensionThresholdBp,
    months: policy.suspensionMonths,
    rows,
    canRecord: can(actor.role, "loan.write"),
    canDecide: can(actor.role, "loan.approve"),
  };
}
