/**
 * The import reads what people save, and cannot be used to exhaust the server (issues 17 item 6, 21 item 0):
 * files in Excel's part order, hand-written SpreadsheetML of other writers, empty files, error and formula
 * cells, zip bombs that tell the truth about their size and ones that lie.
 */
import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import {
  commitImport,
  LOAN_COLUMNS,
  LOAN_SHEET,
  previewImport,
  REPAYMENT_SHEET,
} from "@/server/services/imports";
import { readXlsx, SpreadsheetError, XLSX_LIMITS } from "@/server/spreadsheet/read-xlsx";
import { resetDatabase } from "../support/db";
import { makeUser, seedLpr, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { refusal } from "../support/refusal";
import { bombXlsx, importFile } from "../support/import-files";
import { inExcelPartOrder, zipOf, zipParts } from "../support/zip-parts";

const TODAY = "2026-11-20";

async function fileMessage(p: Promise<unknown>): Promise<string> {
  const e = await refusal(p);
  expect(e.kind).toBe("INVALID");
  return (e as { fieldErrors?: Record<string, string[]> }).fieldErrors?.file?.[0] ?? "";
}

/** A workbook written by `fill`, with the template's headers. */
async function workbook(fill: (loans: ExcelJS.Worksheet, reps: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const base = new ExcelJS.Workbook();
  await base.xlsx.load((await importFile(1)) as never);
  fill(base.getWorksheet(LOAN_SHEET)!, base.getWorksheet(REPAYMENT_SHEET)!);
  return Buffer.from(await base.xlsx.writeBuffer());
}

describe("reading .xlsx files as their writers save them", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
    await seedLpr();
    await seedProgrammeAndPolicy();
  });

  it("a file in Excel's part order (worksheets before the shared strings) reads every row, every time", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const excel = await inExcelPartOrder(await importFile(40));
    for (let i = 0; i < 20; i++) {
      const preview = await previewImport(staff, Buffer.concat([excel]), TODAY);
      expect(preview.errors).toEqual([]);
      expect(preview.loans).toEqual({ new: 40, existing: 0 });
      expect(preview.repayments.new).toBe(80);
    }
    await commitImport(staff, excel, TODAY);
    expect(await db.loan.count()).toBe(40);
    expect(await db.repaymentEntry.count()).toBe(80);
  });

  it("SpreadsheetML as other writers produce it: prefixed namespace, inline strings, absolute targets, no styles", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const parts = new Map(await zipParts(await importFile(2)));
    const strings: string[] = [];
    const sst = parts.get("xl/sharedStrings.xml")!.toString("utf8");
    for (const m of sst.matchAll(/<si>([\s\S]*?)<\/si>/g))
      strings.push([...m[1]!.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(""));
    const rewrite = (xml: string) =>
      xml
        .replace(
          /<c r="([A-Z]+\d+)"(?: s="\d+")? t="s"><v>(\d+)<\/v><\/c>/g,
          (_m, r: string, i: string) =>
            `<x:c r="${r}" t="inlineStr"><x:is><x:t>${strings[Number(i)]}</x:t></x:is></x:c>`,
        )
        .replace(/<c r="([A-Z]+\d+)"(?: s="\d+")?><v>([^<]*)<\/v><\/c>/g, '<x:c r="$1"><x:v>$2</x:v></x:c>')
        .replace(
          /<(\/?)(worksheet|sheetData|row|dimension|sheetViews|sheetView|sheetFormatPr|cols|col|pageMargins|selection|pane|dataValidations|dataValidation|formula1)\b/g,
          "<$1x:$2",
        )
        .replace(
          'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
          'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        );
    const out: [string, Buffer][] = [];
    for (const [name, body] of parts) {
      if (name === "xl/sharedStrings.xml" || name === "xl/styles.xml") continue;
      let text = body.toString("utf8");
      if (name.startsWith("xl/worksheets/")) text = rewrite(text);
      if (name === "xl/_rels/workbook.xml.rels")
        text = text
          .replace(/Target="worksheets\//g, 'Target="/xl/worksheets/')
          .replace(/<Relationship [^>]*(sharedStrings|styles)[^>]*\/>/g, "");
      out.push([name, Buffer.from(text)]);
    }
    const preview = await previewImport(staff, await zipOf(out.reverse()), TODAY);
    expect(preview.errors).toEqual([]);
    expect(preview.loans).toEqual({ new: 2, existing: 0 });
    expect(preview.repayments.new).toBe(4);
  });

  it("real Excel dates and numbers stored with float artefacts are read as typed", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const f = await workbook((loans, reps) => {
      const date = LOAN_COLUMNS.findIndex(([k]) => k === "disbursedDate") + 1;
      const amount = LOAN_COLUMNS.findIndex(([k]) => k === "amount") + 1;
      loans.getCell(2, date).value = new Date(Date.UTC(2025, 5, 10));
      loans.getCell(2, date).numFmt = "yyyy/m/d";
      loans.getCell(2, amount).value = 50000;
      reps.getCell(3, 3).value = 1000.0000000000001; // principal as a float artefact of 1000
      reps.getCell(3, 2).value = new Date(Date.UTC(2025, 8, 20));
      reps.getCell(3, 2).numFmt = 'yyyy"年"m"月"d"日"';
    });
    const preview = await previewImport(staff, f, TODAY);
    expect(preview.errors).toEqual([]);
    await commitImport(staff, f, TODAY);
    const loan = await db.loan.findFirstOrThrow({
      select: { disbursedDate: true, principal: true, principalRepaid: true },
    });
    expect(loan.disbursedDate!.toISOString().slice(0, 10)).toBe("2025-06-10");
    expect(loan.principal!.toFixed(2)).toBe("50000.00");
    expect(loan.principalRepaid.toFixed(2)).toBe("1000.00");
  });

  it("a file with no data rows is refused with a message, never “passed”", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const empty = await workbook((loans, reps) => {
      loans.spliceRows(2, 1);
      reps.spliceRows(2, 2);
    });
    for (const f of [empty, await inExcelPartOrder(empty)])
      expect(await fileMessage(previewImport(staff, f, TODAY))).toMatch(/没有数据行/);
  });

  it("an error cell (#DIV/0!), a formula and a repayment of 0/0 are refused by row and column", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const f = await workbook((loans, reps) => {
      loans.getCell(2, LOAN_COLUMNS.findIndex(([k]) => k === "amount") + 1).value = {
        error: "#DIV/0!",
      } as never;
      reps.addRow(["HT-IMP-00000", "2025-10-20", "0.00", "0.00"]);
      reps.getCell(3, 4).value = { formula: "1+1", result: 2 } as never;
    });
    const preview = await previewImport(staff, f, TODAY);
    expect(preview.errors).toEqual([
      { sheet: LOAN_SHEET, row: 2, column: "贷款金额（元）", message: expect.stringMatching(/错误值/) },
      { sheet: REPAYMENT_SHEET, row: 3, column: "利息（元）", message: expect.stringMatching(/公式/) },
      { sheet: REPAYMENT_SHEET, row: 4, column: "本金（元）", message: expect.stringMatching(/都为 0/) },
    ]);
  });

  it("not a spreadsheet, or a zip without a workbook: a message, nothing written", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    expect(await fileMessage(previewImport(staff, Buffer.from("name,id\n王,1"), TODAY))).toMatch(/无法读取/);
    expect(
      await fileMessage(previewImport(staff, await zipOf([["a.txt", Buffer.from("x")]]), TODAY)),
    ).toMatch(/无法读取/);
    expect(await db.auditEvent.count({ where: { action: "import.commit" } })).toBe(0);
  });
});

