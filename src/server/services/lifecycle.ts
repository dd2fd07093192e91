import "server-only";
import { z } from "zod";
import {
  can,
  daysPastDue,
  maskIdNumber,
  borrowerRateBp,
  buildSchedule,
  contractRateCapBp,
  fenToYuan,
  formatYuan,
  lprOn,
  parsePercentEntry,
  REPAYMENT_METHODS,
  replayJournal,
  resolvePolicy,
  yuanToFen,
  type IsoDate,
  exclusionText,
  loanEligibility,
  creditCheck,
} from "@/domain";
import { Prisma } from "@/generated/prisma/client";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import { conflict, invalid, parseOrInvalid } from "../errors";
import { dateToIso, decToFen, isoToDate, toInstalment, toJournalEntry } from "../db-values";
import { todayShanghai } from "../clock";
import { yuanField, percentField } from "../fields";
import { requireInScope, requireOtherPerson, requirePermission, type Actor } from "../authz";
import { syncFundRecovery } from "./fund";
import {
  eligibilityErrors,
  eligibilityRules,
  WINDOW_NAMES,
  headroomFor,
  lockCountyFund,
  overCapSentence,
  suspensionsOf,
  type Headroom,
  type RegionSuspension,
} from "../read-models/rules";
import { loadLpr, loadPolicies } from "./policies";
import { surveyFields, surveyProblems, surveySelect, toSurveyDto, type SurveyDto } from "./survey";
import { creditErrors, ratingsOf } from "./credit";

/**
 * The loan lifecycle (DOMAIN.md "Lifecycle of a loan"): application → approval by a second person →
 * disbursement with its schedule → repayments in an append-only journal (corrected by reversals).
 * Every operation is one transaction with its audit event; every rule comes from src/domain.
 */

const yuan = yuanField;
const isoDate = (label: string) => z.iso.date({ message: `请填写${label}（年-月-日）` });

export const applicationInput = z.object({
  borrowerId: z.coerce.number().int().positive({ message: "请选择借款人" }),
  programmeCode: z.enum(["WOMEN", "POVERTY"], { message: "请选择贷款项目" }),
  amount: yuan("申请金额"),
  termMonths: z.coerce
    .number({ message: "请填写期限" })
    .int("期限须为整月")
    .min(1, "期限至少1个月")
    .max(60, "期限不能超过60个月"),
  method: z.enum(REPAYMENT_METHODS, { message: "请选择还款方式" }),
  purpose: z.string().trim().min(2, "请填写贷款用途").max(128, "不能超过128个字"),
  industry: z.string().trim().min(1, "请填写产业").max(64, "不能超过64个字"),
  guaranteeType: z.enum(["NONE", "GUARANTEE_FUND", "PERSONAL", "COLLATERAL"], { message: "请选择担保方式" }),
  bankId: z.coerce.number().int().positive({ message: "请选择贷款银行" }),
  applicationDate: isoDate("申请日期").optional(),
  // 贷前摸底调查 (issue 23 item 2): the household survey is part of the application.
  ...surveyFields,
});

export const decisionInput = z
  .object({
    loanId: z.coerce.number().int().positive(),
    decision: z.enum(["APPROVE", "REJECT"]),
    reason: z.string().trim().max(256, "不能超过256个字").optional(),
    /** 贷中审查: the approver's review notes (what was checked, on what it rests). */
    reviewNote: z.string().trim().max(512, "审查意见不能超过512个字").optional(),
    version: z.coerce.number().int().positive(),
  })
  .refine((d) => d.decision === "APPROVE" || (d.reason?.length ?? 0) >= 2, {
    message: "驳回须填写理由",
    path: ["reason"],
  });

export const disbursementInput = z.object({
  loanId: z.coerce.number().int().positive(),
  contractNo: z.string().trim().min(4, "请填写借款合同号").max(64, "合同号过长"),
  disbursedDate: isoDate("放款日期"),
  amount: yuan("放款金额"),
  /** Percent, as on every screen and the import template ("4.35"); the service turns it into basis points. */
  contractRate: percentField("合同利率", 2000),
  version: z.coerce.number().int().positive(),
});

export const repaymentInput = z.object({
  loanId: z.coerce.number().int().positive(),
  valueDate: isoDate("还款日期"),
  principal: yuan("本金"),
  interest: yuan("利息"),
  penalty: yuan("罚息").optional().default("0.00"),
  idempotencyKey: z.string().trim().min(8).max(64),
});

export const reversalInput = z.object({
  entryId: z.coerce.number().int().positive(),
  reason: z.string().trim().min(2, "请填写冲正原因").max(256, "不能超过256个字"),
  idempotencyKey: z.string().trim().min(8).max(64),
});

