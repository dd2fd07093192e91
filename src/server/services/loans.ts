import "server-only";
import { z } from "zod";
import {
  bucketOf,
  daysBetween,
  maskIdNumber,
  maySearch,
  personalAccess,
  searchKind,
  type Bucket,
  type Fen,
  type IsoDate,
} from "@/domain";
import type { LoanStatus, Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { decToFen, dateToIso, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { requirePermission, scopeWhere, type Actor } from "../authz";

export const LOAN_STATUSES = [
  "APPLIED",
  "APPROVED",
  "REJECTED",
  "REPAYING",
  "CLOSED",
  "COMPENSATED",
  "WRITTEN_OFF",
  "VOIDED",
] as const;

export const loanListQuery = z.object({
  q: z.string().trim().max(64).optional(),
  status: z.enum(LOAN_STATUSES).optional(),
  borrowerId: z.coerce.number().int().positive().optional(),
  /** Keyset cursor: the last id of the previous page (ids descend). */
  after: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type LoanListQuery = z.infer<typeof loanListQuery>;

export interface LoanRow {
  id: number;
  applicationNo: string;
  contractNo: string | null;
  borrowerName: string;
  borrowerIdMasked: string;
  villageName: string;
  bankName: string;
  principalFen: Fen;
  outstandingFen: Fen;
  status: LoanStatus;
  disbursedDate: IsoDate | null;
  maturityDate: IsoDate | null;
  daysPastDue: number;
  bucket: Bucket;
}

/** Loans in the actor's region, newest first, with keyset pagination. */
export async function listLoans(
  actor: Actor,
  query: LoanListQuery,
  asOf: IsoDate = todayShanghai(),
): Promise<{ rows: LoanRow[]; nextAfter: number | null }> {
  await requirePermission(actor, "loan.read", { action: "loan.list", entity: "Loan" });
  const where: Prisma.LoanWhereInput = { ...scopeWhere(actor) };
  if (query.status) where.status = query.status;
  if (query.borrowerId) where.borrowerId = query.borrowerId;
  if (query.after) where.id = { lt: query.after };
  if (query.q) {
    const q = query.q;
    where.OR = [
      { applicationNo: { contains: q } },
      { contractNo: { contains: q } },
      { borrower: { name: { contains: q } } },
      // A full ID number only for readers with the reveal right (an exact match would confirm guesses).
      ...(searchKind(q) === "ID_NUMBER" && maySearch("ID_NUMBER", personalAccess(actor.role))
        ? [{ borrower: { idNumber: q.toUpperCase() } }]
        : []),
    ];
  }
  const loans = await db.loan.findMany({
    where,
    orderBy: { id: "desc" },
    take: query.limit + 1,
    select: {
      id: true,
      applicationNo: true,
      contractNo: true,
      principal: true,
      requestedPrincipal: true,
      principalRepaid: true,
      status: true,
      disbursedDate: true,
      maturityDate: true,
      villageCode: true,
      borrower: { select: { name: true, idNumber: true } },
      bank: { select: { name: true } },
    },
  });
  const page = loans.slice(0, query.limit);
  const ids = page.map((l) => l.id);
  const villages = await db.region.findMany({
    where: { code: { in: [...new Set(page.map((l) => l.villageCode))] } },
    select: { code: true, name: true },
  });
  const villageName = new Map(villages.map((v) => [v.code, v.name]));
  // Days past due: as-of date − due date of the oldest instalment still unpaid (DOMAIN.md §4).
  const oldest = ids.length
    ? await db.instalment.groupBy({
        by: ["loanId"],
        where: {
          loanId: { in: ids },
          dueDate: { lt: isoToDate(asOf) },
          paidDate: null,
        },
        _min: { dueDate: true },
      })
    : [];
  const oldestDue = new Map(oldest.map((o) => [o.loanId, o._min.dueDate]));
  const rows = page.map((l): LoanRow => {
    const due = oldestDue.get(l.id);
    const active = l.status === "REPAYING" || l.status === "COMPENSATED";
    const dpd = active && due ? daysBetween(dateToIso(due), asOf) : 0;
    const principalFen = decToFen(l.principal ?? l.requestedPrincipal);
    return {
      id: l.id,
      applicationNo: l.applicationNo,
      contractNo: l.contractNo,
      borrowerName: l.borrower.name,
      borrowerIdMasked: maskIdNumber(l.borrower.idNumber),
      villageName: villageName.get(l.villageCode) ?? l.villageCode,
      bankName: l.bank.name,
      principalFen,
      outstandingFen: l.principal && active ? principalFen - decToFen(l.principalRepaid) : 0,
      status: l.status,
      disbursedDate: dateToIso(l.disbursedDate),
      maturityDate: dateToIso(l.maturityDate),
      daysPastDue: dpd,
      bucket: bucketOf(dpd),
    };
  });
  return { rows, nextAfter: loans.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}
