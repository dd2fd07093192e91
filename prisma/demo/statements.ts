/**
 * Demo sample statements (issue 18, item 10), for each county and each bank it lends through:
 *  - a repayment statement (银行还款明细) for the month of the demo's as-of date, built from the demo's real loans —
 *    rows that will post, rows already in the journal, and a row of each unmatched kind (a contract number with a
 *    typo, a loan of another county, a closed loan, more than is due, a loan of another bank, a borrower with two
 *    loans);
 *  - an interest statement (利息及贴息清单) for the last settled quarter, built from that quarter's claim lines —
 *    the bank's figures equal to the claim's, but for one difference of each kind the comparison recognises
 *    (another rate, another day count, a loan the claim lacks, a claim line the bank does not list).
 * Written as the banks' systems write them: CSV in GB18030 with a title line and a totals line; the banks name
 * their columns differently, so each bank's first file needs its own mapping. Stored in BankStatementSample
 * (demo data only, one per county, bank and kind), downloadable from the screens.
 */
import iconv from "iconv-lite";
import {
  addDays,
  bpToPercentEntry,
  compareClaimLine,
  fenToYuan,
  interestFromBalanceDays,
  roundHalfUp,
  yuanToFen,
  type ComputedLine,
  type IsoDate,
} from "../../src/domain";
import type { Prisma } from "../../src/generated/prisma/client";

type Client = Pick<Prisma.TransactionClient, "$queryRawUnsafe" | "bankStatementSample">;

/** Header texts per bank (by bank code); the same fields, each bank's own words. */
const HEADERS: Record<string, string[]> = {
  default: ["序号", "借据号", "客户名称", "证件号码", "交易日期", "归还本金", "归还利息", "罚息"],
  PSBC: ["序号", "合同编号", "借款人", "身份证号码", "还款日期", "实还本金", "实还利息", "逾期利息"],
  RCB: ["序号", "贷款合同号", "户名", "证件号", "扣款日期", "本金", "利息", "罚息"],
};

/** The interest statement's header texts per bank: 序号, contract, borrower, days, rate, interest, subsidy. */
const INTEREST_HEADERS: Record<string, string[]> = {
  default: ["序号", "借据号", "客户名称", "计息天数", "执行利率(%)", "应收利息", "申请贴息"],
  PSBC: ["序号", "合同编号", "借款人", "计息天数", "年利率(%)", "本季利息", "贴息金额"],
  RCB: ["序号", "贷款合同号", "户名", "天数", "利率(%)", "利息", "财政贴息"],
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

/** A CSV as a bank's system writes it: a title line, the header, the rows, a totals line; GB18030, CRLF. */
function bankCsv(title: string, header: string[], rows: string[][], totals: string[]): Buffer {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const lines = [title, ...[header, ...rows, totals].map((r) => r.map(cell).join(","))];
  return iconv.encode(lines.join("\r\n") + "\r\n", "gb18030");
}

function csv(bankName: string, countyName: string, month: string, header: string[], rows: Row[]): Buffer {
  const sum = rows.reduce((s, r) => s + r.principalFen + r.interestFen + r.penaltyFen, 0);
  return bankCsv(
    `${bankName}${countyName}支行 个人贷款还款明细（${month.replace("-", "年")}月）`,
    header,
    rows.map((r, k) => [
      String(k + 1),
      r.contractNo,
      r.name,
      r.idNumber,
      printed(r.date, k),
      yuan(r.principalFen),
      yuan(r.interestFen),
      r.penaltyFen ? yuan(r.penaltyFen) : "0.00",
    ]),
    ["合计", "", "", "", "", "", "", yuan(sum)],
  );
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
        kind: "REPAYMENT",
        month,
        fileName: `${p.bankName}-${p.countyName}-${month}-还款明细示例.csv`,
        content: new Uint8Array(csv(p.bankName, p.countyName, month, header, rows)),
      },
    });
    stored++;
  }
  return stored;
}

type ClaimLineRow = {
  claimId: number;
  loanId: number;
  contractNo: string | null;
  name: string;
  days: number;
  excludedDays: number;
  principal: string;
  balanceDays: string | null;
  contractRateBp: number;
  interest: string;
  subsidy: string;
  basis: number;
};

/** What the bank's statement says of one loan: the interest over `days` at `rateBp`, and the subsidy. */
interface InterestRow {
  contractNo: string;
  name: string;
  days: number;
  rateBp: number;
  interestFen: number;
  subsidyFen: number;
}

