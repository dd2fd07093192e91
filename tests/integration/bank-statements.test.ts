import { beforeEach, describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { identityHolds, makeResidentId } from "@/domain";
import { db } from "@/server/db";
import { applyForLoan, decideApplication, disburseLoan, postRepayment } from "@/server/services/lifecycle";
import { decideCompensation, depositToFund, requestCompensation } from "@/server/services/fund";
import {
  commitStatement,
  dismissStatementRow,
  exportStatementFile,
  getStatementFile,
  listStatementFiles,
  previewStatement,
  readStatementHeaders,
  resolveStatementRow,
  searchLoansForStatement,
  statementWorklist,
} from "@/server/services/bank-statements";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
  SURVEY,
} from "../support/factories";
import { resetDatabase } from "../support/db";
import { seedInterestSamples, seedStatementSamples } from "../../prisma/demo/statements";
import { interestSamples, statementBanks, statementSample } from "@/server/services/bank-statements";
import { generateClaim, transitionClaim } from "@/server/services/claims";
import { claimForm } from "@/server/services/claim-form";
import {
  claimComparison,
  giveDifferenceReason,
  readInterestHeaders,
  uploadInterestStatement,
} from "@/server/services/interest-statements";
import { fenToYuan, formatDateTime, interestFromBalanceDays, yuanToFen } from "@/domain";
import { exportStream } from "@/server/exports";
import { authoriseLedger, columnIndex, ledgerPage, LEDGERS } from "@/server/services/ledgers";
import { refusal } from "../support/refusal";

const T = "2026-12-01";
const HEADER = ["序号", "借据号", "客户名称", "证件号码", "交易日期", "归还本金", "归还利息", "罚息"];
const MAPPING = {
  contractNo: "借据号",
  borrowerName: "客户名称",
  idNumber: "证件号码",
  valueDate: "交易日期",
  principal: "归还本金",
  interest: "归还利息",
  penalty: "罚息",
};

/** A CSV as a bank system writes it: a title line above the header, GB18030, CRLF, a totals line. */
function gbkCsv(rows: string[][], title = "中国农业银行榆中县支行 还款明细 2026年11月"): Buffer {
  const q = (c: string) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const lines = [title, HEADER.join(","), ...rows.map((r) => r.map(q).join(",")), "合计,,,,,,,"];
  return iconv.encode(lines.join("\r\n") + "\r\n", "gb18030");
}

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const bank2 = await db.bank.create({ data: { code: "RCC", name: "农村信用社" } });
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const auditor = await makeUser("AUDITOR", "620123");
  const otherStaff = await makeUser("COUNTY_STAFF", "620121");
  const V = "620123101201";
  const loanOf = async (
    name: string,
    contractNo: string,
    o: Parameters<typeof makeLoan>[0] extends infer A ? Partial<A> : never = {},
  ) => {
    const b = await makeBorrower(o.borrower ? o.borrower.villageCode : V, staff.id, name);
    const l = await makeLoan({
      borrower: o.borrower ?? b,
      ctx,
      makerId: staff.id,
      disbursedDate: "2026-03-10",
      termMonths: 24,
      ...o,
    });
    await db.loan.update({ where: { id: l.id }, data: { contractNo } });
    const idNumber = (await db.borrower.findUniqueOrThrow({ where: { id: l.borrowerId } })).idNumber;
    return { ...l, contractNo, idNumber };
  };
  const l1 = await loanOf("王秀英", "ABC-001");
  const l2 = await loanOf("李桂兰", "ABC-002");
  const elsewhereBorrower = await makeBorrower("620121101201", otherStaff.id, "张玉梅");
  const l3 = await loanOf("张玉梅", "ABC-003", { borrower: elsewhereBorrower });
  const l4 = await loanOf("赵春花", "ABC-004");
  await db.loan.update({ where: { id: l4.id }, data: { status: "CLOSED" } });
  const l5 = await loanOf("刘秀珍", "ABC-005", { principalFen: 100_000 });
  const twice = await makeBorrower(V, staff.id, "陈淑芬");
  const l7a = await loanOf("陈淑芬", "ABC-007A", { borrower: twice });
  const l7b = await loanOf("陈淑芬", "ABC-007B", { borrower: twice });
  const l6 = await loanOf("杨丽", "RCC-006");
  await db.loan.update({ where: { id: l6.id }, data: { bankId: bank2.id } });
  // L2's November payment typed on the loan page already.
  await postRepayment(
    staff,
    {
      loanId: l2.id,
      valueDate: "2026-11-20",
      principal: "0",
      interest: "500.00",
      idempotencyKey: "typed-l2-1120",
    },
    T,
  );
  return { ctx, bank2, staff, approver, auditor, otherStaff, l1, l2, l3, l4, l5, l6, l7a, l7b, twice };
}

type World = Awaited<ReturnType<typeof world>>;

function mainRows(w: World): string[][] {
  return [
    ["1", "ABC-001", "王秀英", "", "2026/11/20", "0.00", "1,234.56元", "0"], // to post (contract)
    ["2", "ABC-002", "李桂兰", "", "20261120", "0", "500.00", ""], // already typed on the loan page
    ["3", "ABC-003", "张玉梅", "", "2026-11-20", "0", "300.00", ""], // another county's loan
    ["4", "ABC-0O1", "王秀英", "", "2026-11-21", "0", "88.00", ""], // a typo: no such loan
    ["5", "ABC-004", "赵春花", "", "2026-11-20", "0", "50.00", ""], // closed
    ["6", "ABC-005", "刘秀珍", "", "2026-11-20", "1,000.01", "0", ""], // more than is due
    ["7", "", "陈淑芬", w.twice.idNumber, "2026年11月20日", "0", "600.00", ""], // two loans: ambiguous
    ["8", "RCC-006", "杨丽", "", "2026-11-20", "0", "70.00", ""], // another bank's loan
    ["9", "", "王秀英", w.l1.idNumber, "2026-11-25", "１００．００", "0", "2.50"], // by ID number
  ];
}

const input = (w: World, o: Record<string, unknown> = {}) => ({
  bankId: w.ctx.bank.id,
  fileName: "农行11月还款明细.csv",
  mapping: JSON.stringify(MAPPING),
  ...o,
});

