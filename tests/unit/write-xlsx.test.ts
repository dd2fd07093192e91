import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { excelSerial, writeXlsx, xmlText, type XlsxCell } from "@/server/spreadsheet/write-xlsx";

const run = promisify(execFile);

async function book(rows: XlsxCell[][], rowsPerSheet?: number, batch = 2): Promise<Buffer> {
  async function* batches() {
    for (let i = 0; i < rows.length; i += batch) yield rows.slice(i, i + batch);
  }
  const out: Buffer[] = [];
  for await (const c of writeXlsx({
    sheetName: "台账",
    rowsPerSheet,
    columns: [
      { header: "文字", width: 20 },
      { header: "金额（元）", width: 14, format: "money" },
      { header: "日期", width: 12, format: "date" },
    ],
    batches: batches(),
    footer: ({ rows: n, sheets }) => [[`合计（${n} 行，${sheets} 表）`, { num: "3.00" }, null]],
    extra: () => ({
      name: "汇总",
      widths: [10, 10],
      rows: [["行数", { num: String(rows.length), fmt: "int" }]],
    }),
  }))
    out.push(c);
  return Buffer.concat(out);
}

async function load(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}

describe("the streaming .xlsx writer", () => {
  it("writes a zip that unzip verifies (CRC of every part) and Excel's model reads back exactly", async () => {
    const texts = [
      `A & B <c> "d"`,
      " leading and trailing ",
      "tab\there\nnew line",
      "控制\u0001字符",
      "lone \ud800 surrogate",
      "𠀀 𝄞 emoji 😀",
      "'=1+1",
    ];
    const buf = await book(texts.map((t, i) => [t, { num: `${i}.50` }, { date: "2025-03-10" }]));
    const dir = await mkdtemp(path.join(tmpdir(), "halfsky-w-"));
    await writeFile(path.join(dir, "a.xlsx"), buf);
    await run("unzip", ["-tq", path.join(dir, "a.xlsx")]);
    await rm(dir, { recursive: true });
    const ws = (await load(buf)).getWorksheet("台账")!;
    expect(ws.getRow(1).values).toEqual([undefined, "文字", "金额（元）", "日期"]);
    expect(texts.map((_, i) => ws.getRow(i + 2).getCell(1).value)).toEqual([
      `A & B <c> "d"`,
      " leading and trailing ",
      "tab\there\nnew line",
      "控制\ufffd字符",
      "lone \ufffd surrogate",
      "𠀀 𝄞 emoji 😀",
      "'=1+1",
    ]);
    expect(ws.getRow(3).getCell(2).value).toBe(1.5);
    expect(ws.getRow(3).getCell(2).numFmt).toBe("#,##0.00");
    expect(ws.getRow(3).getCell(3).value).toEqual(new Date(Date.UTC(2025, 2, 10)));
    expect(ws.getRow(9).getCell(1).value).toBe("合计（7 行，1 表）");
  });

  it("numbers are the decimal text given (no float); what is not a number or a date is written as text", async () => {
    const buf = await book([
      [null, { num: "12345678901234.56" }, { date: "2025-02-30" }],
      [null, { num: "1e3" }, { date: "not a date" }],
    ]);
    const dir = await mkdtemp(path.join(tmpdir(), "halfsky-w-"));
    await writeFile(path.join(dir, "a.xlsx"), buf);
    const { stdout } = await run("unzip", ["-p", path.join(dir, "a.xlsx"), "xl/worksheets/sheet1.xml"]);
    await rm(dir, { recursive: true });
    expect(stdout).toContain(`<c r="B2" s="2"><v>12345678901234.56</v></c>`);
    expect(stdout).toContain(`<c r="C2" t="inlineStr"><is><t>2025-02-30</t></is></c>`);
    expect(stdout).toContain(`<c r="B3" t="inlineStr"><is><t>1e3</t></is></c>`);
    expect(stdout).not.toContain(`r="A2"`); // empty cells are left out
  });

  it.each([
    [4, 2, ["台账(1)", "台账(2)", "汇总"], [3, 4]],
    [5, 2, ["台账(1)", "台账(2)", "台账(3)", "汇总"], [3, 3, 3]],
    [2, 2, ["台账", "汇总"], [4]],
    [0, 2, ["台账", "汇总"], [2]],
  ])("%i rows at %i a sheet: sheets %j, row counts %j", async (n, per, names, counts) => {
    const rows = Array.from({ length: n }, (_, i): XlsxCell[] => [`r${i + 1}`, { num: "1.00" }, null]);
    for (const batch of [1, 3, 1000]) {
      const wb = await load(await book(rows, per, batch));
      expect(wb.worksheets.map((s) => s.name)).toEqual(names);
      expect(wb.worksheets.slice(0, -1).map((s) => s.rowCount)).toEqual(counts);
      const data = wb.worksheets
        .slice(0, -1)
        .flatMap((s) => s.getSheetValues().slice(2))
        .map((r) => (r as unknown[])[1])
        .filter((v) => typeof v === "string" && v.startsWith("r"));
      expect(data).toEqual(rows.map((r) => r[0]));
    }
  });

  it("dates as Excel serial days, escapes only where needed", () => {
    expect(excelSerial("1900-03-01")).toBe(61);
    expect(excelSerial("2025-03-10")).toBe(45726);
    expect(excelSerial("2026-12-01")).toBe(46357);
    expect(excelSerial("2025-13-01")).toBeNull();
    expect(excelSerial("2025-3-1")).toBeNull();
    expect(xmlText("王秀英")).toBe("王秀英");
    expect(xmlText("a<b&c")).toBe("a&lt;b&amp;c");
  });
});
