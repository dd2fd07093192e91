import "server-only";
import { z } from "zod";
import {
  can,
  CREDIT_GRADES,
  creditRates,
  creditVillage,
  fenToYuan,
  formatYuan,
  isWithin,
  rateWindowStart,
  ratingInputProblems,
  ratingOn,
  resolvePolicy,
  ratio,
  RULE_DEFAULTS,
  scopeFilter,
  yuanToFen,
  type CreditGrade,
  type CreditProblem,
  type CreditVillageShortfall,
  type IsoDate,
  type RateWindow,
  type RatingLike,
} from "@/domain";
import { Prisma } from "@/generated/prisma/client";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import { conflict, invalid, parseOrInvalid } from "../errors";
import {
  requireInScope,
  requireOtherPerson,
  requirePermission,
  requireRegionInScope,
  type Actor,
} from "../authz";
import { codePrefix, codeRange } from "../prefix";
import { dateToIso, decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { yuanField } from "../fields";
import { figuresByChild } from "../read-models/figures";
import { WINDOW_NAMES } from "../read-models/rules";
import { loadPolicies } from "./policies";

/**
 * Credit rating (评级授信) and credit villages (信用村), DOMAIN §11 and §18 (issue 23 item 1): county staff
 * record a household's rating as the village review committee decided it; a second person approves it; the
 * approved rating in force limits an application (src/domain creditCheck). 授信率 and 用信率 per region, with
 * the eligible households entered per village as the denominator; a village is a 信用村 when its rated share
 * and its 到期还款率 reach the policy's thresholds (src/domain creditVillage).
 */

const isoDate = (label: string) => z.iso.date({ message: `请填写${label}（年-月-日）` });

export const ratingInput = z.object({
  borrowerId: z.coerce.number().int().positive({ message: "请选择借款人" }),
  grade: z.enum(CREDIT_GRADES, { message: "请选择信用等级" }),
  creditLimit: yuanField("授信额度"),
  validFrom: isoDate("授信起始日"),
  validTo: isoDate("授信到期日"),
  ratedOn: isoDate("评级日期"),
  ratedBy: z.string().trim().min(2, "请填写评级人").max(128, "不能超过128个字"),
  committeeOn: isoDate("村评议委员会评议日期"),
  committeeRef: z.string().trim().min(2, "请填写评议决定编号或会议记录").max(128, "不能超过128个字"),
  committeeNotes: z
    .string()
    .trim()
    .max(500, "不能超过500个字")
    .nullish()
    .transform((v) => v || null),
});

export const ratingDecisionInput = z.object({
  id: z.coerce.number().int().positive(),
  decision: z.enum(["APPROVE", "REJECT"]),
  note: z
    .string()
    .trim()
    .max(256, "不能超过256个字")
    .nullish()
    .transform((v) => v || null),
});

export const householdsInput = z.object({
  villageCode: z.string().regex(/^\d{12}$/, "请选择村"),
  eligible: z.coerce
    .number({ message: "请填写符合条件的农户数" })
    .int("农户数须为整数")
    .min(0, "农户数不能为负")
    .max(100_000, "农户数不能超过100000"),
});

/** A region inside the actor's scope only, as the dashboard's (refusals audited). */
async function authoriseRegion(actor: Actor, regionCode: string, action: string): Promise<void> {
  const target = { action, entity: "Region", entityId: regionCode };
  await requirePermission(actor, "dashboard.read", target);
  await requireInScope(actor, { countyCode: regionCode.slice(0, 6), villageCode: regionCode }, target);
}

async function womenPolicies() {
  return loadPolicies(db, "WOMEN");
}

type Policies = Awaited<ReturnType<typeof womenPolicies>>;

function ruleOf(policies: Policies, regionCode: string, on: IsoDate) {
  const p = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode, date: on });
  return {
    creditVillageRatedBp: p?.creditVillageRatedBp ?? RULE_DEFAULTS.creditVillageRatedBp,
    creditVillageRepayBp: p?.creditVillageRepayBp ?? RULE_DEFAULTS.creditVillageRepayBp,
    rateWindow: (p?.rateWindow ?? "YEAR_TO_DATE") as RateWindow,
    maxPrincipalFen: p ? decToFen(p.maxPrincipal) : null,
  };
}

