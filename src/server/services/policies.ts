import "server-only";
import { yuanField } from "../fields";
import { z } from "zod";
import { yuanToFen, fenToYuan, type LprEntry, type RateRule, type SubsidyMode } from "@/domain";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import { invalid, parseOrInvalid } from "../errors";
import { requireAssignableRegion, requirePermission, type Actor } from "../authz";
import { dateToIso, decToFen, isoToDate } from "../money";

/** Policy versions in the shape src/domain resolves (of one programme, or all). */
export async function loadPolicies(client: Tx | typeof db = db, programmeCode?: string) {
  const rows = await client.policyVersion.findMany({
    where: programmeCode ? { programme: { code: programmeCode } } : {},
    include: { programme: { select: { code: true } } },
  });
  return rows.map((p) => ({
    ...p,
    programmeCode: p.programme.code,
    validFrom: dateToIso(p.validFrom),
    validTo: dateToIso(p.validTo),
    rateRule: p.rateRule as RateRule,
    subsidyMode: p.subsidyMode as SubsidyMode,
  }));
}

/** The dated LPR table in the shape src/domain reads. */
export async function loadLpr(client: Tx | typeof db = db): Promise<LprEntry[]> {
  const rows = await client.lprRate.findMany();
  return rows.map((r) => ({ effectiveDate: dateToIso(r.effectiveDate), term: r.term, rateBp: r.rateBp }));
}

const bp = (label: string, max = 10_000) =>
  z.coerce
    .number({ message: `请填写${label}` })
    .int(`${label}须为整数`)
    .min(0, `${label}不能为负`)
    .max(max, `${label}不能超过${max}`);

/** A dated, region-scoped policy version (DOMAIN.md: rules that differ by place or year are configuration). */
export const policyInput = z
  .object({
    programmeId: z.coerce.number().int().positive({ message: "请选择项目" }),
    regionCode: z.string().regex(/^\d{6}(\d{3}){0,2}$/, "请选择适用地区"),
    name: z.string().trim().min(1, "请填写名称").max(128, "不能超过128个字"),
    validFrom: z.iso.date({ message: "请填写生效日期" }),
    // null as well as "": the action parses the form, then the service parses that output again.
    validTo: z
      .union([z.literal(""), z.null(), z.iso.date({ message: "失效日期格式不正确" })])
      .optional()
      .transform((v) => v || null),
    maxPrincipal: yuanField("额度上限"),
    maxTermMonths: z.coerce.number().int().min(1, "期限至少1个月").max(120, "期限不能超过120个月"),
    rateRule: z.enum(["LPR_1Y_PLUS_SPREAD", "LPR_BY_TERM"], { message: "请选择利率规则" }),
    rateCapSpreadBp: bp("利率上限加点", 1000),
    subsidyMode: z.enum(["LPR_MINUS_SPREAD", "FULL", "SHARE_OF_INTEREST", "YEAR_FACTORS"], {
      message: "请选择贴息方式",
    }),
    borrowerSpreadBp: bp("借款人利率减点", 1000),
    subsidyShareBp: bp("贴息比例"),
    shareCentral: bp("中央分担比例", 100),
    shareProvincial: bp("省级分担比例", 100),
    shareCity: bp("市级分担比例", 100),
    shareCounty: bp("县级分担比例", 100),
    dayCountBasis: z.coerce.number().refine((v) => v === 360 || v === 365, "计息基数为360或365"),
    leverageCap: z.coerce.number().int().min(1, "放大倍数至少为1").max(20, "放大倍数不能超过20"),
    compensationShareBp: bp("代偿比例"),
  })
  .refine((p) => !p.validTo || p.validTo > p.validFrom, {
    message: "失效日期须晚于生效日期",
    path: ["validTo"],
  })
  .refine((p) => p.shareCentral + p.shareProvincial + p.shareCity + p.shareCounty > 0, {
    message: "各级分担比例不能全为0",
    path: ["shareCounty"],
  });

export async function listPolicies(actor: Actor) {
  await requirePermission(actor, "admin.manage", { action: "policy.list", entity: "PolicyVersion" });
  const rows = await db.policyVersion.findMany({
    orderBy: [{ programmeId: "asc" }, { regionCode: "asc" }, { validFrom: "asc" }],
    include: { programme: { select: { name: true } } },
  });
  return rows.map((p) => ({
    id: p.id,
    programme: p.programme.name,
    regionCode: p.regionCode,
    name: p.name,
    validFrom: dateToIso(p.validFrom),
    validTo: dateToIso(p.validTo),
    maxPrincipalFen: decToFen(p.maxPrincipal),
    maxTermMonths: p.maxTermMonths,
    rateRule: p.rateRule,
    subsidyMode: p.subsidyMode,
    subsidyShareBp: p.subsidyShareBp,
    shares: [p.shareCentral, p.shareProvincial, p.shareCity, p.shareCounty],
    dayCountBasis: p.dayCountBasis,
    leverageCap: p.leverageCap,
  }));
}

export async function listProgrammes() {
  return db.programme.findMany({ orderBy: { id: "asc" }, select: { id: true, code: true, name: true } });
}

export async function createPolicyVersion(actor: Actor, raw: unknown) {
  await requirePermission(actor, "admin.manage", { action: "policy.create", entity: "PolicyVersion" });
  const p = parseOrInvalid(policyInput, raw);
  await requireAssignableRegion(actor, p.regionCode, {
    action: "policy.create",
    entity: "PolicyVersion",
    field: "regionCode",
  });
  if (!(await db.programme.findUnique({ where: { id: p.programmeId } })))
    throw invalid({ programmeId: ["请选择项目"] });
  // Two versions of one programme for the same region may not be in force on the same day.
  const overlapping = await db.policyVersion.findFirst({
    where: {
      programmeId: p.programmeId,
      regionCode: p.regionCode,
      validFrom: p.validTo ? { lt: isoToDate(p.validTo) } : undefined,
      OR: [{ validTo: null }, { validTo: { gt: isoToDate(p.validFrom) } }],
    },
    select: { name: true },
  });
  if (overlapping)
    throw invalid({
      validFrom: [`与同一地区的政策版本「${overlapping.name}」有效期重叠，请先设置其失效日期`],
    });
  await db.$transaction(async (tx) => {
    const created = await tx.policyVersion.create({
      data: {
        ...p,
        validFrom: isoToDate(p.validFrom),
        validTo: p.validTo ? isoToDate(p.validTo) : null,
        maxPrincipal: fenToYuan(yuanToFen(p.maxPrincipal)),
      },
    });
    await writeAudit(tx, {
      action: "policy.create",
      entity: "PolicyVersion",
      entityId: String(created.id),
      after: p,
      outcome: "OK",
      ...actorFields(actor),
    });
  });
}