/** Another rate, as banks quote them (whole 5 bp), that the comparison recognises as RATE for this line. */
function otherRate(c: ComputedLine): number | null {
  for (const d of [35, 25, 50, -25, 15, 20, 30, 40, 45, -50, 10, -10, 5, -5]) {
    const rateBp = c.contractRateBp + d;
    if (rateBp <= 0) continue;
    const interestFen = interestFromBalanceDays(c.balanceFenDays, rateBp, c.basis);
    const x = compareClaimLine(c, { interestFen, subsidyFen: c.subsidyFen });
    if (x.cause === "RATE" && x.implied === rateBp) return rateBp;
  }
  return null;
}

/** A day more (or fewer) on the same balance — the bank counting both ends — recognised as DAYS. */
function otherDays(c: ComputedLine): { days: number; interestFen: number } | null {
  for (const d of [1, -1]) {
    const days = c.days + d;
    if (days <= 0 || c.days <= 0) continue;
    // The balance of the period spread over one day more or fewer, as the comparison recomputes it.
    const fenDays = Number(roundHalfUp(BigInt(c.balanceFenDays) * BigInt(days), BigInt(c.days)));
    const interestFen = interestFromBalanceDays(fenDays, c.contractRateBp, c.basis);
    const x = compareClaimLine(c, { interestFen, subsidyFen: c.subsidyFen });
    if (x.cause === "DAYS" && x.implied === days) return { days, interestFen };
  }
  return null;
}

/**
 * Builds and stores the interest statement samples: per county and bank, the claim of the last quarter whose
 * settlement date is before `asOf`, each line as the bank lists it, with the planted differences. Returns how
 * many were stored.
 */