/** Staff enter an application; the policy in force for the borrower's county and the date is applied. */
export async function applyForLoan(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  await requirePermission(actor, "loan.write", { action: "loan.apply", entity: "Loan" });
  const input = parseOrInvalid(applicationInput, raw);
  const applicationDate = input.applicationDate ?? today;
  if (applicationDate > today) throw invalid({ applicationDate: ["申请日期不能晚于今天"] });
  const borrower = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: input.borrowerId },
      select: { id: true, countyCode: true, villageCode: true, sex: true, birthDate: true, name: true },
    }),
    { action: "loan.apply", entity: "Borrower", entityId: input.borrowerId },
  );
  const policy = resolvePolicy(await loadPolicies(db, input.programmeCode), {
    programmeCode: input.programmeCode,
    regionCode: borrower.villageCode,
    date: applicationDate,
  });
  if (!policy)
    throw invalid({ programmeCode: [`${applicationDate} 本县没有生效的该项目政策，请联系管理员`] });
  const amountFen = yuanToFen(input.amount);
  const errors: Record<string, string[]> = surveyProblems(input, {
    applicationDate,
    today,
    amount: input.amount,
  });
  if (!(await db.bank.findUnique({ where: { id: input.bankId } }))) errors.bankId = ["请选择贷款银行"];
  const previous = await db.loan.findMany({
    where: { borrowerId: borrower.id, programme: { code: input.programmeCode }, status: { not: "REJECTED" } },
    select: { status: true },
  });
  // DOMAIN §13: a suspended township or village takes no new applications (the months and rates say why).
  const suspensions = await suspensionsOf(db, borrower.villageCode, policy, applicationDate);
  const problems = loanEligibility({
    rules: eligibilityRules(policy),
    on: applicationDate,
    borrower: { sex: borrower.sex, birthDate: dateToIso(borrower.birthDate) },
    amountFen,
    termMonths: input.termMonths,
    previousLoans: previous,
    suspensions,
  });
  for (const [field, messages] of Object.entries(eligibilityErrors(problems, policy.name)))
    (errors[field] ??= []).push(...messages);
  // DOMAIN §18: the credit limit of the household's approved rating in force (and, by policy, a rating at all).
  const credit = creditCheck({
    ratings: await ratingsOf(db, borrower.id),
    on: applicationDate,
    amountFen,
    ratingRequired: policy.creditRatingRequired,
  });
  for (const [field, messages] of Object.entries(creditErrors(credit, policy.name)))
    (errors[field] ??= []).push(...messages);
  if (Object.keys(errors).length) throw invalid(errors);

  return db.$transaction(async (tx) => {
    // The id is drawn first so the application number can carry it.
    const rows = await tx.$queryRaw<
      { id: bigint }[]
    >`SELECT nextval(pg_get_serial_sequence('"Loan"', 'id')) AS id`;
    const id = Number(rows[0]!.id);
    const loan = await tx.loan.create({
      data: {
        id,
        countyCode: borrower.countyCode,
        villageCode: borrower.villageCode,
        borrowerId: borrower.id,
        programmeId: policy.programmeId,
        policyVersionId: policy.id,
        bankId: input.bankId,
        applicationNo: `SQ${borrower.countyCode}${applicationDate.replaceAll("-", "")}${String(id).padStart(5, "0")}`,
        requestedPrincipal: fenToYuan(amountFen),
        termMonths: input.termMonths,
        method: input.method,
        purpose: input.purpose,
        industry: input.industry,
        guaranteeType: input.guaranteeType,
        applicationDate: isoToDate(applicationDate),
        makerId: actor.id,
      },
      select: { id: true, applicationNo: true, countyCode: true },
    });
    await tx.loanSurvey.create({
      data: {
        loanId: loan.id,
        countyCode: loan.countyCode,
        surveyDate: isoToDate(input.surveyDate),
        householdSize: input.householdSize,
        labourers: input.labourers,
        household: input.household,
        annualIncome: fenToYuan(yuanToFen(input.annualIncome)),
        incomeSource: input.incomeSource,
        project: input.project,
        projectInvestment: fenToYuan(yuanToFen(input.projectInvestment)),
        surveyedById: actor.id,
      },
    });
    await writeAudit(tx, {
      action: "loan.apply",
      entity: "Loan",
      entityId: String(loan.id),
      countyCode: loan.countyCode,
      after: { ...input, applicationDate, policy: policy.name },
      outcome: "OK",
      ...actorFields(actor),
    });
    return loan;
  });
}

export async function lockLoan(tx: Tx, loanId: number) {
  // Serialises every change to one loan (postings, decisions, disbursement) across requests.
  await tx.$executeRaw`SELECT 1 FROM "Loan" WHERE id = ${loanId} FOR UPDATE`;
  return tx.loan.findUniqueOrThrow({ where: { id: loanId } });
}

