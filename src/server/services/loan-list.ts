import "server-only";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import {
  addDays,
  bucketOf,
  maskIdNumber,
  maySearch,
  personalAccess,
  searchKind,
  type Fen,
  type IsoDate,
} from "@/domain";
import zh from "../../../messages/zh-CN.json";
import { db } from "../db";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { prefixEnd } from "../prefix";
import { decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { regionGrouping } from "../read-models/figures";
import { LOAN_STATUSES, type LoanRow } from "./loans";
import type { LedgerDef, LedgerQuery } from "./ledgers";

/**
 * The loan list with filters (issue 20 item 7): days past due (any, past due, > 30, > 90), township/village,
 * bank, status, disbursement and maturity ranges, a search that finds by the digits the ID mask shows
 * (620123***********4 or 620123*4), sorting by the main columns, the count and sums of the whole filter, and
 * the same filter as a ledger for the streaming export (src/server/exports.ts, audited with the filter).
 */
const date = z.union([z.literal(""), z.iso.date({ message: "日期格式不正确" })]).optional();
export const LOAN_SORTS = [
  "id",
  "principal",
  "outstanding",
  "dpd",
  "disbursedDate",
  "maturityDate",
  "borrower",
] as const;

export const loanFilter = z.object({
  q: z.string().trim().max(64).optional(),
  status: z.union([z.literal(""), z.enum(LOAN_STATUSES)]).optional(),
  dpd: z.union([z.literal(""), z.enum(["any", "overdue", "30", "90"])]).optional(),
  region: z.union([z.literal(""), z.string().regex(/^\d{6}(\d{3}){0,2}$/, "地区代码不正确")]).optional(),
  bankId: z.union([z.literal(""), z.coerce.number().int().positive()]).optional(),
  disbursedFrom: date,
  disbursedTo: date,
  maturityFrom: date,
  maturityTo: date,
  sort: z.union([z.literal(""), z.enum(LOAN_SORTS)]).optional(),
  dir: z.union([z.literal(""), z.enum(["asc", "desc"])]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type LoanFilter = z.infer<typeof loanFilter>;

/** The filter's values that change the rows (for the audit of an export and the export's link). */
export function filterValues(f: LoanFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [
    "q",
    "status",
    "dpd",
    "region",
    "bankId",
    "disbursedFrom",
    "disbursedTo",
    "maturityFrom",
    "maturityTo",
  ] as const) {
    const v = f[k];
    if (v !== undefined && v !== "") out[k] = String(v);
  }
  return out;
}

/** The masked ID as typed from the screen: region digits, stars, the check character. */
const MASKED_ID = /^(\d{6})[*＊]+([\dXx])$/;

function whereSql(actor: Actor, f: LoanFilter, D: Date, name: Prisma.Sql): Prisma.Sql {
  const g = regionGrouping(f.region || actor.regionCode);
  const parts: Prisma.Sql[] = [g.village("l")];
  if (f.status) parts.push(Prisma.sql`l.status = ${f.status}::"LoanStatus"`);
  if (f.bankId) parts.push(Prisma.sql`l."bankId" = ${Number(f.bankId)}`);
  if (f.disbursedFrom) parts.push(Prisma.sql`l."disbursedDate" >= ${isoToDate(f.disbursedFrom)}`);
  if (f.disbursedTo) parts.push(Prisma.sql`l."disbursedDate" <= ${isoToDate(f.disbursedTo)}`);
  if (f.maturityFrom)
    parts.push(
      Prisma.sql`COALESCE(l."extendedMaturityDate", l."maturityDate") >= ${isoToDate(f.maturityFrom)}`,
    );
  if (f.maturityTo)
    parts.push(
      Prisma.sql`COALESCE(l."extendedMaturityDate", l."maturityDate") <= ${isoToDate(f.maturityTo)}`,
    );
  if (f.q) {
    const q = f.q;
    const or: Prisma.Sql[] = [
      Prisma.sql`strpos(l."applicationNo", ${q}) > 0`,
      Prisma.sql`strpos(COALESCE(l."contractNo", ''), ${q}) > 0`,
      Prisma.sql`strpos(${name}, ${q}) > 0`,
    ];
    // A full ID number only for readers with the reveal right (an exact match would confirm guesses).
    if (searchKind(q) === "ID_NUMBER" && maySearch("ID_NUMBER", personalAccess(actor.role)))
      or.push(Prisma.sql`b."idNumber" = ${q.toUpperCase()}`);
    // What the mask shows, everyone may search by: it confirms nothing the screen does not show.
    const m = MASKED_ID.exec(q);
    if (m) {
      const end = prefixEnd(m[1]!)!;
      or.push(
        Prisma.sql`(b."idNumber" >= ${m[1]!} AND b."idNumber" < ${end} AND right(b."idNumber", 1) = ${m[2]!.toUpperCase()})`,
      );
    }
    parts.push(Prisma.sql`(${Prisma.join(or, " OR ")})`);
  }
  void D;
  return Prisma.join(parts, " AND ");
}

function dpdSql(f: LoanFilter): Prisma.Sql {
  switch (f.dpd) {
    case "overdue":
      return Prisma.sql`dpd > 0`;
    case "30":
      return Prisma.sql`dpd > 30`;
    case "90":
      return Prisma.sql`dpd > 90`;
    default:
      return Prisma.sql`TRUE`;
  }
}

/** A search that compares the borrower's ID number (a full one for readers who may, or the digits of the mask). */
function idSearch(actor: Actor, q: string | undefined): boolean {
  if (!q) return false;
  return (
    MASKED_ID.test(q) || (searchKind(q) === "ID_NUMBER" && maySearch("ID_NUMBER", personalAccess(actor.role)))
  );
}

/** Days past due above which a filter keeps a loan (null: no filter on days past due). */
function dpdOver(f: LoanFilter): number | null {
  return f.dpd === "overdue" ? 0 : f.dpd === "30" ? 30 : f.dpd === "90" ? 90 : null;
}

/**
 * The filtered loans with their days past due and balance (one definition for the page and the export).
 * `wide`: with the borrower's, bank's and village's names (the export); the page reads those only for its rows.
 * With a filter on days past due only loans with an instalment unpaid since before D − k can qualify, so the
 * late instalments are read from there on and only their loans looked up by key (`= ANY(ARRAY(…))`: the
 * planner, guessing 124,000 late loans for a city's 5,000, would otherwise scan all 200,000 of its loans).
 */
function baseSql(actor: Actor, f: LoanFilter, asOf: IsoDate, wide: boolean): Prisma.Sql {
  const g = regionGrouping(f.region || actor.regionCode);
  const D = isoToDate(asOf);
  const over = dpdOver(f);
  const lateBefore = over ? isoToDate(addDays(asOf, -over)) : D;
  // The borrower's ID number only for the export and an ID search; a name (sort, name search) from the borrowers
  // of the region's counties, read from "Borrower_county_name_idx" and joined by hash (a city's ~170,000, not all
  // 830,000 borrowers by their key or from the table), with a lookup by key for a loan whose borrower is
  // registered elsewhere (none in the data; the result stays exact either way).
  const fullBorrower = wide || idSearch(actor, f.q);
  const nameOnly = !fullBorrower && (!!f.q || f.sort === "borrower");
  const name = nameOnly
    ? Prisma.sql`COALESCE(b.name, (SELECT b2.name FROM "Borrower" b2 WHERE b2.id = l."borrowerId"))`
    : Prisma.sql`b.name`;
  const borrowerJoin = fullBorrower
    ? Prisma.sql`JOIN "Borrower" b ON b.id = l."borrowerId"`
    : nameOnly
      ? Prisma.sql`LEFT JOIN "Borrower" b ON b.id = l."borrowerId" AND ${g.county("b")}`
      : Prisma.empty;
  return Prisma.sql`
    WITH late AS (
      SELECT i."loanId", MIN(i."dueDate") AS due FROM "Instalment" i
      WHERE ${g.county("i")} AND i."dueDate" < ${lateBefore} AND i."paidDate" IS NULL
      GROUP BY i."loanId"
    ),
    base AS (
      SELECT l.id, ${
        wide
          ? Prisma.sql`l."applicationNo", COALESCE(l."contractNo", '') AS "contractNo", b.name, b."idNumber", l."villageCode",
             COALESCE(r.name, l."villageCode") AS village, bk.name AS bank,`
          : nameOnly || fullBorrower
            ? Prisma.sql`${name} AS name,`
            : Prisma.empty
      }
             COALESCE(l.principal, l."requestedPrincipal") AS principal, l.status::text AS status,
             l."disbursedDate", COALESCE(l."extendedMaturityDate", l."maturityDate") AS "maturityDate",
             CASE WHEN l.status IN ('REPAYING', 'COMPENSATED') AND lt.due IS NOT NULL THEN (${D}::date - lt.due) ELSE 0 END AS dpd,
             CASE WHEN l.status IN ('REPAYING', 'COMPENSATED') AND l.principal IS NOT NULL THEN l.principal - l."principalRepaid" ELSE 0 END AS outstanding
      FROM "Loan" l ${borrowerJoin}
      ${wide ? Prisma.sql`JOIN "Bank" bk ON bk.id = l."bankId" LEFT JOIN "Region" r ON r.code = l."villageCode"` : Prisma.empty}
      ${over === null ? Prisma.sql`LEFT JOIN late lt ON lt."loanId" = l.id` : Prisma.sql`JOIN late lt ON lt."loanId" = l.id`}
      WHERE ${over === null ? Prisma.empty : Prisma.sql`l.id = ANY(ARRAY(SELECT "loanId" FROM late)) AND`} ${whereSql(actor, f, D, name)}
    )`;
}

/** Sort columns of base (the borrower's name is joined in when it sorts). */
const ORDER: Record<(typeof LOAN_SORTS)[number], string> = {
  id: "id",
  principal: "principal",
  outstanding: "outstanding",
  dpd: "dpd",
  disbursedDate: `"disbursedDate"`,
  maturityDate: `"maturityDate"`,
  borrower: "name",
};

async function authorise(actor: Actor, f: LoanFilter, action: string) {
  await requirePermission(actor, "loan.read", { action, entity: "Loan" });
  if (f.region)
    await requireInScope(
      actor,
      { countyCode: f.region.slice(0, 6), villageCode: f.region },
      { action, entity: "Region", entityId: f.region },
    );
}

export interface LoanListPage {
  rows: LoanRow[];
  total: number;
  principalFen: Fen;
  outstandingFen: Fen;
  page: number;
  pages: number;
}

/** A page of the filtered list, with the count and sums of the whole filter. */
export async function filterLoans(
  actor: Actor,
  raw: unknown,
  asOf: IsoDate = todayShanghai(),
): Promise<LoanListPage> {
  const parsed = loanFilter.safeParse(raw);
  const f = parsed.success ? parsed.data : loanFilter.parse({});
  await authorise(actor, f, "loan.list");
  const sort = ORDER[f.sort || "id"];
  // Without a filter on days past due the list is a region's every loan (a city: 200,000): the count and sums,
  // the page's order and the page's own rows are then each planned on their own (hit not materialised), so the
  // count reads only the loans' index, the order only what it sorts by, and the days past due and the names are
  // joined for what needs them — not all of it for every loan, kept in memory and scanned twice. A search keeps
  // few loans: those are kept once (each part would otherwise compare every loan's numbers and name again).
  const unfiltered = dpdOver(f) === null && !f.q;
  const dir = f.dir === "asc" ? "ASC" : f.dir === "desc" ? "DESC" : f.sort === "borrower" ? "ASC" : "DESC";
  const rows = await db.$queryRaw<
    {
      total: bigint;
      sp: string | null;
      so: string | null;
      id: number | null;
      applicationNo: string;
      contractNo: string;
      name: string;
      idNumber: string;
      village: string;
      bank: string;
      principal: string;
      status: string;
      disbursedDate: Date | null;
      maturityDate: Date | null;
      dpd: number;
      outstanding: string;
    }[]
  >`
    ${baseSql(actor, f, asOf, false)},
    hit AS ${unfiltered ? Prisma.sql`NOT MATERIALIZED` : Prisma.empty} (SELECT * FROM base WHERE ${dpdSql(f)}),
    tot AS (SELECT COUNT(*) AS total, SUM(principal)::text AS sp, SUM(outstanding)::text AS so FROM hit),
    pg AS (
      SELECT id, ${Prisma.raw(`${sort} AS k`)} FROM hit ORDER BY ${Prisma.raw(`${sort} ${dir} NULLS LAST, id DESC`)}
      LIMIT ${f.limit} OFFSET ${(f.page - 1) * f.limit}
    )
    SELECT tot.*, x.* FROM tot LEFT JOIN (
      SELECT pg.id, l."applicationNo", COALESCE(l."contractNo", '') AS "contractNo", b.name, b."idNumber",
             COALESCE(r.name, l."villageCode") AS village, bk.name AS bank, h.principal::text AS principal, h.status,
             h."disbursedDate", h."maturityDate", h.dpd, h.outstanding::text AS outstanding, pg.k
      FROM pg JOIN hit h ON h.id = pg.id
      JOIN "Loan" l ON l.id = pg.id JOIN "Borrower" b ON b.id = l."borrowerId" JOIN "Bank" bk ON bk.id = l."bankId"
      LEFT JOIN "Region" r ON r.code = l."villageCode"
    ) x ON TRUE
    ORDER BY ${Prisma.raw(`x.k ${dir} NULLS LAST, x.id DESC`)}`;
  // The first row carries the count and sums of the whole filter (and no loan past the last page).
  const totals = { total: Number(rows[0]?.total ?? 0), sp: rows[0]?.sp ?? "0", so: rows[0]?.so ?? "0" };
  const page = rows.filter((r): r is (typeof rows)[number] & { id: number } => r.id !== null);
  return {
    rows: page.map((r) => ({
      id: r.id,
      applicationNo: r.applicationNo,
      contractNo: r.contractNo || null,
      borrowerName: r.name,
      borrowerIdMasked: maskIdNumber(r.idNumber),
      villageName: r.village,
      bankName: r.bank,
      principalFen: decToFen(r.principal),
      outstandingFen: decToFen(r.outstanding),
      status: r.status as LoanRow["status"],
      disbursedDate: r.disbursedDate ? r.disbursedDate.toISOString().slice(0, 10) : null,
      maturityDate: r.maturityDate ? r.maturityDate.toISOString().slice(0, 10) : null,
      daysPastDue: Number(r.dpd),
      bucket: bucketOf(Number(r.dpd)),
    })),
    total: totals.total,
    principalFen: decToFen(totals.sp),
    outstandingFen: decToFen(totals.so),
    page: f.page,
    pages: Math.max(1, Math.ceil(totals.total / f.limit)),
  };
}

/**
 * The filter as a ledger for the streaming export: the same rows (ordered by id for the cursor), the ID number
 * masked, totals of principal and balance. Authorised here (loan.read, the region, and ledger.export).
 */
export async function loanListLedger(
  actor: Actor,
  raw: unknown,
  asOf: IsoDate = todayShanghai(),
): Promise<{ def: LedgerDef; q: LedgerQuery }> {
  const parsed = loanFilter.safeParse(raw);
  if (!parsed.success) throw parsed.error;
  const f = parsed.data;
  await authorise(actor, f, "loan.list.export");
  await requirePermission(actor, "ledger.export", { action: "loan.list.export", entity: "Loan" });
  const def: LedgerDef = {
    title: "贷款列表",
    permission: "ledger.export",
    periodNote: `按筛选条件导出（${asOf}）：${JSON.stringify(filterValues(f))}`,
    columns: [
      { header: "序号", type: "int" },
      { header: "申请编号", type: "text" },
      { header: "合同号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "身份证号", type: "text", mask: true },
      { header: "村", type: "text" },
      { header: "贷款银行", type: "text" },
      { header: "放款日期", type: "date" },
      { header: "到期日期", type: "date" },
      { header: "贷款金额（元）", type: "money" },
      { header: "贷款余额（元）", type: "money" },
      { header: "状态", type: "text", labels: zh.status as Record<string, string> },
      { header: "逾期天数", type: "int" },
    ],
    totals: [
      { column: "贷款金额（元）", label: "贷款金额" },
      { column: "贷款余额（元）", label: "贷款余额" },
    ],
    sql: (_q, afterId, limit) => Prisma.sql`
      ${baseSql(actor, f, asOf, true)}
      SELECT id, "applicationNo", "contractNo", name, "idNumber", village, bank, "disbursedDate"::text, "maturityDate"::text,
             principal::text, outstanding::text, status, dpd
      FROM base WHERE ${dpdSql(f)} AND id > ${afterId} ORDER BY id ${limit === null ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`,
  };
  const region = f.region || actor.regionCode;
  return {
    def,
    q: { region, from: f.disbursedFrom || "2000-01-01", to: f.disbursedTo || asOf, filter: filterValues(f) },
  };
}
