import "server-only";
import { z } from "zod";
import { can, fenToYuan, yuanToFen, type Fen, type IsoDate } from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { conflict, invalid, parseOrInvalid } from "../errors";
import { yuanField } from "../fields";
import { dateToIso, decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";

/**
 * A loan's insurance (issue 23 item 4, "政府+银行+保险"): its policies (number, insurer, premium and who paid it,
 * cover period, optionally the policy document as an INSURANCE_POLICY attachment of the loan) and the claims
 * against it (filed: date and amount; then paid — amount and date — or rejected). Whoever may see the loan
 * sees its insurance; county staff record it; every write is audited with the loan's county.
 */
export const PREMIUM_PAYERS = ["BORROWER", "GOVERNMENT", "BANK", "OTHER"] as const;

export interface InsuranceClaimDto {
  id: number;
  policyId: number;
  policyNo: string;
  claimDate: IsoDate;
  amountFen: Fen;
  status: "FILED" | "PAID" | "REJECTED";
  paidFen: Fen | null;
  paidDate: IsoDate | null;
  note: string | null;
  version: number;
}

export interface LoanInsurance {
  loanId: number;
  policies: {
    id: number;
    policyNo: string;
    insurer: string;
    premiumFen: Fen;
    premiumPaidBy: (typeof PREMIUM_PAYERS)[number];
    coverFrom: IsoDate;
    coverTo: IsoDate;
    attachment: { id: number; fileName: string } | null;
  }[];
  claims: InsuranceClaimDto[];
  /** The loan's INSURANCE_POLICY attachments, to link a policy to its document. */
  documents: { id: number; fileName: string }[];
  canWrite: boolean;
}

async function scopedLoan(actor: Actor, loanId: number, action: string) {
  const loan = await db.loan.findUnique({
    where: { id: loanId },
    select: { id: true, countyCode: true, villageCode: true, borrowerId: true, status: true },
  });
  return requireInScope(actor, loan, { action, entity: "Loan", entityId: loanId });
}

/** The insurance of a loan in the actor's region. */
export async function loanInsurance(actor: Actor, loanId: number): Promise<LoanInsurance> {
  await requirePermission(actor, "loan.read", { action: "insurance.read", entity: "Loan", entityId: loanId });
  const loan = await scopedLoan(actor, loanId, "insurance.read");
  const [policies, claims, documents] = await Promise.all([
    db.insurancePolicy.findMany({ where: { loanId: loan.id }, orderBy: { id: "asc" } }),
    db.insuranceClaim.findMany({
      where: { loanId: loan.id },
      orderBy: { id: "asc" },
      include: { policy: { select: { policyNo: true } } },
    }),
    can(actor.role, "attachment.read")
      ? db.attachment.findMany({
          where: { loanId: loan.id, kind: "INSURANCE_POLICY" },
          orderBy: { id: "asc" },
          select: { id: true, fileName: true },
        })
      : Promise.resolve([]),
  ]);
  const docName = new Map(documents.map((d) => [d.id, d.fileName]));
  return {
    loanId: loan.id,
    policies: policies.map((p) => ({
      id: p.id,
      policyNo: p.policyNo,
      insurer: p.insurer,
      premiumFen: decToFen(p.premium),
      premiumPaidBy: p.premiumPaidBy,
      coverFrom: dateToIso(p.coverFrom),
      coverTo: dateToIso(p.coverTo),
      attachment:
        p.attachmentId !== null && docName.has(p.attachmentId)
          ? { id: p.attachmentId, fileName: docName.get(p.attachmentId)! }
          : null,
    })),
    claims: claims.map((c) => ({
      id: c.id,
      policyId: c.policyId,
      policyNo: c.policy.policyNo,
      claimDate: dateToIso(c.claimDate),
      amountFen: decToFen(c.amount),
      status: c.status,
      paidFen: c.paidAmount === null ? null : decToFen(c.paidAmount),
      paidDate: dateToIso(c.paidDate),
      note: c.note,
      version: c.version,
    })),
    documents,
    canWrite: can(actor.role, "insurance.write"),
  };
}

const id = (label: string) => z.coerce.number({ message: label }).int().positive(label);
const date = (label: string) => z.iso.date({ message: `请填写${label}` });
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.string().trim().max(max, `不能超过${max}个字`).optional(),
  );
const notAfterToday = (v: IsoDate) => v <= todayShanghai();

const policyInput = z
  .object({
    loanId: id("请选择贷款"),
    policyNo: z.string().trim().min(1, "请填写保单号").max(64, "保单号不能超过64个字符"),
    insurer: z.string().trim().min(1, "请填写保险公司").max(64, "保险公司名称不能超过64个字"),
    premium: yuanField("保费"),
    premiumPaidBy: z.enum(PREMIUM_PAYERS, { message: "请选择保费承担方" }),
    coverFrom: date("保险起期"),
    coverTo: date("保险止期"),
    attachmentId: z.preprocess((v) => (v === "" || v === null ? undefined : v), id("保单文件").optional()),
  })
  .refine((p) => p.coverTo >= p.coverFrom, { message: "保险止期不能早于起期", path: ["coverTo"] });