/** A second person approves or rejects; nobody approves their own entry. */
export async function decideApplication(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(decisionInput, raw);
  const target = {
    action: input.decision === "APPROVE" ? "loan.approve" : "loan.reject",
    entity: "Loan",
    entityId: input.loanId,
  };
  await requirePermission(actor, "loan.approve", target);
  const loan = await requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id: input.loanId },
      select: { id: true, countyCode: true, villageCode: true, makerId: true },
    }),
    target,
  );
  await requireOtherPerson(
    actor,
    loan.makerId,
    { ...target, countyCode: loan.countyCode },
    "不能审批自己录入的申请，请由另一位审核人审批",
  );
  return db.$transaction(async (tx) => {
    const current = await lockLoan(tx, loan.id);
    if (current.status !== "APPLIED") throw conflict("该申请已处理，请刷新");
    if (current.version !== input.version) throw conflict("该记录已被其他人修改，请刷新后重试");
    const status = input.decision === "APPROVE" ? "APPROVED" : "REJECTED";
    await tx.loan.update({
      where: { id: loan.id },
      data: {
        status,
        approverId: actor.id,
        decidedAt: new Date(),
        rejectReason: input.reason ?? null,
        reviewNote: input.reviewNote || null,
        version: { increment: 1 },
      },
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(loan.id),
      countyCode: loan.countyCode,
      before: { status: current.status },
      after: { status, reason: input.reason, reviewNote: input.reviewNote || undefined },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { status };
  });
}

/** Disbursement: bank contract, date, amount and rate; the schedule is generated from src/domain. */
export async function disburseLoan(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(disbursementInput, raw);
  const target = { action: "loan.disburse", entity: "Loan", entityId: input.loanId };
  await requirePermission(actor, "loan.write", target);
  const loan = await requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id: input.loanId },
      select: { id: true, countyCode: true, villageCode: true },
    }),
    target,
  );
  if (input.disbursedDate > today) throw invalid({ disbursedDate: ["放款日期不能晚于今天"] });
  return db.$transaction(async (tx) => {
    const current = await lockLoan(tx, loan.id);
    if (current.status !== "APPROVED") throw conflict("只有已审核的申请才能放款");
    if (current.version !== input.version) throw conflict("该记录已被其他人修改，请刷新后重试");
    if (input.disbursedDate < dateToIso(current.applicationDate))
      throw invalid({ disbursedDate: ["放款日期不能早于申请日期"] });
    const amountFen = yuanToFen(input.amount);
    if (amountFen <= 0 || amountFen > decToFen(current.requestedPrincipal))
      throw invalid({
        amount: [`放款金额须大于0且不超过审批金额 ${formatYuan(decToFen(current.requestedPrincipal))}`],
      });
    const policy = await tx.policyVersion.findUniqueOrThrow({ where: { id: current.policyVersionId } });
    const lpr = await loadLpr(tx);
    let lprs: { oneYearBp: number; fiveYearBp: number };
    try {
      lprs = {
        oneYearBp: lprOn(lpr, input.disbursedDate, "ONE_YEAR"),
        fiveYearBp: lprOn(lpr, input.disbursedDate, "FIVE_YEAR"),
      };
    } catch {
      throw invalid({ disbursedDate: ["该日期没有已公布的LPR，请管理员先录入"] });
    }
    const cap = contractRateCapBp(
      { rateRule: policy.rateRule, rateCapSpreadBp: policy.rateCapSpreadBp },
      lprs,
      current.termMonths,
    );
    const rate = parsePercentEntry(input.contractRate);
    if (!rate.ok) throw invalid({ contractRate: ["合同利率以百分数填写，如 4.35"] });
    const contractRateBp = rate.value;
    const problems = loanEligibility({
      rules: eligibilityRules(policy),
      on: input.disbursedDate,
      contractRateBp,
      rateCapBp: cap,
    });
    if (problems.length) throw invalid(eligibilityErrors(problems, policy.name));
    // DOMAIN §14: the fund's leverage cap. Decisions that move one county's outstanding are serialised.
    await lockCountyFund(tx, loan.countyCode);
    const headroom = await headroomFor(tx, {
      countyCode: loan.countyCode,
      bankId: current.bankId,
      amountFen,
      policy,
      today: input.disbursedDate,
    });
    const overCap = headroom?.overCap ?? false;
    if (overCap && headroom!.overCapMode === "REFUSE")
      throw invalid({ amount: [overCapSentence(headroom!, amountFen)] });
    const bRate = borrowerRateBp(
      { subsidyMode: policy.subsidyMode, borrowerSpreadBp: policy.borrowerSpreadBp },
      lprs.oneYearBp,
      contractRateBp,
    );
    const schedule = buildSchedule({
      principalFen: amountFen,
      rateBp: contractRateBp,
      startDate: input.disbursedDate,
      termMonths: current.termMonths,
      method: current.method,
      basis: policy.dayCountBasis,
      annualSettlement: policy.settlement === "ANNUAL_DEC_20TH",
    });
    await tx.instalment.createMany({
      data: schedule.map((l) => ({
        loanId: loan.id,
        countyCode: loan.countyCode,
        seq: l.seq,
        dueDate: isoToDate(l.dueDate),
        principalDue: fenToYuan(l.principalFen),
        interestDue: fenToYuan(l.interestFen),
      })),
    });
    await tx.loan.update({
      where: { id: loan.id },
      data: {
        status: "REPAYING",
        contractNo: input.contractNo,
        principal: fenToYuan(amountFen),
        contractRateBp,
        borrowerRateBp: bRate,
        disbursedDate: isoToDate(input.disbursedDate),
        maturityDate: isoToDate(schedule.at(-1)!.dueDate),
        disbursedById: actor.id,
        overCap,
        version: { increment: 1 },
      },
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(loan.id),
      countyCode: loan.countyCode,
      after: {
        ...input,
        borrowerRateBp: bRate,
        instalments: schedule.length,
        ...(headroom ? { headroomFen: headroom.headroomFen, cap: headroom.cap } : {}),
        ...(overCap ? { overCap: true } : {}),
      },
      outcome: "OK",
      ...actorFields(actor),
    });
    return {
      instalments: schedule.length,
      maturityDate: schedule.at(-1)!.dueDate,
      borrowerRateBp: bRate,
      // 超倍数放款 (policy FLAG): the form says so; absent when within the cap.
      ...(overCap ? { overCap: true as const } : {}),
    };
  });
}

/** Re-derives instalment states and loan totals from the whole journal (replay) inside the transaction. */
async function applyJournal(tx: Tx, loanId: number) {
  const [instalments, entries] = await Promise.all([
    tx.instalment.findMany({ where: { loanId }, orderBy: { seq: "asc" } }),
    tx.repaymentEntry.findMany({ where: { loanId }, orderBy: { id: "asc" } }),
  ]);
  const state = replayJournal(instalments.map(toInstalment), entries.map(toJournalEntry));
  for (const s of state.instalments) {
    const row = instalments.find((i) => i.seq === s.seq)!;
    if (
      decToFen(row.principalPaid) !== s.principalPaidFen ||
      decToFen(row.interestPaid) !== s.interestPaidFen ||
      dateToIso(row.paidDate) !== s.paidDate
    ) {
      await tx.instalment.update({
        where: { id: row.id },
        data: {
          principalPaid: fenToYuan(s.principalPaidFen),
          interestPaid: fenToYuan(s.interestPaidFen),
          paidDate: s.paidDate ? isoToDate(s.paidDate) : null,
        },
      });
    }
  }
  return state;
}

export interface PostingResult {
  entryId: number;
  duplicate: boolean;
  outstandingFen: number;
  status: string;
}

/** The journal's source of a posting made from a bank's repayment statement (services/bank-statements.ts). */
export const BANK_FILE_SOURCE = "BANK_FILE";

export interface RepaymentPosting {
  valueDate: IsoDate;
  principalFen: number;
  interestFen: number;
  penaltyFen: number;
  idempotencyKey: string;
  source: "MANUAL" | typeof BANK_FILE_SOURCE;
  /** What the audit event records as `after`. */
  audit: unknown;
}

