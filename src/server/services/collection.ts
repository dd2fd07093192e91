import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { WORKLIST_LIMITS } from "@/config/limits";
import {
  can,
  collectionState,
  ENTERED_COLLECTION_STATUSES,
  fenToYuan,
  isServicing,
  isWithin,
  maskIdNumber,
  maskPhone,
  needsFollowUp,
  personalAccess,
  yuanToFen,
  type CaseEvent,
  type CaseState,
  type CollectionStatus,
  type Fen,
  type IsoDate,
} from "@/domain";
import { db, type Tx } from "../db";
import { actorFields, writeAudit } from "../audit";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { conflict, invalid, parseOrInvalid } from "../errors";
import { yuanField } from "../fields";
import { dateToIso, decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { regionGrouping } from "../read-models/figures";
import { authoriseListRegion, policyDays } from "./coming-due";

/**
 * 催收 (DOMAIN §16, decision 031). Every loan that falls past due gets one case, created idempotently the
 * first time a work list of its region is read (one INSERT … ON CONFLICT DO NOTHING). Whether a case is open,
 * its status and its flag are never stored: `collectionState` (src/domain) derives them from the loan's
 * journal and the case's append-only events, so a payment closes a case and a reversal reopens it without
 * anyone touching it. People add dated notes (with a status, a promise, a next-action date) and assign the
 * person in charge; each is an event, audited in the same transaction.
 */

/** Something of the instalment is unpaid (the same as GREATEST(0, due − paid) of either part > 0). */
const UNPAID = Prisma.sql`(i."principalDue" > i."principalPaid" OR i."interestDue" > i."interestPaid")`;

/**
 * Opens a case for every loan in the region past due today that has none yet; audited when it opens any. Runs on
 * every view of a list: the loans with something unpaid past due are taken from the instalments (one pass over
 * the partial index of unpaid ones), those that have a case are dropped, and only the rest are looked up — a
 * city has thousands of such loans and, on most days, none without a case.
 */
export async function syncCases(actor: Actor, region: string, today: IsoDate): Promise<number> {
  const g = regionGrouping(region);
  const opened = await db.$queryRaw<{ loanId: number; countyCode: string }[]>`
    INSERT INTO "CollectionCase" ("loanId", "countyCode", "villageCode")
    SELECT l.id, l."countyCode", l."villageCode" FROM "Loan" l
    WHERE l.id = ANY(ARRAY(
        SELECT d."loanId" FROM (
          SELECT DISTINCT i."loanId" FROM "Instalment" i
          WHERE ${g.county("i")} AND i."paidDate" IS NULL AND i."dueDate" < ${isoToDate(today)} AND ${UNPAID}
        ) d
        WHERE NOT EXISTS (SELECT 1 FROM "CollectionCase" c WHERE c."loanId" = d."loanId")
      ))
      AND ${g.village("l")} AND l.status IN ('REPAYING', 'COMPENSATED')
    ORDER BY l.id
    ON CONFLICT ("loanId") DO NOTHING
    RETURNING "loanId", "countyCode"`;
  const byCounty = new Map<string, number[]>();
  for (const o of opened) byCounty.set(o.countyCode, [...(byCounty.get(o.countyCode) ?? []), o.loanId]);
  for (const [countyCode, loans] of byCounty)
    await writeAudit(db, {
      ...actorFields(actor),
      action: "collection.open",
      entity: "CollectionCase",
      countyCode,
      after: { loans, on: today, by: "system (loan past due)" },
      outcome: "OK",
    });
  return opened.length;
}

export const caseListQuery = z.object({
  region: z
    .string()
    .regex(/^\d{6}(\d{3}){0,2}$/, "地区代码不正确")
    .optional(),
  view: z.enum(["open", "flagged", "followUp", "mine", "closed"]).default("open"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(WORKLIST_LIMITS.pageRows).default(WORKLIST_LIMITS.pageRows),
});
export type CaseListQuery = z.infer<typeof caseListQuery>;
export type CaseView = CaseListQuery["view"];

export interface CaseRow {
  id: number;
  loanId: number;
  applicationNo: string;
  borrowerName: string;
  phone: string;
  villageName: string;
  outstandingFen: Fen;
  daysPastDue: number;
  state: CaseState;
  assigneeName: string | null;
  assigneeId: number | null;
  nextActionDate: IsoDate | null;
  lastActivity: IsoDate | null;
  needsFollowUp: boolean;
}

/**
 * A case as the views need it to be chosen, counted and ordered — its derived state, days past due and last
 * activity — without the borrower, village and amounts, which are read only for the cases a page shows.
 */
export interface CaseLine {
  id: number;
  loanId: number;
  state: CaseState;
  daysPastDue: number;
  assigneeId: number | null;
  lastActivity: IsoDate | null;
  needsFollowUp: boolean;
}

type CaseLineSql = {
  id: number;
  loanId: number;
  status: string;
  assigneeId: number | null;
  lastActivityAt: Date | null;
  since: Date | null;
};

/**
 * The cases of a region with the due date of their loan's oldest unpaid instalment past due (`since`), in the
 * lists' order (oldest first). `open`: only open cases (the loan being repaid and something past due), or only
 * the others, or (null) both. The overdue dates come from one pass over the region's unpaid past-due
 * instalments (the partial index "Instalment_unpaid_idx"), not one lookup per case.
 */
function caseLinesSql(
  region: string,
  today: IsoDate,
  open: boolean | null,
  one?: { caseId: number; loanId: number },
) {
  const g = regionGrouping(region);
  const openFilter =
    open === null
      ? Prisma.empty
      : open
        ? Prisma.sql`AND l.status IN ('REPAYING', 'COMPENSATED') AND s.since IS NOT NULL`
        : Prisma.sql`AND NOT (l.status IN ('REPAYING', 'COMPENSATED') AND s.since IS NOT NULL)`;
  return Prisma.sql`
    WITH late AS (
      SELECT i."loanId", MIN(i."dueDate") AS since FROM "Instalment" i
      WHERE ${g.county("i")} AND i."paidDate" IS NULL AND i."dueDate" < ${isoToDate(today)} AND ${UNPAID}
        ${one ? Prisma.sql`AND i."loanId" = ${one.loanId}` : Prisma.empty}
      GROUP BY i."loanId"
    )
    SELECT c.id, c."loanId", l.status::text AS status, c."assigneeId", c."lastActivityAt", s.since
    FROM "CollectionCase" c JOIN "Loan" l ON l.id = c."loanId" LEFT JOIN late s ON s."loanId" = c."loanId"
    WHERE ${g.county("c")} AND ${g.village("c")} ${openFilter} ${one ? Prisma.sql`AND c.id = ${one.caseId}` : Prisma.empty}
    ORDER BY s.since NULLS LAST, c.id`;
}

const toCaseEvent = (e: {
  id: number;
  onDate: Date;
  status: string | null;
  promiseDate: Date | null;
  promiseAmount: { toFixed: (n: number) => string } | null;
}): CaseEvent => ({
  id: e.id,
  onDate: dateToIso(e.onDate),
  status: e.status as CollectionStatus | null,
  promiseDate: dateToIso(e.promiseDate),
  promiseAmountFen: e.promiseAmount ? decToFen(e.promiseAmount) : null,
});

/**
 * The derived state of cases: `collectionState` over each case's events and, for a standing promise, its
 * loan's journal. Events are read once for all the cases (their last note first: a case nobody has written on
 * needs nothing more), the journal only of loans with a promise.
 */
async function statesOf(rows: CaseLineSql[], today: IsoDate): Promise<Map<number, CaseState>> {
  // One array parameter each (a province has tens of thousands of open cases: one parameter per id would pass
  // PostgreSQL's 32,767-parameter limit).
  const lastNotes = rows.length
    ? await db.$queryRaw<{ caseId: number; id: number; onDate: Date }[]>`
        SELECT "caseId", MAX(id) AS id, MAX("onDate") AS "onDate"
          FROM "CollectionEvent" WHERE "caseId" = ANY(${rows.map((r) => r.id)}::int[]) GROUP BY "caseId"`
    : [];
  const written = lastNotes.map((n) => n.caseId);
  const events = written.length
    ? await db.$queryRaw<
        {
          id: number;
          caseId: number;
          onDate: Date;
          status: string | null;
          promiseDate: Date | null;
          promiseAmount: Prisma.Decimal | null;
        }[]
      >`SELECT id, "caseId", "onDate", status::text AS status, "promiseDate", "promiseAmount"
          FROM "CollectionEvent" WHERE "caseId" = ANY(${written}::int[]) AND status IS NOT NULL ORDER BY id`
    : [];
  const byCase = new Map<number, CaseEvent[]>();
  for (const e of events) {
    const list = byCase.get(e.caseId);
    if (list) list.push(toCaseEvent(e));
    else byCase.set(e.caseId, [toCaseEvent(e)]);
  }
  // Notes without a status matter only for clearing a broken promise's flag: their last date is enough.
  const lastNote = new Map(lastNotes.map((n) => [n.caseId, n]));
  const promised = rows.filter((r) => byCase.get(r.id)?.some((e) => e.status === "PROMISED"));
  const payments = new Map<number, { valueDate: IsoDate; amountFen: Fen }[]>();
  if (promised.length)
    for (const j of await db.$queryRaw<
      { loanId: number; valueDate: Date; principal: string; interest: string; penalty: string }[]
    >`SELECT "loanId", "valueDate", principal::text, interest::text, penalty::text FROM "RepaymentEntry"
        WHERE "loanId" = ANY(${promised.map((r) => r.loanId)}::int[])`) {
      const p = {
        valueDate: dateToIso(j.valueDate)!,
        amountFen: decToFen(j.principal) + decToFen(j.interest) + decToFen(j.penalty),
      };
      const list = payments.get(j.loanId);
      if (list) list.push(p);
      else payments.set(j.loanId, [p]);
    }
  const states = new Map<number, CaseState>();
  for (const r of rows) {
    const evs = [...(byCase.get(r.id) ?? [])];
    const ln = lastNote.get(r.id);
    if (ln && !evs.some((e) => e.id === ln.id))
      evs.push({
        id: ln.id,
        onDate: dateToIso(ln.onDate),
        status: null,
        promiseDate: null,
        promiseAmountFen: null,
      });
    states.set(
      r.id,
      collectionState({
        loanServicing: isServicing(r.status),
        overdueSince: dateToIso(r.since),
        events: evs,
        payments: payments.get(r.loanId) ?? [],
        today,
      }),
    );
  }
  return states;
}

async function linesOf(rows: CaseLineSql[], today: IsoDate, followUpDays: number): Promise<CaseLine[]> {
  const states = await statesOf(rows, today);
  const D = isoToDate(today).getTime();
  return rows.map((r): CaseLine => {
    const state = states.get(r.id)!;
    const last = r.lastActivityAt ? todayShanghai(r.lastActivityAt) : null;
    return {
      id: r.id,
      loanId: r.loanId,
      state,
      daysPastDue: r.since && state.open ? Math.round((D - r.since.getTime()) / 86_400_000) : 0,
      assigneeId: r.assigneeId,
      lastActivity: last,
      needsFollowUp: state.open && needsFollowUp(last, today, followUpDays),
    };
  });
}

/** The rows a page shows: the lines with their loan's borrower, village, balance and the person in charge. */
async function rowsOf(actor: Actor, lines: readonly CaseLine[]): Promise<CaseRow[]> {
  if (!lines.length) return [];
  const ids = lines.map((l) => l.id);
  const [details, users] = await Promise.all([
    db.$queryRaw<
      {
        id: number;
        applicationNo: string;
        name: string;
        phone: string;
        village: string;
        outstanding: string;
        nextActionDate: Date | null;
      }[]
    >`SELECT c.id, l."applicationNo", b.name, b.phone, COALESCE(v.name, l."villageCode") AS village,
             (COALESCE(l.principal, 0) - l."principalRepaid")::text AS outstanding, c."nextActionDate"
      FROM "CollectionCase" c JOIN "Loan" l ON l.id = c."loanId" JOIN "Borrower" b ON b.id = l."borrowerId"
      LEFT JOIN "Region" v ON v.code = l."villageCode"
      WHERE c.id = ANY(${ids}::int[])`,
    db.user.findMany({
      where: { id: { in: [...new Set(lines.flatMap((r) => (r.assigneeId ? [r.assigneeId] : [])))] } },
      select: { id: true, displayName: true },
    }),
  ]);
  const byId = new Map(details.map((d) => [d.id, d]));
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const phone = personalAccess(actor.role).phone;
  return lines.map((l): CaseRow => {
    const d = byId.get(l.id)!;
    return {
      id: l.id,
      loanId: l.loanId,
      applicationNo: d.applicationNo,
      borrowerName: d.name,
      phone: phone ? d.phone : maskPhone(d.phone),
      villageName: d.village,
      outstandingFen: l.state.open ? decToFen(d.outstanding) : 0,
      daysPastDue: l.daysPastDue,
      state: l.state,
      assigneeId: l.assigneeId,
      assigneeName: l.assigneeId ? (names.get(l.assigneeId) ?? null) : null,
      nextActionDate: dateToIso(d.nextActionDate),
      lastActivity: l.lastActivity,
      needsFollowUp: l.needsFollowUp,
    };
  });
}

/** The views of the open cases (the closed ones are a view of their own, read only when asked for). */
const VIEW_OF: Record<Exclude<CaseView, "closed">, (l: CaseLine, actorId: number) => boolean> = {
  open: () => true,
  flagged: (l) => l.state.flagged,
  followUp: (l) => l.needsFollowUp,
  mine: (l, actorId) => l.assigneeId === actorId,
};

/** The open cases of a region in scope (cases opened first for what fell past due), with each view's count. */
export interface CaseBoard {
  region: string;
  followUpDays: number;
  /** Every open case, oldest past due first. */
  open: CaseLine[];
  counts: Record<Exclude<CaseView, "closed">, number>;
}

/** The open cases of a region in scope and the count of each view; `rowsOfCases` reads the rows to show. */
export async function caseBoard(
  actor: Actor,
  region: string | undefined,
  today: IsoDate = todayShanghai(),
): Promise<CaseBoard> {
  const code = await authoriseListRegion(actor, region, "collection.read");
  await syncCases(actor, code, today);
  const { followUpDays } = await policyDays(code, today);
  const open = await linesOf(
    await db.$queryRaw<CaseLineSql[]>(caseLinesSql(code, today, true)),
    today,
    followUpDays,
  );
  const count = (view: Exclude<CaseView, "closed">) =>
    open.reduce((n, l) => n + (VIEW_OF[view](l, actor.id) ? 1 : 0), 0);
  return {
    region: code,
    followUpDays,
    open,
    counts: {
      open: open.length,
      flagged: count("flagged"),
      followUp: count("followUp"),
      mine: count("mine"),
    },
  };
}

/** The rows of chosen lines of a board (e.g. the home page's first few). */
export function rowsOfCases(actor: Actor, lines: readonly CaseLine[]): Promise<CaseRow[]> {
  return rowsOf(actor, lines);
}

/**
 * The cases of a region in scope, by view — open, flagged (broken promise), needing a follow-up, mine, closed —
 * a page of `limit` cases at a time, with the count of every view over all its cases.
 */
export async function listCases(
  actor: Actor,
  raw: unknown,
  today: IsoDate = todayShanghai(),
): Promise<{
  rows: CaseRow[];
  followUpDays: number;
  counts: Record<CaseView, number>;
  total: number;
  page: number;
  pages: number;
}> {
  const parsed = caseListQuery.safeParse(raw);
  if (!parsed.success) throw invalid({ region: ["筛选条件不正确"] });
  const q = parsed.data;
  const board = await caseBoard(actor, q.region, today);
  const lines =
    q.view === "closed"
      ? await linesOf(
          await db.$queryRaw<CaseLineSql[]>(caseLinesSql(board.region, today, false)),
          today,
          board.followUpDays,
        )
      : board.open.filter((l) => VIEW_OF[q.view as Exclude<CaseView, "closed">](l, actor.id));
  const size = q.limit;
  const pages = Math.max(1, Math.ceil(lines.length / size));
  return {
    rows: await rowsOf(actor, lines.slice((q.page - 1) * size, q.page * size)),
    followUpDays: board.followUpDays,
    counts: { ...board.counts, closed: q.view === "closed" ? lines.length : 0 },
    total: lines.length,
    page: q.page,
    pages,
  };
}

export interface CaseDetail extends CaseRow {
  countyCode: string;
  loanStatus: string;
  borrowerIdMasked: string;
  events: {
    id: number;
    kind: string;
    onDate: IsoDate;
    at: string;
    status: string | null;
    promiseDate: IsoDate | null;
    promiseAmountFen: Fen | null;
    nextActionDate: IsoDate | null;
    assigneeName: string | null;
    note: string | null;
    authorName: string;
  }[];
  assignable: { id: number; name: string }[];
  pendingRequest: { kind: string } | null;
  compensation: { status: string } | null;
  can: { record: boolean; assign: boolean; requestChange: boolean; requestCompensation: boolean };
}

async function loadCase(actor: Actor, caseId: number, action: string) {
  const target = { action, entity: "CollectionCase", entityId: caseId };
  await requirePermission(actor, "loan.read", target);
  return requireInScope(
    actor,
    await db.collectionCase.findUnique({
      where: { id: caseId },
      select: { id: true, loanId: true, countyCode: true, villageCode: true },
    }),
    target,
  );
}

/** One case with its whole history (append-only), in the actor's region. */
export async function getCase(
  actor: Actor,
  caseId: number,
  today: IsoDate = todayShanghai(),
): Promise<CaseDetail> {
  const c = await loadCase(actor, caseId, "collection.read");
  const { followUpDays } = await policyDays(c.villageCode, today);
  const line = await db.$queryRaw<CaseLineSql[]>(
    caseLinesSql(c.villageCode, today, null, { caseId: c.id, loanId: c.loanId }),
  );
  const [row] = await rowsOf(actor, await linesOf(line, today, followUpDays));
  const [events, loan, users] = await Promise.all([
    db.collectionEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } }),
    db.loan.findUniqueOrThrow({
      where: { id: c.loanId },
      select: {
        status: true,
        borrower: { select: { idNumber: true } },
        requests: { where: { status: "PENDING" }, select: { kind: true } },
        compensations: {
          where: { status: { in: ["SUBMITTED", "APPROVED", "PAID"] } },
          select: { status: true },
        },
        policyVersion: { select: { compensationAfterDays: true } },
      },
    }),
    db.user.findMany({
      where: { role: { in: ["COUNTY_STAFF", "COUNTY_APPROVER"] }, disabled: false },
      select: { id: true, displayName: true, regionCode: true },
    }),
  ]);
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const authors = await db.user.findMany({
    where: { id: { in: [...new Set(events.map((e) => e.authorId))] } },
    select: { id: true, displayName: true },
  });
  for (const a of authors) names.set(a.id, a.displayName);
  const staff = can(actor.role, "loan.write");
  return {
    ...row!,
    countyCode: c.countyCode,
    loanStatus: loan.status,
    borrowerIdMasked: maskIdNumber(loan.borrower.idNumber),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      onDate: dateToIso(e.onDate),
      at: e.at.toISOString(),
      status: e.status,
      promiseDate: dateToIso(e.promiseDate),
      promiseAmountFen: e.promiseAmount ? decToFen(e.promiseAmount) : null,
      nextActionDate: dateToIso(e.nextActionDate),
      assigneeName: e.assigneeId ? (names.get(e.assigneeId) ?? null) : null,
      note: e.note,
      authorName: names.get(e.authorId) ?? "",
    })),
    assignable: users
      .filter((u) => isWithin(u.regionCode, c.countyCode) && u.regionCode.length >= 6)
      .map((u) => ({ id: u.id, name: u.displayName })),
    pendingRequest: loan.requests[0] ?? null,
    compensation: loan.compensations[0] ?? null,
    can: {
      record: staff && row!.state.open,
      assign: staff,
      requestChange: staff && row!.state.open && loan.status === "REPAYING" && loan.requests.length === 0,
      requestCompensation:
        can(actor.role, "fund.write") &&
        row!.state.open &&
        loan.status === "REPAYING" &&
        row!.daysPastDue >= loan.policyVersion.compensationAfterDays &&
        loan.compensations.length === 0,
    },
  };
}

