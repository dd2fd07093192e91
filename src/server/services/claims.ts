import "server-only";
import { codePrefix } from "../prefix";
import { z } from "zod";
import {
  EXCLUSION_LABELS,
  fenToYuan,
  claimDeadlines,
  claimSteps,
  loanClaimLine,
  regionLevel,
  resolvePolicy,
  replayJournal,
  scopeFilter,
  settlementPeriod,
  splitClaimByLevels,
  exclusionText,
  type ClaimDeadlines,
  type ClaimLoan,
  type ClaimStatusCode,
  type ClaimStepKey,
  type IsoDate,
} from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { AppError, conflict, invalid, parseOrInvalid } from "../errors";
import { dateToIso, decToFen, isoToDate, toInstalment, toJournalEntry } from "../db-values";
import { todayShanghai } from "../clock";
import { requireInScope, requireOtherPerson, requirePermission, type Actor } from "../authz";
import { loadLpr, loadPolicies } from "./policies";

/**
 * Quarterly interest-subsidy claims (DOMAIN.md §2, issue 5): generated from the loans and the journal,
 * per loan line (days, principal, interest, subsidy, borrower share, excluded days with the reason) and
 * per finance level (largest remainder). Totals equal the sums of the lines to the fen.
 * DRAFT → SUBMITTED (staff) → APPROVED (another person) → PAID.
 */

export const generateClaimInput = z.object({
  bankId: z.coerce.number().int().positive({ message: "请选择银行" }),
  year: z.coerce.number().int().min(2009, "年份不正确").max(2100, "年份不正确"),
  quarter: z.coerce.number().int().min(1, "季度为1–4").max(4, "季度为1–4"),
});

const LEVELS = ["CENTRAL", "PROVINCIAL", "CITY", "COUNTY"] as const;