/**
 * Whether a repayment may be posted on a loan as it stands (its status, the value date, the principal against
 * what is outstanding); throws the loan page's message otherwise. Shared by postLockedRepayment and the bulk
 * posting of a bank's statement (repayment-batch.ts), which checks each posting against the loan as the ones
 * before it left it.
 */
export function checkPosting(
  loan: { status: string; disbursedDate: IsoDate; outstandingFen: number },
  p: Pick<RepaymentPosting, "valueDate" | "principalFen">,
): void {
  if (loan.status !== "REPAYING" && loan.status !== "COMPENSATED")
    throw conflict("该贷款当前状态不能登记还款");
  if (p.valueDate < loan.disbursedDate) throw invalid({ valueDate: ["还款日期不能早于放款日期"] });
  if (p.principalFen > loan.outstandingFen)
    throw invalid({ principal: [`本金超过贷款余额 ${formatYuan(loan.outstandingFen)}`] });
}

/**
 * The journal rules of one repayment, shared by the loan page and the bank's statements: on a loan the caller
 * has locked (lockLoan / lockLoans) inside its transaction — status and date checks, principal ≤ outstanding,
 * the entry, the replay (allocation to instalments, running totals), the fund's recovery on a compensated
 * loan, closing a loan paid off, and the audit event.
 */
export async function postLockedRepayment(
  tx: Tx,
  actor: Actor,
  loan: { id: number; countyCode: string },
  p: RepaymentPosting,
): Promise<PostingResult> {
  const current = await tx.loan.findUniqueOrThrow({ where: { id: loan.id } });
  checkPosting(
    {
      status: current.status,
      disbursedDate: dateToIso(current.disbursedDate!),
      outstandingFen: decToFen(current.principal) - decToFen(current.principalRepaid),
    },
    p,
  );
  const entry = await tx.repaymentEntry.create({
    data: {
      loanId: loan.id,
      countyCode: loan.countyCode,
      kind: "REPAYMENT",
      valueDate: isoToDate(p.valueDate),
      principal: fenToYuan(p.principalFen),
      interest: fenToYuan(p.interestFen),
      penalty: fenToYuan(p.penaltyFen),
      idempotencyKey: p.idempotencyKey,
      source: p.source,
      createdById: actor.id,
    },
  });
  const state = await applyJournal(tx, loan.id);
  // A recovery on a compensated loan flows back to the fund in the proportion the fund paid.
  await syncFundRecovery(tx, {
    loanId: loan.id,
    unpaidNowFen: decToFen(current.principal) - state.principalRepaidFen,
    valueDate: isoToDate(p.valueDate),
    key: String(entry.id),
    memo: `代偿贷款 ${loan.id} 追回（基金份额）`,
    actorId: actor.id,
  });
  const newOutstanding = decToFen(current.principal) - state.principalRepaidFen;
  const closed = newOutstanding === 0 && state.instalments.every((i) => i.paidDate !== null);
  await tx.loan.update({
    where: { id: loan.id },
    data: {
      principalRepaid: fenToYuan(state.principalRepaidFen),
      interestRepaid: fenToYuan(state.interestRepaidFen),
      ...(closed ? { status: "CLOSED", closedDate: isoToDate(p.valueDate) } : {}),
      version: { increment: 1 },
    },
  });
  await writeAudit(tx, {
    action: "repayment.post",
    entity: "RepaymentEntry",
    entityId: String(entry.id),
    countyCode: loan.countyCode,
    after: p.audit,
    outcome: "OK",
    ...actorFields(actor),
  });
  return {
    entryId: entry.id,
    duplicate: false,
    outstandingFen: newOutstanding,
    status: closed ? "CLOSED" : current.status,
  };
}

/** Locks many loans for postings, in id order (two bulk postings never deadlock on each other). */
export async function lockLoans(tx: Tx, loanIds: readonly number[]): Promise<void> {
  if (!loanIds.length) return;
  await tx.$queryRaw`SELECT id FROM "Loan" WHERE id = ANY(${[...loanIds]}::int[]) ORDER BY id FOR UPDATE`;
}

/**
 * Posts a repayment once per idempotency key: a double click or a retry returns the first posting.
 * Postings on one loan are serialised by a row lock; the unique key settles races between requests.
 */
export async function postRepayment(
  actor: Actor,
  raw: unknown,
  today: IsoDate = todayShanghai(),
): Promise<PostingResult> {
  const input = parseOrInvalid(repaymentInput, raw);
  const target = { action: "repayment.post", entity: "Loan", entityId: input.loanId };
  await requirePermission(actor, "repayment.post", target);
  const loan = await requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id: input.loanId },
      select: { id: true, countyCode: true, villageCode: true },
    }),
    target,
  );
  const principalFen = yuanToFen(input.principal);
  const interestFen = yuanToFen(input.interest);
  const penaltyFen = yuanToFen(input.penalty);
  if (principalFen + interestFen + penaltyFen <= 0)
    throw invalid({ principal: ["本金、利息、罚息至少有一项大于0"] });
  if (input.valueDate > today) throw invalid({ valueDate: ["还款日期不能晚于今天"] });

  const existing = async () => {
    const e = await db.repaymentEntry.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (!e) return null;
    if (e.loanId !== loan.id) throw invalid({ idempotencyKey: ["提交标识已用于另一笔贷款"] });
    const l = await db.loan.findUniqueOrThrow({ where: { id: loan.id } });
    return {
      entryId: e.id,
      duplicate: true,
      outstandingFen: decToFen(l.principal) - decToFen(l.principalRepaid),
      status: l.status,
    };
  };
  const first = await existing();
  if (first) return first;

  try {
    return await db.$transaction(async (tx) => {
      // The loan's row lock (as lockLoan; postLockedRepayment reads the row), then — under it, so a file being
      // committed is seen once it has committed — the same payment posted from a bank's statement (same value
      // date and amounts, not reversed) is not counted twice: the clerk is told where it came from (the file
      // recognises loan-page postings the same way). One round trip each.
      await tx.$executeRaw`SELECT 1 FROM "Loan" WHERE id = ${loan.id} FOR UPDATE`;
      const fromFile = await tx.$queryRaw<{ id: number }[]>`
        SELECT e.id FROM "RepaymentEntry" e
         WHERE e."loanId" = ${loan.id} AND e.kind = 'REPAYMENT' AND e.source = ${BANK_FILE_SOURCE}
           AND e."valueDate" = ${input.valueDate}::date
           AND e.principal = ${fenToYuan(principalFen)}::numeric AND e.interest = ${fenToYuan(interestFen)}::numeric
           AND e.penalty = ${fenToYuan(penaltyFen)}::numeric
           AND NOT EXISTS (SELECT 1 FROM "RepaymentEntry" r WHERE r."reversesId" = e.id)
         LIMIT 1`;
      if (fromFile.length)
        throw conflict("这笔还款（日期、本金、利息、罚息相同）已由银行还款明细入账，未重复登记");
      return postLockedRepayment(tx, actor, loan, {
        valueDate: input.valueDate,
        principalFen,
        interestFen,
        penaltyFen,
        idempotencyKey: input.idempotencyKey,
        source: "MANUAL",
        audit: input,
      });
    });
  } catch (e) {
    // Two submissions with one key raced: the unique index let one through; answer with it.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      const again = await existing();
      if (again) return again;
    }
    throw e;
  }
}