const optionalDate = (label: string) =>
  z
    .union([z.literal(""), z.iso.date({ message: `${label}格式不正确（年-月-日）` })])
    .optional()
    .transform((v) => v || undefined);

export const caseNoteInput = z
  .object({
    caseId: z.coerce.number().int().positive(),
    status: z
      .union([
        z.literal(""),
        z.enum(ENTERED_COLLECTION_STATUSES as [CollectionStatus, ...CollectionStatus[]]),
      ])
      .optional()
      .transform((v) => v || undefined),
    promiseDate: optionalDate("承诺还款日期"),
    promiseAmount: z
      .union([z.literal(""), yuanField("承诺还款金额")])
      .optional()
      .transform((v) => v || undefined),
    nextActionDate: optionalDate("下次跟进日期"),
    note: z.string().trim().max(500, "不能超过500个字").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status === "PROMISED" && !v.promiseDate)
      ctx.addIssue({ code: "custom", path: ["promiseDate"], message: "承诺还款须填写承诺日期" });
    if (v.status === "PROMISED" && !v.promiseAmount)
      ctx.addIssue({ code: "custom", path: ["promiseAmount"], message: "承诺还款须填写承诺金额" });
    if (!v.status && !v.note && !v.nextActionDate)
      ctx.addIssue({ code: "custom", path: ["note"], message: "请填写跟进情况" });
  });

