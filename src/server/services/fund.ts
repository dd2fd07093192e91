import "server-only";
import { yuanField } from "../fields";
import { z } from "zod";
import {
  compensation,
  COMPENSATION_REFUSALS,
  daysPastDue,
  fenToYuan,
  fundRecoveryDue,
  resolvePolicy,
  riskFundPosition,
  RULE_DEFAULTS,
  scopeFilter,
  yuanToFen,
  type FundPosition,
  type IsoDate,
  fundLedgerRunning,
} from "@/domain";
import { Prisma } from "@/generated/prisma/client";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import { AppError, conflict, invalid, parseOrInvalid } from "../errors";
import { dateToIso, decToFen, isoToDate, toInstalment } from "../db-values";
import { todayShanghai } from "../clock";
import { requireInScope, requireOtherPerson, requirePermission, type Actor } from "../authz";
import { loadPolicies } from "./policies";
import { codePrefix, codeRange } from "../prefix";

/**
 * The risk compensation fund (风险补偿金, DOMAIN.md §6–7): an append-only ledger per county (deposits by
 * funding level, compensation payouts, recoveries), its position against the outstanding principal, and
 * compensation claims for loans ≥ N days past due (maker-checker, then paid out of the fund).
 */

async function balanceFen(client: Tx | typeof db, fundId: number): Promise<number> {
  const agg = await client.fundLedgerEntry.aggregate({ where: { fundId }, _sum: { amount: true } });
  return decToFen(agg._sum.amount ?? "0");
}

/**
 * Keeps a compensated loan's recoveries in the fund equal to the rule (src/domain fundRecoveryDue): books the
 * difference between what the fund is owed for the principal recovered since the claim and what its ledger
 * already holds for the claim — positive after a recovery, negative (a compensating entry) after a reversal.
 * Called inside the transaction that changed the loan's journal, with the loan locked; `key` names that change.
 */
export async function syncFundRecovery(
  tx: Tx,
  args: { loanId: number; unpaidNowFen: number; valueDate: Date; key: string; memo: string; actorId: number },
): Promise<number> {
  const claim = await tx.compensationClaim.findFirst({ where: { loanId: args.loanId, status: "PAID" } });
  if (!claim) return 0;
  const due = fundRecoveryDue({
    compensatedFen: decToFen(claim.amount),
    unpaidAtClaimFen: decToFen(claim.unpaidPrincipal),
    unpaidNowFen: args.unpaidNowFen,
  });
  const booked = await tx.fundLedgerEntry.aggregate({
    where: { compensationClaimId: claim.id, kind: "RECOVERY" },
    _sum: { amount: true },
  });
  const deltaFen = due - decToFen(booked._sum.amount ?? "0");
  if (deltaFen === 0) return 0;
  await tx.fundLedgerEntry.create({
    data: {
      fundId: claim.fundId,
      countyCode: claim.countyCode,
      kind: "RECOVERY",
      amount: fenToYuan(deltaFen),
      valueDate: args.valueDate,
      compensationClaimId: claim.id,
      memo: args.memo,
      idempotencyKey: `recovery-${args.key}`,
      createdById: args.actorId,
    },
  });
  return deltaFen;
}

export interface FundSummary {
  id: number;
  name: string;
  countyCode: string;
  balanceFen: number;
  outstandingFen: number;
  leverageCap: number;
  position: FundPosition;
}

export interface FundView extends FundSummary {
  ledger: {
    id: number;
    kind: string;
    fundingLevel: string | null;
    amountFen: number;
    valueDate: IsoDate;
    memo: string | null;
    /** The fund's balance after this entry, entries taken in value-date order. */
    balanceFen: number;
  }[];
  claims: {
    id: number;
    loanId: number;
    applicationNo: string;
    borrowerName: string;
    status: string;
    daysPastDue: number;
    unpaidPrincipalFen: number;
    amountFen: number;
    makerId: number;
    version: number;
  }[];
}

/**
 * The position of every fund whose county starts with `countyPrefix`, in two aggregations (ledger balances
 * by fund, outstanding principal of repaying loans by county and bank) whatever the number of funds.
 * A fund with a bank covers that bank's loans in its county; one without covers all of the county's.
 */
