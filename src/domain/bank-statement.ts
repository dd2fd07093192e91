/**
 * The banks' repayment statements (银行还款明细, DOMAIN.md §15): reading a row as the bank printed it, and
 * matching it to a loan — by contract/IOU number exactly, else by ID number with amount and date, else
 * unmatched with its reason. A row already in the journal (same loan, value date and amounts, whether from an
 * earlier file or typed on the loan page) is recognised and not posted again. Pure: the caller gathers the
 * loans and their journals; this decides.
 */
import { parseYuanEntry } from "./amount-input";
import { isIsoDate, type IsoDate } from "./dates";
import { isValidCreditCode, parseResidentId } from "./identity";
import type { Fen } from "./money";

/** Our fields a bank's columns are mapped to, in the order the mapping screen shows them. */
export const STATEMENT_FIELDS = [
  "contractNo",
  "borrowerName",
  "idNumber",
  "valueDate",
  "principal",
  "interest",
  "penalty",
] as const;
export type StatementField = (typeof STATEMENT_FIELDS)[number];

/** Field → the bank's header text. Unmapped optional fields are absent. */
export type StatementMapping = Partial<Record<StatementField, string>>;

/** Always needed; and at least one of contract number and ID number. */
export const REQUIRED_FIELDS: readonly StatementField[] = ["valueDate", "principal", "interest"];

/** Header words banks use for each field, to propose a mapping for a new bank (the clerk confirms it). */
const HEADER_HINTS: Record<StatementField, readonly string[]> = {
  contractNo: ["借据号", "借据编号", "合同号", "合同编号", "借款合同号", "贷款账号", "贷款合同号"],
  borrowerName: ["借款人姓名", "借款人", "客户名称", "客户姓名", "户名", "姓名"],
  idNumber: ["身份证号", "身份证号码", "证件号码", "证件号", "身份证"],
  valueDate: ["还款日期", "交易日期", "入账日期", "记账日期", "扣款日期", "日期"],
  principal: ["归还本金", "还款本金", "实还本金", "本金"],
  interest: ["归还利息", "还款利息", "实还利息", "正常利息", "利息"],
  penalty: ["罚息", "逾期利息", "罚息金额", "复利"],
};

/** A mapping proposed from the headers: the first exact hint, else the first header containing a hint. */
export function suggestMapping(headers: readonly string[]): StatementMapping {
  const out: StatementMapping = {};
  const used = new Set<string>();
  const clean = headers.map((h) => h.replace(/[\s\u3000]|（元）|\(元\)/gu, ""));
  for (const field of STATEMENT_FIELDS) {
    const hints = HEADER_HINTS[field];
    let k = clean.findIndex((h, i) => !used.has(headers[i]!) && hints.includes(h));
    if (k < 0)
      k = clean.findIndex(
        (h, i) =>
          !used.has(headers[i]!) &&
          hints.some((x) => h.includes(x)) &&
          // "利息" must not take the penalty column "罚息利息"/"逾期利息".
          !(field === "interest" && HEADER_HINTS.penalty.some((x) => h.includes(x))),
      );
    if (k >= 0) {
      out[field] = headers[k]!;
      used.add(headers[k]!);
    }
  }
  return out;
}

export type MappingProblem =
  | { code: "MISSING_FIELD"; field: StatementField }
  | { code: "NO_KEY" }
  | { code: "UNKNOWN_HEADER"; field: StatementField; header: string }
  | { code: "SAME_HEADER"; fields: [StatementField, StatementField]; header: string };

/** Checks a mapping against a file's headers. */
export function checkMapping(mapping: StatementMapping, headers: readonly string[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  for (const f of REQUIRED_FIELDS) if (!mapping[f]) problems.push({ code: "MISSING_FIELD", field: f });
  if (!mapping.contractNo && !mapping.idNumber) problems.push({ code: "NO_KEY" });
  const seen = new Map<string, StatementField>();
  for (const f of STATEMENT_FIELDS) {
    const h = mapping[f];
    if (!h) continue;
    if (!headers.includes(h)) problems.push({ code: "UNKNOWN_HEADER", field: f, header: h });
    const other = seen.get(h);
    if (other) problems.push({ code: "SAME_HEADER", fields: [other, f], header: h });
    seen.set(h, f);
  }
  return problems;
}

function toAscii(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += c >= 0xff01 && c <= 0xff5e ? String.fromCodePoint(c - 0xfee0) : ch;
  }
  return out.replace(/[\s\u3000]+/gu, "");
}

const pad = (n: string) => n.padStart(2, "0");

