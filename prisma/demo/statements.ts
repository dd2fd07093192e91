/**
 * Demo sample statements (issue 18, item 10): for each county and each bank it lends through, a repayment
 * statement (银行还款明细) for the month of the demo's as-of date, built from the demo's real loans — rows that
 * will post, rows already in the journal, and a row of each unmatched kind (a contract number with a typo, a
 * loan of another county, a closed loan, more than is due, a loan of another bank, a borrower with two loans).
 * Written as the banks' systems write them: CSV in GB18030 with a title line and a totals line; the banks name
 * their columns differently, so each bank's first file needs its own mapping. Stored in BankStatementSample
 * (demo data only), downloadable from the screen.
 */
import iconv from "iconv-lite";
import { addDays, fenToYuan, yuanToFen, type IsoDate } from "../../src/domain";
import type { Prisma } from "../../src/generated/prisma/client";

type Client = Pick<Prisma.TransactionClient, "$queryRawUnsafe" | "bankStatementSample">;

/** Header texts per bank (by bank code); the same fields, each bank's own words. */
const HEADERS: Record<string, string[]> = {
  default: ["序号", "借据号", "客户名称", "证件号码", "交易日期", "归还本金", "归还利息", "罚息"],
  PSBC: ["序号", "合同编号", "借款人", "身份证号码", "还款日期", "实还本金", "实还利息", "逾期利息"],
  RCB: ["序号", "贷款合同号", "户名", "证件号", "扣款日期", "本金", "利息", "罚息"],
};

interface Row {
  contractNo: string;
  name: string;
  idNumber: string;
  date: IsoDate;
  principalFen: number;
  interestFen: number;
  penaltyFen: number;
}

const yuan = (fen: number) => {
  const [i, f] = fenToYuan(fen).split(".");
  return `${i!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${f}`;
};

/** 2026-11-18 → a form banks print (rotating through the common ones). */
const printed = (d: IsoDate, k: number) =>
  [
    d.replaceAll("-", "/"),
    d.replaceAll("-", ""),
    d,
    `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`,
  ][k % 4]!;

function csv(bankName: string, countyName: string, month: string, header: string[], rows: Row[]): Buffer {
  const lines = [
    `${bankName}${countyName}支行 个人贷款还款明细（${month.replace("-", "年")}月）`,
    header.join(","),
  ];
  rows.forEach((r, k) =>
    lines.push(
      [
        String(k + 1),
        r.contractNo,
        r.name,
        r.idNumber,
        printed(r.date, k),
        `"${yuan(r.principalFen)}"`,
        `"${yuan(r.interestFen)}"`,
        r.penaltyFen ? `"${yuan(r.penaltyFen)}"` : "0.00",
      ].join(","),
    ),
  );
  const sum = rows.reduce((s, r) => s + r.principalFen + r.interestFen + r.penaltyFen, 0);
  lines.push(`合计,,,,,,,"${yuan(sum)}"`);
  return iconv.encode(lines.join("\r\n") + "\r\n", "gb18030");
}

type LoanRow = {
  id: number;
  countyCode: string;
  bankId: number;
  contractNo: string;
  name: string;
  idNumber: string;
  status: string;
  disbursedDate: Date;
  outstanding: string;
};

