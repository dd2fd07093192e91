/**
 * A bank's monthly repayment statement (银行还款明细) built from the synthetic province, for bench:statement: a
 * .csv in GB18030 as a bank's system writes it — a title line and the query period above the header, the bank's
 * own column names, amounts printed "1,234.56", a totals line (合计) — holding, for one county and one bank:
 *   - rows that match a repaying loan by contract number (借据号), with amounts the loan could pay (interest of
 *     about a month on the balance, part of the principal on every other row) and value dates in the month; when
 *     the county has fewer loans of the bank than rows, several rows per loan;
 *   - rows printed without the contract number, matched by the ID number (the borrower has one loan of the bank);
 *   - rows already in the journal (the bank lists again payments of the quarter the clerk typed on the loan page);
 *   - a share of each kind of row that cannot be matched: a mistyped contract number with the ID printed masked,
 *     another county's loan, another bank's loan, a closed loan, a year mistyped (2016), an extra zero in the
 *     principal, an ID number that is another borrower's, and an ID number only for a borrower with two loans.
 * Deterministic: the same data and row count give the same file (and the same SHA-256).
 */
import iconv from "iconv-lite";
import type pg from "pg";
import {
  addDays,
  addMonths,
  fenToYuan,
  yuanToFen,
  type IsoDate,
  type UnmatchedReason,
} from "../../../src/domain";
import { rng } from "../../../prisma/demo/rng";

/** The bank's header line (what its system prints) and the clerk's mapping of it. */
export const STATEMENT_HEADER = [
  "序号",
  "借据号",
  "客户名称",
  "证件号码",
  "交易日期",
  "归还本金",
  "归还利息",
  "罚息",
  "交易渠道",
] as const;
export const STATEMENT_MAPPING = {
  contractNo: "借据号",
  borrowerName: "客户名称",
  idNumber: "证件号码",
  valueDate: "交易日期",
  principal: "归还本金",
  interest: "归还利息",
  penalty: "罚息",
} as const;

export type Expected = "TO_POST" | "ALREADY_POSTED" | UnmatchedReason;

/** Shares of the file's rows; the rest match by contract number and post. */
export const SHARES: Record<Exclude<Expected, "TO_POST">, number> = {
  ALREADY_POSTED: 0.02,
  NO_SUCH_LOAN: 0.008,
  OUTSIDE_COUNTY: 0.004,
  OTHER_BANK: 0.004,
  NOT_ACTIVE: 0.004,
  DATE_OUT_OF_RANGE: 0.003,
  MORE_THAN_DUE: 0.003,
  ID_MISMATCH: 0.002,
  AMBIGUOUS: 0.002,
};
/** Of the rows that post, the share printed without the contract number (matched by ID number). */
const BY_ID_NUMBER = 0.02;

interface Line {
  date: IsoDate;
  printed: string;
  contract: string;
  name: string;
  id: string;
  principalFen: number;
  interestFen: number;
  penaltyFen: number;
  channel: string;
  expect: Expected;
}

export interface StatementFile {
  file: Buffer;
  rows: number;
  /** Rows by the category (or unmatched reason) they were built to have. */
  expected: Partial<Record<Expected, number>>;
  /** Rows matched by ID number only, among TO_POST. */
  byIdNumber: number;
  /** Repaying loans of the bank in the county, and the rows to post per loan (at most). */
  loans: number;
  perLoan: number;
}

interface LoanRow {
  id: number;
  contract: string;
  status: string;
  disbursed: IsoDate;
  principal: string;
  repaid: string;
  rate: number;
  name: string;
  idNumber: string;
  borrowerId: number;
}

const withCommas = (fen: number) => {
  const [int, frac] = fenToYuan(fen).split(".");
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
};
const csvCell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
const masked = (id: string) => `${id.slice(0, 4)}${"*".repeat(id.length - 8)}${id.slice(-4)}`;

/** About a month's interest on `balanceFen` at `rateBp` (28–31 days, 360-day basis), at least 1 元. */
const monthInterest = (balanceFen: number, rateBp: number, j: number) =>
  Math.max(100, Math.round((balanceFen * rateBp * (28 + (j % 4))) / (10_000 * 360)));

