import "server-only";
import { z } from "zod";
import {
  can,
  isServicing,
  maskIdNumber,
  scopeFilter,
  visitState,
  type IsoDate,
  type VisitState,
} from "@/domain";
import { Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { invalid, parseOrInvalid } from "../errors";
import { dateToIso, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { codeRange } from "../prefix";
import { requireInScope, requirePermission, type Actor } from "../authz";

/**
 * 贷后回访 (issue 23 item 2, DOMAIN §18): the county's staff record each visit to a disbursed loan's borrower —
 * date, visitor, how the money is used, whether that matches the purpose, and a photo (a VISIT_PHOTO attachment
 * of the same loan, uploaded first through /attachments/upload). The visit rule (first within N days of
 * disbursement, then every M months) is the loan's policy version's, computed by src/domain/visits.ts; the
 * overdue list is the same rule in SQL (proved equal by tests/integration/visits.test.ts).
 */

export const visitInput = z
  .object({
    loanId: z.coerce.number().int().positive(),
    visitDate: z.iso.date({ message: "请填写回访日期（年-月-日）" }),
    visitor: z.string().trim().min(2, "请填写回访人").max(64, "回访人不能超过64个字"),
    usage: z.string().trim().min(2, "请填写资金使用情况").max(256, "资金使用情况不能超过256个字"),
    matchesPurpose: z.enum(["YES", "NO"], { message: "请选择资金用途是否与申请用途相符" }),
    matchNote: z.string().trim().max(256, "说明不能超过256个字").optional(),
    photoId: z.preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.coerce.number().int().positive().optional(),
    ),
  })
  .refine((v) => v.matchesPurpose === "YES" || (v.matchNote?.length ?? 0) >= 2, {
    message: "用途不符时须说明实际用途和处理意见",
    path: ["matchNote"],
  });

export interface VisitDto {
  id: number;
  visitDate: IsoDate;
  visitor: string;
  usage: string;
  matchesPurpose: boolean;
  matchNote: string | null;
  photo: { id: number; fileName: string; sha256: string } | null;
  recordedBy: string;
  createdAt: string;
}

export interface LoanVisitsDto {
  items: VisitDto[];
  rule: { firstVisitDays: number; visitEveryMonths: number };
  /** The next visit (null for a loan not in the borrower's hands). */
  state: VisitState | null;
  mayRecord: boolean;
  /** The reader may open the photos (attachment.read). */
  mayViewPhotos: boolean;
  /** Bounds of the visit date (disbursement … today). */
  from: IsoDate | null;
  today: IsoDate;
}

async function loanOf(actor: Actor, loanId: number, target: { action: string; entity: string }) {
  return requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id: loanId },
      select: {
        id: true,
        countyCode: true,
        villageCode: true,
        borrowerId: true,
        status: true,
        disbursedDate: true,
        purpose: true,
        policyVersion: { select: { firstVisitDays: true, visitEveryMonths: true } },
      },
    }),
    { ...target, entityId: loanId },
  );
}

/** The visits of a loan of the actor's region, newest first, with when the next one is due. */
export async function listVisits(
  actor: Actor,
  loanId: number,
  today: IsoDate = todayShanghai(),
): Promise<LoanVisitsDto> {
  const target = { action: "visit.list", entity: "Loan" };
  await requirePermission(actor, "loan.read", { ...target, entityId: loanId });
  const loan = await loanOf(actor, loanId, target);
  const rows = await db.loanVisit.findMany({
    where: { loanId },
    orderBy: [{ visitDate: "desc" }, { id: "desc" }],
    select: {
      id: true,
      visitDate: true,
      visitor: true,
      usage: true,
      matchesPurpose: true,
      matchNote: true,
      recordedById: true,
      createdAt: true,
      photo: { select: { id: true, fileName: true, sha256: true } },
    },
  });
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.recordedById))] } },
    select: { id: true, displayName: true },
  });
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const disbursed = dateToIso(loan.disbursedDate);
  const last = rows.map((r) => dateToIso(r.visitDate)).find((d) => disbursed !== null && d >= disbursed);
  return {
    items: rows.map((r) => ({
      id: r.id,
      visitDate: dateToIso(r.visitDate),
      visitor: r.visitor,
      usage: r.usage,
      matchesPurpose: r.matchesPurpose,
      matchNote: r.matchNote,
      photo: r.photo,
      recordedBy: names.get(r.recordedById) ?? "",
      createdAt: r.createdAt.toISOString(),
    })),
    rule: loan.policyVersion,
    state: visitState(
      { status: loan.status, disbursedDate: disbursed, lastVisitDate: last ?? null },
      loan.policyVersion,
      today,
    ),
    mayRecord: can(actor.role, "visit.write") && isServicing(loan.status),
    mayViewPhotos: can(actor.role, "attachment.read"),
    from: disbursed,
    today,
  };
}

