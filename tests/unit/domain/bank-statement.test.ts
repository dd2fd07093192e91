import { parseCsv } from "@/server/spreadsheet/csv";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  checkMapping,
  identityHolds,
  makeResidentId,
  matchStatement,
  parseStatementDate,
  parseStatementRow,
  suggestMapping,
  summariseStatement,
  type LoanFacts,
  type MatchContext,
  type StatementRow,
} from "@/domain";

describe("statement dates", () => {
  it.each([
    ["2026-11-20", "2026-11-20"],
    ["2026/11/20", "2026-11-20"],
    ["2026.11.20", "2026-11-20"],
    ["20261120", "2026-11-20"],
    ["2026年11月20日", "2026-11-20"],
    ["2026年1月5日", "2026-01-05"],
    ["2026/1/5", "2026-01-05"],
    ["２０２６年１１月２０日", "2026-11-20"],
    [" 2026-11-20 ", "2026-11-20"],
    ["2026-11-20 00:00:00", "2026-11-20"],
  ])("%s → %s", (text, iso) => {
    expect(parseStatementDate(text)).toEqual({ ok: true, value: iso });
  });
  it.each(["2026-02-30", "20261320", "2026-11", "11/20/2026", "2026年11月", "", "昨天", "2026-11-20x"])(
    "refuses %j",
    (text) => {
      expect(parseStatementDate(text).ok).toBe(false);
    },
  );
});

describe("statement rows", () => {
  const id = makeResidentId("620123", "1985-03-15", 12);
  it("reads amounts as banks print them, exactly to the fen", () => {
    const r = parseStatementRow(3, {
      contractNo: " HT-001 ",
      idNumber: id.toLowerCase(),
      valueDate: "2026年11月20日",
      principal: "50,000.00",
      interest: "１２１．０７元",
      penalty: "",
    });
    expect(r).toEqual({
      ok: true,
      value: {
        row: 3,
        contractNo: "HT-001",
        borrowerName: null,
        idNumber: id,
        valueDate: "2026-11-20",
        principalFen: 5_000_000,
        interestFen: 12_107,
        penaltyFen: 0,
      },
    });
  });
  it("names the field of each problem", () => {
    const r = parseStatementRow(7, {
      contractNo: "HT-001",
      idNumber: "620123198503150000",
      valueDate: "2026-13-01",
      principal: "1.005",
      interest: "abc",
      penalty: "-5",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [7, "idNumber", "ID_NUMBER"],
      [7, "valueDate", "DATE"],
      [7, "principal", "AMOUNT_TOO_PRECISE"],
      [7, "interest", "AMOUNT"],
      [7, "penalty", "AMOUNT_NEGATIVE"],
    ]);
  });
  it("a masked ID number is no key; a row needs a contract or an ID number, and some money", () => {
    const masked = parseStatementRow(2, {
      contractNo: "",
      idNumber: "6201**********0023",
      valueDate: "20261120",
      principal: "0",
      interest: "0",
    });
    expect(!masked.ok && masked.problems.map((p) => p.code)).toEqual(["NO_KEY", "ALL_ZERO"]);
  });
});

describe("mapping", () => {
  it("proposes a mapping from common bank headers and checks it", () => {
    const headers = ["序号", "借据号", "客户名称", "证件号码", "交易日期", "归还本金", "归还利息", "罚息"];
    const m = suggestMapping(headers);
    expect(m).toEqual({
      contractNo: "借据号",
      borrowerName: "客户名称",
      idNumber: "证件号码",
      valueDate: "交易日期",
      principal: "归还本金",
      interest: "归还利息",
      penalty: "罚息",
    });
    expect(checkMapping(m, headers)).toEqual([]);
    expect(checkMapping({ principal: "本金", interest: "本金" }, ["本金"]).map((p) => p.code)).toEqual([
      "MISSING_FIELD",
      "NO_KEY",
      "SAME_HEADER",
    ]);
    expect(checkMapping({ ...m, penalty: "逾期罚息" }, headers)).toEqual([
      { code: "UNKNOWN_HEADER", field: "penalty", header: "逾期罚息" },
    ]);
  });
});