async function appendEvent(
  tx: Tx,
  actor: Actor,
  c: { id: number; countyCode: string },
  data: Omit<Prisma.CollectionEventUncheckedCreateInput, "caseId" | "countyCode" | "authorId">,
  caseUpdate: Prisma.CollectionCaseUpdateInput,
  action: string,
  after: unknown,
) {
  const e = await tx.collectionEvent.create({
    data: { ...data, caseId: c.id, countyCode: c.countyCode, authorId: actor.id },
  });
  await tx.collectionCase.update({ where: { id: c.id }, data: { ...caseUpdate, lastActivityAt: e.at } });
  await writeAudit(tx, {
    ...actorFields(actor),
    action,
    entity: "CollectionCase",
    entityId: String(c.id),
    countyCode: c.countyCode,
    after,
    outcome: "OK",
  });
  return { eventId: e.id };
}

/** A dated note on an open case: optionally a new status (承诺还款 with date and amount) and a next-action date. */
export async function recordCaseNote(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(caseNoteInput, raw);
  const target = { action: "collection.note", entity: "CollectionCase", entityId: input.caseId };
  await requirePermission(actor, "loan.write", target);
  const c = await loadCase(actor, input.caseId, "collection.note");
  if (input.promiseDate && input.promiseDate < today)
    throw invalid({ promiseDate: ["承诺还款日期不能早于今天"] });
  if (input.nextActionDate && input.nextActionDate < today)
    throw invalid({ nextActionDate: ["下次跟进日期不能早于今天"] });
  const promiseFen = input.promiseAmount ? yuanToFen(input.promiseAmount) : null;
  if (input.status === "PROMISED" && (promiseFen ?? 0) <= 0)
    throw invalid({ promiseAmount: ["承诺还款金额须大于0"] });
  const detail = await getCase(actor, c.id, today);
  if (!detail.state.open) throw conflict("该贷款已恢复正常还款，案件已结清");
  const promised = input.status === "PROMISED";
  return db.$transaction((tx) =>
    appendEvent(
      tx,
      actor,
      c,
      {
        kind: "NOTE",
        onDate: isoToDate(today),
        status: input.status ?? null,
        promiseDate: promised ? isoToDate(input.promiseDate!) : null,
        promiseAmount: promised ? fenToYuan(promiseFen!) : null,
        nextActionDate: input.nextActionDate ? isoToDate(input.nextActionDate) : null,
        note: input.note || null,
      },
      input.nextActionDate ? { nextActionDate: isoToDate(input.nextActionDate) } : {},
      "collection.note",
      { ...input, loanId: c.loanId },
    ),
  );
}

