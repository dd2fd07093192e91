import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  checkMapping,
  fenToYuan,
  maskIdNumber,
  matchStatement,
  neutraliseCell,
  parseStatementRow,
  regionLevel,
  STATEMENT_FIELDS,
  suggestMapping,
  summariseStatement,
  type CellProblem,
  type LoanFacts,
  type MappingProblem,
  type RowOutcome,
  type StatementField,
  type StatementMapping,
  type StatementRow,
  type StatementSummary,
  type UnmatchedReason,
  type IsoDate,
} from "@/domain";
import { Prisma } from "@/generated/prisma/client";
import { STATEMENT_LIMITS } from "@/config/limits";
import { db, type Db, type Tx } from "../db";
import { actorFields, writeAudit, writeAudits } from "../audit";
import { insertRows } from "../bulk";
import { inScope, requireInScope, requirePermission, scopeWhere, type Actor } from "../authz";
import { AppError, conflict, forbidden, invalid, parseOrInvalid } from "../errors";
import { dateToIso, decToFen } from "../db-values";
import { todayShanghai } from "../clock";
import {
  readStatementFile,
  StatementFileError,
  statementFileMessage,
  type StatementSheet,
} from "../spreadsheet/read-statement";
import { BANK_FILE_SOURCE, lockLoan, lockLoans, postLockedRepayment } from "./lifecycle";
import { postLockedRepayments, type LoanPosting } from "./repayment-batch";

/**
 * Banks' repayment statements (银行还款明细, DOMAIN.md §15, issue 18): a county's clerk uploads the file a bank
 * sent, maps its columns once per bank, previews how each row matches a loan, and commits: the matched rows post
 * in one transaction through the loan page's own journal rules (lifecycle.postLockedRepayment), the file and
 * every row are kept as the reconciliation record, and the unmatched rows stay on a worklist. Matching is the
 * domain's (src/domain/bank-statement.ts); this module gathers the facts, authorises and writes.
 *
 * Access: the clerk (repayment.post) of the county uploads, commits and works the list; whoever may export
 * ledgers (clerk, approver, auditor) reads the records and downloads them — each only in their own region.
 */

export const FIELD_LABELS: Record<StatementField, string> = {
  contractNo: "合同号/借据号",
  borrowerName: "借款人姓名",
  idNumber: "身份证号",
  valueDate: "还款日期",
  principal: "本金",
  interest: "利息",
  penalty: "罚息",
};

const PROBLEM_TEXT: Record<CellProblem["code"], string> = {
  DATE: "日期无法识别（可写 2026-11-20、2026/11/20、20261120 或 2026年11月20日）",
  AMOUNT: "金额无法识别（应为 50,000.00 或 50000.00元 这样的金额）",
  AMOUNT_TOO_PRECISE: "金额最多两位小数（到分）",
  AMOUNT_NEGATIVE: "金额不能为负数；冲正请在贷款页面办理",
  ID_NUMBER: "身份证号（或统一社会信用代码）不正确",
  NO_KEY: "合同号（借据号）和身份证号至少要有一项",
  ALL_ZERO: "本金、利息、罚息不能都为 0",
  TOO_LONG: "内容过长（最多 64 个字）",
};

export const REASON_TEXT: Record<UnmatchedReason, string> = {
  NO_SUCH_LOAN: "查无此贷款",
  OUTSIDE_COUNTY: "不属于本县",
  OTHER_BANK: "该贷款不是本银行发放的",
  NOT_ACTIVE: "贷款未放款或已结清",
  DATE_OUT_OF_RANGE: "还款日期早于放款日期或晚于今天",
  MORE_THAN_DUE: "本金超过贷款余额",
  AMBIGUOUS: "对应多笔贷款，无法确定",
  ID_MISMATCH: "身份证号与合同号对应的借款人不一致",
};

function mappingMessage(p: MappingProblem): string {
  switch (p.code) {
    case "MISSING_FIELD":
      return `请为“${FIELD_LABELS[p.field]}”选择对应的列`;
    case "NO_KEY":
      return "“合同号/借据号”和“身份证号”至少要选一列";
    case "UNKNOWN_HEADER":
      return `文件中没有“${p.header}”列（“${FIELD_LABELS[p.field]}”原来对应的列），请重新选择`;
    case "SAME_HEADER":
      return `“${FIELD_LABELS[p.fields[0]]}”和“${FIELD_LABELS[p.fields[1]]}”选了同一列“${p.header}”`;
  }
}

const mappingSchema = z
  .object(Object.fromEntries(STATEMENT_FIELDS.map((f) => [f, z.string().trim().max(128).optional()])))
  .transform((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v)) as StatementMapping);

export const statementInput = z.object({
  bankId: z.coerce.number().int().positive({ message: "请选择银行" }),
  fileName: z.string().trim().min(1).max(255).default("还款明细"),
  mapping: z
    .string()
    .max(4000)
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "列对应关系无效，请重新选择" });
        return z.NEVER;
      }
    })
    .pipe(mappingSchema)
    .optional(),
});
export type StatementInput = z.input<typeof statementInput>;

function countyOfActor(actor: Actor): string {
  let level;
  try {
    level = regionLevel(actor.regionCode);
  } catch {
    level = null;
  }
  if (level !== "COUNTY" && level !== "TOWNSHIP" && level !== "VILLAGE") throw forbidden();
  return actor.regionCode.slice(0, 6);
}

async function requireWrite(actor: Actor, action: string, entityId?: string | number) {
  await requirePermission(actor, "repayment.post", { action, entity: "BankStatement", entityId });
  return countyOfActor(actor);
}

async function requireBank(bankId: number) {
  const bank = await db.bank.findUnique({ where: { id: bankId }, select: { id: true, name: true } });
  if (!bank) throw invalid({ bankId: ["请选择银行"] });
  return bank;
}

const sha256Of = (file: Buffer) => createHash("sha256").update(file).digest("hex");

/**
 * The last file read, by reader and SHA-256: the screen sends the same file for its headers, its preview and
 * its commit, and each read it again (decoded and parsed: a second or two of each step for 50,000 rows, npm run
 * bench:statement). As the ledger import does: only the reading is reused, every check runs again; one file,
 * 30 minutes, and only a file within the limits, so the cache holds at most one bounded file.
 */
const READ_CACHE_MS = 30 * 60_000;
let lastRead: { key: string; sheet: StatementSheet; at: number } | null = null;

