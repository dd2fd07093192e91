import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import { fenToYuan, formatDateTime, yuanToFen } from "@/domain";
import { exportStream } from "@/server/exports";
import { portfolioFigures } from "@/server/read-models/figures";
import {
  authoriseLedger,
  columnIndex,
  ledgerPage,
  ledgerPrint,
  LEDGERS,
  type LedgerKey,
} from "@/server/services/ledgers";
import { listAuditEvents } from "@/server/services/audit-log";
import { writeAudit, writeAuditSql } from "@/server/audit";
import { streamPool } from "@/server/stream-db";
import { postRepayment } from "@/server/services/lifecycle";
import { db } from "@/server/db";
import { resetDatabase, sql } from "../support/db";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
} from "../support/factories";
import { refusal } from "../support/refusal";

async function read(
  stream: ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await stream) as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** The index of the totals row (the lines after it are the labelled exclusions). */
const totalsAt = (rows: string[][]) => rows.findIndex((r) => r[0]!.startsWith("合计"));

async function setup() {
  await seedRegions();
  await seedLpr();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const loans = [];
  const names = [
    "王秀英",
    '=HYPERLINK("http://evil.example","点我")',
    "李桂兰",
    "+SUM(1,2)",
    "＝HYPERLINK(1)",
  ];
  for (const [i, name] of names.entries()) {
    const borrower = await makeBorrower(i % 2 ? "620123101201" : "620123102201", staff.id, name);
    loans.push(
      await makeLoan({
        borrower,
        ctx,
        makerId: staff.id,
        principalFen: (3 + i) * 1_000_000,
        disbursedDate: "2025-03-10",
        termMonths: 24,
      }),
    );
  }
  // Repayments through the posting service (journal + running totals + instalments in one transaction).
  for (const [i, l] of loans.entries()) {
    await postRepayment(
      staff,
      {
        loanId: l.id,
        valueDate: "2025-06-20",
        principal: fenToYuan(100_000 * (i + 1)),
        interest: "300.00",
        idempotencyKey: `ledger-test-${i}`,
      },
      "2025-07-01",
    );
  }
  return { staff, loans };
}