/** Corrects a posting by a reversal entry (negated amounts); the original stays in the journal. */
export async function reverseRepayment(actor: Actor, raw: unknown): Promise<PostingResult> {
  const input = parseOrInvalid(reversalInput, raw);
  const target = { action: "repayment.reverse", entity: "RepaymentEntry", entityId: input.entryId };
  await requirePermission(actor, "repayment.post", target);
  const original = await requireInScope(
    actor,
    await db.repaymentEntry
      .findUnique({ where: { id: input.entryId }, include: { loan: { select: { villageCode: true } } } })
      .then((e) => (e ? { ...e, villageCode: e.loan.villageCode } : null)),
    target,
  );
  const dup = await db.repaymentEntry.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (dup && (dup.kind !== "REVERSAL" || dup.reversesId !== original.id)) {
    // The key names another entry (perhaps another county's): refuse, and say nothing of that entry.
    await writeAudit(db, {
      ...target,
      entityId: String(original.id),
      countyCode: original.countyCode,
      outcome: "DENIED",
      message: "idempotency key already used for another entry",
      ...actorFields(actor),
    });
    throw invalid({ idempotencyKey: ["提交标识无效，请刷新页面后重新提交"] });
  }
  if (dup) {
    const l = await db.loan.findUniqueOrThrow({ where: { id: dup.loanId } });
    return {
      entryId: dup.id,
      duplicate: true,
      outstandingFen: decToFen(l.principal) - decToFen(l.principalRepaid),
      status: l.status,
    };
  }
  if (original.kind !== "REPAYMENT") throw invalid({ entryId: ["冲正记录不能再冲正"] });
  try {
    return await db.$transaction(async (tx) => {
      const current = await lockLoan(tx, original.loanId);
      if (await tx.repaymentEntry.findUnique({ where: { reversesId: original.id } }))
        throw conflict("该笔还款已冲正");
      const entry = await tx.repaymentEntry.create({
        data: {
          loanId: original.loanId,
          countyCode: original.countyCode,
          kind: "REVERSAL",
          valueDate: original.valueDate,
          principal: fenToYuan(-decToFen(original.principal)),
          interest: fenToYuan(-decToFen(original.interest)),
          penalty: fenToYuan(-decToFen(original.penalty)),
          reversesId: original.id,
          reason: input.reason,
          idempotencyKey: input.idempotencyKey,
          createdById: actor.id,
        },
      });
      const state = await applyJournal(tx, original.loanId);
      // The fund gives back what the reversed posting brought in (a compensating ledger entry, same transaction).
      const fundDeltaFen = await syncFundRecovery(tx, {
        loanId: original.loanId,
        unpaidNowFen: decToFen(current.principal) - state.principalRepaidFen,
        valueDate: original.valueDate,
        key: String(entry.id),
        memo: `冲正还款 ${original.id}：退回代偿贷款 ${original.loanId} 的追回（基金份额）`,
        actorId: actor.id,
      });
      const compensated = await tx.compensationClaim.count({
        where: { loanId: original.loanId, status: "PAID" },
      });
      const reopened = current.status === "CLOSED";
      const reopenedAs = compensated ? "COMPENSATED" : "REPAYING";
      await tx.loan.update({
        where: { id: original.loanId },
        data: {
          principalRepaid: fenToYuan(state.principalRepaidFen),
          interestRepaid: fenToYuan(state.interestRepaidFen),
          ...(reopened ? { status: reopenedAs, closedDate: null } : {}),
          version: { increment: 1 },
        },
      });
      await writeAudit(tx, {
        action: "repayment.reverse",
        entity: "RepaymentEntry",
        entityId: String(entry.id),
        countyCode: original.countyCode,
        before: { entryId: original.id },
        after: { reason: input.reason, ...(fundDeltaFen ? { fundDeltaFen } : {}) },
        outcome: "OK",
        ...actorFields(actor),
      });
      return {
        entryId: entry.id,
        duplicate: false,
        outstandingFen: decToFen(current.principal) - state.principalRepaidFen,
        status: reopened ? reopenedAs : current.status,
      };
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw conflict("该笔还款已冲正");
    throw e;
  }
}

export interface LoanDetail {
  id: number;
  version: number;
  applicationNo: string;
  contractNo: string | null;
  status: string;
  programme: string;
  policyName: string;
  /** The longest extension (展期) the loan's policy allows. */
  maxExtensionMonths: number;
  borrower: { id: number; name: string; idNumberMasked: string };
  bankName: string;
  requestedFen: number;
  principalFen: number | null;
  outstandingFen: number;
  principalRepaidFen: number;
  interestRepaidFen: number;
  termMonths: number;
  method: string;
  purpose: string;
  industry: string;
  guaranteeType: string;
  contractRateBp: number | null;
  borrowerRateBp: number | null;
  applicationDate: IsoDate;
  disbursedDate: IsoDate | null;
  maturityDate: IsoDate | null;
  extendedMaturityDate: IsoDate | null;
  closedDate: IsoDate | null;
  rejectReason: string | null;
  /** 贷中审查: the approver's notes and who decided (null before the decision). */
  review: { note: string | null; approver: string | null; decidedAt: string | null };
  /** 贷前摸底调查 (null for loans entered before the survey existed, or imported). */
  survey: SurveyDto | null;
  daysPastDue: number;
  schedule: {
    seq: number;
    dueDate: IsoDate;
    principalDueFen: number;
    interestDueFen: number;
    principalPaidFen: number;
    interestPaidFen: number;
    paidDate: IsoDate | null;
  }[];
  journal: {
    id: number;
    kind: string;
    valueDate: IsoDate;
    principalFen: number;
    interestFen: number;
    penaltyFen: number;
    reversesId: number | null;
    reversed: boolean;
    reason: string | null;
    createdAt: string;
  }[];
  subsidyLines: {
    claim: string;
    status: string;
    days: number;
    excludedDays: number;
    excludedReason: string | null;
    interestFen: number;
    subsidyFen: number;
    borrowerFen: number;
  }[];
  history: { at: string; action: string; username: string | null }[];
  requests: {
    id: number;
    kind: string;
    status: string;
    months: number | null;
    reason: string;
    decisionNote: string | null;
    mine: boolean;
  }[];
  /** The policy's cap on the contract rate with today's LPR (APPROVED loans; null if no LPR is published). */
  disburseRateCapBp: number | null;
  /** 超倍数放款: no subsidy, no compensation. */
  overCap: boolean;
  /** Before approval and disbursement (DOMAIN §13–§14): the region's suspensions and the fund's headroom. */
  rules: {
    windowName: string;
    rateWindow: "YEAR_TO_DATE" | "ROLLING_12";
    suspensions: RegionSuspension[];
    headroom: Headroom | null;
  } | null;
  can: {
    approve: boolean;
    disburse: boolean;
    post: boolean;
    requestCompensation: boolean;
    requestChange: boolean;
    decideChange: boolean;
  };
}

/** Everything the loan page shows, in the actor's region; ID number masked. */
/** The contract rate cap of a policy for a term, with the LPR in force on a date (null without LPR). */
async function rateCapOn(
  policy: { rateRule: "LPR_1Y_PLUS_SPREAD" | "LPR_BY_TERM"; rateCapSpreadBp: number },
  termMonths: number,
  date: IsoDate,
): Promise<number | null> {
  const lpr = await loadLpr(db);
  try {
    return contractRateCapBp(
      policy,
      { oneYearBp: lprOn(lpr, date, "ONE_YEAR"), fiveYearBp: lprOn(lpr, date, "FIVE_YEAR") },
      termMonths,
    );
  } catch {
    return null;
  }
}

export async function getLoanDetail(
  actor: Actor,
  id: number,
  today: IsoDate = todayShanghai(),
): Promise<LoanDetail> {
  const target = { action: "loan.read", entity: "Loan", entityId: id };
  await requirePermission(actor, "loan.read", target);
  const l = await requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id },
      include: {
        borrower: { select: { id: true, name: true, idNumber: true } },
        bank: { select: { name: true } },
        programme: { select: { name: true } },
        policyVersion: true,
        compensations: { where: { status: { in: ["SUBMITTED", "APPROVED", "PAID"] } }, select: { id: true } },
        survey: { select: surveySelect },
        requests: { orderBy: { id: "asc" } },
        instalments: { orderBy: { seq: "asc" } },
        repayments: { orderBy: { id: "asc" } },
        subsidyLines: {
          include: { claim: { select: { year: true, quarter: true, status: true } } },
          orderBy: { id: "asc" },
        },
      },
    }),
    target,
  );
  const history = await db.auditEvent.findMany({
    where: {
      entity: { in: ["Loan", "RepaymentEntry"] },
      countyCode: l.countyCode,
      OR: [
        { entityId: String(id), entity: "Loan" },
        { entity: "RepaymentEntry", entityId: { in: l.repayments.map((r) => String(r.id)) } },
      ],
      outcome: "OK",
    },
    orderBy: { id: "asc" },
    select: { at: true, action: true, username: true },
  });
  const people = new Map(
    (
      await db.user.findMany({
        where: { id: { in: [l.approverId, l.survey?.surveyedById].filter((x): x is number => x != null) } },
        select: { id: true, displayName: true },
      })
    ).map((u) => [u.id, u.displayName]),
  );
  const schedule = l.instalments.map(toInstalment);
  const active = l.status === "REPAYING" || l.status === "COMPENSATED";
  const dpd = active ? daysPastDue(schedule, today) : 0;
  const reversedIds = new Set(l.repayments.filter((r) => r.reversesId !== null).map((r) => r.reversesId));
  return {
    id: l.id,
    version: l.version,
    applicationNo: l.applicationNo,
    contractNo: l.contractNo,
    status: l.status,
    programme: l.programme.name,
    policyName: l.policyVersion.name,
    maxExtensionMonths: l.policyVersion.maxExtensionMonths,
    borrower: { id: l.borrower.id, name: l.borrower.name, idNumberMasked: maskIdNumber(l.borrower.idNumber) },
    bankName: l.bank.name,
    requestedFen: decToFen(l.requestedPrincipal),
    principalFen: l.principal ? decToFen(l.principal) : null,
    outstandingFen: active ? decToFen(l.principal) - decToFen(l.principalRepaid) : 0,
    principalRepaidFen: decToFen(l.principalRepaid),
    interestRepaidFen: decToFen(l.interestRepaid),
    termMonths: l.termMonths,
    method: l.method,
    purpose: l.purpose,
    industry: l.industry,
    guaranteeType: l.guaranteeType,
    contractRateBp: l.contractRateBp,
    borrowerRateBp: l.borrowerRateBp,
    applicationDate: dateToIso(l.applicationDate),
    disbursedDate: dateToIso(l.disbursedDate),
    maturityDate: dateToIso(l.maturityDate),
    extendedMaturityDate: dateToIso(l.extendedMaturityDate),
    closedDate: dateToIso(l.closedDate),
    rejectReason: l.rejectReason,
    review: {
      note: l.reviewNote,
      approver: l.approverId === null ? null : (people.get(l.approverId) ?? null),
      decidedAt: l.decidedAt?.toISOString() ?? null,
    },
    survey: l.survey ? toSurveyDto(l.survey, people.get(l.survey.surveyedById) ?? "") : null,
    daysPastDue: dpd,
    schedule,
    journal: l.repayments.map((r) => ({
      id: r.id,
      kind: r.kind,
      valueDate: dateToIso(r.valueDate),
      principalFen: decToFen(r.principal),
      interestFen: decToFen(r.interest),
      penaltyFen: decToFen(r.penalty),
      reversesId: r.reversesId,
      reversed: reversedIds.has(r.id),
      reason: r.reason,
      createdAt: r.createdAt.toISOString(),
    })),
    subsidyLines: l.subsidyLines.map((s) => ({
      claim: `${s.claim.year}年第${s.claim.quarter}季度`,
      status: s.claim.status,
      days: s.days,
      excludedDays: s.excludedDays,
      excludedReason: exclusionText(s.excludedReason),
      interestFen: decToFen(s.interest),
      subsidyFen: decToFen(s.subsidy),
      borrowerFen: decToFen(s.borrowerShare),
    })),
    history: history.map((h) => ({ at: h.at.toISOString(), action: h.action, username: h.username })),
    requests: l.requests.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      months: r.months,
      reason: r.reason,
      decisionNote: r.decisionNote,
      mine: r.makerId === actor.id,
    })),
    disburseRateCapBp: l.status === "APPROVED" ? await rateCapOn(l.policyVersion, l.termMonths, today) : null,
    overCap: l.overCap,
    rules:
      l.status === "APPLIED" || l.status === "APPROVED"
        ? {
            windowName: WINDOW_NAMES[l.policyVersion.rateWindow],
            rateWindow: l.policyVersion.rateWindow,
            suspensions: await suspensionsOf(db, l.villageCode, l.policyVersion, today),
            headroom: await headroomFor(db, {
              countyCode: l.countyCode,
              bankId: l.bankId,
              amountFen: decToFen(l.requestedPrincipal),
              policy: l.policyVersion,
              today,
            }),
          }
        : null,
    can: {
      approve: can(actor.role, "loan.approve") && l.status === "APPLIED" && l.makerId !== actor.id,
      disburse: can(actor.role, "loan.write") && l.status === "APPROVED",
      post: can(actor.role, "repayment.post") && active,
      requestCompensation:
        can(actor.role, "fund.write") &&
        l.status === "REPAYING" &&
        dpd >= l.policyVersion.compensationAfterDays &&
        !l.overCap &&
        l.compensations.length === 0,
      requestChange:
        can(actor.role, "loan.write") &&
        (l.status === "REPAYING" || l.status === "COMPENSATED") &&
        !l.requests.some((r) => r.status === "PENDING"),
      decideChange: can(actor.role, "loan.approve"),
    },
  };
}