describe("CSV", () => {
  it("reads quoted fields, doubled quotes, CRLF and a trailing newline", () => {
    expect(parseCsv('a,"b,1","say ""hi"""\r\n1,2,3\n', 10)).toEqual([
      ["a", "b,1", 'say "hi"'],
      ["1", "2", "3"],
    ]);
    expect(parseCsv("a\tb\n1\t2", 10)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsv('"multi\nline",x', 10)).toEqual([["multi\nline", "x"]]);
  });
  it("reads the title lines above a bank's table apart and gives the same records (a BOM, a quoted title)", () => {
    expect(
      parseCsv(
        '\ufeff中国农业银行 还款明细\r\n"查询期间，\r\n2026年11月"\r\n\r\n序号,借据号,本金\r\n1,HT1,"1,000.00"\r\n2,HT2\r\n合计,,"1,000.00"\r\n',
        10,
      ),
    ).toEqual([
      ["中国农业银行 还款明细"],
      ["查询期间，\r\n2026年11月"],
      [""],
      ["序号", "借据号", "本金"],
      ["1", "HT1", "1,000.00"],
      ["2", "HT2"],
      ["合计", "", "1,000.00"],
    ]);
  });
  it("stops as soon as the row limit is passed", () => {
    expect(parseCsv("1\n2\n3\n", 2)).toBeNull();
    expect(parseCsv("1\n2\n", 2)).toHaveLength(2);
    expect(parseCsv("title\na,b\n1,2\n3,4\n", 3)).toBeNull();
    expect(parseCsv("title\na,b\n1,2\n3,4\n", 4)).toHaveLength(4);
  });
});

// ───────────────────────────── matching ─────────────────────────────

const BANK = 1;
const TODAY = "2026-12-01";
const ID_A = makeResidentId("620123", "1985-03-15", 10);
const ID_B = makeResidentId("620123", "1986-04-16", 20);
const ID_ELSEWHERE = makeResidentId("431124", "1987-05-17", 30);

function loan(o: Partial<LoanFacts> & { id: number }): LoanFacts {
  return {
    inCounty: true,
    bankId: BANK,
    contractNo: `HT${o.id}`,
    idNumber: ID_A,
    status: "REPAYING",
    disbursedDate: "2026-01-10",
    outstandingFen: 5_000_000,
    openInstalments: [],
    journal: [],
    ...o,
  };
}

function ctxOf(loans: LoanFacts[]): MatchContext {
  const byContract = new Map<string, LoanFacts[]>();
  const byIdNumber = new Map<string, LoanFacts[]>();
  for (const l of loans) {
    if (l.contractNo) byContract.set(l.contractNo, [...(byContract.get(l.contractNo) ?? []), l]);
    byIdNumber.set(l.idNumber, [...(byIdNumber.get(l.idNumber) ?? []), l]);
  }
  return { bankId: BANK, today: TODAY, byContract, byIdNumber };
}

let rowNo = 1;
function row(o: Partial<StatementRow>): StatementRow {
  return {
    row: ++rowNo,
    contractNo: null,
    borrowerName: null,
    idNumber: null,
    valueDate: "2026-11-20",
    principalFen: 0,
    interestFen: 64_375,
    penaltyFen: 0,
    ...o,
  };
}