describe("ledgers and exports", () => {
  beforeEach(resetDatabase);

  it("the loan ledger's totals equal the dashboard for the same scope and date (CSV with BOM, RFC 4180)", async () => {
    const { staff } = await setup();
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const def = await authoriseLedger(staff, "loans", q);
    const controller = new AbortController();
    const buf = await read(exportStream(staff, "loans", def, q, "榆中县", "csv", controller.signal));
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel opens Chinese correctly
    expect(buf.toString("utf8")).toContain("\r\n");
    const rows = parse(buf.subarray(3), { relax_column_count: true }) as string[][];
    expect(rows[0]).toEqual(LEDGERS.loans.columns.map((c) => c.header));
    const at = totalsAt(rows);
    const body = rows.slice(1, at);
    expect(body).toHaveLength(5);
    const total = rows[at]!;
    expect(total[0]).toBe("合计（5 行）");
    const dash = await portfolioFigures("620123", "2025-12-31", { from: q.from, to: q.to });
    expect(rows.slice(at + 1).map((r) => [r[0], r[12]])).toEqual([
      ["其中：已核销贷款（0 行）", "0.00"],
      ["贷款余额（不含已核销，即统计口径的贷款余额）", fenToYuan(dash.outstandingFen)],
    ]);
    expect(total[12]).toBe(fenToYuan(dash.outstandingFen));
    expect(body.reduce((s, r) => s + Math.round(Number(r[12]) * 100), 0)).toBe(dash.outstandingFen);
    // Masked ID numbers only; formulas inert.
    expect(body.every((r) => /^\d{6}\*{8}\d{3}[\dX]$/.test(r[4]!) || r[4]!.includes("*"))).toBe(true);
    const evil = body.find((r) => r[3]!.includes("HYPERLINK"))!;
    expect(evil[3]).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(body.find((r) => r[3]!.includes("SUM"))![3]).toBe("'+SUM(1,2)");
    expect(body.find((r) => r[3]!.includes("＝"))![3]).toBe("'＝HYPERLINK(1)"); // full-width = too
    // The audit event is written when the stream has ended.
    await expect
      .poll(
        async () =>
          (await db.auditEvent.findFirst({ where: { action: "ledger.export" }, orderBy: { id: "desc" } }))
            ?.outcome,
      )
      .toBe("OK");
    const audit = await db.auditEvent.findFirst({
      where: { action: "ledger.export" },
      orderBy: { id: "desc" },
    });
    expect(audit?.after).toMatchObject({ ledger: "loans", rows: 5, format: "csv" });
  });

  it("COPY's display (labels, masks, inert formulas in SQL) gives the same cells as the screen's", async () => {
    const { staff } = await setup();
    for (const key of ["loans", "journal"] as const) {
      const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
      const def = await authoriseLedger(staff, key, q);
      const buf = await read(exportStream(staff, key, def, q, "榆中县", "csv", new AbortController().signal));
      const rows = parse(buf.subarray(3), { relax_column_count: true }) as string[][];
      const screen = await ledgerPage(staff, key, q, 0, 1000);
      expect(rows.slice(1, totalsAt(rows))).toEqual(screen.rows);
    }
  });

  it(".xlsx rows by COPY (displaySql 'xlsx') are the screen's cells: numbers and dates typed, text as shown", async () => {
    const { staff } = await setup();
    const auditor = await makeUser("AUDITOR", "620000");
    for (const key of Object.keys(LEDGERS) as LedgerKey[]) {
      const actor = key === "audit" ? auditor : staff;
      const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
      const def = await authoriseLedger(actor, key, q).catch(() => null);
      if (!def) continue; // a ledger this role does not see
      const buf = await read(
        exportStream(actor, key, def, q, "榆中县", "xlsx", new AbortController().signal),
      );
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buf as never);
      const sheet = wb.worksheets[0]!;
      const screen = await ledgerPage(actor, key, q, 0, 1000);
      const got = screen.rows.map((_, r) =>
        def.columns.map((_, c) => {
          const v = sheet.getRow(r + 2).getCell(c + 1).value;
          return v instanceof Date ? v.toISOString().slice(0, 10) : v;
        }),
      );
      const want = screen.rows.map((row) =>
        row.map((v, c) => {
          const type = def.columns[c]!.type;
          if (v === "") return null;
          return type === "money" || type === "int" ? Number(v) : v;
        }),
      );
      expect(got, key).toEqual(want);
    }
  });

  it("the .xlsx export opens, with the same rows, numbers as numbers, inert formulas and a summary sheet", async () => {
    const { staff } = await setup();
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const def = await authoriseLedger(staff, "journal", q);
    const buf = await read(
      exportStream(staff, "journal", def, q, "榆中县", "xlsx", new AbortController().signal),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    const sheet = wb.getWorksheet("还款流水")!;
    expect(sheet.rowCount).toBe(1 + 5 + 1);
    expect(sheet.getRow(2).getCell(6).value).toBe(1000); // principal 1,000.00 as a number
    const summary = wb.getWorksheet("汇总")!;
    const values = summary.getSheetValues().flat().map(String);
    expect(values).toContain("本金（元）");
    expect(values).toContain(String(1000 + 2000 + 3000 + 4000 + 5000));
  });

  it("the totals row is the sum of its column; written-off loans are a separate labelled line (CSV and .xlsx)", async () => {
    const { staff, loans } = await setup();
    await sql(`UPDATE "Loan" SET status = 'WRITTEN_OFF' WHERE id = $1`, [loans[1]!.id]);
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const def = await authoriseLedger(staff, "loans", q);
    const balance = columnIndex(def, "贷款余额（元）");
    const status = columnIndex(def, "状态");
    const fen = (v: string | undefined) => Math.round(Number(v) * 100);
    const csv = await read(
      exportStream(staff, "loans", def, q, "榆中县", "csv", new AbortController().signal),
    );
    const rows = parse(csv.subarray(3), { relax_column_count: true }) as string[][];
    const at = totalsAt(rows);
    const body = rows.slice(1, at);
    const all = body.reduce((s, r) => s + fen(r[balance]), 0);
    const off = body.filter((r) => r[status] === "已核销").reduce((s, r) => s + fen(r[balance]), 0);
    expect(off).toBeGreaterThan(0);
    expect(fen(rows[at]![balance])).toBe(all); // every row counts in the total of its column
    const dash = await portfolioFigures("620123", "2025-12-31", { from: q.from, to: q.to });
    expect(rows.slice(at + 1).map((r) => [r[0], fen(r[balance])])).toEqual([
      ["其中：已核销贷款（1 行）", off],
      ["贷款余额（不含已核销，即统计口径的贷款余额）", dash.outstandingFen],
    ]);
    expect(all - off).toBe(dash.outstandingFen);
    // The same lines in the .xlsx, as numbers, and in its summary.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await read(
        exportStream(staff, "loans", def, q, "榆中县", "xlsx", new AbortController().signal),
      )) as never,
    );
    const sheet = wb.getWorksheet("贷款台账")!;
    const line = (r: number) => [
      sheet.getRow(r).getCell(1).value,
      sheet.getRow(r).getCell(balance + 1).value,
    ];
    expect([line(7), line(8), line(9)]).toEqual([
      ["合计（5 行）", all / 100],
      ["其中：已核销贷款（1 行）", off / 100],
      ["贷款余额（不含已核销，即统计口径的贷款余额）", dash.outstandingFen / 100],
    ]);
    const summary = (wb.getWorksheet("汇总")!.getSheetValues() as unknown[][]).map((r) => r?.slice(1));
    expect(summary).toContainEqual(["其中：已核销贷款（1 行，元）", off / 100]);
  });

  it("an instant reads the same in Beijing time on /audit, the ledger screen, CSV and .xlsx, whoever wrote it", async () => {
    await seedRegions();
    const auditor = await makeUser("AUDITOR", "620123");
    // 07:41:22 UTC = 15:41:22 in Beijing. One event through Prisma, one through pg (the COPY paths' writer).
    await db.auditEvent.create({
      data: {
        at: new Date("2026-03-01T07:41:22Z"),
        action: "t.prisma",
        entity: "T",
        outcome: "OK",
        countyCode: "620123",
      },
    });
    const before = Date.now();
    await writeAudit(db, { action: "t.default", entity: "T", outcome: "OK", countyCode: "620123" });
    const pgc = await streamPool().connect();
    try {
      await writeAuditSql(pgc, { action: "t.sql", entity: "T", outcome: "OK", countyCode: "620123" });
    } finally {
      pgc.release();
    }
    // The database holds the true instant (not 8 hours early), and Prisma reads back what SQL holds.
    const [row] = await db.$queryRaw<
      { ep: string }[]
    >`SELECT extract(epoch FROM at)::text AS ep FROM "AuditEvent" WHERE action = 't.prisma'`;
    expect(Number(row!.ep)).toBe(Date.parse("2026-03-01T07:41:22Z") / 1000);
    for (const action of ["t.default", "t.sql"]) {
      const e = await db.auditEvent.findFirstOrThrow({ where: { action } });
      expect(Math.abs(e.at.getTime() - before)).toBeLessThan(60_000);
    }

    await db.auditEvent.create({
      data: {
        at: new Date("2026-03-01T08:00:00Z"),
        action: "loan.apply",
        entity: "Borrower",
        entityId: "8",
        outcome: "DENIED",
        countyCode: "620123",
        role: "COUNTY_STAFF",
        message: "outside scope 620121",
      },
    });
    await db.auditEvent.create({
      data: {
        at: new Date("2026-03-01T08:00:00Z"),
        action: "loan.disburse",
        entity: "Loan",
        outcome: "DENIED",
        countyCode: "620123",
        role: "AUDITOR",
        message: "role AUDITOR lacks loan.write",
      },
    });
    const screen = (await listAuditEvents(auditor, { action: "t.prisma" })).rows[0]!;
    expect(screen.at).toBe("2026/3/1 15:41:22");
    const q = { region: "620123", from: "2026-03-01", to: "2026-03-01" };
    const def = await authoriseLedger(auditor, "audit", q);
    expect(def.columns[1]!.header).toBe("时间（北京时间）");
    const page = await ledgerPage(auditor, "audit", q);
    expect(page.rows.find((r) => r[4] === "t.prisma")?.[1]).toBe("2026/3/1 15:41:22");
    const csv = parse(
      (
        await read(exportStream(auditor, "audit", def, q, "榆中县", "csv", new AbortController().signal))
      ).subarray(3),
      { relax_column_count: true },
    ) as string[][];
    expect(csv[0]![1]).toBe("时间（北京时间）");
    expect(csv.find((r) => r[4] === "t.prisma")?.[1]).toBe("2026/3/1 15:41:22");
    // Words, not codes (the codes stay in their own columns); COPY's SQL gives the screen's cells.
    const denied = csv.find((r) => r[11] === "loan.apply")!;
    expect(denied.slice(3, 6)).toEqual(["县妇联经办人", "录入贷款申请", "借款人"]);
    expect(denied[9]).toBe("超出管辖范围（620121）");
    expect(denied[12]).toBe("COUNTY_STAFF");
    expect(csv.find((r) => r[11] === "loan.disburse")?.[9]).toBe("审计人员无“loan.write”权限");
    expect(csv.slice(1, -1)).toEqual((await ledgerPage(auditor, "audit", q, 0, 1000)).rows);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await read(
        exportStream(auditor, "audit", def, q, "榆中县", "xlsx", new AbortController().signal),
      )) as never,
    );
    const sheet = wb.getWorksheet("审计日志")!;
    expect(sheet.getRow(1).getCell(2).value).toBe("时间（北京时间）");
    const xrow = [...Array(sheet.rowCount).keys()]
      .map((i) => sheet.getRow(i + 1))
      .find((r) => r.getCell(5).value === "t.prisma");
    expect(xrow?.getCell(2).value).toBe("2026/3/1 15:41:22");
    const summary = wb.getWorksheet("汇总")!.getSheetValues().flat().map(String);
    expect(summary).toContain("导出时间（北京时间）");
  });

  it("the journal's 录入时间 is Beijing time, the same on screen and in the CSV", async () => {
    const { staff } = await setup();
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const screen = await ledgerPage(staff, "journal", q, 0, 1000);
    expect(LEDGERS.journal.columns[11]!.header).toBe("录入时间（北京时间）");
    const entry = await db.repaymentEntry.findFirstOrThrow({ where: { id: Number(screen.rows[0]![0]) } });
    expect(screen.rows[0]![11]).toBe(formatDateTime(entry.createdAt));
    expect(Math.abs(entry.createdAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
  });

  it("refuses other counties, roles without the ledger, and bad periods; screen pages are keyset pages", async () => {
    const { staff } = await setup();
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const other = await makeUser("COUNTY_STAFF", "620121");
    expect((await refusal(authoriseLedger(other, "loans", q))).kind).toBe("NOT_FOUND");
    const official = await makeUser("CITY_OFFICIAL", "620100");
    expect((await refusal(authoriseLedger(official, "loans", q))).kind).toBe("FORBIDDEN");
    expect((await refusal(authoriseLedger(staff, "audit" as LedgerKey, q))).kind).toBe("FORBIDDEN");
    expect((await refusal(authoriseLedger(staff, "loans", { ...q, from: "2026-01-01" }))).kind).toBe(
      "INVALID",
    );
    const first = await ledgerPage(staff, "loans", q, 0, 3);
    expect(first.rows).toHaveLength(3);
    const second = await ledgerPage(staff, "loans", q, first.nextAfter!, 3);
    expect(second.rows).toHaveLength(2);
    expect(second.nextAfter).toBeNull();
    expect(new Set([...first.rows, ...second.rows].map((r) => r[0])).size).toBe(5);
  });

  it("a cancelled export stops and is audited as not completed", async () => {
    const { staff } = await setup();
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const def = await authoriseLedger(staff, "loans", q);
    const controller = new AbortController();
    controller.abort();
    await read(exportStream(staff, "loans", def, q, "榆中县", "csv", controller.signal)).catch(() =>
      Buffer.alloc(0),
    );
    await expect
      .poll(
        async () =>
          (await db.auditEvent.findFirst({ where: { action: "ledger.export" }, orderBy: { id: "desc" } }))
            ?.outcome,
      )
      .toBe("FAILED");
  });

  it("the print view: totals of the whole ledger in one snapshot, the outstanding-only option, a bounded number of rows", async () => {
    const { staff, loans } = await setup();
    // The first loan is repaid in full: no balance left.
    const first = await db.loan.findUniqueOrThrow({ where: { id: loans[0]!.id } });
    await postRepayment(
      staff,
      {
        loanId: first.id,
        valueDate: "2025-06-25",
        principal: fenToYuan(
          yuanToFen(first.principal!.toString()) - yuanToFen(first.principalRepaid.toString()),
        ),
        interest: "0",
        idempotencyKey: "ledger-print-payoff",
      },
      "2025-07-01",
    );
    const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
    const def = LEDGERS.loans;
    const balance = columnIndex(def, "贷款余额（元）", "money");
    const sumOf = (rows: string[][], i: number) =>
      rows.reduce((a, r) => a + BigInt(r[i]!.replace(".", "")), 0n);

    const all = await ledgerPrint(staff, q, 5000);
    expect(all.rows).toHaveLength(5);
    expect(all.truncated).toBe(false);
    expect(all.totals.rows).toBe(5);
    expect(BigInt(all.totals.sums[2]!.fen)).toBe(sumOf(all.rows, balance));
    expect(all.regionName).toBe("榆中县");

    const open = await ledgerPrint(staff, { ...q, outstanding: true }, 5000);
    expect(open.rows.map((r) => r[0]).sort()).toEqual(
      all.rows
        .filter((r) => r[balance] !== "0.00")
        .map((r) => r[0])
        .sort(),
    );
    expect(open.rows).toHaveLength(4);
    expect(open.totals.rows).toBe(4);
    expect(open.totals.sums[2]!.fen).toBe(all.totals.sums[2]!.fen);

    const two = await ledgerPrint(staff, q, 2);
    expect(two.rows).toHaveLength(2);
    expect(two.truncated).toBe(true);
    expect(two.totals.rows).toBe(5); // the totals are the whole ledger's, and the page says so

    const other = await makeUser("COUNTY_STAFF", "620121");
    expect((await refusal(ledgerPrint(other, q, 5000))).kind).toBe("NOT_FOUND");
  });
});
