import "server-only";
import { z } from "zod";
import {
  benefitSchedule,
  benefitStatus,
  can,
  fenToYuan,
  isValidCreditCode,
  maskIdNumber,
  scopeFilter,
  yuanToFen,
  type BenefitStatus,
  type Fen,
  type IsoDate,
} from "@/domain";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import {
  inScope,
  requireInScope,
  requirePermission,
  requireRegionInScope,
  scopeWhere,
  type Actor,
} from "../authz";
import { invalid, parseOrInvalid } from "../errors";
import { yuanField } from "../fields";
import { codePrefix } from "../prefix";
import { dateToIso, decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";

/**
 * 分贷统还 organisations (issue 23 item 5, DOMAIN §18): an economic organisation registered in a county by its
 * unified social credit code, its member households (borrowers of that county), the households' loans whose
 * money it uses, the benefit schedule of each household (src/domain/benefits.ts, share and years from the
 * policy version of her first linked loan, kept in OrganisationBenefitDue and rebuilt when a loan is linked) and
 * the benefit payments recorded per household and year. A year whose due date passed with less paid than due is
 * missed: the county's home page and dashboard warn, and the auditor's organisation-benefit ledger shows it.
 */
export const ORGANISATION_KINDS = ["COOPERATIVE", "FAMILY_FARM", "COMPANY", "OTHER"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

const READ = "borrower.read" as const;

export interface OrganisationRow {
  id: number;
  name: string;
  creditCode: string;
  kind: OrganisationKind;
  countyCode: string;
  villageName: string;
  members: number;
  loans: number;
  creditFen: Fen;
  missed: number;
}

export interface BenefitLine {
  borrowerId: number;
  borrowerName: string;
  year: number;
  dueDate: IsoDate;
  creditFen: Fen;
  dueFen: Fen;
  paidFen: Fen;
  shortFen: Fen;
  status: BenefitStatus;
}

export interface OrganisationDetail extends OrganisationRow {
  legalRep: string | null;
  phone: string | null;
  villageCode: string;
  membersList: {
    borrowerId: number;
    name: string;
    idNumber: string;
    villageName: string;
    joinedOn: IsoDate;
  }[];
  loanList: {
    loanId: number;
    borrowerId: number;
    borrowerName: string;
    applicationNo: string;
    principalFen: Fen;
    disbursedDate: IsoDate | null;
    status: string;
  }[];
  schedule: BenefitLine[];
  payments: {
    id: number;
    borrowerName: string;
    year: number;
    paidDate: IsoDate;
    amountFen: Fen;
    memo: string | null;
  }[];
  /** Members' disbursed loans not yet used by any organisation (to link). */
  linkable: { loanId: number; label: string }[];
  canWrite: boolean;
}

/** Organisations in a region (the read model behind the pages, the alerts and the ledger: trusts its caller). */
function regionWhere(regionCode: string) {
  const f = scopeFilter(regionCode);
  return f.column === "countyCode"
    ? { countyCode: codePrefix(f.prefix) }
    : { villageCode: codePrefix(f.prefix) };
}

/** Each due year of the organisations of a region with what was paid for it and its standing on `asOf`. */
async function standingsOf(where: { id?: number } & ReturnType<typeof regionWhere>, asOf: IsoDate) {
  const [dues, payments] = await Promise.all([
    db.organisationBenefitDue.findMany({
      where: { organisation: where },
      orderBy: [{ organisationId: "asc" }, { borrowerId: "asc" }, { year: "asc" }],
    }),
    db.organisationBenefitPayment.findMany({
      where: { organisation: where, paidDate: { lte: isoToDate(asOf) } },
      select: { organisationId: true, borrowerId: true, year: true, amount: true },
    }),
  ]);
  const paid = new Map<string, Fen>();
  for (const p of payments) {
    const k = `${p.organisationId}:${p.borrowerId}:${p.year}`;
    paid.set(k, (paid.get(k) ?? 0) + decToFen(p.amount));
  }
  return dues.map((d) => {
    const due = { dueDate: dateToIso(d.dueDate), dueFen: decToFen(d.amount) };
    const paidFen = paid.get(`${d.organisationId}:${d.borrowerId}:${d.year}`) ?? 0;
    return {
      organisationId: d.organisationId,
      borrowerId: d.borrowerId,
      year: d.year,
      ...due,
      creditFen: decToFen(d.credit),
      paidFen,
      shortFen: Math.max(0, due.dueFen - paidFen),
      status: benefitStatus(due, paidFen, asOf),
    };
  });
}

export interface MissedBenefit {
  organisationId: number;
  organisationName: string;
  countyCode: string;
  borrowerId: number;
  borrowerName: string;
  year: number;
  dueDate: IsoDate;
  shortFen: Fen;
}

/** Missed benefit years of the organisations in a region on a date (read model: the caller has authorised). */
export async function missedBenefitsIn(regionCode: string, asOf: IsoDate): Promise<MissedBenefit[]> {
  const missed = (await standingsOf(regionWhere(regionCode), asOf)).filter((s) => s.status === "MISSED");
  if (!missed.length) return [];
  const [orgs, borrowers] = await Promise.all([
    db.economicOrganisation.findMany({
      where: { id: { in: [...new Set(missed.map((m) => m.organisationId))] } },
      select: { id: true, name: true, countyCode: true },
    }),
    db.borrower.findMany({
      where: { id: { in: [...new Set(missed.map((m) => m.borrowerId))] } },
      select: { id: true, name: true },
    }),
  ]);
  const org = new Map(orgs.map((o) => [o.id, o]));
  const name = new Map(borrowers.map((b) => [b.id, b.name]));
  return missed
    .map((m) => ({
      organisationId: m.organisationId,
      organisationName: org.get(m.organisationId)!.name,
      countyCode: org.get(m.organisationId)!.countyCode,
      borrowerId: m.borrowerId,
      borrowerName: name.get(m.borrowerId) ?? "",
      year: m.year,
      dueDate: m.dueDate,
      shortFen: m.shortFen,
    }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.organisationId - b.organisationId);
}

/** The missed benefit years in the actor's region (the county's alert). */
export async function missedBenefits(
  actor: Actor,
  asOf: IsoDate = todayShanghai(),
): Promise<MissedBenefit[]> {
  await requirePermission(actor, READ, { action: "organisation.list", entity: "EconomicOrganisation" });
  return missedBenefitsIn(actor.regionCode, asOf);
}

/** The organisations of the actor's region. */
export async function listOrganisations(
  actor: Actor,
  asOf: IsoDate = todayShanghai(),
): Promise<OrganisationRow[]> {
  await requirePermission(actor, READ, { action: "organisation.list", entity: "EconomicOrganisation" });
  const where = scopeWhere(actor);
  const orgs = await db.economicOrganisation.findMany({
    where,
    orderBy: { id: "asc" },
    include: {
      _count: { select: { members: true, loans: true } },
      loans: { select: { loan: { select: { principal: true } } } },
    },
  });
  const villages = await villageNames(orgs.map((o) => o.villageCode));
  const standings = await standingsOf(where, asOf);
  return orgs.map((o) => ({
    id: o.id,
    name: o.name,
    creditCode: o.creditCode,
    kind: o.kind,
    countyCode: o.countyCode,
    villageName: villages.get(o.villageCode) ?? o.villageCode,
    members: o._count.members,
    loans: o._count.loans,
    creditFen: o.loans.reduce((s, l) => s + decToFen(l.loan.principal), 0),
    missed: standings.filter((s) => s.organisationId === o.id && s.status === "MISSED").length,
  }));
}

async function villageNames(codes: string[]) {
  const rows = await db.region.findMany({
    where: { code: { in: [...new Set(codes)] } },
    select: { code: true, name: true },
  });
  return new Map(rows.map((r) => [r.code, r.name]));
}

async function scopedOrganisation(actor: Actor, id: number, action: string) {
  const org = await db.economicOrganisation.findUnique({ where: { id } });
  return requireInScope(actor, org, { action, entity: "EconomicOrganisation", entityId: id });
}

/** One organisation of the actor's region: members, loans, benefit schedule with payments, what may be linked. */
export async function getOrganisation(
  actor: Actor,
  id: number,
  asOf: IsoDate = todayShanghai(),
): Promise<OrganisationDetail> {
  await requirePermission(actor, READ, { action: "organisation.read", entity: "EconomicOrganisation" });
  const org = await scopedOrganisation(actor, id, "organisation.read");
  const [members, loans, payments, standings] = await Promise.all([
    db.organisationMember.findMany({
      where: { organisationId: org.id },
      orderBy: { id: "asc" },
      include: { borrower: { select: { id: true, name: true, idNumber: true, villageCode: true } } },
    }),
    db.organisationLoan.findMany({
      where: { organisationId: org.id },
      orderBy: { id: "asc" },
      include: {
        loan: {
          select: {
            id: true,
            applicationNo: true,
            principal: true,
            disbursedDate: true,
            status: true,
            borrowerId: true,
          },
        },
      },
    }),
    db.organisationBenefitPayment.findMany({ where: { organisationId: org.id }, orderBy: { id: "asc" } }),
    standingsOf({ id: org.id, ...regionWhere(actor.regionCode) }, asOf),
  ]);
  const names = new Map(members.map((m) => [m.borrowerId, m.borrower.name]));
  const villages = await villageNames([org.villageCode, ...members.map((m) => m.borrower.villageCode)]);
  const linkable = await db.loan.findMany({
    where: {
      borrowerId: { in: members.map((m) => m.borrowerId) },
      countyCode: org.countyCode,
      disbursedDate: { not: null },
      organisationLoan: null,
    },
    orderBy: { id: "asc" },
    select: { id: true, applicationNo: true, principal: true, borrowerId: true },
  });
  const missed = standings.filter((s) => s.status === "MISSED").length;
  return {
    id: org.id,
    name: org.name,
    creditCode: org.creditCode,
    kind: org.kind,
    countyCode: org.countyCode,
    villageCode: org.villageCode,
    villageName: villages.get(org.villageCode) ?? org.villageCode,
    legalRep: org.legalRep,
    phone: org.phone,
    members: members.length,
    loans: loans.length,
    creditFen: loans.reduce((s, l) => s + decToFen(l.loan.principal), 0),
    missed,
    membersList: members.map((m) => ({
      borrowerId: m.borrowerId,
      name: m.borrower.name,
      idNumber: maskIdNumber(m.borrower.idNumber),
      villageName: villages.get(m.borrower.villageCode) ?? m.borrower.villageCode,
      joinedOn: dateToIso(m.joinedOn),
    })),
    loanList: loans.map((l) => ({
      loanId: l.loan.id,
      borrowerId: l.loan.borrowerId,
      borrowerName: names.get(l.loan.borrowerId) ?? "",
      applicationNo: l.loan.applicationNo,
      principalFen: decToFen(l.loan.principal),
      disbursedDate: dateToIso(l.loan.disbursedDate),
      status: l.loan.status,
    })),
    schedule: standings.map((s) => ({
      borrowerId: s.borrowerId,
      borrowerName: names.get(s.borrowerId) ?? "",
      year: s.year,
      dueDate: s.dueDate,
      creditFen: s.creditFen,
      dueFen: s.dueFen,
      paidFen: s.paidFen,
      shortFen: s.shortFen,
      status: s.status,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      borrowerName: names.get(p.borrowerId) ?? "",
      year: p.year,
      paidDate: dateToIso(p.paidDate),
      amountFen: decToFen(p.amount),
      memo: p.memo,
    })),
    linkable: linkable.map((l) => ({
      loanId: l.id,
      label: `${names.get(l.borrowerId) ?? ""} · ${l.applicationNo} · ${fenToYuan(decToFen(l.principal))}`,
    })),
    canWrite: can(actor.role, "organisation.write"),
  };
}

const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.string().trim().max(max, `不能超过${max}个字`).optional(),
  );
const positiveId = (message: string) => z.coerce.number({ message }).int().positive(message);

const registerInput = z.object({
  name: z.string().trim().min(1, "请填写组织名称").max(64, "组织名称不能超过64个字"),
  creditCode: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isValidCreditCode, "统一社会信用代码不正确（18位，含校验位）"),
  kind: z.enum(ORGANISATION_KINDS, { message: "请选择组织类型" }),
  villageCode: z.string().regex(/^\d{12}$/, "请选择所在村"),
  legalRep: optionalText(32),
  phone: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^[\d-]{7,20}$/, "联系电话格式不正确")
      .optional(),
  ),
});

