/**
 * Demo insurance and a 分贷统还 organisation (issue 23 items 4–5), so a new user sees both:
 *  - an insurance policy on every second repaying loan of 榆中县 and 道县 (premium 1% of the loan, paid by the
 *    government, the borrower or the bank in turn; cover = the loan's term), two with their policy document as a
 *    small generated PDF attachment, and claims: one paid, one filed, one rejected;
 *  - in 榆中县 one farmers' cooperative with five member households, their loans linked, the benefit schedule
 *    (src/domain/benefits.ts with each first loan's policy settings) and the payments of every year due by the
 *    demo date — but one: the latest year due is left half paid, so the county's alert and the ledger show a
 *    missed benefit payment.
 * Deterministic; written without audit events like the rest of the demo data.
 */
import { Readable } from "node:stream";
import {
  addDays,
  addMonths,
  benefitSchedule,
  creditCodeCheckChar,
  fenToYuan,
  roundHalfUp,
  yuanToFen,
  type IsoDate,
} from "../../src/domain";
import type { Prisma } from "../../src/generated/prisma/client";
import type { AttachmentStore } from "../../src/shared/storage";
import { tinyPdf } from "./attachments";

type Tx = Prisma.TransactionClient;
const day = (d: Date) => d.toISOString().slice(0, 10) as IsoDate;
const date = (iso: IsoDate) => new Date(`${iso}T00:00:00Z`);
const fen = (v: { toFixed: (n: number) => string }) => yuanToFen(v.toFixed(2));

const INSURERS = [
  "中国人民财产保险股份有限公司",
  "中华联合财产保险股份有限公司",
  "中国太平洋财产保险股份有限公司",
];
const PAYERS = ["GOVERNMENT", "BORROWER", "BANK"] as const;

