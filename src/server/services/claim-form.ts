import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { dateToIso, decToFen, isoToDate } from "../db-values";

/**
 * The printed claim form (贴息资金申请表, DOMAIN.md §15, issue 18 item 8) of one bank and quarter: loans (笔数),
 * the balance of those loans at the start and at the end of the quarter (from the journal), interest, subsidy
 * by finance level, the differences with the bank's statement and their reasons, and the signature lines.
 * Printing a signed document is audited.
 */
export interface ClaimForm {
  id: number;
  countyName: string;
  bankName: string;
  year: number;
  quarter: number;
  periodStart: string;
  periodEnd: string;
  status: string;
  loans: number;
  balanceStartFen: number;
  balanceEndFen: number;
  interestFen: number;
  subsidyFen: number;
  borrowerFen: number;
  levels: { level: string; amountFen: number }[];
  differences: { contractNo: string | null; cause: string | null; reason: string | null }[];
}

export async function claimForm(actor: Actor, id: number): Promise<ClaimForm> {
  const target = { action: "claim.print", entity: "SubsidyClaim", entityId: id };
  await requirePermission(actor, "loan.read", target);
  const c = await requireInScope(
    actor,
    await db.subsidyClaim.findUnique({
      where: { id },
      include: { bank: { select: { name: true } }, splits: { orderBy: { id: "asc" } } },
    }),
    target,
  );
  // Balances of the claim's loans: principal minus principal repaid before the start / up to the end (the
  // journal's reversals carry negated amounts, so a plain sum nets them out).
  const [b] = await db.$queryRaw<
    { loans: bigint; start: Prisma.Decimal | null; end: Prisma.Decimal | null }[]
  >`
    SELECT count(*) AS loans,
           sum(l.principal - COALESCE((SELECT sum(e.principal) FROM "RepaymentEntry" e
                                        WHERE e."loanId" = l.id AND e."valueDate" < ${isoToDate(dateToIso(c.periodStart))}), 0)) AS start,
           sum(l.principal - COALESCE((SELECT sum(e.principal) FROM "RepaymentEntry" e
                                        WHERE e."loanId" = l.id AND e."valueDate" <= ${isoToDate(dateToIso(c.periodEnd))}), 0)) AS "end"
      FROM "SubsidyClaimLine" s JOIN "Loan" l ON l.id = s."loanId"
     WHERE s."claimId" = ${id}`;
  const [county, differences] = await Promise.all([
    db.region.findUnique({ where: { code: c.countyCode }, select: { name: true } }),
    db.claimBankLine.findMany({
      where: { claimId: id, cause: { not: null } },
      orderBy: { id: "asc" },
      select: { contractNo: true, cause: true, reason: true },
    }),
  ]);
  await writeAudit(db, {
    ...target,
    entityId: String(id),
    countyCode: c.countyCode,
    after: { status: c.status },
    outcome: "OK",
    ...actorFields(actor),
  });
  return {
    id: c.id,
    countyName: county?.name ?? c.countyCode,
    bankName: c.bank.name,
    year: c.year,
    quarter: c.quarter,
    periodStart: dateToIso(c.periodStart),
    periodEnd: dateToIso(c.periodEnd),
    status: c.status,
    loans: Number(b?.loans ?? 0),
    balanceStartFen: decToFen(b?.start ?? "0"),
    balanceEndFen: decToFen(b?.end ?? "0"),
    interestFen: decToFen(c.interestTotal),
    subsidyFen: decToFen(c.subsidyTotal),
    borrowerFen: decToFen(c.borrowerTotal),
    levels: c.splits.map((s) => ({ level: s.level, amountFen: decToFen(s.amount) })),
    differences,
  };
}