export async function fundPositions(
  countyPrefix: string,
  today: IsoDate = todayShanghai(),
): Promise<FundSummary[]> {
  const range = codeRange(Prisma.raw(`"countyCode"`), countyPrefix);
  const [funds, balances, outstanding, policies] = await Promise.all([
    db.riskFund.findMany({
      where: { countyCode: codePrefix(countyPrefix) },
      orderBy: [{ countyCode: "asc" }, { id: "asc" }],
    }),
    db.$queryRaw<{ fundId: number; balance: string }[]>`
      SELECT "fundId", SUM(amount)::text AS balance FROM "FundLedgerEntry" WHERE ${range} AND "valueDate" <= ${isoToDate(today)} GROUP BY 1`,
    db.$queryRaw<{ countyCode: string; bankId: number; outstanding: string }[]>`
      SELECT "countyCode", "bankId", SUM(principal - "principalRepaid")::text AS outstanding FROM "Loan" WHERE ${range} AND status = 'REPAYING' AND NOT "overCap" GROUP BY 1, 2`,
    loadPolicies(db, "WOMEN"),
  ]);
  return funds.map((f) => {
    const balance = decToFen(balances.find((b) => b.fundId === f.id)?.balance ?? "0");
    const outstandingFen = outstanding
      .filter((o) => o.countyCode === f.countyCode && (f.bankId === null || o.bankId === f.bankId))
      .reduce((s, o) => s + decToFen(o.outstanding), 0);
    // The leverage cap is a policy setting: the women's programme version in force for the county.
    const leverageCap =
      resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: f.countyCode, date: today })
        ?.leverageCap ?? RULE_DEFAULTS.leverageCap;
    return {
      id: f.id,
      name: f.name,
      countyCode: f.countyCode,
      balanceFen: balance,
      outstandingFen,
      leverageCap,
      position: riskFundPosition({ balanceFen: balance, outstandingFen, leverageCap }),
    };
  });
}

/** Funds in the actor's region with their position (balance, coverage, leverage against the cap, headroom). */
export async function listFunds(actor: Actor, today: IsoDate = todayShanghai()): Promise<FundView[]> {
  await requirePermission(actor, "dashboard.read", { action: "fund.read", entity: "RiskFund" });
  const positions = await fundPositions(scopeFilter(actor.regionCode).prefix.slice(0, 6), today);
  return Promise.all(
    positions.map(async (f) => {
      const [ledger, claims] = await Promise.all([
        // Every entry (a county fund has tens to a few hundred): the running balance needs them all.
        db.fundLedgerEntry.findMany({
          where: { fundId: f.id },
          select: { id: true, kind: true, fundingLevel: true, amount: true, valueDate: true, memo: true },
        }),
        db.compensationClaim.findMany({
          where: { fundId: f.id },
          orderBy: { id: "desc" },
          take: 50,
          include: { loan: { select: { applicationNo: true, borrower: { select: { name: true } } } } },
        }),
      ]);
      return {
        ...f,
        // Date order, newest first, with the balance after each entry; the latest 50.
        ledger: fundLedgerRunning(
          ledger.map((e) => ({
            id: e.id,
            kind: e.kind,
            fundingLevel: e.fundingLevel,
            amountFen: decToFen(e.amount),
            valueDate: dateToIso(e.valueDate),
            memo: e.memo,
          })),
        )
          .reverse()
          .slice(0, 50),
        claims: claims.map((c) => ({
          id: c.id,
          loanId: c.loanId,
          applicationNo: c.loan.applicationNo,
          borrowerName: c.loan.borrower.name,
          status: c.status,
          daysPastDue: c.daysPastDue,
          unpaidPrincipalFen: decToFen(c.unpaidPrincipal),
          amountFen: decToFen(c.amount),
          makerId: c.makerId,
          version: c.version,
        })),
      };
    }),
  );
}

export const depositInput = z.object({
  fundId: z.coerce.number().int().positive(),
  fundingLevel: z.enum(["CENTRAL", "PROVINCIAL", "CITY", "COUNTY", "BANK", "OTHER"], {
    message: "请选择出资层级",
  }),
  amount: yuanField("金额"),
  valueDate: z.iso.date({ message: "请填写到账日期" }),
  memo: z.string().trim().max(256).optional(),
  idempotencyKey: z.string().trim().min(8).max(64),
});