/** Records a visit to a disbursed loan of the actor's county; the photo must be a visit photo of this loan. */
export async function recordVisit(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(visitInput, raw);
  const target = { action: "visit.record", entity: "Loan" };
  await requirePermission(actor, "visit.write", { ...target, entityId: input.loanId });
  const loan = await loanOf(actor, input.loanId, target);
  const disbursed = dateToIso(loan.disbursedDate);
  if (!isServicing(loan.status) || disbursed === null)
    throw invalid({ visitDate: ["只能对已放款、尚未结清的贷款登记回访"] }, "该贷款不在还款中");
  const errors: Record<string, string[]> = {};
  if (input.visitDate > today) errors.visitDate = ["回访日期不能晚于今天"];
  else if (input.visitDate < disbursed) errors.visitDate = [`回访日期不能早于放款日期 ${disbursed}`];
  if (input.photoId !== undefined) {
    const photo = await db.attachment.findUnique({
      where: { id: input.photoId },
      select: { loanId: true, kind: true, visit: { select: { id: true } } },
    });
    if (photo?.loanId !== loan.id || photo.kind !== "VISIT_PHOTO")
      errors.photo = ["照片须是本笔贷款的回访照片"];
    else if (photo.visit) errors.photo = ["该照片已用于另一次回访"];
  }
  if (Object.keys(errors).length) throw invalid(errors);
  try {
    return await db.$transaction(async (tx) => {
      const visit = await tx.loanVisit.create({
        data: {
          loanId: loan.id,
          countyCode: loan.countyCode,
          villageCode: loan.villageCode,
          visitDate: isoToDate(input.visitDate),
          visitor: input.visitor,
          usage: input.usage,
          matchesPurpose: input.matchesPurpose === "YES",
          matchNote: input.matchNote || null,
          photoId: input.photoId ?? null,
          recordedById: actor.id,
        },
        select: { id: true },
      });
      await writeAudit(tx, {
        action: "visit.record",
        entity: "LoanVisit",
        entityId: String(visit.id),
        countyCode: loan.countyCode,
        after: { ...input, purpose: loan.purpose },
        outcome: "OK",
        ...actorFields(actor),
      });
      return visit;
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw invalid({ photo: ["该照片已用于另一次回访"] });
    throw e;
  }
}

export interface OverdueVisitRow {
  loanId: number;
  applicationNo: string;
  borrowerName: string;
  borrowerIdMasked: string;
  villageName: string;
  purpose: string;
  disbursedDate: IsoDate;
  lastVisitDate: IsoDate | null;
  dueDate: IsoDate;
  daysOverdue: number;
}

export interface OverdueVisits {
  total: number;
  rows: OverdueVisitRow[];
}

/**
 * The loans of the actor's region whose visit is overdue on `today`, the longest overdue first: the rule of
 * src/domain/visits.ts in SQL, over the region's repaying loans ("Loan_countyCode_status_idx") and the last
 * visit of each ("LoanVisit_loanId_visitDate_idx"). Only `limit` rows are read in full.
 */
export async function overdueVisits(
  actor: Actor,
  q: { limit?: number; page?: number } = {},
  today: IsoDate = todayShanghai(),
): Promise<OverdueVisits> {
  await requirePermission(actor, "loan.read", { action: "visit.overdue", entity: "Loan" });
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const offset = (Math.max(q.page ?? 1, 1) - 1) * limit;
  const f = scopeFilter(actor.regionCode);
  const scope =
    f.column === "countyCode"
      ? codeRange(Prisma.raw(`l."countyCode"`), f.prefix)
      : Prisma.sql`${codeRange(Prisma.raw(`l."countyCode"`), f.prefix.slice(0, 6))} AND ${codeRange(Prisma.raw(`l."villageCode"`), f.prefix)}`;
  const rows = await db.$queryRaw<
    {
      total: bigint;
      id: number | null;
      applicationNo: string;
      name: string;
      idNumber: string;
      village: string;
      purpose: string;
      disbursed: string;
      last: string | null;
      due: string;
      days: number;
    }[]
  >(Prisma.sql`
    WITH due AS (
      SELECT l.id, lv.last,
             CASE WHEN lv.last IS NULL THEN l."disbursedDate" + p."firstVisitDays"
                  ELSE (lv.last + make_interval(months => p."visitEveryMonths"))::date END AS due
      FROM "Loan" l
      JOIN "PolicyVersion" p ON p.id = l."policyVersionId"
      LEFT JOIN LATERAL (
        SELECT max(v."visitDate") AS last FROM "LoanVisit" v
        WHERE v."loanId" = l.id AND v."visitDate" >= l."disbursedDate"
      ) lv ON TRUE
      WHERE ${scope} AND l.status = 'REPAYING' AND l."disbursedDate" IS NOT NULL
    ),
    late AS (SELECT * FROM due WHERE due < ${isoToDate(today)}),
    tot AS (SELECT COUNT(*) AS total FROM late),
    pg AS (SELECT * FROM late ORDER BY due, id LIMIT ${limit} OFFSET ${offset})
    SELECT tot.total, l.id, l."applicationNo", b.name, b."idNumber", COALESCE(r.name, l."villageCode") AS village,
           l.purpose, to_char(l."disbursedDate", 'YYYY-MM-DD') AS disbursed, to_char(pg.last, 'YYYY-MM-DD') AS last,
           to_char(pg.due, 'YYYY-MM-DD') AS due, (${isoToDate(today)}::date - pg.due) AS days
    FROM tot LEFT JOIN pg ON TRUE
    LEFT JOIN "Loan" l ON l.id = pg.id
    LEFT JOIN "Borrower" b ON b.id = l."borrowerId"
    LEFT JOIN "Region" r ON r.code = l."villageCode"
    ORDER BY pg.due, pg.id`);
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        loanId: r.id!,
        applicationNo: r.applicationNo,
        borrowerName: r.name,
        borrowerIdMasked: maskIdNumber(r.idNumber),
        villageName: r.village,
        purpose: r.purpose,
        disbursedDate: r.disbursed,
        lastVisitDate: r.last,
        dueDate: r.due,
        daysOverdue: Number(r.days),
      })),
  };
}