async function readFile(actor: Actor, file: Buffer, sha256 = sha256Of(file)): Promise<StatementSheet> {
  const key = `${actor.id}|${sha256}`;
  if (lastRead?.key === key && Date.now() - lastRead.at < READ_CACHE_MS) return lastRead.sheet;
  lastRead = null;
  try {
    const sheet = await readStatementFile(file);
    lastRead = { key, sheet, at: Date.now() };
    return sheet;
  } catch (e) {
    if (e instanceof StatementFileError) throw invalid({ file: [statementFileMessage(e.problem)] });
    throw e;
  }
}

// ───────────────────────────── the screen's data ─────────────────────────────

export interface StatementBank {
  id: number;
  name: string;
  mapping: StatementMapping | null;
  hasSample: boolean;
}

/** The banks, each with the county's saved mapping and whether a demo sample exists. */
export async function statementBanks(actor: Actor): Promise<StatementBank[]> {
  const county = await requireWrite(actor, "bankStatement.banks");
  const [banks, mappings, samples] = await Promise.all([
    db.bank.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true } }),
    db.bankStatementMapping.findMany({ where: { countyCode: county, kind: "REPAYMENT" } }),
    db.bankStatementSample.findMany({
      where: { countyCode: county, kind: "REPAYMENT" },
      select: { bankId: true },
    }),
  ]);
  return banks.map((b) => ({
    ...b,
    mapping: (mappings.find((m) => m.bankId === b.id)?.columns as StatementMapping | undefined) ?? null,
    hasSample: samples.some((s) => s.bankId === b.id),
  }));
}

export interface StatementHeaders {
  encoding: string;
  headers: string[];
  /** The first rows as the file holds them (text), for the live preview of the mapping. */
  sample: { row: number; cells: string[] }[];
  rowCount: number;
  saved: StatementMapping | null;
  suggested: StatementMapping;
}

/** The file's headers and first rows, the bank's saved mapping and a proposal; writes nothing. */
export async function readStatementHeaders(
  actor: Actor,
  raw: unknown,
  file: Buffer,
): Promise<StatementHeaders> {
  const county = await requireWrite(actor, "bankStatement.headers");
  const input = parseOrInvalid(statementInput, raw);
  await requireBank(input.bankId);
  const sheet = await readFile(actor, file);
  const saved = await db.bankStatementMapping.findUnique({
    where: { countyCode_bankId_kind: { countyCode: county, bankId: input.bankId, kind: "REPAYMENT" } },
  });
  return {
    encoding: sheet.encoding,
    headers: sheet.headers,
    sample: sheet.rows.slice(0, 5).map((r) => ({ row: r.row, cells: r.cells.map((c) => c.slice(0, 64)) })),
    rowCount: sheet.rows.length,
    saved: (saved?.columns as StatementMapping | undefined) ?? null,
    suggested: suggestMapping(sheet.headers),
  };
}

// ───────────────────────────── reading, matching ─────────────────────────────

export interface StatementCellError {
  row: number;
  column: string;
  field: StatementField | null;
  message: string;
}

interface Parsed {
  sha256: string;
  /** The file's encoding (the sheet's cells are not kept: a commit holds the rows for its whole transaction). */
  encoding: StatementSheet["encoding"];
  mapping: StatementMapping;
  rows: StatementRow[];
}

/** Reads every row with the mapping; any problem refuses the file (a message naming the row and column). */
async function parse(
  actor: Actor,
  county: string,
  bankId: number,
  file: Buffer,
  mapping: StatementMapping | undefined,
) {
  const sha256 = sha256Of(file);
  const sheet = await readFile(actor, file, sha256);
  const chosen =
    mapping ??
    ((
      await db.bankStatementMapping.findUnique({
        where: { countyCode_bankId_kind: { countyCode: county, bankId, kind: "REPAYMENT" } },
      })
    )?.columns as StatementMapping | undefined);
  if (!chosen) throw invalid({ mapping: ["请先为该银行的还款明细选择各列的对应关系"] });
  const problems = checkMapping(chosen, sheet.headers);
  if (problems.length) throw invalid({ mapping: problems.map(mappingMessage) });
  if (sheet.rows.length === 0) throw invalid({ file: ["文件中表头下方没有数据行，未写入任何数据"] });
  const index = Object.fromEntries(
    STATEMENT_FIELDS.filter((f) => chosen[f]).map((f) => [f, sheet.headers.indexOf(chosen[f]!)]),
  ) as Partial<Record<StatementField, number>>;
  const rows: StatementRow[] = [];
  const errors: StatementCellError[] = [];
  for (const r of sheet.rows) {
    const cells: Partial<Record<StatementField, string>> = {};
    for (const [f, i] of Object.entries(index) as [StatementField, number][]) cells[f] = r.cells[i] ?? "";
    const res = parseStatementRow(r.row, cells);
    if (res.ok) rows.push(res.value);
    else
      for (const p of res.problems) {
        const column = chosen[p.field] ?? FIELD_LABELS[p.field];
        errors.push({
          row: p.row,
          column,
          field: p.field,
          message: `第 ${p.row} 行“${column}”列：${PROBLEM_TEXT[p.code]}${p.text ? `（${p.text}）` : ""}`,
        });
      }
  }
  return { parsed: { sha256, encoding: sheet.encoding, mapping: chosen, rows } satisfies Parsed, errors };
}

/** The loans the rows could mean: by contract number, or by the borrower's ID number (any county). */
async function loansOfRows(client: Db | Tx, rows: readonly StatementRow[]) {
  const contracts = [...new Set(rows.flatMap((r) => (r.contractNo ? [r.contractNo] : [])))];
  const ids = [...new Set(rows.flatMap((r) => (r.idNumber ? [r.idNumber] : [])))];
  return client.$queryRaw<
    {
      id: number;
      countyCode: string;
      villageCode: string;
      bankId: number;
      contractNo: string | null;
      idNumber: string;
      status: string;
      disbursedDate: Date | null;
      principal: Prisma.Decimal | null;
      principalRepaid: Prisma.Decimal;
    }[]
  >`SELECT l.id, l."countyCode", l."villageCode", l."bankId", l."contractNo", b."idNumber", l.status::text AS status,
            l."disbursedDate", l.principal, l."principalRepaid"
       FROM "Loan" l JOIN "Borrower" b ON b.id = l."borrowerId"
      WHERE l."contractNo" IN (SELECT unnest(${contracts}::text[]))
     UNION
     SELECT l.id, l."countyCode", l."villageCode", l."bankId", l."contractNo", b."idNumber", l.status::text AS status,
            l."disbursedDate", l.principal, l."principalRepaid"
       FROM "Loan" l JOIN "Borrower" b ON b.id = l."borrowerId"
      WHERE b."idNumber" IN (SELECT unnest(${ids}::text[]))`;
  // (Two lookups joined to the keys, not "contractNo = ANY(…) OR idNumber = ANY(…)": that filter compared every
  // loan of the province with every key — 5 s at 100k loans for one county's file, bench:statement.)
}