/** Registers an organisation in a village of the actor's county. */
export async function registerOrganisation(actor: Actor, raw: unknown): Promise<{ id: number }> {
  const t = { action: "organisation.create", entity: "EconomicOrganisation" };
  await requirePermission(actor, "organisation.write", t);
  const o = parseOrInvalid(registerInput, raw);
  await requireRegionInScope(actor, o.villageCode, {
    ...t,
    field: "villageCode",
    message: "请选择您管辖范围内的村",
  });
  const village = await db.region.findUnique({ where: { code: o.villageCode }, select: { level: true } });
  if (village?.level !== "VILLAGE") throw invalid({ villageCode: ["请选择所在村"] });
  return db.$transaction(async (tx) => {
    if (
      await tx.economicOrganisation.findUnique({ where: { creditCode: o.creditCode }, select: { id: true } })
    )
      throw invalid({ creditCode: ["该统一社会信用代码已登记"] });
    const created = await tx.economicOrganisation.create({
      data: {
        countyCode: o.villageCode.slice(0, 6),
        villageCode: o.villageCode,
        name: o.name,
        creditCode: o.creditCode,
        kind: o.kind,
        legalRep: o.legalRep ?? null,
        phone: o.phone ?? null,
        createdById: actor.id,
      },
    });
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(created.id),
      countyCode: created.countyCode,
      after: o,
      outcome: "OK",
    });
    return { id: created.id };
  });
}