describe("bank repayment statements (issue 18)", () => {
  beforeEach(resetDatabase);

  it("reads a GB18030 CSV's headers, proposes the mapping, and previews every matching category with the sums identity", async () => {
    const w = await world();
    const file = gbkCsv(mainRows(w));
    const h = await readStatementHeaders(w.staff, { bankId: w.ctx.bank.id }, file);
    expect(h.encoding).toBe("gb18030");
    expect(h.headers).toEqual(HEADER);
    expect(h.rowCount).toBe(9); // the title and the totals line are not rows
    expect(h.saved).toBeNull();
    expect(h.suggested).toEqual(MAPPING);

    const p = await previewStatement(w.staff, input(w), file, T);
    expect(p.errors).toEqual([]);
    const by = Object.fromEntries(
      p.rows.map((r) => [r.row, r.category === "UNMATCHED" ? r.reason : r.category]),
    );
    expect(by).toEqual({
      3: "TO_POST",
      4: "ALREADY_POSTED",
      5: "OUTSIDE_COUNTY",
      6: "NO_SUCH_LOAN",
      7: "NOT_ACTIVE",
      8: "MORE_THAN_DUE",
      9: "AMBIGUOUS",
      10: "OTHER_BANK",
      11: "TO_POST",
    });
    const s = p.summary!;
    expect(identityHolds(s)).toBe(true);
    expect(s.file).toEqual({
      count: 9,
      principalFen: 100_001 + 10_000,
      interestFen: 123_456 + 50_000 + 30_000 + 8_800 + 5_000 + 60_000 + 7_000,
      penaltyFen: 250,
      totalFen: 100_001 + 10_000 + 123_456 + 50_000 + 30_000 + 8_800 + 5_000 + 60_000 + 7_000 + 250,
    });
    expect(s.toPost).toEqual({
      count: 2,
      principalFen: 10_000,
      interestFen: 123_456,
      penaltyFen: 250,
      totalFen: 133_706,
    });
    expect(s.alreadyPosted).toMatchObject({ count: 1, totalFen: 50_000 });
    expect(s.unmatched.count).toBe(6);
    expect(s.byReason.AMBIGUOUS).toMatchObject({ count: 1, totalFen: 60_000 });
    // Another county's loan: only "outside the county" — no loan id, no contract of ours, nothing else.
    const outside = p.rows.find((r) => r.row === 5)!;
    expect(outside).toMatchObject({ loanId: null, loanContractNo: null, candidates: null });
    expect(p.rows.some((r) => r.loanId === w.l3.id)).toBe(false);
    expect(p.rows.find((r) => r.row === 9)!.candidates).toBe(2);
    // Nothing written by reading or previewing.
    expect(await db.repaymentEntry.count()).toBe(1);
    expect(await db.bankStatementFile.count()).toBe(0);
  });

  it("commits the matched rows in one transaction through the loan page's rules; the same file again posts nothing", async () => {
    const w = await world();
    const file = gbkCsv(mainRows(w));
    const r = await commitStatement(w.staff, input(w), file, T);
    expect(r.duplicate).toBe(false);
    const l1 = await db.loan.findUniqueOrThrow({ where: { id: w.l1.id } });
    expect(l1.interestRepaid.toFixed(2)).toBe("1234.56");
    expect(l1.principalRepaid.toFixed(2)).toBe("100.00");
    const entries = await db.repaymentEntry.findMany({ where: { loanId: w.l1.id }, orderBy: { id: "asc" } });
    expect(
      entries.map((e) => [
        e.source,
        e.valueDate.toISOString().slice(0, 10),
        e.principal.toFixed(2),
        e.interest.toFixed(2),
        e.penalty.toFixed(2),
      ]),
    ).toEqual([
      ["BANK_FILE", "2026-11-20", "0.00", "1234.56", "0.00"],
      ["BANK_FILE", "2026-11-25", "100.00", "0.00", "2.50"],
    ]);
    // Allocation to instalments, as on the loan page: the first instalment's interest took the 1,234.56.
    const first = await db.instalment.findFirstOrThrow({ where: { loanId: w.l1.id, seq: 1 } });
    expect(first.interestPaid.toFixed(2)).not.toBe("0.00");
    expect(await db.repaymentEntry.count({ where: { loanId: w.l2.id } })).toBe(1); // not posted twice
    // The reconciliation record, its rows, and the audit: one event per posting plus one for the file.
    const rec = await getStatementFile(w.auditor, r.fileId);
    expect(rec).toMatchObject({
      rowCount: 9,
      postedCount: 2,
      alreadyCount: 1,
      unmatchedCount: 6,
      month: "2026-11",
      openCount: 6,
    });
    expect(rec.postedFen + rec.alreadyFen + rec.unmatchedFen).toBe(rec.fileFen);
    expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.rows.filter((x) => x.category === "POSTED").every((x) => x.entryId !== null)).toBe(true);
    expect(rec.rows.find((x) => x.row === 5)).toMatchObject({ reason: "OUTSIDE_COUNTY", loanId: null });
    expect(await db.auditEvent.count({ where: { action: "repayment.post", outcome: "OK" } })).toBe(3); // 1 typed + 2
    expect(await db.auditEvent.count({ where: { action: "bankStatement.commit", outcome: "OK" } })).toBe(1);
    expect(await db.bankStatementMapping.count()).toBe(1);

    const again = await commitStatement(w.staff, input(w), file, T);
    expect(again).toMatchObject({ duplicate: true, fileId: r.fileId });
    expect(await db.repaymentEntry.count()).toBe(3);
    const preview = await previewStatement(w.staff, input(w), file, T);
    expect(preview.committedFileId).toBe(r.fileId);

    // A second file from the bank, re-listing a posted row: recognised, no mapping needed (saved for the bank).
    const second = gbkCsv(
      [mainRows(w)[0]!, ["10", "ABC-001", "王秀英", "", "2026-11-30", "0", "10.00", ""]],
      "第二份",
    );
    const p2 = await previewStatement(w.staff, { bankId: w.ctx.bank.id, fileName: "second.csv" }, second, T);
    expect(p2.rows.map((x) => x.category)).toEqual(["ALREADY_POSTED", "TO_POST"]);
    expect(p2.mapping).toEqual(MAPPING);
    await commitStatement(w.staff, { bankId: w.ctx.bank.id, fileName: "second.csv" }, second, T);
    expect(await db.repaymentEntry.count({ where: { loanId: w.l1.id } })).toBe(3);
    const list = await listStatementFiles(w.auditor, { bankId: w.ctx.bank.id, month: "2026-11" });
    expect(list).toHaveLength(2);
    expect((await listStatementFiles(w.otherStaff)).length).toBe(0);
  });

  it("an .xlsx statement (numbers and dates as cells) reads the same way", async () => {
    const w = await world();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("明细");
    ws.addRow(HEADER);
    ws.addRow([1, "ABC-001", "王秀英", "", new Date("2026-11-20T00:00:00Z"), 0, 1234.56, 0]);
    ws.addRow([2, "ABC-001", "王秀英", "", 20261121, 0, "1,000.00", null]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const p = await previewStatement(w.staff, input(w, { fileName: "x.xlsx" }), file, T);
    expect(p.encoding).toBe("xlsx");
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.valueDate, r.interestFen, r.category])).toEqual([
      ["2026-11-20", 123_456, "TO_POST"],
      ["2026-11-21", 100_000, "TO_POST"],
    ]);
  });

  it("bad input names the row and the column; nothing is written", async () => {
    const w = await world();
    const bad = gbkCsv([
      ["1", "ABC-001", "王秀英", "", "2026-11-31", "0", "10.00", ""],
      ["2", "ABC-001", "王秀英", "", "2026-11-20", "0", "10.005", ""],
      ["3", "ABC-001", "王秀英", "123", "2026-11-20", "0", "十元", ""],
    ]);
    const p = await previewStatement(w.staff, input(w), bad, T);
    expect(p.summary).toBeNull();
    expect(p.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^第 3 行“交易日期”列：日期无法识别/),
      expect.stringMatching(/^第 4 行“归还利息”列：金额最多两位小数/),
      expect.stringMatching(/^第 5 行“证件号码”列：身份证号/),
      expect.stringMatching(/^第 5 行“归还利息”列：金额无法识别/),
    ]);
    const e = await refusal(commitStatement(w.staff, input(w), bad, T));
    expect(e.fieldErrors?.file?.[0]).toMatch(/未写入任何数据；第一处：第 3 行“交易日期”列/);
    // A missing column, an unknown encoding, not a spreadsheet, an old .xls.
    const noColumn = await refusal(
      previewStatement(
        w.staff,
        input(w, { mapping: JSON.stringify({ ...MAPPING, penalty: "逾期罚息" }) }),
        bad,
        T,
      ),
    );
    expect(noColumn.fieldErrors?.mapping?.[0]).toBe(
      "文件中没有“逾期罚息”列（“罚息”原来对应的列），请重新选择",
    );
    const garbage = Buffer.concat([
      Buffer.from("借据号,日期,本金\r\n", "utf8").subarray(0, 4),
      Buffer.from([0x81, 0x20, 0xff, 0x2c, 0x2c, 0x0d, 0x0a]),
    ]);
    expect(
      (await refusal(readStatementHeaders(w.staff, { bankId: w.ctx.bank.id }, garbage))).fieldErrors
        ?.file?.[0],
    ).toMatch(/无法识别文件的文字编码/);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(
      (await refusal(readStatementHeaders(w.staff, { bankId: w.ctx.bank.id }, png))).fieldErrors?.file?.[0],
    ).toMatch(/无法识别该文件/);
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(
      (await refusal(readStatementHeaders(w.staff, { bankId: w.ctx.bank.id }, xls))).fieldErrors?.file?.[0],
    ).toMatch(/另存为” .xlsx 或 .csv/);
    expect(await db.repaymentEntry.count()).toBe(1);
    expect(await db.bankStatementFile.count()).toBe(0);
    expect(await db.bankStatementMapping.count()).toBe(0);
  });

  it("several rows of one loan, paying it off, post in bulk exactly as one by one on the loan page; a row after the payoff refuses the file", async () => {
    const w = await world();
    const twin = async (contractNo: string) => {
      const b = await makeBorrower("620123101201", w.staff.id, "周桂英");
      const l = await makeLoan({
        borrower: b,
        ctx: w.ctx,
        makerId: w.staff.id,
        principalFen: 600_000,
        disbursedDate: "2026-03-10",
        termMonths: 6,
        method: "EQUAL_INSTALMENT",
      });
      await db.loan.update({ where: { id: l.id }, data: { contractNo } });
      return { ...l, contractNo, idNumber: b.idNumber };
    };
    const a = await twin("ABC-101");
    const b = await twin("ABC-102");
    const due = await db.instalment.findMany({ where: { loanId: a.id }, orderBy: { seq: "asc" } });
    const fen = (d: { toFixed: (n: number) => string }) => yuanToFen(d.toFixed(2));
    const p1 = fen(due[0]!.principalDue);
    const i1 = fen(due[0]!.interestDue);
    const interestDue = due.reduce((s, i) => s + fen(i.interestDue), 0);
    const payments: [string, number, number][] = [
      ["2026-04-10", p1, i1], // the first instalment, exactly
      ["2026-05-12", 10_000, 2_000], // part of the second
      ["2026-05-12", 10_000, 2_000], // the same payment listed twice: posted twice
      ["2026-11-20", 600_000 - p1 - 20_000, interestDue - i1 - 4_000], // the rest: the loan is paid off
    ];
    const rowsOf = (contractNo: string, extra: string[][] = []) => [
      ...payments.map(([d, p, i], k) => [
        String(k + 1),
        contractNo,
        "周桂英",
        "",
        d,
        fenToYuan(p),
        fenToYuan(i),
        "0",
      ]),
      ...extra,
    ];
    const r = await commitStatement(w.staff, input(w), gbkCsv(rowsOf(a.contractNo)), T);
    expect(r.summary.toPost.count).toBe(4);
    for (const [k, [d, p, i]] of payments.entries())
      await postRepayment(
        w.staff,
        {
          loanId: b.id,
          valueDate: d,
          principal: fenToYuan(p),
          interest: fenToYuan(i),
          idempotencyKey: `twin-loan-b-${k}`,
        },
        T,
      );
    const state = async (id: number) => {
      const l = await db.loan.findUniqueOrThrow({ where: { id } });
      const inst = await db.instalment.findMany({ where: { loanId: id }, orderBy: { seq: "asc" } });
      return {
        loan: [l.status, l.closedDate, l.principalRepaid.toFixed(2), l.interestRepaid.toFixed(2), l.version],
        instalments: inst.map((x) => [
          x.seq,
          x.principalPaid.toFixed(2),
          x.interestPaid.toFixed(2),
          x.paidDate,
        ]),
        journal: (await db.repaymentEntry.findMany({ where: { loanId: id }, orderBy: { id: "asc" } })).map(
          (e) => [e.valueDate, e.principal.toFixed(2), e.interest.toFixed(2)],
        ),
      };
    };
    const viaFile = await state(a.id);
    expect(viaFile).toEqual(await state(b.id));
    expect(viaFile.loan.slice(0, 2)).toEqual(["CLOSED", new Date("2026-11-20T00:00:00Z")]);
    expect(viaFile.loan[4]).toBe(1 + 4); // one version per posting
    const events = await db.auditEvent.findMany({
      where: { action: "repayment.post", entity: "RepaymentEntry" },
    });
    const fileEntries = await db.repaymentEntry.findMany({ where: { loanId: a.id }, select: { id: true } });
    expect(
      events.filter((e) => fileEntries.some((x) => String(x.id) === e.entityId)).map((e) => e.after),
    ).toEqual(
      payments.map(([d, p, i], k) =>
        expect.objectContaining({
          source: "BANK_FILE",
          row: k + 3,
          valueDate: d,
          principal: fenToYuan(p),
          interest: fenToYuan(i),
        }),
      ),
    );

    // Another loan, the same payments and one more after the payoff: refused as on the loan page, nothing written.
    const c = await twin("ABC-103");
    const entriesBefore = await db.repaymentEntry.count();
    const e = await refusal(
      commitStatement(
        w.staff,
        input(w),
        gbkCsv(rowsOf(c.contractNo, [["5", c.contractNo, "周桂英", "", "2026-11-25", "0", "10.00", "0"]])),
        T,
      ),
    );
    expect(e.message).toBe("该贷款当前状态不能登记还款");
    expect(await db.repaymentEntry.count()).toBe(entriesBefore);
    expect(await db.bankStatementFile.count()).toBe(1);
    expect((await db.loan.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(1);
  });

  it("a posting typed on the loan page while the file commits is never counted twice", async () => {
    const w = await world();
    // Five races, each its own payment (1,234.5k): the file and the loan page submit it at the same moment.
    let paid = 0;
    const outcomes: string[] = [];
    for (let k = 1; k <= 5; k++) {
      const interest = `1234.5${k}`;
      paid += 123_450 + k;
      const file = gbkCsv([[String(k), "ABC-001", "王秀英", "", "2026-11-20", "0", interest, ""]]);
      const typed = () =>
        postRepayment(
          w.staff,
          {
            loanId: w.l1.id,
            valueDate: "2026-11-20",
            principal: "0",
            interest,
            idempotencyKey: `typed-race-${k}`,
          },
          T,
        );
      const commit = () => commitStatement(w.staff, input(w, { fileName: `f${k}.csv` }), file, T);
      // Alternate who starts first; both are in flight together.
      let filePromise: ReturnType<typeof commit>;
      let typedPromise: ReturnType<typeof typed>;
      if (k % 2) {
        filePromise = commit();
        typedPromise = typed();
      } else {
        typedPromise = typed();
        filePromise = commit();
      }
      const [fileSettled, typedSettled] = await Promise.allSettled([filePromise, typedPromise]);
      if (fileSettled.status !== "fulfilled") throw fileSettled.reason;
      const fileResult = fileSettled.value;
      if (typedSettled.status === "rejected") {
        expect((typedSettled.reason as Error).message).toMatch(/已由银行还款明细入账/);
        expect(fileResult.summary.toPost.count).toBe(1);
        outcomes.push("file first");
      } else {
        expect(fileResult.summary.alreadyPosted.count).toBe(1);
        outcomes.push("loan page first");
      }
      expect(await db.repaymentEntry.count({ where: { loanId: w.l1.id, interest } })).toBe(1);
    }
    const l1 = await db.loan.findUniqueOrThrow({ where: { id: w.l1.id } });
    expect(l1.interestRepaid.toFixed(2)).toBe((paid / 100).toFixed(2));
    expect(outcomes).toHaveLength(5);
  });

  it("a repayment of a compensated loan from the file flows back to the fund in the fund's share", async () => {
    const w = await world();
    const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
    // The fund before the loan: a disbursement beyond the fund's leverage cap is refused (issue 19).
    await depositToFund(
      w.staff,
      {
        fundId: fund.id,
        fundingLevel: "COUNTY",
        amount: "1000000",
        valueDate: "2026-01-15",
        idempotencyKey: "dep-0001",
      },
      "2026-11-23",
    );
    const b = await makeBorrower("620123101201", w.staff.id, "周美兰");
    const app = await applyForLoan(
      w.staff,
      {
        borrowerId: b.id,
        programmeCode: "WOMEN",
        amount: "100000",
        termMonths: "24",
        method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
        purpose: "扩大养殖",
        industry: "肉牛养殖",
        guaranteeType: "GUARANTEE_FUND",
        bankId: w.ctx.bank.id,
        applicationDate: "2026-03-01",
        ...SURVEY,
      },
      "2026-11-23",
    );
    await decideApplication(w.approver, { loanId: app.id, decision: "APPROVE", version: 1 });
    await disburseLoan(
      w.staff,
      {
        loanId: app.id,
        contractNo: "ABC-COMP",
        disbursedDate: "2026-03-22",
        amount: "100000",
        contractRate: "5.15",
        version: 2,
      },
      "2026-11-23",
    );
    const c = await requestCompensation(w.staff, { loanId: app.id }, "2026-11-23");
    await decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: 1 }, "2026-11-23");
    await decideCompensation(
      w.staff,
      { claimId: c.id, action: "PAY", paidDate: "2026-11-23", version: 2 },
      "2026-11-23",
    );
    const file = gbkCsv([["1", "ABC-COMP", "周美兰", "", "2026-11-28", "10,000.00", "0", ""]]);
    const r = await commitStatement(w.staff, input(w), file, T);
    expect(r.summary.toPost.count).toBe(1);
    const recovery = await db.fundLedgerEntry.findFirstOrThrow({ where: { kind: "RECOVERY" } });
    expect(recovery.amount.toFixed(2)).toBe("8000.00"); // 80% of the 10,000.00 recovered
  });

  it("the worklist: resolve a row by choosing the loan (same posting path), or dismiss it with a reason; both audited, county only", async () => {
    const w = await world();
    const { fileId } = await commitStatement(w.staff, input(w), gbkCsv(mainRows(w)), T);
    const list = await statementWorklist(w.staff);
    expect(list.map((r) => r.reason)).toEqual([
      "OUTSIDE_COUNTY",
      "NO_SUCH_LOAN",
      "NOT_ACTIVE",
      "MORE_THAN_DUE",
      "AMBIGUOUS",
      "OTHER_BANK",
    ]);
    const typo = list.find((r) => r.reason === "NO_SUCH_LOAN")!;
    const found = await searchLoansForStatement(w.staff, { q: "ABC-00" });
    expect(found.map((l) => l.contractNo)).toContain("ABC-001");
    expect(found.map((l) => l.contractNo)).not.toContain("ABC-003"); // another county's
    expect(await searchLoansForStatement(w.staff, { q: w.l3.idNumber })).toEqual([]);
    // Another county's clerk and the auditor cannot resolve; the other county's loan cannot be chosen.
    expect(
      (await refusal(resolveStatementRow(w.otherStaff, { rowId: typo.id, loanId: w.l1.id }, T))).kind,
    ).toBe("NOT_FOUND");
    expect((await refusal(resolveStatementRow(w.auditor, { rowId: typo.id, loanId: w.l1.id }, T))).kind).toBe(
      "FORBIDDEN",
    );
    expect((await refusal(resolveStatementRow(w.staff, { rowId: typo.id, loanId: w.l3.id }, T))).kind).toBe(
      "NOT_FOUND",
    );
    expect(await statementWorklist(w.otherStaff)).toEqual([]);

    const res = await resolveStatementRow(w.staff, { rowId: typo.id, loanId: w.l1.id }, T);
    const entry = await db.repaymentEntry.findUniqueOrThrow({ where: { id: res.entryId } });
    expect([entry.loanId, entry.interest.toFixed(2), entry.source]).toEqual([w.l1.id, "88.00", "BANK_FILE"]);
    expect((await refusal(resolveStatementRow(w.staff, { rowId: typo.id, loanId: w.l1.id }, T))).kind).toBe(
      "CONFLICT",
    );
    const amb = list.find((r) => r.reason === "AMBIGUOUS")!;
    expect(
      (await refusal(dismissStatementRow(w.staff, { rowId: amb.id, reason: "短" }))).fieldErrors?.reason,
    ).toBeTruthy();
    await dismissStatementRow(w.staff, { rowId: amb.id, reason: "银行已确认此笔为误列，下月更正" });
    expect((await statementWorklist(w.staff)).length).toBe(4);
    expect(
      await db.auditEvent.count({
        where: { action: { in: ["bankStatement.resolve", "bankStatement.dismiss"] }, outcome: "OK" },
      }),
    ).toBe(2);
    const rec = await getStatementFile(w.staff, fileId);
    expect(rec.rows.find((r) => r.id === typo.id)).toMatchObject({
      category: "UNMATCHED",
      resolution: "RESOLVED",
      loanId: w.l1.id,
    });
    // The record's categories stay as committed: the identity still holds.
    expect(identityHolds(rec.summary)).toBe(true);
  });

  it("authorisation: auditors read and download (audited) but cannot upload; another county sees nothing", async () => {
    const w = await world();
    const file = gbkCsv(mainRows(w));
    expect((await refusal(previewStatement(w.auditor, input(w), file, T))).kind).toBe("FORBIDDEN");
    expect((await refusal(commitStatement(w.approver, input(w), file, T))).kind).toBe("FORBIDDEN");
    const { fileId } = await commitStatement(w.staff, input(w), file, T);
    expect((await refusal(getStatementFile(w.otherStaff, fileId))).kind).toBe("NOT_FOUND");
    expect((await refusal(exportStatementFile(w.otherStaff, fileId))).kind).toBe("NOT_FOUND");
    const x = await exportStatementFile(w.auditor, fileId);
    const chunks: Buffer[] = [];
    const { writeXlsx } = await import("@/server/spreadsheet/write-xlsx");
    for await (const c of writeXlsx(x.book)) chunks.push(c);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(["对账明细", "汇总"]);
    expect(wb.worksheets[0]!.rowCount).toBe(10);
    expect(await db.auditEvent.count({ where: { action: "bankStatement.export", outcome: "OK" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { outcome: "DENIED" } })).toBeGreaterThanOrEqual(4);
    void makeResidentId;
  });

  it("demo samples: built from real loans with every kind of row, downloadable by the county's clerk only, and they post", async () => {
    const w = await world();
    expect(await seedStatementSamples(db, "2026-11-30")).toBeGreaterThan(0);
    const banks = await statementBanks(w.staff);
    expect(banks.find((b) => b.id === w.ctx.bank.id)!.hasSample).toBe(true);
    const sample = (await statementSample(w.staff, w.ctx.bank.id))!;
    expect(sample.fileName).toMatch(/还款明细示例\.csv$/);
    // Each county's clerk gets her own county's sample of the bank, never another's.
    const theirs = await statementSample(w.otherStaff, w.ctx.bank.id);
    expect(theirs && theirs.content.equals(sample.content)).toBe(false);
    expect(await statementSample(w.otherStaff, w.bank2.id)).toBeNull();
    const h = await readStatementHeaders(w.staff, { bankId: w.ctx.bank.id }, sample.content);
    expect(h.encoding).toBe("gb18030");
    const p = await previewStatement(
      w.staff,
      { bankId: w.ctx.bank.id, fileName: sample.fileName, mapping: JSON.stringify(h.suggested) },
      sample.content,
      T,
    );
    expect(p.errors).toEqual([]);
    const kinds = new Set(p.rows.map((r) => r.reason ?? r.category));
    for (const k of [
      "TO_POST",
      "ALREADY_POSTED",
      "NO_SUCH_LOAN",
      "OUTSIDE_COUNTY",
      "NOT_ACTIVE",
      "MORE_THAN_DUE",
      "OTHER_BANK",
      "AMBIGUOUS",
    ])
      expect(kinds, k).toContain(k);
    const r = await commitStatement(
      w.staff,
      { bankId: w.ctx.bank.id, fileName: sample.fileName, mapping: JSON.stringify(h.suggested) },
      sample.content,
      T,
    );
    expect(r.summary.toPost.count).toBe(p.summary!.toPost.count);
    expect(identityHolds(r.summary)).toBe(true);
  });

  it("demo interest samples: the last settled quarter's claim as the bank lists it; uploaded on the claim, each planted difference is found with its cause", async () => {
    const w = await world();
    // A loan of the bank disbursed after the quarter: the bank lists it a quarter early (NOT_IN_CLAIM).
    const late = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id, "周桂芝"),
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2026-10-08",
      termMonths: 12,
    });
    await db.loan.update({ where: { id: late.id }, data: { contractNo: "ABC-010" } });
    const bank = w.ctx.bank.id;
    await generateClaim(w.staff, { bankId: bank, year: 2026, quarter: 2 }, T);
    const claim = await generateClaim(w.staff, { bankId: bank, year: 2026, quarter: 3 }, T);
    const theirClaim = await generateClaim(w.otherStaff, { bankId: bank, year: 2026, quarter: 3 }, T);
    // One sample per county and bank with a claim: this county's and the other county's (L3), of 2026 Q3.
    expect(await seedInterestSamples(db, T)).toBe(2);
    expect(await interestSamples(w.staff)).toEqual([
      expect.objectContaining({ bankId: bank, quarter: "2026-Q3", claimId: claim.id }),
    ]);
    expect((await interestSamples(w.otherStaff)).map((s) => s.claimId)).toEqual([theirClaim.id]);
    const sample = (await statementSample(w.staff, bank, "INTEREST"))!;
    expect(sample.fileName).toMatch(/2026年第3季度-利息清单示例\.csv$/);
    expect(sample.month).toBe("2026-Q3");
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(sample.content)).toThrow(); // GB18030
    expect((await statementSample(w.otherStaff, bank, "INTEREST"))!.content.equals(sample.content)).toBe(
      false,
    );
    // The clerk who makes claims downloads it; the approver and the auditor do not (refusals audited).
    for (const who of [w.approver, w.auditor])
      expect((await refusal(statementSample(who, bank, "INTEREST"))).kind).toBe("FORBIDDEN");
    expect(
      await db.auditEvent.count({ where: { action: "interestStatement.sample", outcome: "DENIED" } }),
    ).toBe(2);
    // The repayment sample is another kind: none was built here.
    expect(await statementSample(w.staff, bank)).toBeNull();

    const lines = await db.subsidyClaimLine.findMany({
      where: { claimId: claim.id },
      include: { loan: { select: { contractNo: true } } },
    });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const h = await readInterestHeaders(w.staff, { claimId: claim.id }, sample.content);
    expect(h.encoding).toBe("gb18030");
    expect(Object.keys(h.suggested).sort()).toEqual(["borrowerName", "contractNo", "interest", "subsidy"]);
    const res = await uploadInterestStatement(
      w.staff,
      { claimId: claim.id, fileName: sample.fileName, mapping: JSON.stringify(h.suggested) },
      sample.content,
    );
    expect(res).toEqual({ lines: lines.length + 1, differences: 4 });
    const cmp = await claimComparison(w.staff, claim.id);
    const differing = cmp.filter((c) => c.cause !== null);
    expect(differing.map((c) => c.cause).sort()).toEqual([
      "DAYS",
      "NOT_IN_CLAIM",
      "NOT_IN_STATEMENT",
      "RATE",
    ]);
    const lineOf = (c: (typeof cmp)[number]) => lines.find((l) => l.loanId === c.loanId)!;
    // Another rate, quoted in whole 5 bp: the bank's interest is the line's 积数 at that rate, to the fen.
    const rate = differing.find((c) => c.cause === "RATE")!;
    const rateLine = lineOf(rate);
    expect(rate.implied).not.toBe(rateLine.contractRateBp);
    expect(rate.implied! % 5).toBe(0);
    const balance = yuanToFen(rateLine.balanceDays!.toFixed(2));
    expect(rate.bankInterestFen).toBe(interestFromBalanceDays(balance, rate.implied!, 360));
    expect(rate.interestDiffFen).toBe(rate.bankInterestFen! - yuanToFen(rateLine.interest.toFixed(2)));
    // A day more or fewer.
    const days = differing.find((c) => c.cause === "DAYS")!;
    expect(Math.abs(days.implied! - lineOf(days).days)).toBe(1);
    expect(days.interestDiffFen).not.toBe(0);
    // A claim line the bank does not list, and the bank's loan of the next quarter.
    const missing = differing.find((c) => c.cause === "NOT_IN_STATEMENT")!;
    expect(missing).toMatchObject({
      bankInterestFen: null,
      interestDiffFen: -yuanToFen(lineOf(missing).interest.toFixed(2)),
    });
    expect(differing.find((c) => c.cause === "NOT_IN_CLAIM")).toMatchObject({
      loanId: null,
      contractNo: "ABC-010",
    });
    // Every other line: the claim's figures exactly.
    expect(cmp.filter((c) => c.cause === null)).toHaveLength(lines.length - 3);
    expect(
      cmp.filter((c) => c.cause === null).every((c) => c.interestDiffFen === 0 && c.subsidyDiffFen === 0),
    ).toBe(true);
    // The statement's totals line is the sum of its rows (the bank's), not a row.
    const text = iconv.decode(sample.content, "gb18030");
    expect(text.trimEnd().split("\r\n").at(-1)).toMatch(/^合计,/);
  });

  it("the bank's interest statement against the claim: differences to the fen with their cause; submitted only with a reason each", async () => {
    const w = await world();
    // 10,000.00 of L1's principal repaid inside the quarter: the end balance is that much lower.
    await postRepayment(
      w.staff,
      {
        loanId: w.l1.id,
        valueDate: "2026-05-01",
        principal: "10000",
        interest: "0",
        idempotencyKey: "q2-principal",
      },
      T,
    );
    const claim = await generateClaim(w.staff, { bankId: w.ctx.bank.id, year: 2026, quarter: 2 }, T);
    const lines = await db.subsidyClaimLine.findMany({
      where: { claimId: claim.id },
      include: { loan: { select: { contractNo: true } } },
      orderBy: { loanId: "asc" },
    });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const [exact, otherRate, missing] = lines;
    const yuan = (fen: number) => fenToYuan(fen);
    const rateFen = interestFromBalanceDays(yuanToFen(otherRate!.balanceDays!.toFixed(2)), 530, 360);
    const rows = lines
      .filter((l) => l.id !== missing!.id)
      .map((l) => [
        l.loan.contractNo!,
        l.id === otherRate!.id ? yuan(rateFen) : l.interest.toFixed(2),
        l.subsidy.toFixed(2),
      ]);
    rows.push(["ABC-999", "10.00", "5.00"]);
    const csv = iconv.encode(
      ["序号,借据号,本季利息,申请贴息金额", ...rows.map((r, i) => [String(i + 1), ...r].join(","))].join(
        "\r\n",
      ),
      "gb18030",
    );
    const h = await readInterestHeaders(w.staff, { claimId: claim.id }, csv);
    expect(h.suggested).toEqual({ contractNo: "借据号", interest: "本季利息", subsidy: "申请贴息金额" });
    const res = await uploadInterestStatement(
      w.staff,
      { claimId: claim.id, mapping: JSON.stringify(h.suggested) },
      csv,
    );
    expect(res.differences).toBe(3);
    const cmp = await claimComparison(w.auditor, claim.id);
    const byLoan = (id: number | null) => cmp.find((c) => c.loanId === id)!;
    expect(byLoan(exact!.loanId)).toMatchObject({ cause: null, interestDiffFen: 0, subsidyDiffFen: 0 });
    expect(byLoan(otherRate!.loanId)).toMatchObject({
      cause: "RATE",
      implied: 530,
      interestDiffFen: rateFen - yuanToFen(otherRate!.interest.toFixed(2)),
    });
    expect(byLoan(missing!.loanId).cause).toBe("NOT_IN_STATEMENT");
    expect(cmp.find((c) => c.loanId === null)).toMatchObject({
      cause: "NOT_IN_CLAIM",
      contractNo: "ABC-999",
    });
    // Not submitted while a difference has no reason; then each gets one (audited), and it is.
    const e = await refusal(transitionClaim(w.staff, { claimId: claim.id, action: "SUBMIT", version: 1 }, T));
    expect(e.message).toMatch(/3 处差异尚未填写原因/);
    for (const c of cmp.filter((x) => x.cause !== null))
      await giveDifferenceReason(w.staff, { lineId: c.id, reason: "银行按调整前利率计息，已与银行核对" });
    expect(
      (await refusal(giveDifferenceReason(w.otherStaff, { lineId: cmp[0]!.id, reason: "越权填写原因" })))
        .kind,
    ).toBe("NOT_FOUND");
    await transitionClaim(w.staff, { claimId: claim.id, action: "SUBMIT", version: 1 }, T);
    expect(await db.auditEvent.count({ where: { action: "interestStatement.reason", outcome: "OK" } })).toBe(
      3,
    );
    // The printed claim form: 笔数, balances at the start and end of the quarter, subsidy by level, the reasons.
    const form = await claimForm(w.auditor, claim.id);
    const principals = lines.reduce((t, l) => t + yuanToFen(l.principal.toFixed(2)), 0);
    expect(form).toMatchObject({
      loans: lines.length,
      balanceStartFen: principals,
      balanceEndFen: principals - 1_000_000,
      subsidyFen: claim.subsidyFen,
    });
    expect(form.levels.reduce((t, l) => t + l.amountFen, 0)).toBe(claim.subsidyFen);
    expect(form.differences.every((d) => d.reason)).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "claim.print", outcome: "OK" } })).toBe(1);
    expect((await refusal(claimForm(w.otherStaff, claim.id))).kind).toBe("NOT_FOUND");
    // A submitted claim's comparison is settled.
    expect((await refusal(uploadInterestStatement(w.staff, { claimId: claim.id }, csv))).kind).toBe(
      "CONFLICT",
    );
  });
});