/** Banks and programmes for the application form, each programme with its amount cap for the village today. */
export async function applicationOptions(villageCode?: string, today: IsoDate = todayShanghai()) {
  const [banks, programmes] = await Promise.all([
    db.bank.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true } }),
    db.programme.findMany({ orderBy: { id: "asc" }, select: { code: true, name: true } }),
  ]);
  const withCaps = await Promise.all(
    programmes.map(async (p) => {
      const policy = villageCode
        ? resolvePolicy(await loadPolicies(db, p.code), {
            programmeCode: p.code,
            regionCode: villageCode,
            date: today,
          })
        : null;
      return { ...p, capFen: policy ? decToFen(policy.maxPrincipal) : null };
    }),
  );
  return { banks, programmes: withCaps };
}

export const loanRequestInput = z.object({
  loanId: z.coerce.number().int().positive(),
  kind: z.enum(["EXTENSION", "WRITE_OFF", "VOID"]),
  // Whole months ≥ 1; the longest extension is the loan's policy setting (checked in requestLoanChange).
  months: z.coerce.number().int("展期月数须为整数").min(1, "展期至少1个月").optional(),
  reason: z.string().trim().min(4, "请填写理由（至少4个字）").max(256, "不能超过256个字"),
});

/**
 * Staff ask for an extension (展期, once, ≤ the policy's months, no subsidy for its days), a write-off
 * (核销), or voiding the subsidy (取消贴息: misuse of funds, false information — no subsidy from approval on).
 */