export async function seedInsuranceAndOrganisations(
  prisma: Tx,
  store: AttachmentStore,
  asOf: IsoDate,
  userOf: (username: string) => number,
): Promise<{ policies: number; claims: number; members: number; missed: number }> {
  // ── insurance ──
  let policies = 0;
  const claimed: {
    policyId: number;
    loanId: number;
    countyCode: string;
    villageCode: string;
    principalFen: number;
    from: IsoDate;
    by: number;
  }[] = [];
  for (const { county, staff } of [
    { county: "620123", staff: "yz_staff" },
    { county: "431124", staff: "dx_staff" },
  ]) {
    const by = userOf(staff);
    const loans = await prisma.loan.findMany({
      where: { countyCode: county, status: "REPAYING", disbursedDate: { not: null } },
      orderBy: { id: "asc" },
      select: {
        id: true,
        countyCode: true,
        villageCode: true,
        borrowerId: true,
        contractNo: true,
        principal: true,
        disbursedDate: true,
        maturityDate: true,
      },
    });
    for (const [i, l] of loans.entries()) {
      if (i % 2 !== 0) continue; // every second repaying loan is insured
      const principalFen = fen(l.principal!);
      const premiumFen = Number(roundHalfUp(BigInt(principalFen) * 100n, 10_000n));
      const from = day(l.disbursedDate!);
      const to = l.maturityDate ? day(l.maturityDate) : addDays(from, 365);
      let attachmentId: number | null = null;
      if (policies < 2 || (county === "431124" && i === 0)) {
        const bytes = tinyPdf([
          "HalfSky demo: insurance policy",
          `Policy no. PICC${county}${l.id}`,
          `Loan contract ${l.contractNo}`,
          "Generated demo file, not a real policy.",
        ]);
        const staged = await store.stage(Readable.from([bytes]), bytes.length + 1);
        const storageKey = await staged.commit();
        const a = await prisma.attachment.create({
          data: {
            countyCode: l.countyCode,
            villageCode: l.villageCode,
            borrowerId: l.borrowerId,
            loanId: l.id,
            kind: "INSURANCE_POLICY",
            fileName: `保险单-PICC${county}${l.id}.pdf`,
            contentType: "application/pdf",
            sizeBytes: staged.size,
            sha256: staged.sha256,
            storageKey,
            uploadedById: by,
            uploadedAt: new Date(`${from}T11:00:00+08:00`),
          },
        });
        attachmentId = a.id;
      }
      const p = await prisma.insurancePolicy.create({
        data: {
          countyCode: l.countyCode,
          villageCode: l.villageCode,
          loanId: l.id,
          policyNo: `PICC${county}${String(l.id).padStart(6, "0")}`,
          insurer: INSURERS[i % INSURERS.length]!,
          premium: fenToYuan(premiumFen),
          premiumPaidBy: PAYERS[(i / 2) % PAYERS.length]!,
          coverFrom: date(from),
          coverTo: date(to < from ? from : to),
          attachmentId,
          createdById: by,
          createdAt: new Date(`${from}T11:00:00+08:00`),
        },
      });
      policies++;
      if (claimed.length < 3 && county === "620123" && i >= 8)
        claimed.push({
          policyId: p.id,
          loanId: l.id,
          countyCode: l.countyCode,
          villageCode: l.villageCode,
          principalFen,
          from,
          by,
        });
    }
  }
  const outcomes = ["PAID", "FILED", "REJECTED"] as const;
  for (const [i, c] of claimed.entries()) {
    const claimDate = addDays(asOf, -60 + i * 20);
    const amountFen = Math.floor(c.principalFen / 2 / 100) * 100;
    const outcome = outcomes[i]!;
    await prisma.insuranceClaim.create({
      data: {
        countyCode: c.countyCode,
        villageCode: c.villageCode,
        loanId: c.loanId,
        policyId: c.policyId,
        claimDate: date(claimDate < c.from ? c.from : claimDate),
        amount: fenToYuan(amountFen),
        status: outcome,
        paidAmount: outcome === "PAID" ? fenToYuan(Math.floor((amountFen * 9) / 10)) : null,
        paidDate: outcome === "PAID" ? date(addDays(claimDate, 25)) : null,
        note: [
          "肉牛疫病死亡，按保险责任赔付九成",
          "暴雨致大棚倒塌，已报案待查勘",
          "非保险责任范围（管理不善）",
        ][i]!,
        createdById: c.by,
        decidedById: outcome === "FILED" ? null : c.by,
        version: outcome === "FILED" ? 1 : 2,
      },
    });
  }

  // ── one 分贷统还 organisation in 榆中县 ──
  const county = "620123";
  const by = userOf("yz_staff");
  const candidates = await prisma.loan.findMany({
    where: {
      countyCode: county,
      status: "REPAYING",
      borrower: { kind: "INDIVIDUAL" },
      disbursedDate: { gte: date(addDays(asOf, -3 * 365)), lte: date(addDays(asOf, -400)) },
    },
    orderBy: [{ disbursedDate: "desc" }, { id: "asc" }],
    select: {
      id: true,
      borrowerId: true,
      villageCode: true,
      principal: true,
      disbursedDate: true,
      policyVersion: { select: { orgBenefitShareBp: true, orgBenefitYears: true } },
    },
  });
  const chosen: typeof candidates = [];
  // No year falling due in the 90 days after the demo date: so the one missed payment stays the only one a while.
  const soon = (l: (typeof candidates)[number]) =>
    [1, 2, 3, 4, 5].some((k) => {
      const due = addMonths(day(l.disbursedDate!), 12 * k);
      return due > asOf && due <= addDays(asOf, 90);
    });
  for (const l of candidates) {
    if (chosen.length === 5) break;
    if (!soon(l) && !chosen.some((c) => c.borrowerId === l.borrowerId)) chosen.push(l);
  }
  if (chosen.length < 5)
    throw new Error("demo: too few repaying loans in 榆中县 for the 分贷统还 organisation");
  const first17 = "93620123MA0HN2016";
  const org = await prisma.economicOrganisation.create({
    data: {
      countyCode: county,
      villageCode: chosen[0]!.villageCode,
      name: "榆中县金穗肉牛养殖农民专业合作社",
      creditCode: first17 + creditCodeCheckChar(first17)!, // letters of GB 32100 only (no I, O, S, V, Z)
      kind: "COOPERATIVE",
      legalRep: "张建国",
      phone: "0931-5221234",
      createdById: by,
      createdAt: new Date(`${day(chosen.at(-1)!.disbursedDate!)}T09:00:00+08:00`),
    },
  });
  const dues: { borrowerId: number; year: number; dueDate: IsoDate; dueFen: number }[] = [];
  for (const l of chosen) {
    const joined = addDays(day(l.disbursedDate!), -15);
    await prisma.organisationMember.create({
      data: {
        organisationId: org.id,
        borrowerId: l.borrowerId,
        countyCode: county,
        joinedOn: date(joined),
        createdById: by,
      },
    });
    await prisma.organisationLoan.create({
      data: {
        organisationId: org.id,
        loanId: l.id,
        borrowerId: l.borrowerId,
        countyCode: county,
        createdById: by,
      },
    });
    const schedule = benefitSchedule(
      [{ principalFen: fen(l.principal!), disbursedDate: day(l.disbursedDate!) }],
      {
        shareBp: l.policyVersion.orgBenefitShareBp,
        years: l.policyVersion.orgBenefitYears,
      },
    );
    await prisma.organisationBenefitDue.createMany({
      data: schedule.map((y) => ({
        organisationId: org.id,
        borrowerId: l.borrowerId,
        countyCode: county,
        year: y.year,
        dueDate: date(y.dueDate),
        credit: fenToYuan(y.creditFen),
        amount: fenToYuan(y.dueFen),
      })),
    });
    dues.push(
      ...schedule.map((y) => ({
        borrowerId: l.borrowerId,
        year: y.year,
        dueDate: y.dueDate,
        dueFen: y.dueFen,
      })),
    );
  }
  // Every year due by the demo date is paid a few days early, in full — but the latest one: half, so it is missed.
  const past = dues.filter((d) => d.dueDate < asOf).sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const missed = past.at(-1);
  if (!missed) throw new Error("demo: no benefit year due before the demo date");
  for (const d of past) {
    const amountFen = d === missed ? Math.floor(d.dueFen / 2) : d.dueFen;
    await prisma.organisationBenefitPayment.create({
      data: {
        organisationId: org.id,
        borrowerId: d.borrowerId,
        countyCode: county,
        year: d.year,
        paidDate: date(addDays(d.dueDate, -5)),
        amount: fenToYuan(amountFen),
        memo: d === missed ? "合作社资金紧张，先付一半" : "银行转账",
        createdById: by,
        createdAt: new Date(`${addDays(d.dueDate, -5)}T15:00:00+08:00`),
      },
    });
  }
  return { policies, claims: claimed.length, members: chosen.length, missed: 1 };
}