export async function buildStatement(
  c: pg.Client,
  opts: { county: string; bankId: number; bankName: string; rows: number; month: string; lastDay: IsoDate },
): Promise<StatementFile> {
  const r = rng(20261201);
  const first = `${opts.month}-01` as IsoDate;
  const days = Number(opts.lastDay.slice(8, 10));
  const loanSelect = `SELECT l.id, l."contractNo" AS contract, l.status::text AS status,
            to_char(l."disbursedDate", 'YYYY-MM-DD') AS disbursed, l.principal::text AS principal,
            l."principalRepaid"::text AS repaid, l."contractRateBp" AS rate, b.name, b."idNumber" AS "idNumber",
            l."borrowerId" AS "borrowerId"
       FROM "Loan" l JOIN "Borrower" b ON b.id = l."borrowerId"`;
  const ofBank = (
    await c.query<LoanRow>(
      `${loanSelect} WHERE l."countyCode" = $1 AND l."bankId" = $2 AND l."disbursedDate" IS NOT NULL
         AND l."contractNo" IS NOT NULL ORDER BY l.id`,
      [opts.county, opts.bankId],
    )
  ).rows;
  const otherBank = (
    await c.query<LoanRow>(
      `${loanSelect} WHERE l."countyCode" = $1 AND l."bankId" <> $2 AND l.status = 'REPAYING'
         AND l."contractNo" IS NOT NULL ORDER BY l.id LIMIT 2000`,
      [opts.county, opts.bankId],
    )
  ).rows;
  const otherCounty = (
    await c.query<LoanRow>(
      `${loanSelect} WHERE l."countyCode" <> $1 AND l."contractNo" IS NOT NULL ORDER BY l.id LIMIT 2000`,
      [opts.county],
    )
  ).rows;
  const outstanding = (l: LoanRow) => yuanToFen(l.principal) - yuanToFen(l.repaid);
  const active = ofBank.filter(
    (l) => l.status === "REPAYING" && outstanding(l) > 0 && l.disbursed <= opts.lastDay,
  );
  const inactive = ofBank.filter((l) => l.status !== "REPAYING" && l.status !== "COMPENSATED");
  if (active.length === 0) throw new Error(`no repaying loans of bank ${opts.bankId} in ${opts.county}`);
  const loansOf = new Map<number, LoanRow[]>();
  for (const l of ofBank) loansOf.set(l.borrowerId, [...(loansOf.get(l.borrowerId) ?? []), l]);
  const isActive = new Set(active.map((l) => l.id));
  const twoLoans = [...loansOf.values()]
    .map((ls) => ls.filter((l) => isActive.has(l.id)))
    .filter((ls) => ls.length >= 2);

  const count = (k: Exclude<Expected, "TO_POST">) => Math.round(opts.rows * SHARES[k]);
  const want: Partial<Record<Expected, number>> = {};
  for (const k of Object.keys(SHARES) as Exclude<Expected, "TO_POST">[]) want[k] = count(k);
  if (!inactive.length) want.NOT_ACTIVE = 0;
  if (!twoLoans.length) want.AMBIGUOUS = 0;
  if (!otherBank.length) want.OTHER_BANK = 0;

  // Already in the journal: the latest live repayments (of this quarter) of the bank's repaying loans, several per
  // loan if needed — the bank lists again what the clerk typed on the loan pages.
  const perLoanAlready = Math.ceil((want.ALREADY_POSTED ?? 0) / active.length);
  const journal = (
    await c.query<{ loanId: number; d: IsoDate; p: string; i: string; pen: string }>(
      `SELECT "loanId", d, p, i, pen FROM (
         SELECT e."loanId", to_char(e."valueDate", 'YYYY-MM-DD') AS d, e.principal::text AS p, e.interest::text AS i,
                e.penalty::text AS pen,
                row_number() OVER (PARTITION BY e."loanId" ORDER BY e."valueDate" DESC, e.id DESC) AS n
           FROM "RepaymentEntry" e
          WHERE e."loanId" = ANY($1::int[]) AND e.kind = 'REPAYMENT' AND e."valueDate" >= $3::date
            AND NOT EXISTS (SELECT 1 FROM "RepaymentEntry" x WHERE x."reversesId" = e.id)) t
        WHERE n <= $2 ORDER BY n, "loanId"`,
      [active.map((l) => l.id), perLoanAlready, addMonths(first, -2)],
    )
  ).rows.slice(0, want.ALREADY_POSTED);
  want.ALREADY_POSTED = journal.length;

  const lines: Line[] = [];
  const channel = () =>
    r.weighted([
      ["批量扣款", 80],
      ["柜面", 15],
      ["手机银行", 5],
    ] as const);
  const line = (l: Pick<LoanRow, "name" | "idNumber">, o: Partial<Line> & Pick<Line, "expect">): Line => ({
    date: opts.lastDay,
    contract: "",
    name: l.name,
    id: l.idNumber,
    principalFen: 0,
    interestFen: 0,
    penaltyFen: 0,
    channel: channel(),
    ...o,
    printed: o.printed ?? o.date ?? opts.lastDay,
  });
  const byId = new Map(active.map((l) => [l.id, l]));
  for (const e of journal) {
    const l = byId.get(e.loanId)!;
    lines.push(
      line(l, {
        expect: "ALREADY_POSTED",
        contract: l.contract,
        date: e.d,
        principalFen: yuanToFen(e.p),
        interestFen: yuanToFen(e.i),
        penaltyFen: yuanToFen(e.pen),
      }),
    );
  }

  // The rows that post: slot s goes to loan s mod L, its j-th row.
  const unmatched = Object.entries(want)
    .filter(([k]) => k !== "ALREADY_POSTED")
    .reduce((s, [, n]) => s + n, 0);
  const toPost = opts.rows - journal.length - unmatched;
  const perLoan = Math.ceil(toPost / active.length);
  const slots = (i: number) => Math.floor(toPost / active.length) + (i < toPost % active.length ? 1 : 0);
  const onlyLoanOfBank = new Set(
    [...loansOf.values()].filter((ls) => ls.length === 1 && isActive.has(ls[0]!.id)).map((ls) => ls[0]!.id),
  );
  const idTarget = Math.round(toPost * BY_ID_NUMBER);
  let byIdNumber = 0;
  const dateOf = (l: LoanRow, i: number, j: number): IsoDate => {
    const d = addDays(first, (j * 11 + i * 7) % days);
    return d < l.disbursed ? l.disbursed : d;
  };
  for (let s = 0; s < toPost; s++) {
    const i = s % active.length;
    const j = Math.floor(s / active.length);
    const l = active[i]!;
    const o = outstanding(l);
    const k = slots(i);
    const share = Math.floor(o / (k + 1));
    const principalFen =
      j % 2 === 0 ? (share >= 10_000 ? share - (share % 10_000) : share - (share % 100)) : 0;
    const interestFen = monthInterest(o, l.rate, j);
    const printById = onlyLoanOfBank.has(l.id) && byIdNumber < idTarget && r.next() < 0.3;
    if (printById) byIdNumber++;
    lines.push(
      line(l, {
        expect: "TO_POST",
        contract: printById ? "" : l.contract,
        date: dateOf(l, i, j),
        principalFen,
        interestFen,
        penaltyFen: r.next() < 0.01 ? Math.round(interestFen / 5) : 0,
      }),
    );
  }

  // The rows that cannot be matched, each kind from the loans that give it.
  const pick = <T>(xs: readonly T[], n: number) => xs[n % xs.length]!;
  for (let n = 0; n < (want.NO_SUCH_LOAN ?? 0); n++) {
    const l = pick(active, n * 7 + 3);
    lines.push(
      line(l, {
        expect: "NO_SUCH_LOAN",
        contract: `${l.contract}${n % 10}`, // one key too many
        id: masked(l.idNumber),
        date: dateOf(l, n, 0),
        interestFen: monthInterest(outstanding(l), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.OUTSIDE_COUNTY ?? 0); n++) {
    const l = pick(otherCounty, n);
    lines.push(
      line(l, {
        expect: "OUTSIDE_COUNTY",
        contract: l.contract,
        interestFen: monthInterest(yuanToFen(l.principal), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.OTHER_BANK ?? 0); n++) {
    const l = pick(otherBank, n);
    lines.push(
      line(l, {
        expect: "OTHER_BANK",
        contract: l.contract,
        interestFen: monthInterest(outstanding(l), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.NOT_ACTIVE ?? 0); n++) {
    const l = pick(inactive, n);
    lines.push(
      line(l, {
        expect: "NOT_ACTIVE",
        contract: l.contract,
        date: dateOf(l, n, 1),
        interestFen: monthInterest(yuanToFen(l.principal), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.DATE_OUT_OF_RANGE ?? 0); n++) {
    const l = pick(active, n * 13 + 5);
    const date = dateOf(l, n, 2);
    lines.push(
      line(l, {
        expect: "DATE_OUT_OF_RANGE",
        contract: l.contract,
        date,
        printed: `2016${date.slice(4)}`, // the year mistyped
        interestFen: monthInterest(outstanding(l), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.MORE_THAN_DUE ?? 0); n++) {
    const l = pick(active, n * 17 + 1);
    lines.push(
      line(l, {
        expect: "MORE_THAN_DUE",
        contract: l.contract,
        date: dateOf(l, n, 3),
        principalFen: outstanding(l) * 10, // an extra zero
        interestFen: monthInterest(outstanding(l), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.ID_MISMATCH ?? 0); n++) {
    const l = pick(active, n * 19 + 2);
    const other = ofBank.find((x, k) => k > n % ofBank.length && x.idNumber !== l.idNumber) ?? otherBank[0]!;
    lines.push(
      line(l, {
        expect: "ID_MISMATCH",
        contract: l.contract,
        id: other.idNumber,
        date: dateOf(l, n, 4),
        interestFen: monthInterest(outstanding(l), l.rate, n),
      }),
    );
  }
  for (let n = 0; n < (want.AMBIGUOUS ?? 0); n++) {
    const ls = pick(twoLoans, n);
    const l = ls[0]!;
    lines.push(line(l, { expect: "AMBIGUOUS", interestFen: monthInterest(outstanding(l), l.rate, n) + 1 }));
  }

  // As the bank prints it: by value date, then contract (or ID) number.
  lines.sort((a, b) =>
    a.date !== b.date
      ? a.date < b.date
        ? -1
        : 1
      : (a.contract || a.id) < (b.contract || b.id)
        ? -1
        : (a.contract || a.id) > (b.contract || b.id)
          ? 1
          : 0,
  );
  const sum = (f: (l: Line) => number) => lines.reduce((s, l) => s + f(l), 0);
  const text = [
    `${opts.bankName}${opts.county}支行 个人贷款还款明细`,
    `查询期间：${first} 至 ${opts.lastDay}`,
    STATEMENT_HEADER.join(","),
    ...lines.map((l, n) =>
      [
        String(n + 1),
        l.contract,
        l.name,
        l.id,
        l.printed,
        withCommas(l.principalFen),
        withCommas(l.interestFen),
        withCommas(l.penaltyFen),
        l.channel,
      ]
        .map(csvCell)
        .join(","),
    ),
    [
      `合计（${lines.length}笔）`,
      "",
      "",
      "",
      "",
      withCommas(sum((l) => l.principalFen)),
      withCommas(sum((l) => l.interestFen)),
      withCommas(sum((l) => l.penaltyFen)),
      "",
    ]
      .map(csvCell)
      .join(","),
  ].join("\r\n");
  const expected: Partial<Record<Expected, number>> = {};
  for (const l of lines) expected[l.expect] = (expected[l.expect] ?? 0) + 1;
  return {
    file: iconv.encode(`${text}\r\n`, "gb18030"),
    rows: lines.length,
    expected,
    byIdNumber,
    loans: active.length,
    perLoan,
  };
}
