import "server-only";
import { percentField, yuanField } from "../fields";
import { z } from "zod";
import {
  parsePercentEntry,
  RULE_DEFAULTS,
  yuanToFen,
  fenToYuan,
  type LprEntry,
  type RateRule,
  type SubsidyMode,
} from "@/domain";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import { invalid, parseOrInvalid } from "../errors";
import { requireAssignableRegion, requirePermission, type Actor } from "../authz";
import { dateToIso, decToFen, isoToDate } from "../db-values";

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

const parts = (label: string) =>
  z.coerce
    .number({ message: `请填写${label}` })
    .int(`${label}须为整数`)
    .min(0, `${label}不能为负`)
    .max(100, `${label}不能超过100`);

const empty = (v: unknown) => (v === "" || v === null ? undefined : v);
/** A rule's percentage as typed ("98", "2.00"); left empty, the Daoxian default applies. */
const optPercent = (label: string, maxBp: number) =>
  z.preprocess(empty, percentField(label, maxBp).optional());
const optInt = (label: string, min: number, max: number) =>
  z.preprocess(
    empty,
    z.coerce
      .number({ message: `请填写${label}` })
      .int(`${label}须为整数`)
      .min(min, `${label}不能小于${min}`)
      .max(max, `${label}不能超过${max}`)
      .optional(),
  );

/**
 * The programme's running rules (DOMAIN §11–§14) as the admin form takes them: rates in percent, days and
 * months as whole numbers. Every one is optional: an empty field keeps the default of the schema (Daoxian).
 */
export const ruleFields = {
  rewardThreshold: optPercent("奖励门槛收回率", 10_000),
  rewardRate: optPercent("奖励计提比例", 10_000),
  rewardShares: z.preprocess(
    empty,
    z
      .string()
      .trim()
      .regex(/^\d{1,3}([:：]\d{1,3}){3}$/, "奖励分配比例按 乡镇:村:银行:领导小组 填写，如 3:2:4:1")
      .refine((v) => v.split(/[:：]/).some((x) => Number(x) > 0), "奖励分配比例不能全为0")
      .optional(),
  ),
  suspensionThreshold: optPercent("暂停放款收回率标准", 10_000),
  suspensionMonths: optInt("连续低于标准的月数", 1, 12),
  rateWindow: z.preprocess(
    empty,
    z.enum(["YEAR_TO_DATE", "ROLLING_12"], { message: "请选择收回率口径" }).optional(),
  ),
  compensationAfterDays: optInt("代偿逾期天数", 1, 720),
  annualCompensationCap: optPercent("年度代偿上限（占基金余额）", 10_000),
  writeOffAfterDays: optInt("核销逾期天数", 1, 3650),
  dueNoticeDays: optInt("到期提醒提前天数", 1, 365),
  followUpDays: optInt("催收跟进间隔天数", 1, 365),
  claimSubmitDays: optInt("贴息申请提交期限（结息日后天数）", 1, 365),
  claimApproveDays: optInt("贴息申请审核期限（提交后天数）", 1, 365),
  claimPayDays: optInt("贴息资金拨付期限（审核后天数）", 1, 365),
  firstVisitDays: optInt("首次贷后回访期限（放款后天数）", 1, 365),
  visitEveryMonths: optInt("贷后回访间隔月数", 1, 24),
  orgBenefitShare: optPercent("分贷统还每年最低收益比例", 10_000),
  orgBenefitYears: optInt("分贷统还收益年限", 1, 30),
  minAge: optInt("最低年龄", 16, 100),
  maxAge: optInt("最高年龄", 16, 100),
  womenOnly: z.preprocess(empty, z.enum(["YES", "NO"], { message: "请选择是否仅限女性" }).optional()),
  maxExtensionMonths: optInt("展期最长月数", 0, 60),
  maxSubsidisedLoans: optInt("最多贴息次数", 1, 20),
  settlement: z.preprocess(
    empty,
    z.enum(["QUARTERLY_20TH", "ANNUAL_DEC_20TH"], { message: "请选择结息方式" }).optional(),
  ),
  overCapMode: z.preprocess(empty, z.enum(["REFUSE", "FLAG"], { message: "请选择超倍数处理" }).optional()),
  leverageCapReduced: optInt("未达标时的放大倍数", 1, 20),
  leverageCapMinRate: optPercent("上年到期还款率标准", 10_000),
  requiredFundRatio: optPercent("风险补偿金占任务数比例", 10_000),
  assessmentBase: optPercent("考核基准完成率", 100_000),
  assessmentBasePoints: optInt("完成基准的加分", 0, 100),
  assessmentStep: optPercent("每档超额完成率", 100_000),
  assessmentPointsPerStep: optInt("每档加分", 0, 100),
  assessmentMaxPoints: optInt("最高加分", 0, 100),
  creditRatingRequired: z.preprocess(
    empty,
    z.enum(["YES", "NO"], { message: "请选择申请是否须有有效评级授信" }).optional(),
  ),
  creditVillageRated: optPercent("信用村授信率标准", 10_000),
  creditVillageRepay: optPercent("信用村到期还款率标准", 10_000),
};