export async function seedInterestSamples(prisma: Client, asOf: IsoDate): Promise<number> {
  const claims = await prisma.$queryRawUnsafe<
    {
      id: number;
      countyCode: string;
      bankId: number;
      year: number;
      quarter: number;
      periodStart: Date;
      periodEnd: Date;
      bankName: string;
      bankCode: string;
      countyName: string;
    }[]
  >(
    `SELECT DISTINCT ON (c."countyCode", c."bankId") c.id, c."countyCode", c."bankId", c.year, c.quarter,
            c."periodStart", c."periodEnd", b.name AS "bankName", b.code AS "bankCode", r.name AS "countyName"
       FROM "SubsidyClaim" c JOIN "Bank" b ON b.id = c."bankId" JOIN "Region" r ON r.code = c."countyCode"
      WHERE c."periodEnd" < $1::date ORDER BY c."countyCode", c."bankId", c."periodEnd" DESC`,
    asOf,
  );
  const lines = await prisma.$queryRawUnsafe<ClaimLineRow[]>(
    `SELECT cl."claimId", cl."loanId", l."contractNo", bo.name, cl.days, cl."excludedDays", cl.principal::text AS principal,
            cl."balanceDays"::text AS "balanceDays", cl."contractRateBp", cl.interest::text AS interest,
            cl.subsidy::text AS subsidy, pv."dayCountBasis" AS basis
       FROM "SubsidyClaimLine" cl JOIN "Loan" l ON l.id = cl."loanId" JOIN "Borrower" bo ON bo.id = l."borrowerId"
       JOIN "PolicyVersion" pv ON pv.id = l."policyVersionId"
      WHERE cl."claimId" = ANY($1::int[]) ORDER BY cl."claimId", cl."loanId"`,
    claims.map((c) => c.id),
  );
  const fen = (s: string) => yuanToFen(s); // numeric as text: exact, never a float
  let stored = 0;
  for (const c of claims) {
    // The claim's lines the bank can list (by contract number), with what the comparison computes for each.
    const here = lines
      .filter((l) => l.claimId === c.id && l.contractNo)
      .map((l) => {
        const principalFen = fen(l.principal);
        const computed: ComputedLine = {
          interestFen: fen(l.interest),
          subsidyFen: fen(l.subsidy),
          days: l.days,
          excludedDays: l.excludedDays,
          principalFen,
          balanceFenDays: l.balanceDays === null ? principalFen * l.days : fen(l.balanceDays),
          contractRateBp: l.contractRateBp,
          basis: l.basis,
        };
        return { line: l, computed };
      });
    if (!here.length) continue;
    const rows: InterestRow[] = here.map(({ line, computed }) => ({
      contractNo: line.contractNo!,
      name: line.name,
      days: computed.days,
      rateBp: computed.contractRateBp,
      interestFen: computed.interestFen,
      subsidyFen: computed.subsidyFen,
    }));
    // One claim line the bank does not list (NOT_IN_STATEMENT): the last one, when others remain.
    const missing = here.length > 1 ? here.length - 1 : -1;
    const candidates = here.map((_, k) => k).filter((k) => k !== missing);
    // Another rate (RATE): the bank still charging the rate before a change.
    const rateAt = candidates.find((k) => otherRate(here[k]!.computed) !== null);
    if (rateAt !== undefined) {
      const rateBp = otherRate(here[rateAt]!.computed)!;
      rows[rateAt] = {
        ...rows[rateAt]!,
        rateBp,
        interestFen: interestFromBalanceDays(
          here[rateAt]!.computed.balanceFenDays,
          rateBp,
          here[rateAt]!.computed.basis,
        ),
      };
    }
    // Another day count (DAYS): the bank counting both the first and the last day.
    const daysAt = candidates.find((k) => k !== rateAt && otherDays(here[k]!.computed) !== null);
    if (daysAt !== undefined) rows[daysAt] = { ...rows[daysAt]!, ...otherDays(here[daysAt]!.computed)! };
    if (missing >= 0) rows.splice(missing, 1);
    // A loan the claim does not have (NOT_IN_CLAIM): one of this county and bank disbursed after the quarter,
    // listed by the bank a quarter early; else a contract number nobody has.
    const [next] = await prisma.$queryRawUnsafe<
      { contractNo: string; name: string; principal: string; rateBp: number }[]
    >(
      `SELECT l."contractNo", bo.name, l.principal::text AS principal, l."contractRateBp" AS "rateBp"
         FROM "Loan" l JOIN "Borrower" bo ON bo.id = l."borrowerId"
        WHERE l."countyCode" = $1 AND l."bankId" = $2 AND l."contractNo" IS NOT NULL AND l."contractRateBp" IS NOT NULL
          AND l."disbursedDate" > $3::date
          AND NOT EXISTS (SELECT 1 FROM "SubsidyClaimLine" x WHERE x."claimId" = $4 AND x."loanId" = l.id)
        ORDER BY l."disbursedDate", l.id LIMIT 1`,
      c.countyCode,
      c.bankId,
      c.periodEnd.toISOString().slice(0, 10),
      c.id,
    );
    const extra = next ?? {
      contractNo: `${here[0]!.line.contractNo}-B`,
      name: here[0]!.line.name,
      principal: here[0]!.line.principal,
      rateBp: here[0]!.computed.contractRateBp,
    };
    const extraInterestFen = interestFromBalanceDays(fen(extra.principal) * 20, extra.rateBp, 360);
    rows.push({
      contractNo: extra.contractNo,
      name: extra.name,
      days: 20,
      rateBp: extra.rateBp,
      interestFen: extraInterestFen,
      subsidyFen: Math.floor(extraInterestFen / 2),
    });
    const header = INTEREST_HEADERS[c.bankCode] ?? INTEREST_HEADERS.default!;
    const quarter = `${c.year}-Q${c.quarter}`;
    const start = c.periodStart.toISOString().slice(0, 10);
    const end = c.periodEnd.toISOString().slice(0, 10);
    const content = bankCsv(
      `${c.bankName}${c.countyName}支行 ${c.year}年第${c.quarter}季度贷款利息及财政贴息清单（计息期 ${start} 至 ${end}）`,
      header,
      rows.map((r, k) => [
        String(k + 1),
        r.contractNo,
        r.name,
        String(r.days),
        bpToPercentEntry(r.rateBp),
        yuan(r.interestFen),
        yuan(r.subsidyFen),
      ]),
      [
        "合计",
        "",
        "",
        "",
        "",
        yuan(rows.reduce((t, r) => t + r.interestFen, 0)),
        yuan(rows.reduce((t, r) => t + r.subsidyFen, 0)),
      ],
    );
    await prisma.bankStatementSample.create({
      data: {
        countyCode: c.countyCode,
        bankId: c.bankId,
        kind: "INTEREST",
        month: quarter,
        fileName: `${c.bankName}-${c.countyName}-${c.year}年第${c.quarter}季度-利息清单示例.csv`,
        content: new Uint8Array(content),
      },
    });
    stored++;
  }
  return stored;
}