const memberInput = z.object({
  organisationId: positiveId("请选择组织"),
  idNumber: z.string().trim().toUpperCase().min(1, "请填写农户身份证号").max(18, "身份证号为18位"),
  joinedOn: z.iso.date({ message: "请填写加入日期" }),
});

/** Adds a household (a borrower of the organisation's county, found by her ID number) as a member. */
export async function addMember(actor: Actor, raw: unknown): Promise<{ borrowerId: number }> {
  const t = { action: "organisation.member.add", entity: "EconomicOrganisation" };
  await requirePermission(actor, "organisation.write", t);
  const m = parseOrInvalid(memberInput, raw);
  const org = await scopedOrganisation(actor, m.organisationId, t.action);
  // Only the county's own borrowers are found: an ID number of another county answers like an unknown one.
  const borrower = await db.borrower.findFirst({
    where: { idNumber: m.idNumber, countyCode: org.countyCode, kind: "INDIVIDUAL" },
    select: { id: true, countyCode: true, villageCode: true },
  });
  if (!borrower || !inScope(actor, borrower))
    throw invalid({ idNumber: ["本县没有该身份证号的借款人，请先登记借款人"] });
  return db.$transaction(async (tx) => {
    const exists = await tx.organisationMember.findUnique({
      where: { organisationId_borrowerId: { organisationId: org.id, borrowerId: borrower.id } },
      select: { id: true },
    });
    if (exists) throw invalid({ idNumber: ["该农户已是本组织成员"] });
    await tx.organisationMember.create({
      data: {
        organisationId: org.id,
        borrowerId: borrower.id,
        countyCode: org.countyCode,
        joinedOn: isoToDate(m.joinedOn),
        createdById: actor.id,
      },
    });
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(org.id),
      countyCode: org.countyCode,
      after: { borrowerId: borrower.id, joinedOn: m.joinedOn },
      outcome: "OK",
    });
    return { borrowerId: borrower.id };
  });
}