const GRADE_NAMES: Record<CreditGrade, string> = { AAA: "优秀（AAA）", AA: "较好（AA）", A: "一般（A）" };

/** A borrower's ratings in the shape src/domain reads (an application's check, the borrower page). */
export async function ratingsOf(client: Tx | typeof db, borrowerId: number): Promise<RatingLike[]> {
  const rows = await client.creditRating.findMany({
    where: { borrowerId },
    select: { id: true, status: true, grade: true, creditLimit: true, validFrom: true, validTo: true },
  });
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    grade: r.grade,
    creditLimitFen: decToFen(r.creditLimit),
    validFrom: dateToIso(r.validFrom),
    validTo: dateToIso(r.validTo),
  }));
}

/** The credit check's problems as field messages (the application form shows each next to its field). */
export function creditErrors(
  problems: readonly CreditProblem[],
  policyName: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) {
    const m =
      p.code === "OVER_CREDIT_LIMIT"
        ? `申请金额超过该户的授信额度 ${formatYuan(p.limitFen)}（信用等级${GRADE_NAMES[p.grade]}，有效至 ${p.validTo}）`
        : p.expiredOn
          ? `该户的评级授信已于 ${p.expiredOn} 到期，须重新评级授信后才能申请（${policyName}）`
          : `该户没有经审核的有效评级授信，须先评级授信才能申请（${policyName}）`;
    (out[p.field] ??= []).push(m);
  }
  return out;
}

/** County staff record a household's rating as the village review committee decided it; it waits for approval. */
export async function rateBorrower(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const target = { action: "credit.rate", entity: "CreditRating" };
  await requirePermission(actor, "credit.write", target);
  const input = parseOrInvalid(ratingInput, raw);
  const borrower = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: input.borrowerId },
      select: { id: true, countyCode: true, villageCode: true, kind: true, name: true },
    }),
    { ...target, entity: "Borrower", entityId: input.borrowerId },
  );
  if (borrower.kind !== "INDIVIDUAL") throw invalid({ borrowerId: ["评级授信以农户为单位，合作社不评级"] });
  const creditLimitFen = yuanToFen(input.creditLimit);
  const policies = await womenPolicies();
  const rule = ruleOf(policies, borrower.villageCode, input.validFrom);
  const problems = ratingInputProblems({
    ...input,
    creditLimitFen,
    today,
    maxPrincipalFen: rule.maxPrincipalFen,
  });
  if (problems.length) {
    const errors: Record<string, string[]> = {};
    for (const p of problems)
      (errors[p.field] ??= []).push(
        {
          LIMIT_NOT_POSITIVE: "授信额度须大于0",
          LIMIT_OVER_CAP: `授信额度不能超过政策额度上限 ${p.code === "LIMIT_OVER_CAP" ? formatYuan(p.capFen) : ""}`,
          VALID_TO_NOT_AFTER_FROM: "授信到期日须晚于起始日",
          DATE_IN_FUTURE: "日期不能晚于今天",
          RATED_AFTER_VALID_FROM: "评级日期不能晚于授信起始日",
          COMMITTEE_AFTER_VALID_FROM: "村评议委员会评议日期不能晚于授信起始日",
        }[p.code],
      );
    throw invalid(errors);
  }
  if (
    await db.creditRating.findFirst({
      where: { borrowerId: borrower.id, status: "PENDING" },
      select: { id: true },
    })
  )
    throw conflict(`${borrower.name}已有待审核的评级授信，请先审核或驳回`);
  return db.$transaction(async (tx) => {
    const r = await tx.creditRating.create({
      data: {
        countyCode: borrower.countyCode,
        villageCode: borrower.villageCode,
        borrowerId: borrower.id,
        grade: input.grade,
        creditLimit: fenToYuan(creditLimitFen),
        validFrom: isoToDate(input.validFrom),
        validTo: isoToDate(input.validTo),
        ratedOn: isoToDate(input.ratedOn),
        ratedBy: input.ratedBy,
        committeeOn: isoToDate(input.committeeOn),
        committeeRef: input.committeeRef,
        committeeNotes: input.committeeNotes,
        makerId: actor.id,
      },
      select: { id: true },
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(r.id),
      countyCode: borrower.countyCode,
      after: { ...input, creditLimit: fenToYuan(creditLimitFen) },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: r.id };
  });
}