export async function generateClaim(actor: Actor, raw: unknown, today = todayShanghai()) {
  await requirePermission(actor, "claim.write", { action: "claim.generate", entity: "SubsidyClaim" });
  const input = parseOrInvalid(generateClaimInput, raw);
  if (regionLevel(actor.regionCode) !== "COUNTY") throw new AppError("FORBIDDEN", "贴息申请由县级经办人生成");
  const countyCode = actor.regionCode;
  const period = settlementPeriod({ year: input.year, quarter: input.quarter as 1 | 2 | 3 | 4 });
  if (period.end >= today) throw invalid({ quarter: [`该季度结息日 ${period.end} 尚未过去，不能申请`] });

  const [loans, lpr, policies] = await Promise.all([
    loadClaimLoans({ countyCode, bankId: input.bankId, accruingFrom: period.start, disbursedBy: period.end }),
    loadLpr(),
    loadPolicies(),
  ]);
  const lines = loans.flatMap((l) => loanClaimLine(l, period, policies, lpr) ?? []);
  if (lines.length === 0) throw invalid({ quarter: ["该银行本季度没有需要贴息的贷款"] });

  const totals = lines.reduce(
    (t, x) => ({ i: t.i + x.res.interestFen, s: t.s + x.res.subsidyFen, b: t.b + x.res.borrowerFen }),
    { i: 0, s: 0, b: 0 },
  );
  const levelTotals = splitClaimByLevels(
    lines.map((x) => ({ subsidyFen: x.res.subsidyFen, shares: x.shares })),
  );

  return db.$transaction(async (tx) => {
    const existing = await tx.subsidyClaim.findUnique({
      where: {
        countyCode_bankId_year_quarter: {
          countyCode,
          bankId: input.bankId,
          year: input.year,
          quarter: input.quarter,
        },
      },
    });
    if (existing && existing.status !== "DRAFT" && existing.status !== "REJECTED")
      throw conflict("该季度的贴息申请已提交，不能重新生成");
    if (existing) {
      await tx.subsidyClaimLine.deleteMany({ where: { claimId: existing.id } });
      // A comparison with the bank's statement belongs to the lines it was made on: upload it again.
      await tx.claimBankLine.deleteMany({ where: { claimId: existing.id } });
      await tx.subsidyClaimSplit.deleteMany({ where: { claimId: existing.id } });
    }
    const data = {
      periodStart: isoToDate(period.start),
      periodEnd: isoToDate(period.end),
      status: "DRAFT" as const,
      interestTotal: fenToYuan(totals.i),
      subsidyTotal: fenToYuan(totals.s),
      borrowerTotal: fenToYuan(totals.b),
      makerId: actor.id,
      approverId: null,
      decidedAt: null,
    };
    const claim = existing
      ? await tx.subsidyClaim.update({
          where: { id: existing.id },
          data: { ...data, version: { increment: 1 } },
        })
      : await tx.subsidyClaim.create({
          data: { ...data, countyCode, bankId: input.bankId, year: input.year, quarter: input.quarter },
        });
    await tx.subsidyClaimLine.createMany({
      data: lines.map((x) => ({
        claimId: claim.id,
        loanId: x.loanId,
        countyCode,
        days: x.res.days,
        excludedDays: x.res.excludedDays,
        excludedReason: x.res.excludedReasons.map((r) => EXCLUSION_LABELS[r]).join("；") || null,
        principal: fenToYuan(x.principalFen),
        contractRateBp: x.contractRateBp,
        borrowerRateBp: x.borrowerRateBp,
        interest: fenToYuan(x.res.interestFen),
        subsidy: fenToYuan(x.res.subsidyFen),
        borrowerShare: fenToYuan(x.res.borrowerFen),
        balanceDays: fenToYuan(x.balance.balanceFenDays),
        excludedBalanceDays: fenToYuan(x.balance.excludedFenDays),
      })),
    });
    await tx.subsidyClaimSplit.createMany({
      data: LEVELS.map((level, k) => ({
        claimId: claim.id,
        countyCode,
        level,
        amount: fenToYuan(levelTotals[k]!),
      })),
    });
    await writeAudit(tx, {
      action: "claim.generate",
      entity: "SubsidyClaim",
      entityId: String(claim.id),
      countyCode,
      after: { ...input, lines: lines.length, subsidyFen: totals.s },
      outcome: "OK",
      ...actorFields(actor),
    });
    return {
      id: claim.id,
      lines: lines.length,
      interestFen: totals.i,
      subsidyFen: totals.s,
      borrowerFen: totals.b,
      levelsFen: levelTotals,
    };
  });
}

/**
 * The county's disbursed loans (of one bank, or all) as a claim reads them: the accrual facts from the loan
 * and its journal. Used to generate a quarter's claim and to recompute the year (the settlement).
 */
export async function loadClaimLoans(where: {
  countyCode: string;
  bankId?: number;
  /** The first day of the first period: a loan settled (结清) before it accrues nothing and is left out. */
  accruingFrom: IsoDate;
  disbursedBy: IsoDate;
}): Promise<ClaimLoan[]> {
  const from = isoToDate(where.accruingFrom);
  const loans = await db.loan.findMany({
    where: {
      countyCode: where.countyCode,
      ...(where.bankId ? { bankId: where.bankId } : {}),
      disbursedDate: { lte: isoToDate(where.disbursedBy) },
      status: { in: ["REPAYING", "CLOSED", "COMPENSATED", "WRITTEN_OFF", "VOIDED"] },
      // Closed loans only if they could still owe principal on or after `accruingFrom` (the 2014 cohort is not read).
      OR: [
        { status: { not: "CLOSED" } },
        { maturityDate: { gte: from } },
        { extendedMaturityDate: { gte: from } },
        { repayments: { some: { valueDate: { gte: from } } } },
      ],
    },
    orderBy: { id: "asc" },
    include: {
      instalments: { orderBy: { seq: "asc" } },
      repayments: { orderBy: { id: "asc" } },
      programme: { select: { code: true } },
    },
  });
  return loans.flatMap((l) => {
    if (!l.disbursedDate || !l.maturityDate || l.contractRateBp === null) return [];
    const state = replayJournal(l.instalments.map(toInstalment), l.repayments.map(toJournalEntry));
    return [
      {
        id: l.id,
        bankId: l.bankId,
        programmeCode: l.programme.code,
        regionCode: l.villageCode,
        contractRateBp: l.contractRateBp,
        facts: {
          disbursedDate: dateToIso(l.disbursedDate),
          principalFen: decToFen(l.principal),
          originalMaturity: dateToIso(l.maturityDate),
          extended: l.extendedMaturityDate !== null,
          voidedDate: dateToIso(l.voidedDate),
          overCap: l.overCap,
          principalPayments: state.principalPayments,
          principalDues: state.instalments
            .filter((i) => i.principalDueFen > 0)
            .map((i) => ({ dueDate: i.dueDate, amountFen: i.principalDueFen })),
        },
      },
    ];
  });
}