/**
 * The policy's rates and shares that every version states, typed in percent like the rule fields ("3.00",
 * "1.50", "100", "80"); stored in basis points. A spread or a share may be 0.
 */
export const percentFields = {
  rateCapSpread: percentField("利率上限加点", 1_000, { allowZero: true }),
  borrowerSpread: percentField("借款人利率减点", 1_000, { allowZero: true }),
  subsidyShare: percentField("贴息比例", 10_000, { allowZero: true }),
  compensationShare: percentField("代偿比例", 10_000, { allowZero: true }),
};

/** A percent the schema has already accepted ("3.00") → basis points (300), exactly. */
function toBp(v: string): number {
  const r = parsePercentEntry(v);
  if (!r.ok) throw new TypeError("percent parsed twice");
  return r.value;
}
const bpOf = (v: string | undefined) => (v === undefined ? undefined : toBp(v));

/** The percent and rule fields of the form → the policy version's columns (undefined: the column's default). */
function ruleColumns(p: z.output<typeof policyInput>) {
  return {
    rateCapSpreadBp: toBp(p.rateCapSpread),
    borrowerSpreadBp: toBp(p.borrowerSpread),
    subsidyShareBp: toBp(p.subsidyShare),
    compensationShareBp: toBp(p.compensationShare),
    rewardThresholdBp: bpOf(p.rewardThreshold),
    rewardRateBp: bpOf(p.rewardRate),
    rewardShares: p.rewardShares?.split(/[:：]/).map(Number),
    suspensionThresholdBp: bpOf(p.suspensionThreshold),
    suspensionMonths: p.suspensionMonths,
    rateWindow: p.rateWindow,
    compensationAfterDays: p.compensationAfterDays,
    annualCompensationCapBp: bpOf(p.annualCompensationCap),
    writeOffAfterDays: p.writeOffAfterDays,
    dueNoticeDays: p.dueNoticeDays,
    followUpDays: p.followUpDays,
    claimSubmitDays: p.claimSubmitDays,
    claimApproveDays: p.claimApproveDays,
    claimPayDays: p.claimPayDays,
    firstVisitDays: p.firstVisitDays,
    visitEveryMonths: p.visitEveryMonths,
    orgBenefitShareBp: bpOf(p.orgBenefitShare),
    orgBenefitYears: p.orgBenefitYears,
    minAge: p.minAge,
    maxAge: p.maxAge,
    womenOnly: p.womenOnly === undefined ? undefined : p.womenOnly === "YES",
    maxExtensionMonths: p.maxExtensionMonths,
    maxSubsidisedLoans: p.maxSubsidisedLoans,
    settlement: p.settlement,
    overCapMode: p.overCapMode,
    leverageCapReduced: p.leverageCapReduced,
    leverageCapMinRateBp: bpOf(p.leverageCapMinRate),
    requiredFundRatioBp: bpOf(p.requiredFundRatio),
    assessmentBaseBp: bpOf(p.assessmentBase),
    assessmentBasePoints: p.assessmentBasePoints,
    assessmentStepBp: bpOf(p.assessmentStep),
    assessmentPointsPerStep: p.assessmentPointsPerStep,
    assessmentMaxPoints: p.assessmentMaxPoints,
    creditRatingRequired: p.creditRatingRequired === undefined ? undefined : p.creditRatingRequired === "YES",
    creditVillageRatedBp: bpOf(p.creditVillageRated),
    creditVillageRepayBp: bpOf(p.creditVillageRepay),
  };
}