/** The county's loans the rows could mean (to lock them before the facts are read again under the locks). */
async function candidateLoanIds(client: Db | Tx, actor: Actor, rows: readonly StatementRow[]) {
  return (await loansOfRows(client, rows)).filter((l) => inScope(actor, l)).map((l) => l.id);
}

/** Loans the rows could mean (by contract and by ID number), with their journals; other counties' flagged only. */
async function loadFacts(client: Db | Tx, actor: Actor, rows: readonly StatementRow[]) {
  const contracts = [...new Set(rows.flatMap((r) => (r.contractNo ? [r.contractNo] : [])))];
  const ids = [...new Set(rows.flatMap((r) => (r.idNumber ? [r.idNumber] : [])))];
  const loans = await loansOfRows(client, rows);
  const mine = loans.filter((l) => inScope(actor, l));
  const mineIds = mine.map((l) => l.id);
  const mineSet = new Set(mineIds);
  const [entries, open] = await Promise.all([
    client.$queryRaw<
      {
        id: number;
        loanId: number;
        kind: string;
        valueDate: Date;
        principal: Prisma.Decimal;
        interest: Prisma.Decimal;
        penalty: Prisma.Decimal;
        reversesId: number | null;
      }[]
    >`SELECT id, "loanId", kind::text AS kind, "valueDate", principal, interest, penalty, "reversesId"
        FROM "RepaymentEntry" WHERE "loanId" = ANY(${mineIds}::int[])`,
    client.$queryRaw<{ loanId: number; p: Prisma.Decimal; i: Prisma.Decimal }[]>`
      SELECT "loanId", "principalDue" - "principalPaid" AS p, "interestDue" - "interestPaid" AS i
        FROM "Instalment" WHERE "loanId" = ANY(${mineIds}::int[]) AND "paidDate" IS NULL`,
  ]);
  const reversed = new Set(entries.filter((e) => e.reversesId !== null).map((e) => e.reversesId));
  const facts = new Map<number, LoanFacts>();
  for (const l of loans) {
    const inCounty = mineSet.has(l.id);
    facts.set(
      l.id,
      inCounty
        ? {
            id: l.id,
            inCounty,
            bankId: l.bankId,
            contractNo: l.contractNo,
            idNumber: l.idNumber,
            status: l.status,
            disbursedDate: dateToIso(l.disbursedDate),
            outstandingFen: decToFen(l.principal) - decToFen(l.principalRepaid),
            openInstalments: [],
            journal: [],
          }
        : // Another county's loan: the flag and the keys it was found by; nothing else is read or kept.
          {
            id: 0,
            inCounty: false,
            bankId: 0,
            contractNo: l.contractNo,
            idNumber: l.idNumber,
            status: "",
            disbursedDate: null,
            outstandingFen: 0,
            openInstalments: [],
            journal: [],
          },
    );
  }
  for (const e of entries)
    if (e.kind === "REPAYMENT" && !reversed.has(e.id))
      facts.get(e.loanId)!.journal.push({
        valueDate: dateToIso(e.valueDate),
        principalFen: decToFen(e.principal),
        interestFen: decToFen(e.interest),
        penaltyFen: decToFen(e.penalty),
      });
  for (const o of open)
    facts.get(o.loanId)!.openInstalments.push({ principalFen: decToFen(o.p), interestFen: decToFen(o.i) });
  const byContract = new Map<string, LoanFacts[]>();
  const byIdNumber = new Map<string, LoanFacts[]>();
  const contractSet = new Set(contracts);
  const idSet = new Set(ids);
  for (const f of facts.values()) {
    if (f.contractNo && contractSet.has(f.contractNo))
      byContract.set(f.contractNo, [...(byContract.get(f.contractNo) ?? []), f]);
    if (idSet.has(f.idNumber)) byIdNumber.set(f.idNumber, [...(byIdNumber.get(f.idNumber) ?? []), f]);
  }
  return { byContract, byIdNumber, mineIds, contractOf: new Map(mine.map((l) => [l.id, l.contractNo])) };
}

export interface StatementRowView {
  row: number;
  contractNo: string | null;
  borrowerName: string | null;
  idNumberMasked: string | null;
  valueDate: IsoDate;
  principalFen: number;
  interestFen: number;
  penaltyFen: number;
  category: "TO_POST" | "ALREADY_POSTED" | "UNMATCHED";
  reason: UnmatchedReason | null;
  candidates: number | null;
  /** In the county only. */
  loanId: number | null;
  loanContractNo: string | null;
  by: "CONTRACT" | "ID_NUMBER" | null;
}

export interface StatementPreview {
  sha256: string;
  encoding: string;
  bankId: number;
  fileName: string;
  mapping: StatementMapping;
  errors: StatementCellError[];
  summary: StatementSummary | null;
  /** The first rows of each category (all are counted and summed in `summary`). */
  rows: StatementRowView[];
  /** The file was committed before (the same SHA-256 for this bank): committing it again posts nothing. */
  committedFileId: number | null;
}

function rowView(r: StatementRow, o: RowOutcome, contractOf: Map<number, string | null>): StatementRowView {
  const loanId = o.category === "UNMATCHED" ? null : o.loanId;
  return {
    row: r.row,
    contractNo: r.contractNo,
    borrowerName: r.borrowerName,
    idNumberMasked: r.idNumber ? maskIdNumber(r.idNumber) : null,
    valueDate: r.valueDate,
    principalFen: r.principalFen,
    interestFen: r.interestFen,
    penaltyFen: r.penaltyFen,
    category: o.category,
    reason: o.category === "UNMATCHED" ? o.reason : null,
    candidates: o.category === "UNMATCHED" ? (o.candidates ?? null) : null,
    loanId,
    loanContractNo: loanId ? (contractOf.get(loanId) ?? null) : null,
    by: o.category === "UNMATCHED" ? null : o.by,
  };
}