export async function depositToFund(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(depositInput, raw);
  const target = { action: "fund.deposit", entity: "RiskFund", entityId: input.fundId };
  await requirePermission(actor, "fund.write", target);
  const fund = await requireInScope(
    actor,
    await db.riskFund.findUnique({ where: { id: input.fundId } }),
    target,
  );
  const amountFen = yuanToFen(input.amount);
  if (amountFen <= 0) throw invalid({ amount: ["金额须大于0"] });
  if (input.valueDate > today) throw invalid({ valueDate: ["到账日期不能晚于今天"] });
  if (await db.fundLedgerEntry.findUnique({ where: { idempotencyKey: input.idempotencyKey } }))
    return { duplicate: true };
  try {
    await db.$transaction(async (tx) => {
      const e = await tx.fundLedgerEntry.create({
        data: {
          fundId: fund.id,
          countyCode: fund.countyCode,
          kind: "DEPOSIT",
          fundingLevel: input.fundingLevel,
          amount: fenToYuan(amountFen),
          valueDate: isoToDate(input.valueDate),
          memo: input.memo ?? null,
          idempotencyKey: input.idempotencyKey,
          createdById: actor.id,
        },
      });
      await writeAudit(tx, {
        ...target,
        entityId: String(fund.id),
        countyCode: fund.countyCode,
        after: { entryId: e.id, ...input },
        outcome: "OK",
        ...actorFields(actor),
      });
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return { duplicate: true };
    throw e;
  }
  return { duplicate: false };
}

export const compensationRequestInput = z.object({ loanId: z.coerce.number().int().positive() });

/** Staff claim compensation for a loan at least N days past due (policy); the amount comes from src/domain. */
export async function requestCompensation(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const { loanId } = parseOrInvalid(compensationRequestInput, raw);
  const target = { action: "compensation.request", entity: "Loan", entityId: loanId };
  await requirePermission(actor, "fund.write", target);
  const loan = await requireInScope(
    actor,
    await db.loan.findUnique({ where: { id: loanId }, include: { instalments: true, policyVersion: true } }),
    target,
  );
  if (loan.status !== "REPAYING") throw conflict("只有还款中的逾期贷款可以申请代偿");
  // DOMAIN §14: a loan lent beyond the fund's cap (超倍数放款) is not guaranteed by it.
  if (loan.overCap) throw conflict("该贷款为超倍数放款，不享受风险补偿金代偿");
  if (
    await db.compensationClaim.findFirst({
      where: { loanId, status: { in: ["SUBMITTED", "APPROVED", "PAID"] } },
    })
  )
    throw conflict("该贷款已有代偿申请");
  const fund = await db.riskFund.findFirst({
    where: { countyCode: loan.countyCode, OR: [{ bankId: loan.bankId }, { bankId: null }] },
    orderBy: { bankId: "asc" },
  });
  if (!fund) throw new AppError("INVALID", "本县尚未设立风险补偿金");
  const dpd = daysPastDue(loan.instalments.map(toInstalment), today);
  const unpaid = decToFen(loan.principal) - decToFen(loan.principalRepaid);
  const yearStart = `${today.slice(0, 4)}-01-01`;
  const paidThisYear = -decToFen(
    (
      await db.fundLedgerEntry.aggregate({
        where: { fundId: fund.id, kind: "COMPENSATION", valueDate: { gte: isoToDate(yearStart) } },
        _sum: { amount: true },
      })
    )._sum.amount ?? "0",
  );
  const res = compensation({
    unpaidPrincipalFen: unpaid,
    daysPastDue: dpd,
    minDaysPastDue: loan.policyVersion.compensationAfterDays,
    fundShareBp: loan.policyVersion.compensationShareBp,
    fundBalanceFen: await balanceFen(db, fund.id),
    annualCapBp: loan.policyVersion.annualCompensationCapBp,
    paidThisYearFen: paidThisYear,
  });
  if (!res.eligible)
    throw new AppError(
      "INVALID",
      `${COMPENSATION_REFUSALS[res.reason]}（逾期 ${dpd} 天，政策要求 ${loan.policyVersion.compensationAfterDays} 天）`,
    );
  return db.$transaction(async (tx) => {
    const c = await tx.compensationClaim.create({
      data: {
        loanId,
        fundId: fund.id,
        countyCode: loan.countyCode,
        asOfDate: isoToDate(today),
        daysPastDue: dpd,
        unpaidPrincipal: fenToYuan(unpaid),
        fundShareBp: loan.policyVersion.compensationShareBp,
        amount: fenToYuan(res.amountFen),
        makerId: actor.id,
      },
    });
    await writeAudit(tx, {
      action: "compensation.request",
      entity: "CompensationClaim",
      entityId: String(c.id),
      countyCode: loan.countyCode,
      after: { loanId, dpd, unpaid, amountFen: res.amountFen, cappedBy: res.cappedBy },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: c.id, amountFen: res.amountFen, daysPastDue: dpd };
  });
}

export const compensationDecisionInput = z.object({
  claimId: z.coerce.number().int().positive(),
  action: z.enum(["APPROVE", "REJECT", "PAY"]),
  paidDate: z.iso.date().optional(),
  note: z.string().trim().max(256).optional(),
  version: z.coerce.number().int().positive(),
});

/** Approval by another person, then payout: the fund ledger gets the (negative) compensation entry. */
export async function decideCompensation(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(compensationDecisionInput, raw);
  const target = {
    action: `compensation.${input.action.toLowerCase()}`,
    entity: "CompensationClaim",
    entityId: input.claimId,
  };
  await requirePermission(actor, input.action === "PAY" ? "fund.write" : "claim.approve", target);
  const claim = await requireInScope(
    actor,
    await db.compensationClaim.findUnique({ where: { id: input.claimId } }),
    target,
  );
  if (input.action !== "PAY")
    await requireOtherPerson(
      actor,
      claim.makerId,
      { ...target, countyCode: claim.countyCode },
      "不能审批自己提交的代偿申请",
    );
  const from = input.action === "PAY" ? "APPROVED" : "SUBMITTED";
  if (claim.status !== from) throw conflict("该申请当前状态不能执行此操作，请刷新");
  const paidDate = input.paidDate ?? today;
  if (input.action === "PAY" && paidDate > today) throw invalid({ paidDate: ["拨付日期不能晚于今天"] });
  return db.$transaction(async (tx) => {
    const status = { APPROVE: "APPROVED", REJECT: "REJECTED", PAY: "PAID" }[input.action] as
      "APPROVED" | "REJECTED" | "PAID";
    const res = await tx.compensationClaim.updateMany({
      where: { id: claim.id, version: input.version },
      data: {
        status,
        version: { increment: 1 },
        ...(input.action === "PAY"
          ? { paidDate: isoToDate(paidDate) }
          : { approverId: actor.id, decidedAt: new Date(), note: input.note ?? null }),
      },
    });
    if (res.count === 0) throw conflict("该申请已被其他人修改，请刷新后重试");
    if (input.action === "PAY") {
      // Locks: the loan (as every change to it does), then the fund, so that two payouts from one fund are
      // serialised and each sees the balance the other left (deposits and recoveries only add; they need none).
      await tx.$executeRaw`SELECT 1 FROM "Loan" WHERE id = ${claim.loanId} FOR UPDATE`;
      await tx.$executeRaw`SELECT 1 FROM "RiskFund" WHERE id = ${claim.fundId} FOR NO KEY UPDATE`;
      const loan = await tx.loan.findUniqueOrThrow({ where: { id: claim.loanId } });
      if (loan.status !== "REPAYING") throw conflict("该贷款已不在还款中，不能拨付代偿");
      const balance = await balanceFen(tx, claim.fundId);
      const amountFen = decToFen(claim.amount);
      if (amountFen > balance) throw new AppError("INVALID", "风险补偿金余额不足");
      await tx.fundLedgerEntry.create({
        data: {
          fundId: claim.fundId,
          countyCode: claim.countyCode,
          kind: "COMPENSATION",
          amount: fenToYuan(-amountFen),
          valueDate: isoToDate(paidDate),
          compensationClaimId: claim.id,
          memo: `代偿贷款 ${claim.loanId}`,
          idempotencyKey: `compensation-${claim.id}`,
          createdById: actor.id,
        },
      });
      await tx.loan.update({
        where: { id: claim.loanId },
        data: { status: "COMPENSATED", version: { increment: 1 } },
      });
      // Principal repaid between the claim and its payout was recovered already: its share goes back now.
      await syncFundRecovery(tx, {
        loanId: claim.loanId,
        unpaidNowFen: decToFen(loan.principal) - decToFen(loan.principalRepaid),
        valueDate: isoToDate(paidDate),
        key: `payout-${claim.id}`,
        memo: `代偿贷款 ${claim.loanId} 申请后至拨付前已还本金（基金份额）`,
        actorId: actor.id,
      });
    }
    await writeAudit(tx, {
      ...target,
      entityId: String(claim.id),
      countyCode: claim.countyCode,
      before: { status: claim.status },
      after: { status, paidDate: input.action === "PAY" ? paidDate : undefined },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status };
  });
}

export const createFundInput = z.object({
  name: z.string().trim().min(4, "请填写名称").max(128, "不能超过128个字"),
  // null as well as "": the action parses the form, then the service parses that output again.
  bankId: z
    .union([z.literal(""), z.null(), z.coerce.number().int().positive()])
    .optional()
    .transform((v) => (v === "" || v == null ? null : v)),
});

/** A county sets up its fund (one for the county, or one per cooperating bank). */
export async function createFund(actor: Actor, raw: unknown) {
  await requirePermission(actor, "fund.write", { action: "fund.create", entity: "RiskFund" });
  const input = parseOrInvalid(createFundInput, raw);
  if (!/^\d{6}$/.test(actor.regionCode)) throw new AppError("FORBIDDEN", "风险补偿金由县级经办人设立");
  if (input.bankId && !(await db.bank.findUnique({ where: { id: input.bankId } })))
    throw invalid({ bankId: ["请选择银行"] });
  if (await db.riskFund.findFirst({ where: { countyCode: actor.regionCode, bankId: input.bankId } }))
    throw invalid({ bankId: ["本县已设立该风险补偿金"] });
  return db.$transaction(async (tx) => {
    const f = await tx.riskFund.create({
      data: { countyCode: actor.regionCode, bankId: input.bankId, name: input.name },
    });
    await writeAudit(tx, {
      action: "fund.create",
      entity: "RiskFund",
      entityId: String(f.id),
      countyCode: f.countyCode,
      after: input,
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: f.id };
  });
}