/** A dated, region-scoped policy version (DOMAIN.md: rules that differ by place or year are configuration). */
export const policyInput = z
  .object({
    ...ruleFields,
    ...percentFields,
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
    subsidyMode: z.enum(["LPR_MINUS_SPREAD", "FULL", "SHARE_OF_INTEREST", "YEAR_FACTORS"], {
      message: "请选择贴息方式",
    }),
    shareCentral: parts("中央分担比例"),
    shareProvincial: parts("省级分担比例"),
    shareCity: parts("市级分担比例"),
    shareCounty: parts("县级分担比例"),
    dayCountBasis: z.coerce.number().refine((v) => v === 360 || v === 365, "计息基数为360或365"),
    leverageCap: z.coerce.number().int().min(1, "放大倍数至少为1").max(20, "放大倍数不能超过20"),
  })
  .refine((p) => !p.validTo || p.validTo > p.validFrom, {
    message: "失效日期须晚于生效日期",
    path: ["validTo"],
  })
  .refine((p) => p.shareCentral + p.shareProvincial + p.shareCity + p.shareCounty > 0, {
    message: "各级分担比例不能全为0",
    path: ["shareCounty"],
  })
  .refine((p) => (p.minAge ?? RULE_DEFAULTS.minAge) <= (p.maxAge ?? RULE_DEFAULTS.maxAge), {
    message: "最高年龄不能小于最低年龄",
    path: ["maxAge"],
  })
  .refine((p) => (p.leverageCapReduced === undefined) === (p.leverageCapMinRate === undefined), {
    message: "未达标时的放大倍数与上年到期还款率标准须同时填写或同时留空",
    path: ["leverageCapReduced"],
  })
  .refine((p) => p.leverageCapReduced === undefined || p.leverageCapReduced <= p.leverageCap, {
    message: "未达标时的放大倍数不能大于放大倍数上限",
    path: ["leverageCapReduced"],
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
    rules: {
      suspensionThresholdBp: p.suspensionThresholdBp,
      suspensionMonths: p.suspensionMonths,
      rateWindow: p.rateWindow,
      rewardThresholdBp: p.rewardThresholdBp,
      rewardRateBp: p.rewardRateBp,
      rewardShares: p.rewardShares,
      compensationAfterDays: p.compensationAfterDays,
      writeOffAfterDays: p.writeOffAfterDays,
      minAge: p.minAge,
      maxAge: p.maxAge,
      womenOnly: p.womenOnly,
      maxSubsidisedLoans: p.maxSubsidisedLoans,
      overCapMode: p.overCapMode,
      claimSubmitDays: p.claimSubmitDays,
      claimApproveDays: p.claimApproveDays,
      claimPayDays: p.claimPayDays,
      firstVisitDays: p.firstVisitDays,
      visitEveryMonths: p.visitEveryMonths,
      creditRatingRequired: p.creditRatingRequired,
      creditVillageRatedBp: p.creditVillageRatedBp,
      creditVillageRepayBp: p.creditVillageRepayBp,
      orgBenefitShareBp: p.orgBenefitShareBp,
      orgBenefitYears: p.orgBenefitYears,
    },
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
    // The form's own columns as they are; the percent and rule fields (percent, yes/no, 3:2:4:1) converted.
    const columns = Object.fromEntries(
      Object.entries(p).filter(([k]) => !(k in ruleFields) && !(k in percentFields)),
    ) as Omit<typeof p, keyof typeof ruleFields | keyof typeof percentFields>;
    const created = await tx.policyVersion.create({
      data: {
        ...columns,
        ...ruleColumns(p),
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