function firstOfEach(views: StatementRowView[]): StatementRowView[] {
  const n = { TO_POST: 0, ALREADY_POSTED: 0, UNMATCHED: 0 };
  return views.filter((v) => n[v.category]++ < STATEMENT_LIMITS.previewRows);
}

/** Reads, checks and matches a statement; reports counts and sums per category; writes nothing. */
export async function previewStatement(
  actor: Actor,
  raw: unknown,
  file: Buffer,
  today: IsoDate = todayShanghai(),
): Promise<StatementPreview> {
  const county = await requireWrite(actor, "bankStatement.preview");
  const input = parseOrInvalid(statementInput, raw);
  await requireBank(input.bankId);
  const { parsed, errors } = await parse(actor, county, input.bankId, file, input.mapping);
  const committed = await db.bankStatementFile.findUnique({
    where: { countyCode_bankId_sha256: { countyCode: county, bankId: input.bankId, sha256: parsed.sha256 } },
    select: { id: true },
  });
  const base = {
    sha256: parsed.sha256,
    encoding: parsed.encoding,
    bankId: input.bankId,
    fileName: input.fileName,
    mapping: parsed.mapping,
    committedFileId: committed?.id ?? null,
  };
  if (errors.length) return { ...base, errors: errors.slice(0, 1000), summary: null, rows: [] };
  const facts = await loadFacts(db, actor, parsed.rows);
  const outcomes = matchStatement(parsed.rows, { bankId: input.bankId, today, ...facts });
  const summary = summariseStatement(parsed.rows, outcomes);
  return {
    ...base,
    errors: [],
    summary,
    rows: firstOfEach(parsed.rows.map((r, i) => rowView(r, outcomes[i]!, facts.contractOf))),
  };
}

// ───────────────────────────── commit ─────────────────────────────

export interface StatementCommitResult {
  fileId: number;
  /** The same file was committed before: nothing was posted now. */
  duplicate: boolean;
  summary: StatementSummary;
}

const rowKey = (county: string, bankId: number, sha256: string, row: number) =>
  `bs-${createHash("sha256").update(`${county}|${bankId}|${sha256}|${row}`).digest("hex").slice(0, 40)}`;

/** What the reconciliation and the audit keep of a summary: plain numbers. */
function summaryJson(s: StatementSummary) {
  return JSON.parse(JSON.stringify(s)) as Prisma.InputJsonValue;
}

/**
 * The file's rows as the reconciliation keeps them, a few thousand per statement (bulk.ts; Prisma's createMany of
 * 50,000 rows took a minute and 1.3 GB in bench:statement).
 */
async function writeRows(
  tx: Tx,
  fileId: number,
  county: string,
  rows: readonly StatementRow[],
  outcomes: readonly RowOutcome[],
  entryOf: ReadonlyMap<number, number>,
) {
  const index = rows.map((_, i) => i);
  await insertRows(tx, "BankStatementRow", ROW_COLUMNS, index, (i) => {
    const r = rows[i]!;
    const o = outcomes[i]!;
    return {
      fileId,
      countyCode: county,
      rowNo: r.row,
      contractNo: r.contractNo,
      borrowerName: r.borrowerName?.slice(0, 64) ?? null,
      idNumber: r.idNumber,
      valueDate: r.valueDate,
      principal: fenToYuan(r.principalFen),
      interest: fenToYuan(r.interestFen),
      penalty: fenToYuan(r.penaltyFen),
      category: o.category === "TO_POST" ? "POSTED" : o.category,
      reason: o.category === "UNMATCHED" ? o.reason : null,
      candidates: o.category === "UNMATCHED" ? (o.candidates ?? null) : null,
      loanId: o.category === "UNMATCHED" ? null : o.loanId,
      entryId: entryOf.get(r.row) ?? null,
    };
  });
}

const ROW_COLUMNS = [
  "fileId",
  "countyCode",
  "rowNo",
  "contractNo",
  "borrowerName",
  "idNumber",
  "valueDate",
  "principal",
  "interest",
  "penalty",
  "category",
  "reason",
  "candidates",
  "loanId",
  "entryId",
];

/**
 * Posts the matched rows of a statement in one transaction (all or nothing) and keeps the file, its rows and
 * its sums as the reconciliation record. The loans concerned are locked first (in id order, the loan page's
 * own row lock) and the rows matched again under the locks, so a posting typed on a loan page meanwhile is
 * recognised as already posted, and one typed while the file commits waits and is then refused as the same
 * payment. Each posting goes through postLockedRepayment — the loan page's rules, its audit event ("repayment
 * .post", carrying the file and the row) — and the file gets one event of its own with the counts and sums.
 * The same file again (SHA-256, per county and bank) posts nothing; each row's idempotency key is derived from
 * the file and the row, so even a race between two commits of one file posts once.
 */