/**
 * A date as banks print it: 2026-11-20, 2026/11/20, 2026.11.20, 20261120, 2026年11月20日 (months and days
 * with or without a leading zero; full-width digits). Only a real calendar date is accepted.
 */
export function parseStatementDate(text: string): { ok: true; value: IsoDate } | { ok: false } {
  const s = toAscii(text.trim().replace(/[T\s]+00:00(:00)?$/, ""));
  if (s.length > 16) return { ok: false };
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/u.exec(s) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return { ok: false };
  const iso = `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`;
  return isIsoDate(iso) ? { ok: true, value: iso } : { ok: false };
}

/** A statement row as read, every field checked; or the problems, field by field. */
export interface StatementRow {
  /** Row number as the bank's file shows it (1-based, header included). */
  row: number;
  contractNo: string | null;
  borrowerName: string | null;
  /** Upper-case; null when absent or printed masked (6201**********0023). */
  idNumber: string | null;
  valueDate: IsoDate;
  principalFen: Fen;
  interestFen: Fen;
  penaltyFen: Fen;
}

export type CellProblemCode =
  | "DATE"
  | "AMOUNT"
  | "AMOUNT_TOO_PRECISE"
  | "AMOUNT_NEGATIVE"
  | "ID_NUMBER"
  | "NO_KEY"
  | "ALL_ZERO"
  | "TOO_LONG";

export interface CellProblem {
  row: number;
  field: StatementField;
  code: CellProblemCode;
  /** The text as the file holds it (shortened). */
  text: string;
}