/** Builds and stores the samples; returns how many. */
export async function seedStatementSamples(prisma: Client, asOf: IsoDate): Promise<number> {
  const month = asOf.slice(0, 7);
  const monthStart = `${month}-01`;
  const pairs = await prisma.$queryRawUnsafe<
    { countyCode: string; bankId: number; bankName: string; bankCode: string; countyName: string }[]
  >(
    `SELECT DISTINCT l."countyCode", l."bankId", b.name AS "bankName", b.code AS "bankCode", r.name AS "countyName"
       FROM "Loan" l JOIN "Bank" b ON b.id = l."bankId" JOIN "Region" r ON r.code = l."countyCode"
      WHERE l.status IN ('REPAYING', 'COMPENSATED') ORDER BY 1, 2`,
  );
  const loans = await prisma.$queryRawUnsafe<LoanRow[]>(
    `SELECT l.id, l."countyCode", l."bankId", l."contractNo", bo.name, bo."idNumber", l.status::text AS status,
            l."disbursedDate", (l.principal - l."principalRepaid")::text AS outstanding
       FROM "Loan" l JOIN "Borrower" bo ON bo.id = l."borrowerId"
      WHERE l."contractNo" IS NOT NULL AND l."disbursedDate" IS NOT NULL ORDER BY l.id`,
  );
  const fen = (s: string) => yuanToFen(s); // numeric(16,2) as text: exact, never a float
  let stored = 0;
  for (const p of pairs) {
    const here = loans.filter((l) => l.countyCode === p.countyCode && l.bankId === p.bankId);
    const active = here.filter(
      (l) => l.status === "REPAYING" && l.disbursedDate.toISOString().slice(0, 10) < monthStart,
    );
    const rows: Row[] = [];
    const date = (k: number) => addDays(monthStart, Math.min(3 + k * 2, Number(asOf.slice(8)) - 1));
    // Rows that post: the earliest unpaid instalment's remaining interest (and principal) of a repaying loan.
    const open = await prisma.$queryRawUnsafe<{ loanId: number; p: string; i: string }[]>(
      `SELECT DISTINCT ON (i."loanId") i."loanId", (i."principalDue" - i."principalPaid")::text AS p,
              (i."interestDue" - i."interestPaid")::text AS i
         FROM "Instalment" i WHERE i."loanId" = ANY($1::int[]) AND i."paidDate" IS NULL
        ORDER BY i."loanId", i.seq`,
      active.map((l) => l.id),
    );
    const toPost = open.filter((o) => fen(o.i) > 0).slice(0, 8);
    toPost.forEach((o, k) => {
      const l = active.find((x) => x.id === o.loanId)!;
      const principalFen = Math.min(fen(o.p), fen(l.outstanding));
      rows.push({
        contractNo: l.contractNo,
        name: l.name,
        idNumber: l.idNumber,
        date: date(k),
        principalFen,
        interestFen: fen(o.i),
        penaltyFen: 0,
      });
    });
    // Already in the journal: payments of this month typed before.
    const typed = await prisma.$queryRawUnsafe<
      { loanId: number; valueDate: Date; principal: string; interest: string; penalty: string }[]
    >(
      `SELECT e."loanId", e."valueDate", e.principal::text, e.interest::text, e.penalty::text FROM "RepaymentEntry" e
        WHERE e."loanId" = ANY($1::int[]) AND e.kind = 'REPAYMENT' AND e."valueDate" >= $2::date AND e."valueDate" <= $3::date
          AND NOT EXISTS (SELECT 1 FROM "RepaymentEntry" r WHERE r."reversesId" = e.id)
        ORDER BY e.id LIMIT 2`,
      here.map((l) => l.id),
      monthStart,
      asOf,
    );
    for (const e of typed) {
      const l = here.find((x) => x.id === e.loanId)!;
      rows.push({
        contractNo: l.contractNo,
        name: l.name,
        idNumber: l.idNumber,
        date: e.valueDate.toISOString().slice(0, 10),
        principalFen: fen(e.principal),
        interestFen: fen(e.interest),
        penaltyFen: fen(e.penalty),
      });
    }
    // One row of each unmatched kind.
    const first = active[0];
    if (first) {
      // A contract number with a typo (and no ID number printed): no such loan, to resolve by hand.
      const typo = first.contractNo.slice(0, -1) + (first.contractNo.endsWith("9") ? "8" : "9");
      if (!loans.some((l) => l.contractNo === typo))
        rows.push({
          contractNo: typo,
          name: first.name,
          idNumber: "",
          date: date(1),
          principalFen: 0,
          interestFen: 12_345,
          penaltyFen: 0,
        });
      // More than is due.
      const last = active.at(-1)!;
      rows.push({
        contractNo: last.contractNo,
        name: last.name,
        idNumber: "",
        date: date(2),
        principalFen: fen(last.outstanding) + 10_000,
        interestFen: 0,
        penaltyFen: 0,
      });
    }
    const elsewhere = loans.find(
      (l) => l.bankId === p.bankId && l.countyCode !== p.countyCode && l.status === "REPAYING",
    );
    if (elsewhere)
      rows.push({
        contractNo: elsewhere.contractNo,
        name: elsewhere.name,
        idNumber: "",
        date: date(3),
        principalFen: 0,
        interestFen: 45_600,
        penaltyFen: 0,
      });
    const closed = here.find((l) => l.status === "CLOSED");
    if (closed)
      rows.push({
        contractNo: closed.contractNo,
        name: closed.name,
        idNumber: "",
        date: date(4),
        principalFen: 0,
        interestFen: 23_400,
        penaltyFen: 0,
      });
    const otherBank = loans.find(
      (l) => l.countyCode === p.countyCode && l.bankId !== p.bankId && l.status === "REPAYING",
    );
    if (otherBank)
      rows.push({
        contractNo: otherBank.contractNo,
        name: otherBank.name,
        idNumber: "",
        date: date(5),
        principalFen: 0,
        interestFen: 34_500,
        penaltyFen: 0,
      });
    // A borrower with two repaying loans of this bank, the row carrying only her ID number: ambiguous.
    const counts = new Map<string, number>();
    for (const l of active) counts.set(l.idNumber, (counts.get(l.idNumber) ?? 0) + 1);
    const twice = active.find((l) => (counts.get(l.idNumber) ?? 0) > 1);
    if (twice)
      rows.push({
        contractNo: "",
        name: twice.name,
        idNumber: twice.idNumber,
        date: date(6),
        principalFen: 0,
        interestFen: 56_700,
        penaltyFen: 0,
      });
    if (!rows.length) continue;
    const header = HEADERS[p.bankCode] ?? HEADERS.default!;
    await prisma.bankStatementSample.create({
      data: {
        countyCode: p.countyCode,
        bankId: p.bankId,
        month,
        fileName: `${p.bankName}-${p.countyName}-${month}-还款明细示例.csv`,
        content: new Uint8Array(csv(p.bankName, p.countyName, month, header, rows)),
      },
    });
    stored++;
  }
  return stored;
}