export async function commitStatement(
  actor: Actor,
  raw: unknown,
  file: Buffer,
  today: IsoDate = todayShanghai(),
  onProgress: (done: number, total: number) => void = () => {},
): Promise<StatementCommitResult> {
  const county = await requireWrite(actor, "bankStatement.commit");
  const input = parseOrInvalid(statementInput, raw);
  const bank = await requireBank(input.bankId);
  const { parsed, errors } = await parse(actor, county, input.bankId, file, input.mapping);
  const audit = { action: "bankStatement.commit", entity: "BankStatementFile", countyCode: county };
  if (errors.length) {
    await writeAudit(db, {
      ...audit,
      entityId: null,
      after: { sha256: parsed.sha256, fileName: input.fileName, bankId: bank.id, errors: errors.length },
      outcome: "FAILED",
      message: "file has errors",
      ...actorFields(actor),
    });
    throw invalid({
      file: [`文件有 ${errors.length} 处错误，未写入任何数据；第一处：${errors[0]!.message}`],
    });
  }
  const existing = await db.bankStatementFile.findUnique({
    where: { countyCode_bankId_sha256: { countyCode: county, bankId: bank.id, sha256: parsed.sha256 } },
  });
  if (existing)
    return { fileId: existing.id, duplicate: true, summary: existing.summary as unknown as StatementSummary };

  // The loans the rows could mean, found outside the transaction; locked, then everything is read again inside.
  const candidates = await candidateLoanIds(db, actor, parsed.rows);
  try {
    return await db.$transaction(
      async (tx) => {
        await lockLoans(tx, candidates);
        const facts = await loadFacts(tx, actor, parsed.rows);
        const locked = new Set(candidates);
        const extra = facts.mineIds.filter((id) => !locked.has(id));
        if (extra.length) await lockLoans(tx, extra); // a loan disbursed meanwhile
        const outcomes = matchStatement(parsed.rows, { bankId: bank.id, today, ...facts });
        const summary = summariseStatement(parsed.rows, outcomes);
        const month = parsed.rows.reduce((m, r) => (r.valueDate > m ? r.valueDate : m), "").slice(0, 7);
        const record = await tx.bankStatementFile.create({
          data: {
            countyCode: county,
            bankId: bank.id,
            fileName: input.fileName,
            sha256: parsed.sha256,
            month,
            encoding: parsed.encoding,
            rowCount: parsed.rows.length,
            postedCount: summary.toPost.count,
            postedTotal: fenToYuan(summary.toPost.totalFen),
            alreadyCount: summary.alreadyPosted.count,
            alreadyTotal: fenToYuan(summary.alreadyPosted.totalFen),
            unmatchedCount: summary.unmatched.count,
            unmatchedTotal: fenToYuan(summary.unmatched.totalFen),
            fileTotal: fenToYuan(summary.file.totalFen),
            summary: summaryJson(summary),
            mapping: parsed.mapping,
            createdById: actor.id,
          },
        });
        // Every matched row through the loan page's rules, in file order, written in bulk (repayment-batch.ts).
        const total = summary.toPost.count;
        onProgress(0, total);
        const postings = parsed.rows.flatMap((r, i): (LoanPosting & { row: number })[] => {
          const o = outcomes[i]!;
          if (o.category !== "TO_POST") return [];
          return [
            {
              row: r.row,
              loanId: o.loanId,
              countyCode: county,
              valueDate: r.valueDate,
              principalFen: r.principalFen,
              interestFen: r.interestFen,
              penaltyFen: r.penaltyFen,
              idempotencyKey: rowKey(county, bank.id, parsed.sha256, r.row),
              source: BANK_FILE_SOURCE,
              audit: {
                source: BANK_FILE_SOURCE,
                fileId: record.id,
                row: r.row,
                loanId: o.loanId,
                valueDate: r.valueDate,
                principal: fenToYuan(r.principalFen),
                interest: fenToYuan(r.interestFen),
                penalty: fenToYuan(r.penaltyFen),
              },
            },
          ];
        });
        const posted = await postLockedRepayments(tx, actor, postings);
        const entryOf = new Map(postings.map((p, k) => [p.row, posted[k]!.entryId]));
        onProgress(total, total);
        await writeRows(tx, record.id, county, parsed.rows, outcomes, entryOf);
        const saved = await tx.bankStatementMapping.findUnique({
          where: { countyCode_bankId_kind: { countyCode: county, bankId: bank.id, kind: "REPAYMENT" } },
        });
        if (JSON.stringify(saved?.columns ?? null) !== JSON.stringify(parsed.mapping)) {
          await tx.bankStatementMapping.upsert({
            where: { countyCode_bankId_kind: { countyCode: county, bankId: bank.id, kind: "REPAYMENT" } },
            create: { countyCode: county, bankId: bank.id, columns: parsed.mapping, updatedById: actor.id },
            update: { columns: parsed.mapping, updatedById: actor.id, version: { increment: 1 } },
          });
          await writeAudit(tx, {
            action: "bankStatement.mapping",
            entity: "BankStatementMapping",
            entityId: `${county}-${bank.id}`,
            countyCode: county,
            before: saved?.columns ?? null,
            after: parsed.mapping,
            outcome: "OK",
            ...actorFields(actor),
          });
        }
        // (Through the bulk path: the list of 50,000 postings as one JSON text, not Prisma's JSON argument.)
        await writeAudits(tx, [
          {
            ...audit,
            entityId: String(record.id),
            after: {
              bankId: bank.id,
              fileName: input.fileName,
              sha256: parsed.sha256,
              month,
              summary: summaryJson(summary),
              // The postings: one "repayment.post" event each, and here the list (row → journal entry).
              postings: [...entryOf.entries()].map(([row, entryId]) => [row, entryId]),
            },
            outcome: "OK",
            ...actorFields(actor),
          },
        ]);
        return { fileId: record.id, duplicate: false, summary };
      },
      { timeout: 30 * 60_000, maxWait: 30_000 },
    );
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      // The same file committed at the same moment by someone else: theirs stands, this one posted nothing.
      const again = await db.bankStatementFile.findUnique({
        where: { countyCode_bankId_sha256: { countyCode: county, bankId: bank.id, sha256: parsed.sha256 } },
      });
      if (again)
        return { fileId: again.id, duplicate: true, summary: again.summary as unknown as StatementSummary };
      throw conflict("有一笔还款刚刚由他人登记，本次未写入任何数据；请重新预览后再提交");
    }
    throw e;
  }
}

// ───────────────────────────── reconciliation records ─────────────────────────────

async function requireRead(actor: Actor, action: string, entityId?: number) {
  await requirePermission(actor, "ledger.export", { action, entity: "BankStatementFile", entityId });
}

export interface StatementFileListItem {
  id: number;
  bankName: string;
  month: string;
  fileName: string;
  sha256: string;
  createdAt: string;
  createdBy: string;
  rowCount: number;
  postedCount: number;
  postedFen: number;
  alreadyCount: number;
  alreadyFen: number;
  unmatchedCount: number;
  unmatchedFen: number;
  fileFen: number;
  openCount: number;
}

export const listQuery = z.object({
  bankId: z.coerce.number().int().positive().optional().catch(undefined),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .catch(undefined),
});