/** Records an insurance policy of a loan (county staff, the loan's region). */
export async function addInsurancePolicy(actor: Actor, raw: unknown): Promise<{ id: number }> {
  const t = { action: "insurance.policy.create", entity: "InsurancePolicy" };
  await requirePermission(actor, "insurance.write", t);
  const p = parseOrInvalid(policyInput, raw);
  const loan = await scopedLoan(actor, p.loanId, t.action);
  if (p.attachmentId !== undefined) {
    const doc = await db.attachment.findFirst({
      where: { id: p.attachmentId, loanId: loan.id, kind: "INSURANCE_POLICY" },
      select: { id: true },
    });
    if (!doc) throw invalid({ attachmentId: ["请选择本笔贷款的保险单附件"] });
  }
  const premiumFen = yuanToFen(p.premium);
  return db.$transaction(async (tx) => {
    const clash = await tx.insurancePolicy.findUnique({
      where: { insurer_policyNo: { insurer: p.insurer, policyNo: p.policyNo } },
      select: { id: true },
    });
    if (clash) throw invalid({ policyNo: ["该保险公司的此保单号已登记"] });
    const created = await tx.insurancePolicy.create({
      data: {
        countyCode: loan.countyCode,
        villageCode: loan.villageCode,
        loanId: loan.id,
        policyNo: p.policyNo,
        insurer: p.insurer,
        premium: fenToYuan(premiumFen),
        premiumPaidBy: p.premiumPaidBy,
        coverFrom: isoToDate(p.coverFrom),
        coverTo: isoToDate(p.coverTo),
        attachmentId: p.attachmentId ?? null,
        createdById: actor.id,
      },
    });
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(created.id),
      countyCode: loan.countyCode,
      after: { ...p, premiumFen },
      outcome: "OK",
    });
    return { id: created.id };
  });
}

const claimInput = z.object({
  policyId: id("请选择保单"),
  claimDate: date("报案日期").refine(notAfterToday, "报案日期不能晚于今天"),
  amount: yuanField("索赔金额"),
  note: optionalText(256),
});

/** Files a claim against one of a loan's policies. */
export async function fileInsuranceClaim(actor: Actor, raw: unknown): Promise<{ id: number }> {
  const t = { action: "insurance.claim.file", entity: "InsuranceClaim" };
  await requirePermission(actor, "insurance.write", t);
  const c = parseOrInvalid(claimInput, raw);
  const policy = await db.insurancePolicy.findUnique({
    where: { id: c.policyId },
    select: { id: true, loanId: true, countyCode: true, villageCode: true, coverFrom: true },
  });
  await requireInScope(actor, policy, { ...t, entity: "InsurancePolicy", entityId: c.policyId });
  const amountFen = yuanToFen(c.amount);
  if (amountFen <= 0) throw invalid({ amount: ["索赔金额须大于0"] });
  if (c.claimDate < dateToIso(policy!.coverFrom)) throw invalid({ claimDate: ["报案日期早于保险起期"] });
  return db.$transaction(async (tx) => {
    const created = await tx.insuranceClaim.create({
      data: {
        countyCode: policy!.countyCode,
        villageCode: policy!.villageCode,
        loanId: policy!.loanId,
        policyId: policy!.id,
        claimDate: isoToDate(c.claimDate),
        amount: fenToYuan(amountFen),
        note: c.note ?? null,
        createdById: actor.id,
      },
    });
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(created.id),
      countyCode: policy!.countyCode,
      after: { loanId: policy!.loanId, ...c, amountFen },
      outcome: "OK",
    });
    return { id: created.id };
  });
}

const settleInput = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("PAID"),
    claimId: id("请选择理赔"),
    version: z.coerce.number().int().positive(),
    paidAmount: yuanField("赔付金额"),
    paidDate: date("赔付日期").refine(notAfterToday, "赔付日期不能晚于今天"),
    note: optionalText(256),
  }),
  z.object({
    outcome: z.literal("REJECTED"),
    claimId: id("请选择理赔"),
    version: z.coerce.number().int().positive(),
    note: z.string().trim().min(1, "请填写拒赔原因").max(256, "不能超过256个字"),
  }),
]);

/** Records the insurer's answer to a filed claim: paid (amount ≤ claimed, date) or rejected (with the reason). */
export async function settleInsuranceClaim(actor: Actor, raw: unknown): Promise<{ id: number }> {
  const t = { action: "insurance.claim.settle", entity: "InsuranceClaim" };
  await requirePermission(actor, "insurance.write", t);
  const s = parseOrInvalid(settleInput, raw);
  const claim = await db.insuranceClaim.findUnique({ where: { id: s.claimId } });
  await requireInScope(actor, claim, { ...t, entityId: s.claimId });
  if (claim!.status !== "FILED") throw conflict("该理赔已办结，请刷新");
  const paidFen = s.outcome === "PAID" ? yuanToFen(s.paidAmount) : null;
  if (paidFen !== null && paidFen > decToFen(claim!.amount))
    throw invalid({ paidAmount: ["赔付金额不能超过索赔金额"] });
  if (s.outcome === "PAID" && s.paidDate < dateToIso(claim!.claimDate))
    throw invalid({ paidDate: ["赔付日期不能早于报案日期"] });
  return db.$transaction(async (tx) => {
    const done = await tx.insuranceClaim.updateMany({
      where: { id: claim!.id, version: s.version, status: "FILED" },
      data: {
        status: s.outcome,
        paidAmount: paidFen === null ? null : fenToYuan(paidFen),
        paidDate: s.outcome === "PAID" ? isoToDate(s.paidDate) : null,
        note: s.note ?? claim!.note,
        decidedById: actor.id,
        version: { increment: 1 },
      },
    });
    if (done.count === 0) throw conflict("该理赔刚刚由他人办理，请刷新");
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(claim!.id),
      countyCode: claim!.countyCode,
      before: { status: claim!.status },
      after: { ...s, paidFen },
      outcome: "OK",
    });
    return { id: claim!.id };
  });
}