/**
 * Rebuilds a household's benefit schedule with an organisation from her linked loans (src/domain/benefits.ts):
 * credit = the loans' principal, years from the first disbursement, share and years from that loan's policy.
 */
export async function rebuildSchedule(tx: Tx, organisationId: number, borrowerId: number): Promise<void> {
  const links = await tx.organisationLoan.findMany({
    where: { organisationId, borrowerId },
    include: {
      loan: {
        select: {
          principal: true,
          disbursedDate: true,
          countyCode: true,
          policyVersion: { select: { orgBenefitShareBp: true, orgBenefitYears: true } },
        },
      },
    },
  });
  const loans = links
    .filter((l) => l.loan.disbursedDate && l.loan.principal)
    .map((l) => ({
      principalFen: decToFen(l.loan.principal),
      disbursedDate: dateToIso(l.loan.disbursedDate!),
      policy: l.loan.policyVersion,
      countyCode: l.loan.countyCode,
    }))
    .sort((a, b) => a.disbursedDate.localeCompare(b.disbursedDate));
  await tx.organisationBenefitDue.deleteMany({ where: { organisationId, borrowerId } });
  const first = loans[0];
  if (!first) return;
  const schedule = benefitSchedule(loans, {
    shareBp: first.policy.orgBenefitShareBp,
    years: first.policy.orgBenefitYears,
  });
  await tx.organisationBenefitDue.createMany({
    data: schedule.map((y) => ({
      organisationId,
      borrowerId,
      countyCode: first.countyCode,
      year: y.year,
      dueDate: isoToDate(y.dueDate),
      credit: fenToYuan(y.creditFen),
      amount: fenToYuan(y.dueFen),
    })),
  });
}

const linkInput = z.object({
  organisationId: positiveId("请选择组织"),
  loanId: positiveId("请选择贷款"),
});