/** The reconciliation records of the actor's region, per bank and month, newest first. */
export async function listStatementFiles(actor: Actor, raw: unknown = {}): Promise<StatementFileListItem[]> {
  await requireRead(actor, "bankStatement.list");
  const q = listQuery.parse(raw);
  const where = {
    ...scopeWhereCounty(actor),
    ...(q.bankId ? { bankId: q.bankId } : {}),
    ...(q.month ? { month: q.month } : {}),
  };
  const files = await db.bankStatementFile.findMany({
    where,
    orderBy: [{ month: "desc" }, { id: "desc" }],
    take: 500,
    include: { bank: { select: { name: true } } },
  });
  const [users, open] = await Promise.all([
    db.user.findMany({
      where: { id: { in: [...new Set(files.map((f) => f.createdById))] } },
      select: { id: true, displayName: true },
    }),
    db.bankStatementRow.groupBy({
      by: ["fileId"],
      where: { fileId: { in: files.map((f) => f.id) }, category: "UNMATCHED", resolution: null },
      _count: { _all: true },
    }),
  ]);
  return files.map((f) => ({
    id: f.id,
    bankName: f.bank.name,
    month: f.month,
    fileName: f.fileName,
    sha256: f.sha256,
    createdAt: f.createdAt.toISOString(),
    createdBy: users.find((u) => u.id === f.createdById)?.displayName ?? "",
    rowCount: f.rowCount,
    postedCount: f.postedCount,
    postedFen: decToFen(f.postedTotal),
    alreadyCount: f.alreadyCount,
    alreadyFen: decToFen(f.alreadyTotal),
    unmatchedCount: f.unmatchedCount,
    unmatchedFen: decToFen(f.unmatchedTotal),
    fileFen: decToFen(f.fileTotal),
    openCount: open.find((o) => o.fileId === f.id)?._count._all ?? 0,
  }));
}

/** Records carry only a countyCode: a township or village user's scope still reads its county's files. */
function scopeWhereCounty(actor: Actor) {
  const w = scopeWhere(actor);
  if ("countyCode" in w) return w;
  return { countyCode: actor.regionCode.slice(0, 6) };
}

export interface StatementRowRecord {
  id: number;
  row: number;
  contractNo: string | null;
  borrowerName: string | null;
  idNumberMasked: string | null;
  valueDate: IsoDate;
  principalFen: number;
  interestFen: number;
  penaltyFen: number;
  category: "POSTED" | "ALREADY_POSTED" | "UNMATCHED";
  reason: UnmatchedReason | null;
  candidates: number | null;
  loanId: number | null;
  entryId: number | null;
  resolution: "RESOLVED" | "DISMISSED" | null;
  dismissReason: string | null;
}

export interface StatementFileDetail extends StatementFileListItem {
  encoding: string;
  summary: StatementSummary;
  mapping: StatementMapping;
  rows: StatementRowRecord[];
}

function rowRecord(r: {
  id: number;
  rowNo: number;
  contractNo: string | null;
  borrowerName: string | null;
  idNumber: string | null;
  valueDate: Date;
  principal: Prisma.Decimal;
  interest: Prisma.Decimal;
  penalty: Prisma.Decimal;
  category: "POSTED" | "ALREADY_POSTED" | "UNMATCHED";
  reason: string | null;
  candidates: number | null;
  loanId: number | null;
  entryId: number | null;
  resolution: "RESOLVED" | "DISMISSED" | null;
  dismissReason: string | null;
}): StatementRowRecord {
  return {
    id: r.id,
    row: r.rowNo,
    contractNo: r.contractNo,
    borrowerName: r.borrowerName,
    idNumberMasked: r.idNumber ? maskIdNumber(r.idNumber) : null,
    valueDate: dateToIso(r.valueDate),
    principalFen: decToFen(r.principal),
    interestFen: decToFen(r.interest),
    penaltyFen: decToFen(r.penalty),
    category: r.category,
    reason: r.reason as UnmatchedReason | null,
    candidates: r.candidates,
    loanId: r.loanId,
    entryId: r.entryId,
    resolution: r.resolution,
    dismissReason: r.dismissReason,
  };
}

async function fileInScope(actor: Actor, id: number, action: string) {
  return requireInScope(
    actor,
    await db.bankStatementFile.findUnique({ where: { id }, include: { bank: { select: { name: true } } } }),
    { action, entity: "BankStatementFile", entityId: id },
  );
}

/** One reconciliation record with every row behind it (ID numbers masked). */
export async function getStatementFile(actor: Actor, id: number): Promise<StatementFileDetail> {
  await requireRead(actor, "bankStatement.read", id);
  const f = await fileInScope(actor, id, "bankStatement.read");
  const [list] = await listStatementFiles(actor, { bankId: f.bankId, month: f.month }).then((l) =>
    l.filter((x) => x.id === id),
  );
  const rows = await db.bankStatementRow.findMany({ where: { fileId: id }, orderBy: { rowNo: "asc" } });
  return {
    ...list!,
    encoding: f.encoding,
    summary: f.summary as unknown as StatementSummary,
    mapping: f.mapping as StatementMapping,
    rows: rows.map(rowRecord),
  };
}

const CATEGORY_TEXT = {
  POSTED: "本次入账",
  ALREADY_POSTED: "已入账（未重复入账）",
  UNMATCHED: "未匹配",
} as const;