/**
 * A second person approves (or rejects) a rating; nobody approves their own. An approval marks the household
 * 信用户 (Borrower.creditRated, the yes/no the borrower list shows), kept for the records from before ratings.
 */
export async function decideRating(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(ratingDecisionInput, raw);
  const target = {
    action: input.decision === "APPROVE" ? "credit.approve" : "credit.reject",
    entity: "CreditRating",
    entityId: input.id,
  };
  await requirePermission(actor, "credit.approve", target);
  const r = await requireInScope(
    actor,
    await db.creditRating.findUnique({
      where: { id: input.id },
      select: { id: true, countyCode: true, villageCode: true, borrowerId: true, makerId: true },
    }),
    target,
  );
  await requireOtherPerson(
    actor,
    r.makerId,
    { ...target, countyCode: r.countyCode },
    "不能审核自己录入的评级授信，请由另一位审核人审核",
  );
  if (input.decision === "REJECT" && !input.note) throw invalid({ note: ["驳回须填写理由"] });
  const status = input.decision === "APPROVE" ? "APPROVED" : "REJECTED";
  return db.$transaction(async (tx) => {
    const done = await tx.creditRating.updateMany({
      where: { id: r.id, status: "PENDING" },
      data: { status, approverId: actor.id, decidedAt: new Date(), decisionNote: input.note },
    });
    if (done.count === 0) throw conflict("该评级授信已处理，请刷新");
    if (status === "APPROVED")
      await tx.borrower.update({
        where: { id: r.borrowerId },
        data: { creditRated: true, version: { increment: 1 } },
      });
    await writeAudit(tx, {
      ...target,
      entityId: String(r.id),
      countyCode: r.countyCode,
      after: { decision: input.decision, note: input.note, borrowerId: r.borrowerId },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status };
  });
}

export interface RatingDto {
  id: number;
  grade: CreditGrade;
  creditLimitFen: number;
  validFrom: IsoDate;
  validTo: IsoDate;
  ratedOn: IsoDate;
  ratedBy: string;
  committeeOn: IsoDate;
  committeeRef: string;
  committeeNotes: string | null;
  status: "PENDING" | "APPROVED" | "REJECTED";
  decisionNote: string | null;
  /** The actor entered it (she may not approve it). */
  mine: boolean;
}

/** The borrower page's section: her ratings (newest first), the one in force today, and what the actor may do. */
export async function borrowerCredit(
  actor: Actor,
  borrowerId: number,
  today: IsoDate = todayShanghai(),
): Promise<{
  ratings: RatingDto[];
  current: RatingDto | null;
  canRate: boolean;
  canDecide: boolean;
}> {
  const target = { action: "credit.read", entity: "Borrower", entityId: borrowerId };
  await requirePermission(actor, "borrower.read", target);
  const b = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: borrowerId },
      select: { countyCode: true, villageCode: true, kind: true },
    }),
    target,
  );
  const rows = await db.creditRating.findMany({
    where: { borrowerId },
    orderBy: [{ validFrom: "desc" }, { id: "desc" }],
  });
  const ratings: RatingDto[] = rows.map((r) => ({
    id: r.id,
    grade: r.grade,
    creditLimitFen: decToFen(r.creditLimit),
    validFrom: dateToIso(r.validFrom),
    validTo: dateToIso(r.validTo),
    ratedOn: dateToIso(r.ratedOn),
    ratedBy: r.ratedBy,
    committeeOn: dateToIso(r.committeeOn),
    committeeRef: r.committeeRef,
    committeeNotes: r.committeeNotes,
    status: r.status,
    decisionNote: r.decisionNote,
    mine: r.makerId === actor.id,
  }));
  const current = ratingOn(
    ratings.map((r) => ({ ...r, creditLimitFen: r.creditLimitFen })),
    today,
  );
  return {
    ratings,
    current,
    canRate: b.kind === "INDIVIDUAL" && can(actor.role, "credit.write"),
    canDecide: can(actor.role, "credit.approve"),
  };
}

