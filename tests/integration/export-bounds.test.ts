import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import { exportStream } from "@/server/exports";
import { AppError } from "@/server/errors";
import { authoriseLedger, columnIndex, LEDGERS, type LedgerDef } from "@/server/services/ledgers";
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

const run = promisify(execFile);
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };

async function read(stream: Promise<ReadableStream<Uint8Array>>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await stream) as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** One county clerk, `loans` loans of 10,000.00 disbursed 2025-03-10, and `entries` journal rows by SQL. */
async function world(entries: number, loans = 1) {
  await seedRegions();
  await seedLpr();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const made = [];
  for (let i = 0; i < loans; i++) {
    const borrower = await makeBorrower("620123101201", staff.id, `借款人${i}`);
    made.push(
      await makeLoan({
        borrower,
        ctx,
        makerId: staff.id,
        principalFen: 1_000_000,
        disbursedDate: "2025-03-10",
        termMonths: 24,
      }),
    );
  }
  if (entries)
    await sql(
      `INSERT INTO "RepaymentEntry" ("loanId", "countyCode", kind, "valueDate", principal, interest, penalty, reason,
         "idempotencyKey", "createdById")
       SELECT $1, '620123', 'REPAYMENT', date '2025-04-01' + (g % 200), 1 + (g % 1000) / 100.0, 0.50, 0,
              CASE WHEN g % 3 = 0 THEN '批量导入的说明 ' || g END, 'bulk-' || g, $2
       FROM generate_series(1, $3::int) g`,
      [made[0]!.id, staff.id, entries],
    );
  return { staff, loans: made };
}

const lastExportAudit = () =>
  db.auditEvent.findFirst({ where: { action: "ledger.export" }, orderBy: { id: "desc" } });