async function read(stream: Promise<ReadableStream<Uint8Array>>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await stream) as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe("the reconciliation records in the auditors' ledgers (issue 18 item 6)", () => {
  beforeEach(resetDatabase);

  // The file of mainRows, by category (the preview test's arithmetic): posted rows 3 and 11, already posted
  // row 4, unmatched the six others.
  const POSTED = 123_456 + 10_000 + 250;
  const ALREADY = 50_000;
  const UNMATCHED = 30_000 + 8_800 + 5_000 + 100_001 + 60_000 + 7_000;

  async function committed() {
    const w = await world();
    const { fileId } = await commitStatement(w.staff, input(w), gbkCsv(mainRows(w)), T);
    // The worklist settles two unmatched rows: their categories stay as committed, the resolution is shown.
    const rows = await db.bankStatementRow.findMany({ where: { fileId }, orderBy: { rowNo: "asc" } });
    const typo = rows.find((r) => r.reason === "NO_SUCH_LOAN")!;
    const amb = rows.find((r) => r.reason === "AMBIGUOUS")!;
    await resolveStatementRow(w.staff, { rowId: typo.id, loanId: w.l1.id }, T);
    await dismissStatementRow(w.staff, { rowId: amb.id, reason: "银行已确认此笔为误列，下月更正" });
    const file = await db.bankStatementFile.findUniqueOrThrow({ where: { id: fileId } });
    return { w, fileId, file, typo, amb };
  }

  const Q = { region: "620123", from: "2026-11-01", to: "2026-11-30" };

  it("lists each committed file with who, when (Beijing time), the SHA-256 and its sums per category to the fen", async () => {
    const { w, fileId, file } = await committed();
    const def = await authoriseLedger(w.auditor, "bankFiles", Q);
    const page = await ledgerPage(w.auditor, "bankFiles", Q);
    expect(page.rows).toHaveLength(1);
    const cell = (h: string) => page.rows[0]![columnIndex(def, h)];
    expect(page.rows[0]!.slice(0, 6)).toEqual([
      String(fileId),
      "2026-11",
      "中国农业银行",
      "农行11月还款明细.csv",
      file.sha256,
      w.staff.username,
    ]);
    expect(cell("提交时间（北京时间）")).toBe(formatDateTime(file.createdAt.toISOString()));
    expect([cell("行数"), cell("本次入账笔数"), cell("已入账笔数"), cell("未匹配笔数")]).toEqual([
      "9",
      "2",
      "1",
      "6",
    ]);
    expect([
      cell("本次入账金额（元）"),
      cell("已入账金额（元）"),
      cell("未匹配金额（元）"),
      cell("文件合计（元）"),
    ]).toEqual([
      fenToYuan(POSTED),
      fenToYuan(ALREADY),
      fenToYuan(UNMATCHED),
      fenToYuan(POSTED + ALREADY + UNMATCHED),
    ]);
    expect(cell("未匹配待处理笔数")).toBe("4"); // six unmatched, one resolved, one dismissed
    // A ledger kind of its own, beside the rows behind it (the ledgers screen lists every kind).
    expect(Object.keys(LEDGERS)).toEqual(expect.arrayContaining(["bankFiles", "bankRows"]));
    // Another period: not listed.
    expect(
      (await ledgerPage(w.auditor, "bankFiles", { ...Q, from: "2026-10-01", to: "2026-10-31" })).rows,
    ).toEqual([]);
  });

  it("the rows behind them: category as committed, reason, resolution; the sums by category make the file's", async () => {
    const { w, fileId, typo, amb } = await committed();
    const def = await authoriseLedger(w.staff, "bankRows", Q);
    const { rows } = await ledgerPage(w.staff, "bankRows", Q, 0, 1000);
    expect(rows).toHaveLength(9);
    const at = (h: string) => columnIndex(def, h);
    expect(rows.every((r) => r[at("记录号")] === String(fileId))).toBe(true);
    const sum = (category: string) =>
      rows
        .filter((r) => r[at("类别")] === category)
        .reduce((t, r) => t + yuanToFen(r[at("金额合计（元）")]!), 0);
    expect([sum("本次入账"), sum("已入账（不重复入账）"), sum("未匹配")]).toEqual([
      POSTED,
      ALREADY,
      UNMATCHED,
    ]);
    const byRow = (id: number) => rows.find((r) => r[0] === String(id))!;
    expect([
      byRow(typo.id)[at("未匹配原因")],
      byRow(typo.id)[at("处理结果")],
      byRow(typo.id)[at("处理人")],
    ]).toEqual(["查无此贷款", "已指定贷款入账", w.staff.username]);
    expect(byRow(typo.id)[at("处理时间（北京时间）")]).toMatch(/^\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}:\d{2}$/);
    expect([byRow(amb.id)[at("处理结果")], byRow(amb.id)[at("忽略理由")]]).toEqual([
      "已忽略",
      "银行已确认此笔为误列，下月更正",
    ]);
    // ID numbers masked (the row matched by ID number prints one).
    const ids = rows.map((r) => r[at("身份证号")]!).filter((v) => v !== "");
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((v) => /^\d{6}\*{11}[\dX]$/.test(v))).toBe(true);
    // A posted row names its loan and journal entry.
    const posted = rows.filter((r) => r[at("类别")] === "本次入账");
    expect(posted.every((r) => r[at("申请编号")] !== "" && r[at("流水号")] !== "")).toBe(true);
  });

  it("exports both as CSV and .xlsx through the ledgers' path: the same cells as the screen, a totals row, audited", async () => {
    const { w } = await committed();
    for (const key of ["bankFiles", "bankRows"] as const) {
      const def = await authoriseLedger(w.auditor, key, Q, "ledger.export");
      const csv = await read(
        exportStream(w.auditor, key, def, Q, "榆中县", "csv", new AbortController().signal),
      );
      const rows = parse(csv.subarray(3), { relax_column_count: true }) as string[][];
      expect(rows[0]).toEqual(def.columns.map((c) => c.header));
      const totalAt = rows.findIndex((r) => r[0]!.startsWith("合计"));
      expect(rows.slice(1, totalAt)).toEqual((await ledgerPage(w.auditor, key, Q, 0, 1000)).rows);
      const total = rows[totalAt]!;
      expect(total[0]).toBe(`合计（${key === "bankFiles" ? 1 : 9} 行）`);
      if (key === "bankFiles")
        expect([
          total[columnIndex(def, "本次入账金额（元）")],
          total[columnIndex(def, "文件合计（元）")],
        ]).toEqual([fenToYuan(POSTED), fenToYuan(POSTED + ALREADY + UNMATCHED)]);
      else expect(total[columnIndex(def, "金额合计（元）")]).toBe(fenToYuan(POSTED + ALREADY + UNMATCHED));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(
        (await read(
          exportStream(w.auditor, key, def, Q, "榆中县", "xlsx", new AbortController().signal),
        )) as never,
      );
      const sheet = wb.getWorksheet(def.title)!;
      expect(sheet.rowCount).toBe(rows.length);
      const money = columnIndex(def, key === "bankFiles" ? "文件合计（元）" : "金额合计（元）") + 1;
      expect(sheet.getRow(2).getCell(money).value).toBe(Number(rows[1]![money - 1])); // a number, not text
      expect(wb.getWorksheet("汇总")).toBeTruthy();
    }
    await expect
      .poll(async () =>
        (await db.auditEvent.findMany({ where: { action: "ledger.export", outcome: "OK" } })).map((e) => [
          (e.after as { ledger: string }).ledger,
          (e.after as { format: string }).format,
          (e.after as { rows: number }).rows,
        ]),
      )
      .toEqual(
        expect.arrayContaining([
          ["bankFiles", "csv", 1],
          ["bankFiles", "xlsx", 1],
          ["bankRows", "csv", 9],
          ["bankRows", "xlsx", 9],
        ]),
      );
  });

  it("another county's user is refused this county's records and finds none in her own", async () => {
    const { w } = await committed();
    for (const key of ["bankFiles", "bankRows"] as const) {
      expect((await refusal(authoriseLedger(w.otherStaff, key, Q))).kind).toBe("NOT_FOUND");
      expect((await refusal(ledgerPage(w.otherStaff, key, Q))).kind).toBe("NOT_FOUND");
      const theirs = { ...Q, region: "620121" };
      expect((await ledgerPage(w.otherStaff, key, theirs)).rows).toEqual([]);
      const def = await authoriseLedger(w.otherStaff, key, theirs, "ledger.export");
      const csv = await read(
        exportStream(w.otherStaff, key, def, theirs, "永登县", "csv", new AbortController().signal),
      );
      const rows = parse(csv.subarray(3), { relax_column_count: true }) as string[][];
      expect(rows.map((r) => r[0])).toEqual([def.columns[0]!.header, "合计（0 行）"]);
    }
    // A city official has no ledgers.
    const official = await makeUser("CITY_OFFICIAL", "620100");
    expect((await refusal(authoriseLedger(official, "bankFiles", { ...Q, region: "620100" }))).kind).toBe(
      "FORBIDDEN",
    );
    expect(
      await db.auditEvent.count({ where: { outcome: "DENIED", entity: "Ledger" } }),
    ).toBeGreaterThanOrEqual(5);
  });
});
