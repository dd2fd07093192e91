/**
 * Import files for the tests: a filled template written by exceljs, the same parts re-zipped in the order
 * other writers use (Excel puts the shared strings after the worksheets), and zip bombs.
 */
import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import { zipOf, zipParts } from "./zip-parts";
import { makeResidentId } from "@/domain";
import { LOAN_COLUMNS, LOAN_SHEET, REPAYMENT_COLUMNS, REPAYMENT_SHEET } from "@/server/services/imports";

/** A filled template: `n` loans in 榆中县 with two historical repayments each. */
export async function importFile(
  n: number,
  badRow?: number,
  opts: { purpose?: string; sheetNames?: [string, string] } = {},
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const loans = wb.addWorksheet(opts.sheetNames?.[0] ?? LOAN_SHEET);
  loans.addRow(LOAN_COLUMNS.map(([, h]) => h));
  const reps = wb.addWorksheet(opts.sheetNames?.[1] ?? REPAYMENT_SHEET);
  reps.addRow(REPAYMENT_COLUMNS.map(([, h]) => h));
  for (let i = 0; i < n; i++) {
    const birth = `19${70 + (i % 25)}-0${1 + (i % 9)}-1${i % 9}`;
    let id = makeResidentId("620123", birth, (Math.floor(i / 225) % 500) * 2);
    if (i + 2 === badRow) id = `${id.slice(0, 17)}${id[17] === "1" ? "2" : "1"}`; // wrong check digit
    const contract = `HT-IMP-${String(i).padStart(5, "0")}`;
    loans.addRow([
      ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"][i % 8]! +
        ["秀英", "桂兰", "玉梅", "春花", "海燕"][Math.floor(i / 8) % 5]!,
      id,
      `139${String(i).padStart(8, "0")}`,
      "620123101201",
      "一般农户",
      "肉牛养殖",
      "妇女创业担保贷款",
      "中国农业银行",
      contract,
      "50000.00",
      24,
      "按季付息、到期还本",
      "4.50",
      "2025-06-10",
      opts.purpose ?? "扩大养殖",
    ]);
    reps.addRow([contract, "2025-06-20", "0.00", "62.50"]);
    reps.addRow([contract, "2025-09-20", "1000.00", "575.00"]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A stream of `bytes` of highly compressible sheet rows (a zip bomb's payload). */
export function rowsStream(bytes: number): Readable {
  const chunk = Buffer.from(
    `<row><c t="inlineStr"><is><t>${"x".repeat(200)}</t></is></c></row>`.repeat(4000),
  );
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/**
 * An .xlsx whose one sheet expands to `expandTo` bytes. With `declare`, the zip's headers claim that
 * uncompressed size instead of the real one (a bomb that lies about its size).
 */
export async function bombXlsx(expandTo: number, declare?: number): Promise<Buffer> {
  const template = await zipParts(await importFile(1));
  const sheetPath = "xl/worksheets/sheet1.xml";
  const head = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`,
  );
  const body = new PassThrough();
  body.write(head);
  rowsStream(expandTo).pipe(body);
  const file = await zipOf(template.map(([n, b]) => [n, n === sheetPath ? body : b]));
  if (declare === undefined) return file;
  // Rewrite the uncompressed size of the sheet in its local header and its central directory record.
  const name = Buffer.from(sheetPath);
  for (let at = 0; at < file.length - 46; at++) {
    const sig = file.readUInt32LE(at);
    if (sig === 0x04034b50 && file.subarray(at + 30, at + 30 + name.length).equals(name))
      file.writeUInt32LE(declare, at + 22);
    if (sig === 0x02014b50 && file.subarray(at + 46, at + 46 + name.length).equals(name))
      file.writeUInt32LE(declare, at + 24);
    if (sig === 0x08074b50) file.writeUInt32LE(declare, at + 12); // data descriptor after the stream
  }
  return file;
}
