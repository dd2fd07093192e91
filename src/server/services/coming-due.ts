import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { WORKLIST_LIMITS } from "@/config/limits";
import {
  addDays,
  maskIdNumber,
  maskPhone,
  personalAccess,
  regionLevel,
  resolvePolicy,
  RULE_DEFAULTS,
  scopeFilter,
  type Fen,
  type IsoDate,
} from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { invalid } from "../errors";
import { decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { codePrefix } from "../prefix";
import { regionGrouping } from "../read-models/figures";
import { loadPolicies } from "./policies";

/**
 * 到期提醒 (DOMAIN §16): loans whose principal or interest falls due from today to today + N days (the
 * policy's dueNoticeDays, default 30), by township and village, with the amounts due by kind — the SQL form
 * of `comingDue` in src/domain (tests/integration/worklists.test.ts proves them equal). The borrower's phone
 * only for roles with borrower.readPhone; others see it masked.
 */
export const comingDueQuery = z.object({
  region: z
    .string()
    .regex(/^\d{6}(\d{3}){0,2}$/, "地区代码不正确")
    .optional(),
  bankId: z.coerce.number().int().positive().optional(),
  days: z.coerce.number().int().min(0, "天数不能为负").max(366, "天数不能超过366").optional(),
  /** The list's page (of `limit` loans); the notices and the call list take every loan of the filter. */
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(WORKLIST_LIMITS.pageRows).default(WORKLIST_LIMITS.pageRows),
});
export type ComingDueQuery = z.infer<typeof comingDueQuery>;

export interface ComingDueRow {
  loanId: number;
  applicationNo: string;
  contractNo: string | null;
  borrowerName: string;
  borrowerIdMasked: string;
  phone: string;
  phoneMasked: boolean;
  townshipCode: string;
  townshipName: string;
  villageCode: string;
  villageName: string;
  bankId: number;
  bankName: string;
  dueDate: IsoDate;
  principalFen: Fen;
  interestFen: Fen;
  instalments: number;
}

export interface ComingDueList {
  asOf: IsoDate;
  days: number;
  until: IsoDate;
  /** The page's loans; `totals` and `villages` count every loan of the filter. */
  rows: ComingDueRow[];
  totals: { loans: number; principalFen: Fen; interestFen: Fen };
  /** Loans of each village shown on the page, in the whole filter (a village may run on to the next page). */
  villages: Record<string, number>;
  page: number;
  pages: number;
}

/** The policy's days for the women's programme in a region on a date (RULE_DEFAULTS when none is in force). */
export async function policyDays(
  regionCode: string,
  date: IsoDate,
): Promise<{ dueNoticeDays: number; followUpDays: number }> {
  const p = resolvePolicy(await loadPolicies(db, "WOMEN"), { programmeCode: "WOMEN", regionCode, date });
  return {
    dueNoticeDays: p?.dueNoticeDays ?? RULE_DEFAULTS.dueNoticeDays,
    followUpDays: p?.followUpDays ?? RULE_DEFAULTS.followUpDays,
  };
}

/** A region named in a work list's filter: inside the actor's region (refusal audited, answered "not found"). */
export async function authoriseListRegion(actor: Actor, region: string | undefined, action: string) {
  const code = region ?? actor.regionCode;
  const target = { action, entity: "Region", entityId: code };
  await requirePermission(actor, "loan.read", target);
  await requireInScope(actor, { countyCode: code.slice(0, 6), villageCode: code }, target);
  return code;
}

/**
 * The loans of the filter with what falls due in the window, as `sel` (loanId, due, p, r, n, v = village). The
 * region's servicing loans are read first from the covering index "Loan_figures_idx" and joined by hash: the
 * planner cannot tell how many instalments fall due in a window (it guessed 900 for a city's 31,000) and would
 * otherwise look each loan up on its own.
 */
function selSql(region: string, q: ComingDueQuery, asOf: IsoDate, until: IsoDate, ids?: number[]) {
  const g = regionGrouping(region);
  const bank = q.bankId ? Prisma.sql`AND l."bankId" = ${q.bankId}` : Prisma.empty;
  const only = ids ? Prisma.sql`AND i."loanId" = ANY(${ids}::int[])` : Prisma.empty;
  return Prisma.sql`
    loans AS MATERIALIZED (
      SELECT l.id, l."villageCode" AS v FROM "Loan" l
      WHERE ${g.village("l")} AND l.status IN ('REPAYING', 'COMPENSATED') ${bank}
    ),
    due AS (
      SELECT i."loanId", MIN(i."dueDate") AS due,
             SUM(GREATEST(0, i."principalDue" - i."principalPaid")) AS p,
             SUM(GREATEST(0, i."interestDue" - i."interestPaid")) AS r,
             COUNT(*) AS n
      FROM "Instalment" i
      WHERE ${g.county("i")} AND i."paidDate" IS NULL
        AND i."dueDate" BETWEEN ${isoToDate(asOf)} AND ${isoToDate(until)}
        AND (i."principalDue" > i."principalPaid" OR i."interestDue" > i."interestPaid") ${only}
      GROUP BY i."loanId"
    ),
    sel AS (SELECT d.*, s.v FROM due d JOIN loans s ON s.id = d."loanId")`;
}

/** The loans' details, for `pg` (rows of sel), in the list's order: by township, village, due date. */
function detailSql(extra: Prisma.Sql = Prisma.empty) {
  return Prisma.sql`
    SELECT l.id, l."applicationNo", l."contractNo", b.name, b."idNumber", b.phone, l."villageCode",
           COALESCE(v.name, l."villageCode") AS village, COALESCE(t.name, left(l."villageCode", 9)) AS township,
           l."bankId", bk.name AS bank, to_char(pg.due, 'YYYY-MM-DD') AS due, pg.p::text AS p, pg.r::text AS r, pg.n
           ${extra}
    FROM pg JOIN "Loan" l ON l.id = pg."loanId" JOIN "Borrower" b ON b.id = l."borrowerId" JOIN "Bank" bk ON bk.id = l."bankId"
    LEFT JOIN "Region" v ON v.code = l."villageCode" LEFT JOIN "Region" t ON t.code = left(l."villageCode", 9)`;
}

const ORDER = Prisma.sql`left(pg.v, 9), pg.v, pg.due, pg."loanId"`;

/** Every loan of the filter (the notices, the call list). */
function rowsSql(region: string, q: ComingDueQuery, asOf: IsoDate, until: IsoDate, ids?: number[]) {
  return Prisma.sql`
    WITH ${selSql(region, q, asOf, until, ids)}, pg AS (SELECT * FROM sel)
    ${detailSql()}
    ORDER BY ${ORDER}`;
}

/** One page of the filter, with the count and sums of all of it and the loans of each village on the page. */
function pageSql(region: string, q: ComingDueQuery, asOf: IsoDate, until: IsoDate) {
  const size = q.limit;
  return Prisma.sql`
    WITH ${selSql(region, q, asOf, until)},
    tot AS (SELECT COUNT(*) AS loans, COALESCE(SUM(p), 0)::text AS tp, COALESCE(SUM(r), 0)::text AS tr FROM sel),
    pg AS (SELECT * FROM sel ORDER BY left(v, 9), v, due, "loanId" LIMIT ${size} OFFSET ${(q.page - 1) * size}),
    vn AS (SELECT v, COUNT(*) AS vn FROM sel WHERE v IN (SELECT v FROM pg) GROUP BY v),
    x AS (${detailSql(Prisma.sql`, vn.vn, left(pg.v, 9) AS k1, pg.v AS k2, pg.due AS k3, pg."loanId" AS k4`)}
          JOIN vn ON vn.v = pg.v)
    SELECT tot.loans, tot.tp, tot.tr, x.* FROM tot LEFT JOIN x ON TRUE
    ORDER BY x.k1, x.k2, x.k3, x.k4`;
}

type SqlRow = {
  id: number;
  applicationNo: string;
  contractNo: string | null;
  name: string;
  idNumber: string;
  phone: string;
  villageCode: string;
  village: string;
  township: string;
  bankId: number;
  bank: string;
  due: string;
  p: string;
  r: string;
  n: bigint;
};

function toRow(r: SqlRow, phone: boolean): ComingDueRow {
  return {
    loanId: r.id,
    applicationNo: r.applicationNo,
    contractNo: r.contractNo,
    borrowerName: r.name,
    borrowerIdMasked: maskIdNumber(r.idNumber),
    phone: phone ? r.phone : maskPhone(r.phone),
    phoneMasked: !phone,
    townshipCode: r.villageCode.slice(0, 9),
    townshipName: r.township,
    villageCode: r.villageCode,
    villageName: r.village,
    bankId: r.bankId,
    bankName: r.bank,
    dueDate: r.due,
    principalFen: decToFen(r.p),
    interestFen: decToFen(r.r),
    instalments: Number(r.n),
  };
}

async function windowOf(region: string, q: ComingDueQuery, asOf: IsoDate) {
  const days = q.days ?? (await policyDays(region, asOf)).dueNoticeDays;
  return { days, until: addDays(asOf, days) };
}

/** Every loan of the filter (or of `ids` among them). */
async function loadRows(actor: Actor, region: string, q: ComingDueQuery, asOf: IsoDate, ids?: number[]) {
  const { days, until } = await windowOf(region, q, asOf);
  const rows = await db.$queryRaw<SqlRow[]>(rowsSql(region, q, asOf, until, ids));
  const phone = personalAccess(actor.role).phone;
  return { days, until, rows: rows.map((r) => toRow(r, phone)) };
}

const totalsOf = (rows: ComingDueRow[]) => ({
  loans: rows.length,
  principalFen: rows.reduce((s, r) => s + r.principalFen, 0),
  interestFen: rows.reduce((s, r) => s + r.interestFen, 0),
});

/** A page of the filter and the totals of all of it. */
async function loadPage(actor: Actor, region: string, q: ComingDueQuery, asOf: IsoDate) {
  const { days, until } = await windowOf(region, q, asOf);
  const rows = await db.$queryRaw<
    ({ loans: bigint; tp: string; tr: string; vn: bigint | null } & Partial<SqlRow>)[]
  >(pageSql(region, q, asOf, until));
  const phone = personalAccess(actor.role).phone;
  const first = rows[0]!; // the totals' row, with the page's first loan if there is one
  const loans = Number(first.loans);
  const page = rows.filter((r): r is typeof r & SqlRow => r.id != null);
  const villages: Record<string, number> = {};
  for (const r of page) villages[r.villageCode] = Number(r.vn);
  return {
    days,
    until,
    rows: page.map((r) => toRow(r, phone)),
    totals: { loans, principalFen: decToFen(first.tp), interestFen: decToFen(first.tr) },
    villages,
    pages: Math.max(1, Math.ceil(loans / q.limit)),
  };
}

/** The coming-due list of a region in scope. */
export async function comingDueList(
  actor: Actor,
  raw: unknown,
  asOf: IsoDate = todayShanghai(),
): Promise<ComingDueList> {
  const parsed = comingDueQuery.safeParse(raw);
  if (!parsed.success) throw invalid({ region: ["筛选条件不正确"] });
  const q = parsed.data;
  const region = await authoriseListRegion(actor, q.region, "worklist.due.read");
  const { days, until, rows, totals, villages, pages } = await loadPage(actor, region, q, asOf);
  return { asOf, days, until, rows, totals, villages, page: q.page, pages };
}

/** How many loans are coming due for the actor (the navigation's count; the same query as the list). */
export async function comingDueCount(actor: Actor, asOf: IsoDate = todayShanghai()): Promise<number> {
  return (await comingDueList(actor, {}, asOf)).totals.loans;
}

export interface DueNotice extends ComingDueRow {
  /** Whom to call: the county federation (the actor's region) and the staff member printing. */
  contactName: string;
  contactOffice: string;
}

/**
 * 到期通知书 for a chosen set of loans (or every loan of the filter): each loan must be coming due and in
 * scope — ids outside either are left out, never shown. Printing is recorded: who, which loans, when.
 */
export async function dueNotices(
  actor: Actor,
  raw: unknown,
  loanIds: number[] | null,
  asOf: IsoDate = todayShanghai(),
): Promise<{ notices: DueNotice[]; asOf: IsoDate; until: IsoDate }> {
  const parsed = comingDueQuery.safeParse(raw);
  if (!parsed.success) throw invalid({ region: ["筛选条件不正确"] });
  const q = parsed.data;
  const region = await authoriseListRegion(actor, q.region, "worklist.notice.print");
  if (loanIds && loanIds.length > 2000) throw invalid({ ids: ["一次最多打印2000份通知书"] });
  const { until, rows } = await loadRows(actor, region, q, asOf, loanIds ?? undefined);
  const office = await db.region.findUnique({
    where: { code: region.slice(0, 6) },
    select: { name: true },
  });
  await writeAudit(db, {
    ...actorFields(actor),
    action: "worklist.notice.print",
    entity: "Loan",
    entityId: rows.length === 1 ? String(rows[0]!.loanId) : null,
    countyCode: region.length >= 6 && !region.endsWith("00") ? region.slice(0, 6) : null,
    after: { region, bankId: q.bankId ?? null, asOf, until, loans: rows.map((r) => r.loanId) },
    outcome: "OK",
  });
  return {
    asOf,
    until,
    notices: rows.map((r) => ({
      ...r,
      contactName: actor.displayName,
      contactOffice: `${office?.name ?? ""}妇女联合会`,
    })),
  };
}

/** The call list (.xlsx) of a filter: the same rows as the screen; the export is recorded. */
export async function comingDueCallList(
  actor: Actor,
  raw: unknown,
  asOf: IsoDate = todayShanghai(),
): Promise<Omit<ComingDueList, "villages" | "page" | "pages"> & { region: string }> {
  const parsed = comingDueQuery.safeParse(raw);
  if (!parsed.success) throw invalid({ region: ["筛选条件不正确"] });
  const region = await authoriseListRegion(actor, parsed.data.region, "worklist.due.export");
  await requirePermission(actor, "ledger.export", {
    action: "worklist.due.export",
    entity: "Region",
    entityId: region,
  });
  // Every loan of the filter, not a page of the screen.
  const { days, until, rows } = await loadRows(actor, region, parsed.data, asOf);
  const list = { asOf, days, until, rows, totals: totalsOf(rows) };
  await writeAudit(db, {
    ...actorFields(actor),
    action: "worklist.due.export",
    entity: "Loan",
    countyCode: region.length >= 6 && !region.endsWith("00") ? region.slice(0, 6) : null,
    after: {
      region,
      bankId: parsed.data.bankId ?? null,
      asOf,
      until: list.until,
      format: "xlsx",
      loans: list.rows.map((r) => r.loanId),
    },
    outcome: "OK",
  });
  return { ...list, region };
}

/** Banks for the filter. */
export async function bankOptions() {
  return db.bank.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true } });
}

/** Townships and villages (or, above a county, counties and townships) of the actor's region, for the filters. */
export async function regionOptions(actor: Actor): Promise<{ code: string; name: string; level: string }[]> {
  const f = scopeFilter(actor.regionCode);
  const below = f.column === "villageCode" || regionLevel(actor.regionCode) === "COUNTY";
  return db.region.findMany({
    where: {
      code: codePrefix(f.prefix),
      level: { in: below ? ["TOWNSHIP", "VILLAGE"] : ["COUNTY", "TOWNSHIP"] },
    },
    orderBy: { code: "asc" },
    take: 2000,
    select: { code: true, name: true, level: true },
  });
}