/** Links a member household's disbursed loan to the organisation that uses its money; her schedule is rebuilt. */
export async function linkLoan(actor: Actor, raw: unknown): Promise<{ loanId: number }> {
  const t = { action: "organisation.loan.link", entity: "EconomicOrganisation" };
  await requirePermission(actor, "organisation.write", t);
  const l = parseOrInvalid(linkInput, raw);
  const org = await scopedOrganisation(actor, l.organisationId, t.action);
  const loan = await db.loan.findUnique({
    where: { id: l.loanId },
    select: {
      id: true,
      countyCode: true,
      villageCode: true,
      borrowerId: true,
      disbursedDate: true,
      organisationLoan: { select: { id: true } },
    },
  });
  await requireInScope(actor, loan, { ...t, entity: "Loan", entityId: l.loanId });
  if (loan!.countyCode !== org.countyCode) throw invalid({ loanId: ["只能关联本县的贷款"] });
  if (!loan!.disbursedDate) throw invalid({ loanId: ["该贷款尚未放款"] });
  if (loan!.organisationLoan) throw invalid({ loanId: ["该贷款已关联到经济组织"] });
  const member = await db.organisationMember.findUnique({
    where: { organisationId_borrowerId: { organisationId: org.id, borrowerId: loan!.borrowerId } },
    select: { id: true },
  });
  if (!member) throw invalid({ loanId: ["借款人不是本组织的成员农户"] });
  return db.$transaction(async (tx) => {
    await tx.organisationLoan.create({
      data: {
        organisationId: org.id,
        loanId: loan!.id,
        borrowerId: loan!.borrowerId,
        countyCode: org.countyCode,
        createdById: actor.id,
      },
    });
    await rebuildSchedule(tx, org.id, loan!.borrowerId);
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(org.id),
      countyCode: org.countyCode,
      after: { loanId: loan!.id, borrowerId: loan!.borrowerId },
      outcome: "OK",
    });
    return { loanId: loan!.id };
  });
}

const paymentInput = z.object({
  organisationId: positiveId("请选择组织"),
  /** "borrowerId:year" of a line of the schedule. */
  line: z.string().regex(/^\d+:\d+$/, "请选择农户和年度"),
  paidDate: z.iso
    .date({ message: "请填写支付日期" })
    .refine((v) => v <= todayShanghai(), "支付日期不能晚于今天"),
  amount: yuanField("支付金额"),
  memo: optionalText(128),
});

/** Records a benefit payment of the organisation to a household for a year of her schedule. */
export async function recordBenefitPayment(actor: Actor, raw: unknown): Promise<{ id: number }> {
  const t = { action: "organisation.benefit.pay", entity: "EconomicOrganisation" };
  await requirePermission(actor, "organisation.write", t);
  const p = parseOrInvalid(paymentInput, raw);
  const org = await scopedOrganisation(actor, p.organisationId, t.action);
  const [borrowerId, year] = p.line.split(":").map(Number) as [number, number];
  const due = await db.organisationBenefitDue.findUnique({
    where: { organisationId_borrowerId_year: { organisationId: org.id, borrowerId, year } },
    select: { id: true },
  });
  if (!due) throw invalid({ line: ["请选择收益计划中的农户和年度"] });
  const amountFen = yuanToFen(p.amount);
  if (amountFen <= 0) throw invalid({ amount: ["支付金额须大于0"] });
  return db.$transaction(async (tx) => {
    const created = await tx.organisationBenefitPayment.create({
      data: {
        organisationId: org.id,
        borrowerId,
        countyCode: org.countyCode,
        year,
        paidDate: isoToDate(p.paidDate),
        amount: fenToYuan(amountFen),
        memo: p.memo ?? null,
        createdById: actor.id,
      },
    });
    await writeAudit(tx, {
      ...actorFields(actor),
      ...t,
      entityId: String(org.id),
      countyCode: org.countyCode,
      after: { borrowerId, year, paidDate: p.paidDate, amountFen, memo: p.memo ?? null },
      outcome: "OK",
    });
    return { id: created.id };
  });
}

/** The villages an organisation may be registered in: those of the actor's region, with their township. */
export async function organisationVillages(actor: Actor): Promise<{ code: string; label: string }[]> {
  await requirePermission(actor, "organisation.write", {
    action: "organisation.create",
    entity: "EconomicOrganisation",
  });
  const f = scopeFilter(actor.regionCode);
  const villages = await db.region.findMany({
    where: { level: "VILLAGE", code: codePrefix(f.prefix) },
    orderBy: { code: "asc" },
    select: { code: true, name: true, parent: { select: { name: true } } },
  });
  return villages.map((v) => ({ code: v.code, label: `${v.parent?.name ?? ""} ${v.name}`.trim() }));
}