export async function requestLoanChange(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(loanRequestInput, raw);
  const target = {
    action: `loan.request.${input.kind.toLowerCase()}`,
    entity: "Loan",
    entityId: input.loanId,
  };
  await requirePermission(actor, "loan.write", target);
  const loan = await requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id: input.loanId },
      include: { policyVersion: true, instalments: true },
    }),
    target,
  );
  if (await db.loanRequest.findFirst({ where: { loanId: loan.id, status: "PENDING" } }))
    throw conflict("该贷款已有待审批的申请");
  if (input.kind === "EXTENSION") {
    if (loan.status !== "REPAYING") throw conflict("只有还款中的贷款可以展期");
    if (loan.extendedMaturityDate) throw invalid({ months: ["每笔贷款只能展期一次"] });
    if (loan.method !== "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY" && loan.method !== "BULLET")
      throw invalid({ months: ["展期适用于到期还本的贷款；等额还款的贷款请按计划还款"] });
    if (!input.months) throw invalid({ months: ["请填写展期月数"] });
    const maxMonths = loan.policyVersion.maxExtensionMonths;
    if (input.months > maxMonths) {
      const message =
        maxMonths === 0
          ? `政策「${loan.policyVersion.name}」不允许展期`
          : `展期不能超过政策「${loan.policyVersion.name}」规定的 ${maxMonths} 个月`;
      throw invalid({ months: [message] }, message);
    }
    if (loan.maturityDate && dateToIso(loan.maturityDate) < today)
      throw invalid({ months: ["贷款已到期，展期须在到期前申请"] });
  } else if (input.kind === "VOID") {
    if (loan.status !== "REPAYING" || loan.voidedDate)
      throw conflict("只有还款中且未取消贴息的贷款可以申请取消贴息");
  } else {
    const dpd = daysPastDue(loan.instalments.map(toInstalment), today);
    const days = loan.policyVersion.writeOffAfterDays;
    if (loan.status !== "COMPENSATED" && !(loan.status === "REPAYING" && dpd > days))
      throw conflict(`只有已代偿或逾期${days}天以上的贷款可以申请核销`);
  }
  return db.$transaction(async (tx) => {
    const r = await tx.loanRequest.create({
      data: {
        loanId: loan.id,
        countyCode: loan.countyCode,
        kind: input.kind,
        months: input.kind === "EXTENSION" ? input.months : null,
        reason: input.reason,
        makerId: actor.id,
      },
    });
    await writeAudit(tx, {
      ...target,
      entityId: String(loan.id),
      countyCode: loan.countyCode,
      after: input,
      outcome: "OK",
      ...actorFields(actor),
    });
    return { id: r.id };
  });
}