describe("uploads cannot exhaust the server", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
    await seedLpr();
    await seedProgrammeAndPolicy();
  });

  async function refusedQuickly(file: Buffer, pattern: RegExp) {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    expect(await fileMessage(previewImport(staff, file, TODAY))).toMatch(pattern);
    const ms = performance.now() - t0;
    const grownMb = (process.memoryUsage().rss - rss0) / 1024 / 1024;
    expect(ms, "refused within 2 s").toBeLessThan(2000);
    expect(grownMb, "RSS grew by at most 100 MB").toBeLessThan(100);
  }

  it("a bomb that declares its size (1 MB → 500 MB): refused before anything is expanded", async () => {
    const bomb = await bombXlsx(500 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
    await refusedQuickly(bomb, /解压后过大/);
  }, 60_000);

  it("a bomb that lies about its size (claims 64 KB, expands to 100 MB): refused as soon as it passes the claim", async () => {
    await refusedQuickly(await bombXlsx(100 * 1024 * 1024, 64 * 1024), /解压后过大|无法读取/);
  }, 60_000);

  it("the reader stops a sheet at the row limit as it is reached, and a cell at Excel's length limit", async () => {
    const f = await importFile(30);
    const seen: number[] = [];
    const limited = { ...XLSX_LIMITS, maxRowsPerSheet: 10 };
    const e = await readXlsx(f, () => ({ row: (r) => void seen.push(r.row) }), limited).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SpreadsheetError);
    expect((e as SpreadsheetError).problem).toMatchObject({ code: "TOO_MANY_ROWS", limit: 10 });
    expect(seen.length).toBe(10);
    const long = await workbook((loans) => {
      loans.getCell(2, LOAN_COLUMNS.findIndex(([k]) => k === "purpose") + 1).value = "长".repeat(40_000);
    });
    const e2 = await readXlsx(long, () => ({ row: () => {} })).catch((x: unknown) => x);
    expect((e2 as SpreadsheetError).problem).toMatchObject({ code: "CELL_TOO_LONG" });
  });
});