/** Staff enter a village's eligible households (the denominator of 授信率). */
export async function setEligibleHouseholds(actor: Actor, raw: unknown) {
  const target = { action: "credit.households", entity: "VillageHouseholds" };
  await requirePermission(actor, "credit.write", target);
  const input = parseOrInvalid(householdsInput, raw);
  await requireRegionInScope(actor, input.villageCode, {
    ...target,
    entityId: input.villageCode,
    field: "villageCode",
    message: "请选择您管辖范围内的村",
  });
  const village = await db.region.findUnique({ where: { code: input.villageCode }, select: { level: true } });
  if (village?.level !== "VILLAGE") throw invalid({ villageCode: ["请选择您管辖范围内的村"] });
  return db.$transaction(async (tx) => {
    const before = await tx.villageHouseholds.findUnique({ where: { villageCode: input.villageCode } });
    await tx.villageHouseholds.upsert({
      where: { villageCode: input.villageCode },
      create: {
        villageCode: input.villageCode,
        countyCode: input.villageCode.slice(0, 6),
        eligible: input.eligible,
        updatedById: actor.id,
      },
      update: { eligible: input.eligible, updatedById: actor.id },
    });
    await writeAudit(tx, {
      ...target,
      entityId: input.villageCode,
      countyCode: input.villageCode.slice(0, 6),
      before: before ? { eligible: before.eligible } : undefined,
      after: { eligible: input.eligible },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { villageCode: input.villageCode, eligible: input.eligible };
  });
}

/** A grouping key as a region code (a province's children are cities: "6201" → "620100"). */
const codeOf = (key: string) => (key.length < 6 ? key.padEnd(6, "0") : key);

interface CountRow {
  k: string;
  eligible: number | null;
  rated: number;
  borrowed: number;
}

/**
 * Per child region (or per village with keyLength 12) of a region, as of D, in SQL: the eligible households
 * entered, the households with an approved rating in force on D, and of those the ones with a loan disbursed
 * from the start of the rating in force up to D. Individual households only.
 */
async function creditCounts(
  regionCode: string,
  asOf: IsoDate,
  keyLength: number,
): Promise<Map<string, CountRow>> {
  const prefix = scopeFilter(regionCode).prefix;
  const D = isoToDate(asOf);
  const key = (a: string) => Prisma.sql`left(${Prisma.raw(`${a}."villageCode"`)}, ${keyLength})`;
  const [eligible, rated] = await Promise.all([
    db.$queryRaw<{ k: string; n: bigint }[]>`
      SELECT ${key("h")} AS k, SUM(h.eligible)::bigint AS n FROM "VillageHouseholds" h
      WHERE ${codeRange(Prisma.raw(`h."villageCode"`), prefix)} GROUP BY 1`,
    db.$queryRaw<{ k: string; rated: bigint; borrowed: bigint }[]>`
      WITH cur AS (
        SELECT DISTINCT ON (r."borrowerId") r."borrowerId", r."villageCode", r."validFrom"
        FROM "CreditRating" r
        WHERE ${codeRange(Prisma.raw(`r."villageCode"`), prefix)} AND r.status = 'APPROVED'
          AND r."validFrom" <= ${D} AND r."validTo" >= ${D}
        ORDER BY r."borrowerId", r."validFrom" DESC, r.id DESC
      )
      SELECT ${key("cur")} AS k, COUNT(*)::bigint AS rated,
        COUNT(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM "Loan" l WHERE l."borrowerId" = cur."borrowerId" AND l."disbursedDate" IS NOT NULL
            AND l."disbursedDate" >= cur."validFrom" AND l."disbursedDate" <= ${D}))::bigint AS borrowed
      FROM cur JOIN "Borrower" b ON b.id = cur."borrowerId" AND b.kind = 'INDIVIDUAL'
      GROUP BY 1`,
  ]);
  const out = new Map<string, CountRow>();
  const at = (k: string) => {
    let r = out.get(k);
    if (!r) out.set(k, (r = { k, eligible: null, rated: 0, borrowed: 0 }));
    return r;
  };
  for (const e of eligible) at(codeOf(e.k)).eligible = Number(e.n);
  for (const r of rated)
    Object.assign(at(codeOf(r.k)), { rated: Number(r.rated), borrowed: Number(r.borrowed) });
  return out;
}

const childLength = (regionCode: string) =>
  Math.min(12, { 2: 4, 4: 6, 6: 9, 9: 12, 12: 12 }[scopeFilter(regionCode).prefix.length] ?? 2);

export interface CreditFigures {
  eligible: number | null;
  rated: number;
  borrowed: number;
  grantRate: number | null;
  useRate: number | null;
}

function figuresOf(rows: Iterable<CountRow>): CreditFigures {
  let eligible: number | null = null;
  let rated = 0;
  let borrowed = 0;
  for (const r of rows) {
    if (r.eligible !== null) eligible = (eligible ?? 0) + r.eligible;
    rated += r.rated;
    borrowed += r.borrowed;
  }
  return { eligible, rated, borrowed, ...creditRates({ eligible, rated, borrowed }) };
}

export interface CreditVillageRow {
  code: string;
  name: string;
  townshipName: string;
  eligible: number | null;
  rated: number;
  grantRate: number | null;
  maturityRepayment: number | null;
  qualifies: boolean;
  shortfalls: CreditVillageShortfall[];
}

export interface CreditOverview {
  regionCode: string;
  regionName: string;
  asOf: IsoDate;
  figures: CreditFigures;
  children: ({ code: string; name: string } & CreditFigures)[];
  /** The thresholds and window of the region's policy (villages under another policy use their own). */
  rule: { ratedBp: number; repayBp: number; windowName: string };
  creditVillages: number;
  villagesWithCount: number;
}

/**
 * Every village of a region with its rated share and 到期还款率 over the policy's rate window up to D (the
 * dashboard's figure, figuresByChild), and whether it is a 信用村 under its own policy.
 */
async function villageRows(
  regionCode: string,
  asOf: IsoDate,
  policies: Policies,
): Promise<CreditVillageRow[]> {
  const rule = ruleOf(policies, regionCode, asOf);
  const windows = new Set<RateWindow>([rule.rateWindow]);
  for (const p of policies)
    if (p.programmeCode === "WOMEN" && isWithin(p.regionCode, regionCode))
      windows.add(p.rateWindow as RateWindow);
  const [counts, villages, ...figures] = await Promise.all([
    creditCounts(regionCode, asOf, 12),
    db.region.findMany({
      where: { code: codePrefix(scopeFilter(regionCode).prefix), level: "VILLAGE" },
      select: { code: true, name: true, parent: { select: { name: true } } },
      orderBy: { code: "asc" },
    }),
    ...[...windows].map(async (w) => {
      const f = await figuresByChild(regionCode, asOf, { from: rateWindowStart(w, asOf), to: asOf }, 12);
      return [w, f] as const;
    }),
  ]);
  const byWindow = new Map(figures);
  return villages.map((v) => {
    const c = counts.get(v.code) ?? { k: v.code, eligible: null, rated: 0, borrowed: 0 };
    const r = ruleOf(policies, v.code, asOf);
    const f = byWindow.get(r.rateWindow)?.get(v.code);
    const recoveredFen = f?.recoveredFen ?? 0;
    const maturedFen = f?.maturedFen ?? 0;
    const verdict = creditVillage({ eligible: c.eligible, rated: c.rated, recoveredFen, maturedFen }, r);
    return {
      code: v.code,
      name: v.name,
      townshipName: v.parent?.name ?? "",
      eligible: c.eligible,
      rated: c.rated,
      grantRate: creditRates(c).grantRate,
      maturityRepayment: ratio(recoveredFen, maturedFen),
      ...verdict,
    };
  });
}

/** The dashboard's credit section: 授信率 and 用信率 of the region and its children, and the 信用村 count. */
export async function creditOverview(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate = todayShanghai(),
): Promise<CreditOverview> {
  await authoriseRegion(actor, regionCode, "credit.overview");
  const n = childLength(regionCode);
  const [region, counts, children, policies] = await Promise.all([
    db.region.findUniqueOrThrow({ where: { code: regionCode }, select: { name: true } }),
    creditCounts(regionCode, asOf, n),
    n > scopeFilter(regionCode).prefix.length
      ? db.region.findMany({
          where: { parentCode: regionCode },
          select: { code: true, name: true },
          orderBy: { code: "asc" },
        })
      : Promise.resolve([]),
    womenPolicies(),
  ]);
  const villages = await villageRows(regionCode, asOf, policies);
  const rule = ruleOf(policies, regionCode, asOf);
  return {
    regionCode,
    regionName: region.name,
    asOf,
    figures: figuresOf(counts.values()),
    children: children.map((c) => ({
      ...c,
      ...figuresOf([...counts.values()].filter((r) => r.k === c.code)),
    })),
    rule: {
      ratedBp: rule.creditVillageRatedBp,
      repayBp: rule.creditVillageRepayBp,
      windowName: WINDOW_NAMES[rule.rateWindow],
    },
    creditVillages: villages.filter((v) => v.qualifies).length,
    villagesWithCount: villages.filter((v) => v.eligible !== null).length,
  };
}

/** The 信用村 page: every village of the region (or only the qualifying ones) with its figures. */
export async function creditVillages(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate = todayShanghai(),
  onlyQualifying = false,
): Promise<{
  regionName: string;
  asOf: IsoDate;
  rule: CreditOverview["rule"];
  rows: CreditVillageRow[];
  canEdit: boolean;
}> {
  await authoriseRegion(actor, regionCode, "credit.villages");
  const policies = await womenPolicies();
  const [region, rows] = await Promise.all([
    db.region.findUniqueOrThrow({ where: { code: regionCode }, select: { name: true } }),
    villageRows(regionCode, asOf, policies),
  ]);
  const rule = ruleOf(policies, regionCode, asOf);
  return {
    regionName: region.name,
    asOf,
    rule: {
      ratedBp: rule.creditVillageRatedBp,
      repayBp: rule.creditVillageRepayBp,
      windowName: WINDOW_NAMES[rule.rateWindow],
    },
    rows: onlyQualifying ? rows.filter((r) => r.qualifies) : rows,
    // Staff of a county (or below) enter the counts of their villages.
    canEdit: can(actor.role, "credit.write") && scopeFilter(actor.regionCode).prefix.length >= 6,
  };
}

/** Ratings waiting for a second person in the actor's region (the approver's list). */
export async function pendingRatings(actor: Actor) {
  await requirePermission(actor, "credit.approve", { action: "credit.pending", entity: "CreditRating" });
  const f = scopeFilter(actor.regionCode);
  const rows = await db.creditRating.findMany({
    where: { status: "PENDING", [f.column]: codePrefix(f.prefix) },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: {
      id: true,
      grade: true,
      creditLimit: true,
      validFrom: true,
      validTo: true,
      makerId: true,
      createdAt: true,
      borrower: { select: { id: true, name: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    borrowerId: r.borrower.id,
    borrowerName: r.borrower.name,
    grade: r.grade,
    creditLimitFen: decToFen(r.creditLimit),
    validFrom: dateToIso(r.validFrom),
    validTo: dateToIso(r.validTo),
    mine: r.makerId === actor.id,
  }));
}