export const loanRequestDecisionInput = z.object({
  requestId: z.coerce.number().int().positive(),
  decision: z.enum(["APPROVE", "REJECT"]),
  note: z.string().trim().max(256).optional(),
});

/** A second person approves an extension (the schedule is extended) or a write-off (the loan is written off). */
export async function decideLoanChange(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(loanRequestDecisionInput, raw);
  const target = {
    action: `loan.request.${input.decision.toLowerCase()}`,
    entity: "LoanRequest",
    entityId: input.requestId,
  };
  await requirePermission(actor, "loan.approve", target);
  const req = await requireInScope(
    actor,
    await db.loanRequest
      .findUnique({ where: { id: input.requestId }, include: { loan: { select: { villageCode: true } } } })
      .then((r) => (r ? { ...r, villageCode: r.loan.villageCode } : null)),
    target,
  );
  await requireOtherPerson(
    actor,
    req.makerId,
    { ...target, countyCode: req.countyCode },
    "不能审批自己提交的申请",
  );
  if (input.decision === "REJECT" && !input.note) throw invalid({ note: ["驳回须填写理由"] });
  return db.$transaction(async (tx) => {
    const loan = await lockLoan(tx, req.loanId);
    const done = await tx.loanRequest.updateMany({
      where: { id: req.id, status: "PENDING" },
      data: {
        status: input.decision === "APPROVE" ? "APPROVED" : "REJECTED",
        approverId: actor.id,
        decidedAt: new Date(),
        decisionNote: input.note ?? null,
      },
    });
    if (done.count === 0) throw conflict("该申请已处理，请刷新");
    if (input.decision === "APPROVE" && req.kind === "EXTENSION") {
      const months = req.months!;
      const maturity = dateToIso(loan.maturityDate!);
      const policy = await tx.policyVersion.findUniqueOrThrow({ where: { id: loan.policyVersionId } });
      const instalments = await tx.instalment.findMany({
        where: { loanId: loan.id },
        orderBy: { seq: "asc" },
      });
      const last = instalments.at(-1)!;
      const unpaidPrincipal = decToFen(loan.principal) - decToFen(loan.principalRepaid);
      // The principal still unpaid moves to the extended maturity; the extension period gets its own
      // interest instalments (no subsidy for these days: the claims see the loan as extended).
      const extension = buildSchedule({
        principalFen: unpaidPrincipal,
        rateBp: loan.contractRateBp!,
        startDate: maturity,
        termMonths: months,
        method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
        basis: policy.dayCountBasis,
      });
      await tx.instalment.update({
        where: { id: last.id },
        data: { principalDue: fenToYuan(decToFen(last.principalDue) - unpaidPrincipal) },
      });
      await tx.instalment.createMany({
        data: extension.map((l, k) => ({
          loanId: loan.id,
          countyCode: loan.countyCode,
          seq: last.seq + k + 1,
          dueDate: isoToDate(l.dueDate),
          principalDue: fenToYuan(l.principalFen),
          interestDue: fenToYuan(l.interestFen),
        })),
      });
      await tx.loan.update({
        where: { id: loan.id },
        data: { extendedMaturityDate: isoToDate(extension.at(-1)!.dueDate), version: { increment: 1 } },
      });
      await applyJournal(tx, loan.id);
    }
    if (input.decision === "APPROVE" && req.kind === "VOID") {
      // The loan keeps repaying; interest from today on earns no subsidy (claims see voidedDate).
      await tx.loan.update({
        where: { id: loan.id },
        data: { voidedDate: isoToDate(today), voidReason: req.reason, version: { increment: 1 } },
      });
    }
    if (input.decision === "APPROVE" && req.kind === "WRITE_OFF") {
      await tx.loan.update({
        where: { id: loan.id },
        data: { status: "WRITTEN_OFF", version: { increment: 1 } },
      });
    }
    await writeAudit(tx, {
      ...target,
      entityId: String(req.id),
      countyCode: req.countyCode,
      after: { kind: req.kind, decision: input.decision, note: input.note },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { kind: req.kind, decision: input.decision };
  });
}