export const caseAssignInput = z.object({
  caseId: z.coerce.number().int().positive(),
  assigneeId: z.coerce.number({ message: "请选择负责人" }).int().positive({ message: "请选择负责人" }),
});

/** The person in charge: a county staff member or approver of the case's county (refused otherwise). */
export async function assignCase(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const input = parseOrInvalid(caseAssignInput, raw);
  const target = { action: "collection.assign", entity: "CollectionCase", entityId: input.caseId };
  await requirePermission(actor, "loan.write", target);
  const c = await loadCase(actor, input.caseId, "collection.assign");
  const user = await db.user.findUnique({
    where: { id: input.assigneeId },
    select: { id: true, role: true, regionCode: true, disabled: true, displayName: true },
  });
  if (
    !user ||
    user.disabled ||
    !["COUNTY_STAFF", "COUNTY_APPROVER"].includes(user.role) ||
    !isWithin(user.regionCode, c.countyCode) ||
    user.regionCode.length < 6
  )
    throw invalid({ assigneeId: ["请选择本县的经办人或审核人"] });
  return db.$transaction((tx) =>
    appendEvent(
      tx,
      actor,
      c,
      { kind: "ASSIGN", onDate: isoToDate(today), assigneeId: user.id },
      { assigneeId: user.id },
      "collection.assign",
      { assigneeId: user.id, loanId: c.loanId },
    ),
  );
}

/** The case of a loan, if it has one (for a link from the loan page). */
export async function caseOfLoan(actor: Actor, loanId: number): Promise<number | null> {
  await requirePermission(actor, "loan.read", {
    action: "collection.read",
    entity: "Loan",
    entityId: loanId,
  });
  const c = await db.collectionCase.findUnique({
    where: { loanId },
    select: { id: true, countyCode: true, villageCode: true },
  });
  return c && isWithin(c.villageCode, actor.regionCode) ? c.id : null;
}
