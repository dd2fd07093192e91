import "server-only";
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import { allocateReward, can, fenToYuan, isWithin, regionLevel, resolvePolicy, type IsoDate } from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { AppError, conflict, invalid, parseOrInvalid } from "../errors";
import {
  requireInScope,
  requireOtherPerson,
  requirePermission,
  requireRegionInScope,
  type Actor,
} from "../authz";
import { dateToIso, decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { loadPolicies } from "./policies";
import { ratesOf, villageSeries } from "../read-models/rules";

/**
 * Reward allocation (奖励资金分配, DOMAIN §12): for a county and a finished year, from the policy in force at
 * its end, one line per township, village, bank and the leading group with the lending and the rate behind it.
 * Prepared by staff (SUBMITTED), approved by a second person (APPROVED: the ledger books what is owed to each
 * line), marked paid (PAID: the ledger books it out). The ledger is append-only and exported with the others.
 */

export const prepareRewardInput = z.object({
  year: z.coerce.number().int().min(2009, "年份不正确").max(2100, "年份不正确"),
});
export const rewardDecisionInput = z.object({
  id: z.coerce.number().int().positive(),
  decision: z.enum(["APPROVE", "REJECT"]),
  note: z.string().trim().max(256, "不能超过256个字").optional(),
});
export const rewardPaymentInput = z.object({
  id: z.coerce.number().int().positive(),
  paidDate: z.iso.date({ message: "请填写拨付日期（年-月-日）" }),
});

export async function prepareReward(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(prepareRewardInput, raw);
  const target = { action: "reward.prepare", entity: "RewardAllocation" };
  await requirePermission(actor, "claim.write", target);
  if (regionLevel(actor.regionCode) !== "COUNTY") throw new AppError("FORBIDDEN", "奖励分配由县级经办人编制");
  const county = actor.regionCode;
  const end = `${input.year}-12-31`;
  if (end >= today) throw invalid({ year: [`${input.year} 年尚未结束，不能分配奖励`] });
  if (
    await db.rewardAllocation.findFirst({
      where: { countyCode: county, year: input.year, status: { not: "REJECTED" } },
      select: { id: true },
    })
  )
    throw invalid({ year: [`${input.year} 年的奖励已编制，请勿重复`] });
  const policy = resolvePolicy(await loadPolicies(db, "WOMEN"), {
    programmeCode: "WOMEN",
    regionCode: county,
    date: end,
  });
  if (!policy) throw invalid({ year: [`${end} 本县没有生效的妇女创业担保贷款政策`] });
  const [series, regions, lending] = await Promise.all([
    villageSeries(db, county, [end], policy.rateWindow),
    db.region.findMany({
      where: { parentCode: { startsWith: county }, level: { in: ["TOWNSHIP", "VILLAGE"] } },
      select: { code: true, level: true },
    }),
    db.$queryRaw<{ v: string; bank: number; lent: string }[]>`
      SELECT "villageCode" AS v, "bankId" AS bank, SUM(principal)::text AS lent FROM "Loan"
      WHERE "countyCode" = ${county} AND "disbursedDate" BETWEEN ${isoToDate(`${input.year}-01-01`)} AND ${isoToDate(end)}
      GROUP BY 1, 2`,
  ]);
  const rateOf = (code: string) => ratesOf(series, [end], code)[0]!.rateBp;
  const lentIn = (prefix: string) =>
    lending.filter((l) => l.v.startsWith(prefix)).reduce((s, l) => s + decToFen(l.lent), 0);
  const townships = regions
    .filter((r) => r.level === "TOWNSHIP")
    .map((r) => ({ code: r.code, lentFen: lentIn(r.code), rateBp: rateOf(r.code) }));
  const villages = regions
    .filter((r) => r.level === "VILLAGE")
    .map((r) => ({
      code: r.code,
      townshipCode: r.code.slice(0, 9),
      lentFen: lentIn(r.code),
      rateBp: rateOf(r.code),
    }));
  const bankIds = [...new Set(lending.map((l) => l.bank))];
  const banks = bankIds.map((id) => {
    const by: Record<string, number> = {};
    for (const l of lending.filter((x) => x.bank === id))
      by[l.v.slice(0, 9)] = (by[l.v.slice(0, 9)] ?? 0) + decToFen(l.lent);
    return { id, lentFenByTownship: by };
  });
  const countyUnit = { lentFen: lentIn(county), rateBp: rateOf(county) };
  const res = allocateReward({
    rewardRateBp: policy.rewardRateBp,
    thresholdBp: policy.rewardThresholdBp,
    shares: policy.rewardShares,
    county: countyUnit,
    townships,
    villages,
    banks,
  });
  const qualified = new Set(
    townships.filter((t) => t.rateBp !== null && t.rateBp >= policy.rewardThresholdBp).map((t) => t.code),
  );
  const lines: Prisma.RewardLineCreateManyAllocationInput[] = [
    ...townships.map((t, i) => ({
      countyCode: county,
      kind: "TOWNSHIP" as const,
      regionCode: t.code,
      lent: fenToYuan(t.lentFen),
      rateBp: t.rateBp,
      amount: fenToYuan(res.townships[i]!.rewardFen),
    })),
    ...villages.map((v, i) => ({
      countyCode: county,
      kind: "VILLAGE" as const,
      regionCode: v.code,
      lent: fenToYuan(v.lentFen),
      rateBp: v.rateBp,
      amount: fenToYuan(res.villages[i]!.rewardFen),
    })),
    ...banks.map((b, i) => ({
      countyCode: county,
      kind: "BANK" as const,
      bankId: b.id,
      // The bank's lending behind its line: in the townships that qualified.
      lent: fenToYuan(
        Object.entries(b.lentFenByTownship)
          .filter(([code]) => qualified.has(code))
          .reduce((s, [, f]) => s + f, 0),
      ),
      rateBp: null,
      amount: fenToYuan(res.banks[i]!.rewardFen),
    })),
    {
      countyCode: county,
      kind: "LEADING_GROUP" as const,
      regionCode: county,
      lent: fenToYuan(countyUnit.lentFen),
      rateBp: countyUnit.rateBp,
      amount: fenToYuan(res.leadingGroupFen),
    },
  ];
  return db.$transaction(async (tx) => {
    const a = await tx.rewardAllocation.create({
      data: {
        countyCode: county,
        year: input.year,
        policyVersionId: policy.id,
        rewardRateBp: policy.rewardRateBp,
        thresholdBp: policy.rewardThresholdBp,
        rewardShares: policy.rewardShares,
        rateWindow: policy.rateWindow,
        countyLent: fenToYuan(countyUnit.lentFen),
        countyRateBp: countyUnit.rateBp,
        total: fenToYuan(res.totalFen),
        makerId: actor.id,
        lines: { createMany: { data: lines } },
      },
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(a.id),
      countyCode: county,
      after: { year: input.year, totalFen: res.totalFen, lines: lines.length },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: a.id, totalFen: res.totalFen };
  });
}

async function loadInScope(
  actor: Actor,
  id: number,
  t: { action: string; entity: string; entityId: number },
) {
  return requireInScope(actor, await db.rewardAllocation.findUnique({ where: { id } }), t);
}

/** A second person approves (the ledger books each line's amount as owed) or rejects. */
export async function decideReward(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(rewardDecisionInput, raw);
  const target = {
    action: input.decision === "APPROVE" ? "reward.approve" : "reward.reject",
    entity: "RewardAllocation",
    entityId: input.id,
  };
  await requirePermission(actor, "claim.approve", target);
  const a = await loadInScope(actor, input.id, target);
  await requireOtherPerson(
    actor,
    a.makerId,
    { ...target, countyCode: a.countyCode },
    "不能审批自己编制的奖励分配",
  );
  if (input.decision === "REJECT" && !input.note) throw invalid({ note: ["驳回须填写理由"] });
  return db.$transaction(async (tx) => {
    const done = await tx.rewardAllocation.updateMany({
      where: { id: a.id, status: "SUBMITTED" },
      data: {
        status: input.decision === "APPROVE" ? "APPROVED" : "REJECTED",
        approverId: actor.id,
        decidedAt: new Date(),
        decisionNote: input.note ?? null,
        version: { increment: 1 },
      },
    });
    if (done.count === 0) throw conflict("该奖励分配已处理，请刷新");
    if (input.decision === "APPROVE") {
      const lines = await tx.rewardLine.findMany({ where: { allocationId: a.id } });
      await tx.rewardLedgerEntry.createMany({
        data: lines
          .filter((l) => decToFen(l.amount) > 0)
          .map((l) => ({
            countyCode: a.countyCode,
            allocationId: a.id,
            lineId: l.id,
            kind: "ALLOCATED" as const,
            amount: l.amount,
            valueDate: isoToDate(today),
            memo: `${a.year}年奖励资金批准分配`,
            createdById: actor.id,
          })),
      });
    }
    await writeAudit(tx, {
      ...target,
      entityId: String(a.id),
      countyCode: a.countyCode,
      after: { decision: input.decision, note: input.note },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status: input.decision === "APPROVE" ? "APPROVED" : "REJECTED" };
  });
}

/** Staff mark an approved allocation paid: the ledger books each line out on the payment date. */
export async function payReward(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(rewardPaymentInput, raw);
  const target = { action: "reward.pay", entity: "RewardAllocation", entityId: input.id };
  await requirePermission(actor, "claim.write", target);
  const a = await loadInScope(actor, input.id, target);
  if (input.paidDate > today) throw invalid({ paidDate: ["拨付日期不能晚于今天"] });
  return db.$transaction(async (tx) => {
    const done = await tx.rewardAllocation.updateMany({
      where: { id: a.id, status: "APPROVED" },
      data: { status: "PAID", paidDate: isoToDate(input.paidDate), version: { increment: 1 } },
    });
    if (done.count === 0) throw conflict("只有已批准的奖励分配可以登记拨付");
    const lines = await tx.rewardLine.findMany({ where: { allocationId: a.id } });
    await tx.rewardLedgerEntry.createMany({
      data: lines
        .filter((l) => decToFen(l.amount) > 0)
        .map((l) => ({
          countyCode: a.countyCode,
          allocationId: a.id,
          lineId: l.id,
          kind: "PAID" as const,
          amount: fenToYuan(-decToFen(l.amount)),
          valueDate: isoToDate(input.paidDate),
          memo: `${a.year}年奖励资金拨付`,
          createdById: actor.id,
        })),
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(a.id),
      countyCode: a.countyCode,
      after: { paidDate: input.paidDate },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status: "PAID" };
  });
}

export interface RewardView {
  id: number;
  year: number;
  status: string;
  totalFen: number;
  countyLentFen: number;
  countyRateBp: number | null;
  thresholdBp: number;
  rewardRateBp: number;
  shares: number[];
  rateWindow: string;
  paidDate: IsoDate | null;
  decisionNote: string | null;
  mine: boolean;
  lines: {
    id: number;
    kind: string;
    name: string;
    lentFen: number;
    rateBp: number | null;
    amountFen: number;
  }[];
}

/** The allocations of the actor's county (or of a county inside the actor's region), newest first. */
export async function listRewards(
  actor: Actor,
  countyCode?: string,
): Promise<{
  rows: RewardView[];
  canPrepare: boolean;
  canDecide: boolean;
}> {
  const target = { action: "reward.list", entity: "RewardAllocation" };
  await requirePermission(actor, "loan.read", target);
  const county = countyCode && /^\d{6}$/.test(countyCode) ? countyCode : actor.regionCode.slice(0, 6);
  // A county in the actor's region (a city official, an auditor), or the actor's own county.
  if (!isWithin(actor.regionCode, county))
    await requireRegionInScope(actor, county, {
      ...target,
      field: "county",
      message: "请选择您管辖范围内的县",
    });
  const rows = await db.rewardAllocation.findMany({
    where: { countyCode: county },
    include: { lines: { orderBy: [{ kind: "asc" }, { id: "asc" }] } },
    orderBy: { year: "desc" },
  });
  const visible = rows;
  const codes = [...new Set(visible.flatMap((r) => r.lines.map((l) => l.regionCode).filter(Boolean)))];
  const [names, banks] = await Promise.all([
    db.region.findMany({ where: { code: { in: codes as string[] } }, select: { code: true, name: true } }),
    db.bank.findMany({ select: { id: true, name: true } }),
  ]);
  const nameOf = (l: { regionCode: string | null; bankId: number | null }) =>
    l.bankId !== null
      ? (banks.find((b) => b.id === l.bankId)?.name ?? String(l.bankId))
      : (names.find((n) => n.code === l.regionCode)?.name ?? l.regionCode ?? "");
  return {
    rows: visible.map((a) => ({
      id: a.id,
      year: a.year,
      status: a.status,
      totalFen: decToFen(a.total),
      countyLentFen: decToFen(a.countyLent),
      countyRateBp: a.countyRateBp,
      thresholdBp: a.thresholdBp,
      rewardRateBp: a.rewardRateBp,
      shares: a.rewardShares,
      rateWindow: a.rateWindow,
      paidDate: dateToIso(a.paidDate),
      decisionNote: a.decisionNote,
      mine: a.makerId === actor.id,
      lines: a.lines.map((l) => ({
        id: l.id,
        kind: l.kind,
        name: nameOf(l),
        lentFen: decToFen(l.lent),
        rateBp: l.rateBp,
        amountFen: decToFen(l.amount),
      })),
    })),
    canPrepare: can(actor.role, "claim.write") && regionLevel(actor.regionCode) === "COUNTY",
    canDecide: can(actor.role, "claim.approve"),
  };
}