function amount(text: string): { ok: true; fen: Fen } | { ok: false; code: CellProblemCode } {
  const t = text.trim();
  if (t === "") return { ok: true, fen: 0 };
  if (/^[-−(（]/u.test(t)) return { ok: false, code: "AMOUNT_NEGATIVE" };
  const r = parseYuanEntry(t);
  if (r.ok) return { ok: true, fen: r.value };
  return { ok: false, code: r.reason === "TOO_PRECISE" ? "AMOUNT_TOO_PRECISE" : "AMOUNT" };
}

/** Reads one row (the mapped cells' text, by field). */
export function parseStatementRow(
  row: number,
  cells: Partial<Record<StatementField, string>>,
): { ok: true; value: StatementRow } | { ok: false; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const bad = (field: StatementField, code: CellProblemCode) =>
    problems.push({ row, field, code, text: (cells[field] ?? "").slice(0, 40) });
  const text = (f: StatementField) => (cells[f] ?? "").trim();
  for (const f of ["contractNo", "borrowerName"] as const) if (text(f).length > 64) bad(f, "TOO_LONG");
  const contractNo = toAscii(text("contractNo")) || null;
  const borrowerName = text("borrowerName") || null;
  let idNumber: string | null = toAscii(text("idNumber")).toUpperCase() || null;
  if (idNumber && idNumber.includes("*"))
    idNumber = null; // printed masked: cannot match on it
  else if (idNumber && !parseResidentId(idNumber).ok && !isValidCreditCode(idNumber))
    bad("idNumber", "ID_NUMBER");
  if (!contractNo && !idNumber && !problems.some((p) => p.field === "idNumber"))
    bad(cells.contractNo !== undefined ? "contractNo" : "idNumber", "NO_KEY");
  const date = parseStatementDate(text("valueDate"));
  if (!date.ok) bad("valueDate", "DATE");
  const fen: Partial<Record<"principal" | "interest" | "penalty", Fen>> = {};
  for (const f of ["principal", "interest", "penalty"] as const) {
    const a = amount(text(f));
    if (a.ok) fen[f] = a.fen;
    else bad(f, a.code);
  }
  if (
    fen.principal !== undefined &&
    fen.interest !== undefined &&
    fen.penalty !== undefined &&
    fen.principal + fen.interest + fen.penalty === 0
  )
    bad("principal", "ALL_ZERO");
  if (problems.length || !date.ok) return { ok: false, problems };
  return {
    ok: true,
    value: {
      row,
      contractNo,
      borrowerName,
      idNumber,
      valueDate: date.value,
      principalFen: fen.principal!,
      interestFen: fen.interest!,
      penaltyFen: fen.penalty!,
    },
  };
}

// ───────────────────────────── matching ─────────────────────────────

/** What matching needs of a loan. Loans outside the actor's county carry nothing but the flag. */
export interface LoanFacts {
  id: number;
  /** In the actor's county (region scope). Only then are the other facts looked at or shown. */
  inCounty: boolean;
  bankId: number;
  contractNo: string | null;
  idNumber: string;
  status: string;
  disbursedDate: IsoDate | null;
  outstandingFen: Fen;
  /** Unpaid remainders of the instalments (principal, interest), to tell loans of one borrower apart. */
  openInstalments: { principalFen: Fen; interestFen: Fen }[];
  /** Live journal entries (repayments not reversed). */
  journal: { valueDate: IsoDate; principalFen: Fen; interestFen: Fen; penaltyFen: Fen }[];
}

export type UnmatchedReason =
  | "NO_SUCH_LOAN"
  | "OUTSIDE_COUNTY"
  | "OTHER_BANK"
  | "NOT_ACTIVE"
  | "DATE_OUT_OF_RANGE"
  | "MORE_THAN_DUE"
  | "AMBIGUOUS"
  | "ID_MISMATCH";

export type RowOutcome =
  | { category: "TO_POST"; loanId: number; by: "CONTRACT" | "ID_NUMBER"; ordinal: number }
  | { category: "ALREADY_POSTED"; loanId: number; by: "CONTRACT" | "ID_NUMBER" }
  | { category: "UNMATCHED"; reason: UnmatchedReason; candidates?: number };

const ACTIVE = new Set(["REPAYING", "COMPENSATED"]);

const sameAmounts = (
  a: { valueDate: IsoDate; principalFen: Fen; interestFen: Fen; penaltyFen: Fen },
  b: { valueDate: IsoDate; principalFen: Fen; interestFen: Fen; penaltyFen: Fen },
) =>
  a.valueDate === b.valueDate &&
  a.principalFen === b.principalFen &&
  a.interestFen === b.interestFen &&
  a.penaltyFen === b.penaltyFen;

export interface MatchContext {
  bankId: number;
  today: IsoDate;
  byContract: ReadonlyMap<string, readonly LoanFacts[]>;
  byIdNumber: ReadonlyMap<string, readonly LoanFacts[]>;
}

/**
 * Matches the rows of one statement, in file order. Rows of one loan are taken together: the journal's
 * identical entries are used up one for one (a file listing the same payment twice has it twice), and the
 * principal to post is checked against what is still outstanding after the file's earlier rows.
 */
export function matchStatement(rows: readonly StatementRow[], ctx: MatchContext): RowOutcome[] {
  const usedJournal = new Map<number, number[]>(); // loan → indexes of journal entries recognised
  const postedPrincipal = new Map<number, Fen>(); // loan → principal of the file's rows to post so far
  const ordinals = new Map<string, number>();

  const already = (loan: LoanFacts, r: StatementRow) => {
    const used = usedJournal.get(loan.id) ?? [];
    const k = loan.journal.findIndex((e, i) => !used.includes(i) && sameAmounts(e, r));
    if (k < 0) return false;
    usedJournal.set(loan.id, [...used, k]);
    return true;
  };
  const fits = (loan: LoanFacts, r: StatementRow): UnmatchedReason | null => {
    if (!ACTIVE.has(loan.status) || !loan.disbursedDate) return "NOT_ACTIVE";
    if (r.valueDate < loan.disbursedDate || r.valueDate > ctx.today) return "DATE_OUT_OF_RANGE";
    if (r.principalFen > loan.outstandingFen - (postedPrincipal.get(loan.id) ?? 0)) return "MORE_THAN_DUE";
    return null;
  };
  const post = (loan: LoanFacts, r: StatementRow, by: "CONTRACT" | "ID_NUMBER"): RowOutcome => {
    postedPrincipal.set(loan.id, (postedPrincipal.get(loan.id) ?? 0) + r.principalFen);
    const key = `${loan.id}|${r.valueDate}|${r.principalFen}|${r.interestFen}|${r.penaltyFen}`;
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    return { category: "TO_POST", loanId: loan.id, by, ordinal };
  };

  return rows.map((r): RowOutcome => {
    // 1. The contract (or IOU) number, exactly.
    if (r.contractNo) {
      const all = ctx.byContract.get(r.contractNo) ?? [];
      const mine = all.filter((l) => l.inCounty);
      if (mine.length === 0 && all.length > 0) return { category: "UNMATCHED", reason: "OUTSIDE_COUNTY" };
      if (mine.length > 1) return { category: "UNMATCHED", reason: "AMBIGUOUS", candidates: mine.length };
      const loan = mine[0];
      if (loan) {
        if (r.idNumber && r.idNumber !== loan.idNumber)
          return { category: "UNMATCHED", reason: "ID_MISMATCH" };
        if (loan.bankId !== ctx.bankId) return { category: "UNMATCHED", reason: "OTHER_BANK" };
        if (already(loan, r)) return { category: "ALREADY_POSTED", loanId: loan.id, by: "CONTRACT" };
        const problem = fits(loan, r);
        return problem ? { category: "UNMATCHED", reason: problem } : post(loan, r, "CONTRACT");
      }
      if (!r.idNumber) return { category: "UNMATCHED", reason: "NO_SUCH_LOAN" };
    }
    // 2. The ID number, with the amount and the date.
    const all = ctx.byIdNumber.get(r.idNumber!) ?? [];
    const mine = all.filter((l) => l.inCounty);
    if (mine.length === 0)
      return { category: "UNMATCHED", reason: all.length > 0 ? "OUTSIDE_COUNTY" : "NO_SUCH_LOAN" };
    const ofBank = mine.filter((l) => l.bankId === ctx.bankId);
    if (ofBank.length === 0) return { category: "UNMATCHED", reason: "OTHER_BANK" };
    const posted = ofBank.filter((l) =>
      l.journal.some((e, i) => !(usedJournal.get(l.id) ?? []).includes(i) && sameAmounts(e, r)),
    );
    if (posted.length === 1) {
      already(posted[0]!, r);
      return { category: "ALREADY_POSTED", loanId: posted[0]!.id, by: "ID_NUMBER" };
    }
    if (posted.length > 1) return { category: "UNMATCHED", reason: "AMBIGUOUS", candidates: posted.length };
    const eligible = ofBank.filter((l) => fits(l, r) === null);
    if (eligible.length === 0) {
      // One loan: say why it does not fit; several: the reason they share, else "no such (fitting) loan".
      const reasons = new Set(ofBank.map((l) => fits(l, r)!));
      return { category: "UNMATCHED", reason: reasons.size === 1 ? [...reasons][0]! : "NO_SUCH_LOAN" };
    }
    if (eligible.length === 1) return post(eligible[0]!, r, "ID_NUMBER");
    // Several loans could take it: the one with an unpaid instalment of exactly these amounts.
    const exact = eligible.filter((l) =>
      l.openInstalments.some((i) => i.principalFen === r.principalFen && i.interestFen === r.interestFen),
    );
    if (exact.length === 1) return post(exact[0]!, r, "ID_NUMBER");
    return { category: "UNMATCHED", reason: "AMBIGUOUS", candidates: eligible.length };
  });
}

export interface CategorySums {
  count: number;
  principalFen: Fen;
  interestFen: Fen;
  penaltyFen: Fen;
  totalFen: Fen;
}

export interface StatementSummary {
  file: CategorySums;
  toPost: CategorySums;
  alreadyPosted: CategorySums;
  unmatched: CategorySums;
  /** Unmatched rows by reason. */
  byReason: Partial<Record<UnmatchedReason, CategorySums>>;
}

const zero = (): CategorySums => ({ count: 0, principalFen: 0, interestFen: 0, penaltyFen: 0, totalFen: 0 });
const add = (s: CategorySums, r: StatementRow) => {
  s.count++;
  s.principalFen += r.principalFen;
  s.interestFen += r.interestFen;
  s.penaltyFen += r.penaltyFen;
  s.totalFen += r.principalFen + r.interestFen + r.penaltyFen;
};

/** Counts and sums per category; file = to post + already posted + unmatched by construction, checked. */
export function summariseStatement(
  rows: readonly StatementRow[],
  outcomes: readonly RowOutcome[],
): StatementSummary {
  const s: StatementSummary = {
    file: zero(),
    toPost: zero(),
    alreadyPosted: zero(),
    unmatched: zero(),
    byReason: {},
  };
  rows.forEach((r, i) => {
    const o = outcomes[i]!;
    add(s.file, r);
    if (o.category === "TO_POST") add(s.toPost, r);
    else if (o.category === "ALREADY_POSTED") add(s.alreadyPosted, r);
    else {
      add(s.unmatched, r);
      add((s.byReason[o.reason] ??= zero()), r);
    }
  });
  if (!identityHolds(s)) throw new Error("statement sums do not add up");
  return s;
}

/** file total = to post + already posted + unmatched, for counts and every amount. */
export function identityHolds(s: Pick<StatementSummary, "file" | "toPost" | "alreadyPosted" | "unmatched">) {
  return (["count", "principalFen", "interestFen", "penaltyFen", "totalFen"] as const).every(
    (k) => s.file[k] === s.toPost[k] + s.alreadyPosted[k] + s.unmatched[k],
  );
}