describe("matching a statement (DOMAIN §15)", () => {
  it("every category and reason", () => {
    const loans = [
      loan({ id: 1 }),
      loan({
        id: 2,
        journal: [{ valueDate: "2026-11-20", principalFen: 0, interestFen: 64_375, penaltyFen: 0 }],
      }),
      loan({ id: 3, inCounty: false, contractNo: "HT-X", idNumber: ID_ELSEWHERE }),
      loan({ id: 4, status: "CLOSED", idNumber: ID_B }),
      loan({ id: 5, outstandingFen: 100_00 }),
      loan({ id: 6, bankId: 2 }),
      loan({ id: 7, contractNo: "DUP" }),
      loan({ id: 8, contractNo: "DUP" }),
    ];
    const rows = [
      row({ contractNo: "HT1" }), // to post by contract
      row({ contractNo: "HT2" }), // already in the journal
      row({ contractNo: "HT-X" }), // another county's loan
      row({ idNumber: ID_ELSEWHERE }), // another county's borrower
      row({ contractNo: "HT404" }), // no such loan
      row({ contractNo: "HT4" }), // closed
      row({ contractNo: "HT5", principalFen: 100_01 }), // more than is due
      row({ contractNo: "HT6" }), // another bank's loan
      row({ contractNo: "DUP" }), // two loans carry the number
      row({ contractNo: "HT1", idNumber: ID_B }), // the ID number contradicts the contract
      row({ contractNo: "HT1", valueDate: "2026-12-02" }), // after today
    ];
    const out = matchStatement(rows, ctxOf(loans));
    expect(out).toEqual([
      { category: "TO_POST", loanId: 1, by: "CONTRACT", ordinal: 1 },
      { category: "ALREADY_POSTED", loanId: 2, by: "CONTRACT" },
      { category: "UNMATCHED", reason: "OUTSIDE_COUNTY" },
      { category: "UNMATCHED", reason: "OUTSIDE_COUNTY" },
      { category: "UNMATCHED", reason: "NO_SUCH_LOAN" },
      { category: "UNMATCHED", reason: "NOT_ACTIVE" },
      { category: "UNMATCHED", reason: "MORE_THAN_DUE" },
      { category: "UNMATCHED", reason: "OTHER_BANK" },
      { category: "UNMATCHED", reason: "AMBIGUOUS", candidates: 2 },
      { category: "UNMATCHED", reason: "ID_MISMATCH" },
      { category: "UNMATCHED", reason: "DATE_OUT_OF_RANGE" },
    ]);
  });

  it("by ID number: one fitting loan; several → the one with an instalment of these amounts, else ambiguous", () => {
    const loans = [
      loan({ id: 1, idNumber: ID_B, openInstalments: [{ principalFen: 0, interestFen: 64_375 }] }),
      loan({ id: 2, idNumber: ID_B, openInstalments: [{ principalFen: 0, interestFen: 50_000 }] }),
      loan({ id: 3, idNumber: ID_A, status: "CLOSED" }),
      loan({ id: 4, idNumber: ID_A }),
    ];
    const out = matchStatement(
      [
        row({ idNumber: ID_B }),
        row({ idNumber: ID_B, interestFen: 1 }),
        row({ idNumber: ID_A }),
        row({ contractNo: "typo", idNumber: ID_A }), // a contract nobody has: the ID number decides
      ],
      ctxOf(loans),
    );
    expect(out).toEqual([
      { category: "TO_POST", loanId: 1, by: "ID_NUMBER", ordinal: 1 },
      { category: "UNMATCHED", reason: "AMBIGUOUS", candidates: 2 },
      { category: "TO_POST", loanId: 4, by: "ID_NUMBER", ordinal: 1 },
      { category: "TO_POST", loanId: 4, by: "ID_NUMBER", ordinal: 2 },
    ]);
  });

  it("a payment listed twice is posted twice when the journal has it once; the outstanding is used up across rows", () => {
    const loans = [
      loan({
        id: 1,
        outstandingFen: 150_00,
        journal: [{ valueDate: "2026-11-20", principalFen: 100_00, interestFen: 0, penaltyFen: 0 }],
      }),
    ];
    const r = { contractNo: "HT1", principalFen: 100_00, interestFen: 0 };
    const out = matchStatement(
      [row(r), row(r), row({ ...r, principalFen: 50_00 }), row({ ...r, principalFen: 1 })],
      ctxOf(loans),
    );
    expect(out.map((o) => o.category + ("reason" in o ? `:${o.reason}` : ""))).toEqual([
      "ALREADY_POSTED",
      "TO_POST",
      "TO_POST",
      "UNMATCHED:MORE_THAN_DUE",
    ]);
  });

  it("file total = to post + already posted + unmatched, to the fen (property)", () => {
    const loans = [
      loan({ id: 1, journal: [{ valueDate: "2026-11-20", principalFen: 0, interestFen: 5, penaltyFen: 0 }] }),
      loan({ id: 2, outstandingFen: 1000 }),
      loan({ id: 3, inCounty: false }),
    ];
    const ctx = ctxOf(loans);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            contract: fc.constantFrom("HT1", "HT2", "HT3", "HT9"),
            p: fc.integer({ min: 0, max: 2000 }),
            i: fc.integer({ min: 0, max: 10 }),
            pen: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 40 },
        ),
        (specs) => {
          const rows = specs.map((s) =>
            row({ contractNo: s.contract, principalFen: s.p, interestFen: s.i, penaltyFen: s.pen }),
          );
          const s = summariseStatement(rows, matchStatement(rows, ctx));
          expect(identityHolds(s)).toBe(true);
          expect(s.file.count).toBe(rows.length);
          expect(s.file.totalFen).toBe(
            rows.reduce((t, r) => t + r.principalFen + r.interestFen + r.penaltyFen, 0),
          );
          const reasons = Object.values(s.byReason).reduce((t, c) => t + c.totalFen, 0);
          expect(reasons).toBe(s.unmatched.totalFen);
        },
      ),
    );
  });
});