export const claimTransitionInput = z.object({
  claimId: z.coerce.number().int().positive(),
  action: z.enum(["SUBMIT", "APPROVE", "REJECT", "PAY"]),
  payee: z.enum(["BANK", "BORROWER"]).optional(),
  paidDate: z.iso.date().optional(),
  note: z.string().trim().max(256).optional(),
  version: z.coerce.number().int().positive(),
});

/** Moves a claim along DRAFT → SUBMITTED → APPROVED → PAID; approval and rejection by someone other than the maker. */
export async function transitionClaim(actor: Actor, raw: unknown, today = todayShanghai()) {
  const input = parseOrInvalid(claimTransitionInput, raw);
  const target = {
    action: `claim.${input.action.toLowerCase()}`,
    entity: "SubsidyClaim",
    entityId: input.claimId,
  };
  await requirePermission(
    actor,
    input.action === "APPROVE" || input.action === "REJECT" ? "claim.approve" : "claim.write",
    target,
  );
  const claim = await requireInScope(
    actor,
    await db.subsidyClaim.findUnique({ where: { id: input.claimId } }),
    target,
  );
  const from = {
    SUBMIT: ["DRAFT", "REJECTED"],
    APPROVE: ["SUBMITTED"],
    REJECT: ["SUBMITTED"],
    PAY: ["APPROVED"],
  }[input.action];
  if (!from.includes(claim.status)) throw conflict("该申请当前状态不能执行此操作，请刷新");
  if (input.action === "APPROVE" || input.action === "REJECT")
    await requireOtherPerson(
      actor,
      claim.makerId,
      { ...target, countyCode: claim.countyCode },
      "不能审批自己生成的贴息申请",
    );
  if (input.action === "SUBMIT") {
    // The bank's interest statement, when checked against the claim: each difference needs a reason first.
    const open = await db.claimBankLine.count({
      where: { claimId: claim.id, cause: { not: null }, reason: null },
    });
    if (open > 0)
      throw invalid(
        { claimId: [`与银行利息清单有 ${open} 处差异尚未填写原因，请逐条说明后再提交`] },
        `与银行利息清单有 ${open} 处差异尚未填写原因，请逐条说明后再提交`,
      );
  }
  if (input.action === "REJECT" && !input.note) throw invalid({ note: ["驳回须填写理由"] });
  if (input.action === "PAY" && (!input.payee || !input.paidDate))
    throw invalid({ paidDate: ["请填写拨付日期和拨付对象"] });
  if (input.action === "PAY" && input.paidDate! > today)
    throw invalid({ paidDate: ["拨付日期不能晚于今天"] });
  const status = { SUBMIT: "SUBMITTED", APPROVE: "APPROVED", REJECT: "REJECTED", PAY: "PAID" }[
    input.action
  ] as "SUBMITTED" | "APPROVED" | "REJECTED" | "PAID";
  return db.$transaction(async (tx) => {
    const res = await tx.subsidyClaim.updateMany({
      where: { id: claim.id, version: input.version },
      data: {
        status,
        version: { increment: 1 },
        ...(input.action === "APPROVE" || input.action === "REJECT"
          ? { approverId: actor.id, decidedAt: new Date(), note: input.note ?? null }
          : {}),
        ...(input.action === "SUBMIT" ? { submittedAt: new Date() } : {}),
        ...(input.action === "PAY" ? { payee: input.payee, paidDate: isoToDate(input.paidDate!) } : {}),
      },
    });
    if (res.count === 0) throw conflict("该申请已被其他人修改，请刷新后重试");
    await writeAudit(tx, {
      ...target,
      entityId: String(claim.id),
      countyCode: claim.countyCode,
      before: { status: claim.status },
      after: { status, payee: input.payee, paidDate: input.paidDate, note: input.note },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status };
  });
}

/** Claims in the actor's region, newest quarter first. */
export async function listClaims(actor: Actor) {
  await requirePermission(actor, "loan.read", { action: "claim.list", entity: "SubsidyClaim" });
  const prefix = scopeFilter(actor.regionCode).prefix.slice(0, 6);
  const rows = await db.subsidyClaim.findMany({
    where: { countyCode: codePrefix(prefix) },
    orderBy: [{ year: "desc" }, { quarter: "desc" }, { countyCode: "asc" }, { bankId: "asc" }],
    take: 200,
    include: { bank: { select: { name: true } }, _count: { select: { lines: true } } },
  });
  return rows.map((c) => ({
    id: c.id,
    countyCode: c.countyCode,
    bankName: c.bank.name,
    year: c.year,
    quarter: c.quarter,
    status: c.status,
    lines: c._count.lines,
    interestFen: decToFen(c.interestTotal),
    subsidyFen: decToFen(c.subsidyTotal),
    borrowerFen: decToFen(c.borrowerTotal),
    paidDate: dateToIso(c.paidDate),
  }));
}

/**
 * The deadlines of a claim's steps: those of the policies its lines fall under (resolved for the county on the
 * settlement date), the shortest of each; the defaults when none applies.
 */
async function deadlinesOf(
  countyCode: string,
  periodEnd: IsoDate,
  programmeCodes: readonly string[],
  policies?: Awaited<ReturnType<typeof loadPolicies>>,
) {
  policies ??= await loadPolicies();
  return claimDeadlines(
    [...new Set(programmeCodes)].flatMap(
      (programmeCode) =>
        resolvePolicy(policies!, { programmeCode, regionCode: countyCode, date: periodEnd }) ?? [],
    ),
  );
}

/** The steps of a claim (generated → submitted → approved → paid) with their dates and deadlines. */
export function stepsOf(
  c: {
    status: ClaimStatusCode;
    periodEnd: Date;
    createdAt: Date;
    submittedAt: Date | null;
    decidedAt: Date | null;
    paidDate: Date | null;
  },
  deadlines: ClaimDeadlines,
  today: IsoDate,
) {
  const passed = (s: ClaimStatusCode[]) => s.includes(c.status);
  return {
    deadlines,
    ...claimSteps({
      settlementDate: dateToIso(c.periodEnd),
      status: c.status,
      generatedOn: todayShanghai(c.createdAt),
      submittedOn:
        c.submittedAt && passed(["SUBMITTED", "APPROVED", "PAID"]) ? todayShanghai(c.submittedAt) : null,
      approvedOn: c.decidedAt && passed(["APPROVED", "PAID"]) ? todayShanghai(c.decidedAt) : null,
      paidOn: c.status === "PAID" ? dateToIso(c.paidDate) : null,
      deadlines,
      today,
    }),
  };
}

/**
 * The county's claims still in progress whose waiting step is past its deadline (the home page's work list):
 * for staff a submission or a payment to register, for an approver an approval. Oldest quarter first.
 */
export async function lateClaims(actor: Actor, today: IsoDate = todayShanghai()) {
  await requirePermission(actor, "loan.read", { action: "claim.late", entity: "SubsidyClaim" });
  if (regionLevel(actor.regionCode) !== "COUNTY") return [];
  const mine: ClaimStepKey[] =
    actor.role === "COUNTY_APPROVER"
      ? ["APPROVED"]
      : actor.role === "COUNTY_STAFF"
        ? ["SUBMITTED", "PAID"]
        : [];
  if (mine.length === 0) return [];
  const [rows, policies] = await Promise.all([
    db.subsidyClaim.findMany({
      where: { countyCode: actor.regionCode, status: { in: ["DRAFT", "REJECTED", "SUBMITTED", "APPROVED"] } },
      orderBy: [{ year: "asc" }, { quarter: "asc" }, { bankId: "asc" }],
      include: {
        bank: { select: { name: true } },
        lines: { select: { loan: { select: { programme: { select: { code: true } } } } } },
      },
    }),
    loadPolicies(),
  ]);
  const out = [];
  for (const c of rows) {
    const deadlines = await deadlinesOf(
      c.countyCode,
      dateToIso(c.periodEnd),
      c.lines.map((l) => l.loan.programme.code),
      policies,
    );
    const s = stepsOf(c, deadlines, today);
    const step = s.steps.find((x) => x.state === "OVERDUE");
    if (!step || !mine.includes(step.step)) continue;
    out.push({
      id: c.id,
      bankName: c.bank.name,
      year: c.year,
      quarter: c.quarter,
      step: step.step,
      deadline: step.deadline!,
      daysLate: step.daysLate,
    });
  }
  return out;
}

export async function getClaim(actor: Actor, id: number, today = todayShanghai()) {
  const target = { action: "claim.read", entity: "SubsidyClaim", entityId: id };
  await requirePermission(actor, "loan.read", target);
  const c = await requireInScope(
    actor,
    await db.subsidyClaim.findUnique({
      where: { id },
      include: {
        bank: { select: { name: true } },
        lines: {
          orderBy: { loanId: "asc" },
          include: {
            loan: {
              select: {
                applicationNo: true,
                borrower: { select: { name: true } },
                programme: { select: { code: true } },
              },
            },
          },
        },
        splits: { orderBy: { id: "asc" } },
      },
    }),
    target,
  );
  const deadlines = await deadlinesOf(
    c.countyCode,
    dateToIso(c.periodEnd),
    c.lines.map((l) => l.loan.programme.code),
  );
  return {
    id: c.id,
    version: c.version,
    steps: stepsOf(c, deadlines, today),
    countyCode: c.countyCode,
    bankId: c.bankId,
    bankName: c.bank.name,
    year: c.year,
    quarter: c.quarter,
    periodStart: dateToIso(c.periodStart),
    periodEnd: dateToIso(c.periodEnd),
    status: c.status,
    payee: c.payee,
    paidDate: dateToIso(c.paidDate),
    note: c.note,
    makerId: c.makerId,
    interestFen: decToFen(c.interestTotal),
    subsidyFen: decToFen(c.subsidyTotal),
    borrowerFen: decToFen(c.borrowerTotal),
    splits: c.splits.map((s) => ({ level: s.level, amountFen: decToFen(s.amount) })),
    lines: c.lines.map((l) => ({
      loanId: l.loanId,
      applicationNo: l.loan.applicationNo,
      borrowerName: l.loan.borrower.name,
      days: l.days,
      excludedDays: l.excludedDays,
      excludedReason: exclusionText(l.excludedReason),
      principalFen: decToFen(l.principal),
      contractRateBp: l.contractRateBp,
      borrowerRateBp: l.borrowerRateBp,
      interestFen: decToFen(l.interest),
      subsidyFen: decToFen(l.subsidy),
      borrowerFen: decToFen(l.borrowerShare),
      /** 积数 in fen·days (shown as 元·天); null on lines made before it was kept. */
      balanceFenDays: l.balanceDays === null ? null : decToFen(l.balanceDays),
      excludedBalanceFenDays: l.excludedBalanceDays === null ? null : decToFen(l.excludedBalanceDays),
    })),
  };
}