/** The record as an .xlsx (src/server/spreadsheet/write-xlsx.ts): the rows, and a summary sheet. Audited. */
export async function exportStatementFile(actor: Actor, id: number) {
  await requireRead(actor, "bankStatement.export", id);
  const f = await getStatementFile(actor, id);
  await writeAudit(db, {
    action: "bankStatement.export",
    entity: "BankStatementFile",
    entityId: String(id),
    countyCode: (await db.bankStatementFile.findUniqueOrThrow({ where: { id } })).countyCode,
    after: { rows: f.rows.length, sha256: f.sha256 },
    outcome: "OK",
    ...actorFields(actor),
  });
  const money = (fen: number) => ({ num: fenToYuan(fen), fmt: "money" as const });
  const s = f.summary;
  const line = (label: string, c: StatementSummary["file"]) => [
    label,
    { num: String(c.count), fmt: "int" as const },
    money(c.principalFen),
    money(c.interestFen),
    money(c.penaltyFen),
    money(c.totalFen),
  ];
  return {
    fileName: `还款明细对账-${f.bankName}-${f.month}-${id}.xlsx`,
    book: {
      sheetName: "对账明细",
      columns: [
        { header: "行号", width: 8, format: "int" as const },
        { header: "合同号/借据号", width: 22 },
        { header: "借款人", width: 12 },
        { header: "身份证号", width: 22 },
        { header: "还款日期", width: 12, format: "date" as const },
        { header: "本金", width: 14, format: "money" as const },
        { header: "利息", width: 14, format: "money" as const },
        { header: "罚息", width: 12, format: "money" as const },
        { header: "类别", width: 18 },
        { header: "原因", width: 30 },
        { header: "贷款编号", width: 10, format: "int" as const },
        { header: "流水号", width: 10, format: "int" as const },
        { header: "处理", width: 24 },
      ],
      batches: (async function* () {
        yield f.rows.map((r) => [
          { num: String(r.row), fmt: "int" as const },
          r.contractNo && neutraliseCell(r.contractNo),
          r.borrowerName && neutraliseCell(r.borrowerName),
          r.idNumberMasked,
          { date: r.valueDate },
          money(r.principalFen),
          money(r.interestFen),
          money(r.penaltyFen),
          CATEGORY_TEXT[r.category],
          r.reason ? reasonText(r.reason, r.candidates) : null,
          r.loanId ? { num: String(r.loanId), fmt: "int" as const } : null,
          r.entryId ? { num: String(r.entryId), fmt: "int" as const } : null,
          r.resolution === "RESOLVED"
            ? "已指定贷款入账"
            : r.resolution === "DISMISSED"
              ? neutraliseCell(`已忽略：${r.dismissReason ?? ""}`)
              : null,
        ]);
      })(),
      extra: () => ({
        name: "汇总",
        widths: [26, 10, 16, 16, 14, 16],
        rows: [
          [`${f.bankName} ${f.month} 还款明细对账`],
          [neutraliseCell(`文件：${f.fileName}`)],
          [`SHA-256：${f.sha256}`],
          [`提交：${f.createdBy} ${f.createdAt}`],
          [],
          ["类别", "笔数", "本金", "利息", "罚息", "合计"],
          line("文件合计", s.file),
          line("本次入账", s.toPost),
          line("已入账（未重复入账）", s.alreadyPosted),
          line("未匹配", s.unmatched),
          ...Object.entries(s.byReason).map(([k, c]) =>
            line(`　其中：${REASON_TEXT[k as UnmatchedReason]}`, c),
          ),
          [],
          ["文件合计 = 本次入账 + 已入账 + 未匹配"],
        ],
      }),
    },
  };
}

export function reasonText(reason: UnmatchedReason, candidates: number | null): string {
  return reason === "AMBIGUOUS" && candidates ? `对应 ${candidates} 笔贷款，无法确定` : REASON_TEXT[reason];
}

// ───────────────────────────── the worklist ─────────────────────────────

export interface WorklistRow extends StatementRowRecord {
  fileId: number;
  bankName: string;
  fileName: string;
}

/** The county's unmatched rows not yet resolved or dismissed, oldest file first. */
export async function statementWorklist(actor: Actor): Promise<WorklistRow[]> {
  await requireRead(actor, "bankStatement.worklist");
  const rows = await db.bankStatementRow.findMany({
    where: { ...scopeWhereCounty(actor), category: "UNMATCHED", resolution: null },
    orderBy: [{ fileId: "asc" }, { rowNo: "asc" }],
    take: 1000,
    include: { file: { select: { fileName: true, bank: { select: { name: true } } } } },
  });
  return rows.map((r) => ({
    ...rowRecord(r),
    fileId: r.fileId,
    bankName: r.file.bank.name,
    fileName: r.file.fileName,
  }));
}

export interface LoanCandidate {
  id: number;
  contractNo: string | null;
  borrowerName: string;
  idNumberMasked: string;
  bankName: string;
  status: string;
  outstandingFen: number;
}

export const loanSearchInput = z.object({
  q: z.string().trim().min(2, "请输入至少2个字（姓名、身份证号或合同号）").max(64),
});

/** Loans of the actor's region (repaying or compensated) by borrower name, ID number or contract number. */
export async function searchLoansForStatement(actor: Actor, raw: unknown): Promise<LoanCandidate[]> {
  await requireWrite(actor, "bankStatement.search");
  const { q } = parseOrInvalid(loanSearchInput, raw);
  const upper = q.toUpperCase();
  const loans = await db.loan.findMany({
    where: {
      ...scopeWhere(actor),
      status: { in: ["REPAYING", "COMPENSATED"] },
      OR: [
        { contractNo: { contains: q } },
        { borrower: { name: { contains: q } } },
        ...(upper.length === 18 ? [{ borrower: { idNumber: upper } }] : []),
      ],
    },
    take: 20,
    orderBy: { id: "asc" },
    select: {
      id: true,
      contractNo: true,
      status: true,
      principal: true,
      principalRepaid: true,
      bank: { select: { name: true } },
      borrower: { select: { name: true, idNumber: true } },
    },
  });
  return loans.map((l) => ({
    id: l.id,
    contractNo: l.contractNo,
    borrowerName: l.borrower.name,
    idNumberMasked: maskIdNumber(l.borrower.idNumber),
    bankName: l.bank.name,
    status: l.status,
    outstandingFen: decToFen(l.principal) - decToFen(l.principalRepaid),
  }));
}

export const resolveInput = z.object({
  rowId: z.coerce.number().int().positive(),
  loanId: z.coerce.number().int().positive({ message: "请选择贷款" }),
});

export const dismissInput = z.object({
  rowId: z.coerce.number().int().positive(),
  reason: z.string().trim().min(4, "请填写忽略的理由（至少4个字）").max(256, "不能超过256个字"),
});

async function openRow(actor: Actor, rowId: number, action: string) {
  const row = await requireInScope(actor, await db.bankStatementRow.findUnique({ where: { id: rowId } }), {
    action,
    entity: "BankStatementRow",
    entityId: rowId,
  });
  if (row.category !== "UNMATCHED" || row.resolution !== null) throw conflict("该行已处理，请刷新");
  return row;
}

const SAME_PAYMENT = "该贷款已有日期和金额相同的还款；如确是同一笔，请选择“忽略”并写明理由";