describe(".xlsx exports are bounded", () => {
  beforeEach(resetDatabase);

  it("200,000 journal rows into a slow reader: retained memory stays flat (+≤ 32 MB), and the file is whole", async () => {
    const rows = 200_000;
    const { staff } = await world(rows);
    const def = await authoriseLedger(staff, "journal", q);
    gc();
    const base = process.memoryUsage();
    const retained = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external - (base.heapUsed + base.external);
    };
    let peak = 0;
    const parts: Buffer[] = [];
    const stream = await exportStream(
      staff,
      "journal",
      def,
      q,
      "榆中县",
      "xlsx",
      new AbortController().signal,
    );
    let n = 0;
    // A slow client: a pause after every chunk, and the retained heap + buffers measured (after a full GC).
    for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
      parts.push(Buffer.from(c)); // copied out: what the reader keeps is counted below and subtracted
      if (++n % 8 === 0) {
        await new Promise((r) => setTimeout(r, 40));
        peak = Math.max(peak, retained() - parts.reduce((s, p) => s + p.length, 0));
      }
    }
    expect(n).toBeGreaterThan(40); // many chunks: the file was streamed, not built and then sent
    expect(peak).toBeLessThan(32 * 1024 * 1024);
    // The file is whole: unzip checks every part's CRC, and the sheet holds every row.
    const dir = await mkdtemp(path.join(tmpdir(), "halfsky-xlsx-"));
    const file = path.join(dir, "journal.xlsx");
    await writeFile(file, Buffer.concat(parts));
    parts.length = 0;
    await run("unzip", ["-tq", file]);
    const { stdout } = await run("sh", [
      "-c",
      `unzip -p '${file}' xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l`,
    ]);
    expect(Number(stdout.trim())).toBe(1 + rows + 1);
    const { stdout: tail } = await run("sh", [
      "-c",
      `unzip -p '${file}' xl/worksheets/sheet1.xml | tail -c 2000`,
    ]);
    expect(tail).toContain(`<t>合计（${rows} 行）</t>`);
    await rm(dir, { recursive: true });
    await expect.poll(async () => (await lastExportAudit())?.outcome).toBe("OK");
  }, 240_000);

  it("a new worksheet at the per-sheet limit, header repeated, totals on the last sheet, summary after", async () => {
    const { staff } = await world(7);
    const def = await authoriseLedger(staff, "journal", q);
    const buf = await read(
      exportStream(staff, "journal", def, q, "榆中县", "xlsx", new AbortController().signal, {
        xlsxRowsPerSheet: 3,
      }),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(["还款流水(1)", "还款流水(2)", "还款流水(3)", "汇总"]);
    const [s1, s2, s3] = wb.worksheets;
    const headers = def.columns.map((c) => c.header);
    for (const s of [s1!, s2!, s3!]) expect((s.getRow(1).values as unknown[]).slice(1)).toEqual(headers);
    expect([s1!.rowCount, s2!.rowCount, s3!.rowCount]).toEqual([1 + 3, 1 + 3, 1 + 1 + 1]);
    const data = [
      ...[2, 3, 4].map((r) => s1!.getRow(r)),
      ...[2, 3, 4].map((r) => s2!.getRow(r)),
      s3!.getRow(2),
    ];
    expect(data.map((r) => r.getCell(1).value)).toEqual([1, 2, 3, 4, 5, 6, 7]); // none lost or repeated
    const totals = s3!.getRow(3);
    expect(totals.getCell(1).value).toBe("合计（全部 7 行，共 3 个工作表）");
    const principal = columnIndex(def, "本金（元）") + 1;
    const fen = (v: unknown) => Math.round((v as number) * 100);
    expect(fen(totals.getCell(principal).value)).toBe(
      data.reduce((s, r) => s + fen(r.getCell(principal).value), 0),
    );
    const summary = (wb.getWorksheet("汇总")!.getSheetValues() as unknown[][]).map((r) => r?.slice(1));
    expect(summary).toContainEqual(["工作表", 3]);
  });

  it("refuses an .xlsx above the row limit before any byte, with a message offering CSV (audited)", async () => {
    const { staff } = await world(5);
    const def = await authoriseLedger(staff, "journal", q);
    const e = await exportStream(staff, "journal", def, q, "榆中县", "xlsx", new AbortController().signal, {
      xlsxMaxRows: 4,
    }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).kind).toBe("INVALID");
    expect((e as AppError).message).toMatch(/共 5 行，超过 Excel \(\.xlsx\) 导出的上限 4 行.*导出 CSV/);
    const audit = await lastExportAudit();
    expect(audit?.outcome).toBe("FAILED");
    expect(audit?.message).toContain("导出 CSV");
    // CSV of the same rows is not limited.
    const csv = await read(
      exportStream(staff, "journal", def, q, "榆中县", "csv", new AbortController().signal, {
        xlsxMaxRows: 4,
      }),
    );
    expect(csv.toString("utf8").trim().split("\r\n")).toHaveLength(1 + 5 + 1);
  });

  it("dates are dates and amounts are numbers, with formats; text stays text and inert", async () => {
    const { staff } = await world(0, 2);
    await sql(`UPDATE "Borrower" SET name = '=1+1' WHERE name = '借款人1'`);
    const def = await authoriseLedger(staff, "loans", q);
    const buf = await read(
      exportStream(staff, "loans", def, q, "榆中县", "xlsx", new AbortController().signal),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as never);
    const sheet = wb.getWorksheet("贷款台账")!;
    const row = sheet.getRow(2);
    const at = (h: string) => row.getCell(columnIndex(def, h) + 1);
    expect(at("放款日期").value).toEqual(new Date(Date.UTC(2025, 2, 10)));
    expect(at("放款日期").numFmt).toBe("yyyy-mm-dd");
    expect(at("贷款金额（元）").value).toBe(10000);
    expect(at("贷款金额（元）").numFmt).toBe("#,##0.00");
    expect(typeof at("逾期天数").value).toBe("number");
    expect(at("申请编号").type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(3).getCell(columnIndex(def, "借款人") + 1).value).toBe("'=1+1");
    expect(sheet.getRow(3).getCell(columnIndex(def, "借款人") + 1).formula).toBeUndefined();
  });

  it("a client that stops reading and goes away: the cursor stops, the connection is freed, audited FAILED", async () => {
    const { staff } = await world(50_000);
    const def = await authoriseLedger(staff, "journal", q);
    const controller = new AbortController();
    const stream = await exportStream(staff, "journal", def, q, "榆中县", "xlsx", controller.signal);
    const reader = stream.getReader();
    await reader.read();
    controller.abort(); // no cancel(): the body is simply never read again
    await expect.poll(async () => (await lastExportAudit())?.outcome, { timeout: 10_000 }).toBe("FAILED");
    const open = await sql<{ n: string }>(
      `SELECT COUNT(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`,
    );
    expect(open[0]!.n).toBe("0");
  });

  it("every total names a money column of its ledger, by header", () => {
    for (const def of Object.values(LEDGERS) as LedgerDef[])
      for (const t of def.totals) expect(def.columns[columnIndex(def, t.column)]!.type).toBe("money");
    expect(() => columnIndex(LEDGERS.loans, "不存在的列")).toThrow();
  });
});