/** The clerk chooses the loan of an unmatched row: it posts through the loan page's rules, once. */
export async function resolveStatementRow(actor: Actor, raw: unknown, today: IsoDate = todayShanghai()) {
  const county = await requireWrite(actor, "bankStatement.resolve");
  const input = parseOrInvalid(resolveInput, raw);
  const row = await openRow(actor, input.rowId, "bankStatement.resolve");
  const target = { action: "bankStatement.resolve", entity: "Loan", entityId: input.loanId };
  const loan = await requireInScope(
    actor,
    await db.loan.findUnique({
      where: { id: input.loanId },
      select: { id: true, countyCode: true, villageCode: true },
    }),
    target,
  );
  const valueDate = dateToIso(row.valueDate);
  if (valueDate > today)
    throw invalid({ loanId: ["还款日期晚于今天，不能入账"] }, "还款日期晚于今天，不能入账");
  try {
    return await db.$transaction(async (tx) => {
      await lockLoan(tx, loan.id);
      const same = await tx.repaymentEntry.findMany({
        where: {
          loanId: loan.id,
          kind: "REPAYMENT",
          valueDate: row.valueDate,
          principal: row.principal,
          interest: row.interest,
          penalty: row.penalty,
        },
        select: { id: true },
      });
      const reversed = await tx.repaymentEntry.count({
        where: { reversesId: { in: same.map((e) => e.id) } },
      });
      if (same.length > reversed) throw invalid({ loanId: [SAME_PAYMENT] }, SAME_PAYMENT);
      const claimed = await tx.bankStatementRow.updateMany({
        where: { id: row.id, resolution: null },
        data: { resolution: "RESOLVED", resolvedById: actor.id, resolvedAt: new Date(), loanId: loan.id },
      });
      if (claimed.count === 0) throw conflict("该行已处理，请刷新");
      const posted = await postLockedRepayment(tx, actor, loan, {
        valueDate,
        principalFen: decToFen(row.principal),
        interestFen: decToFen(row.interest),
        penaltyFen: decToFen(row.penalty),
        idempotencyKey: `bsrow-${row.id}`,
        source: BANK_FILE_SOURCE,
        audit: {
          source: BANK_FILE_SOURCE,
          fileId: row.fileId,
          row: row.rowNo,
          loanId: loan.id,
          resolved: true,
        },
      });
      await tx.bankStatementRow.update({ where: { id: row.id }, data: { entryId: posted.entryId } });
      await writeAudit(tx, {
        action: "bankStatement.resolve",
        entity: "BankStatementRow",
        entityId: String(row.id),
        countyCode: county,
        before: { reason: row.reason },
        after: { loanId: loan.id, entryId: posted.entryId, fileId: row.fileId, row: row.rowNo },
        outcome: "OK",
        ...actorFields(actor),
      });
      return { entryId: posted.entryId, loanId: loan.id };
    });
  } catch (e) {
    if (e instanceof AppError && e.fieldErrors && !e.fieldErrors.loanId) {
      // The journal's rules refused (principal above the balance, date before disbursement): at the loan field.
      const messages = Object.values(e.fieldErrors).flat();
      throw invalid({ loanId: messages }, messages.join("；"));
    }
    throw e;
  }
}

/** The clerk dismisses an unmatched row with a reason (nothing is posted). */
export async function dismissStatementRow(actor: Actor, raw: unknown) {
  const county = await requireWrite(actor, "bankStatement.dismiss");
  const input = parseOrInvalid(dismissInput, raw);
  const row = await openRow(actor, input.rowId, "bankStatement.dismiss");
  return db.$transaction(async (tx) => {
    const done = await tx.bankStatementRow.updateMany({
      where: { id: row.id, resolution: null },
      data: {
        resolution: "DISMISSED",
        resolvedById: actor.id,
        resolvedAt: new Date(),
        dismissReason: input.reason,
      },
    });
    if (done.count === 0) throw conflict("该行已处理，请刷新");
    await writeAudit(tx, {
      action: "bankStatement.dismiss",
      entity: "BankStatementRow",
      entityId: String(row.id),
      countyCode: county,
      before: { reason: row.reason },
      after: { reason: input.reason, fileId: row.fileId, row: row.rowNo },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { rowId: row.id };
  });
}

// ───────────────────────────── demo samples ─────────────────────────────

export const SAMPLE_KINDS = ["REPAYMENT", "INTEREST"] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** A repayment sample is for the clerk who posts repayments; an interest sample for the one who makes claims. */
async function requireSample(actor: Actor, kind: SampleKind) {
  const action = kind === "REPAYMENT" ? "bankStatement.sample" : "interestStatement.sample";
  await requirePermission(actor, kind === "REPAYMENT" ? "repayment.post" : "claim.write", {
    action,
    entity: "BankStatement",
  });
  return countyOfActor(actor);
}

/** The demo's sample statement of a bank and kind for the actor's county (null outside the demo). */
export async function statementSample(actor: Actor, bankId: number, kind: SampleKind = "REPAYMENT") {
  const county = await requireSample(actor, kind);
  const s = await db.bankStatementSample.findUnique({
    where: { countyCode_bankId_kind: { countyCode: county, bankId, kind } },
  });
  return s ? { fileName: s.fileName, month: s.month, content: Buffer.from(s.content) } : null;
}

export interface InterestSample {
  bankId: number;
  bankName: string;
  /** The quarter the sample lists, YYYY-Qn. */
  quarter: string;
  fileName: string;
  /** The county's claim of that bank and quarter, to upload the sample on (null: none generated). */
  claimId: number | null;
}

/** The demo's interest statement samples of the actor's county, each with the claim it belongs to. */
export async function interestSamples(actor: Actor): Promise<InterestSample[]> {
  const county = await requireSample(actor, "INTEREST");
  const samples = await db.bankStatementSample.findMany({
    where: { countyCode: county, kind: "INTEREST" },
    orderBy: { bankId: "asc" },
    select: { bankId: true, month: true, fileName: true },
  });
  if (!samples.length) return [];
  const [banks, claims] = await Promise.all([
    db.bank.findMany({
      where: { id: { in: samples.map((s) => s.bankId) } },
      select: { id: true, name: true },
    }),
    db.subsidyClaim.findMany({
      where: { countyCode: county, bankId: { in: samples.map((s) => s.bankId) } },
      select: { id: true, bankId: true, year: true, quarter: true },
    }),
  ]);
  return samples.map((s) => ({
    bankId: s.bankId,
    bankName: banks.find((b) => b.id === s.bankId)?.name ?? "",
    quarter: s.month,
    fileName: s.fileName,
    claimId: claims.find((c) => c.bankId === s.bankId && `${c.year}-Q${c.quarter}` === s.month)?.id ?? null,
  }));
}
