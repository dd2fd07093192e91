import "server-only";
import iconv from "iconv-lite";
import { parseCsv } from "./csv";
import { STATEMENT_LIMITS, UPLOAD_LIMITS } from "@/config/limits";
import { readXlsx, SpreadsheetError } from "./read-xlsx";

/**
 * Reads a bank's statement file — .xlsx (through the bounded reader, any part order) or .csv — into a header
 * and the data rows, every cell as text. A CSV's encoding is detected: a byte-order mark (UTF-8, UTF-16),
 * else UTF-8 when the bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312, what Chinese bank
 * systems write), decoded by iconv-lite. Bytes that are valid in none are refused, never guessed at.
 * Limits are checked before anything is expanded: the file's size here and in the upload route, an .xlsx's
 * declared expanded size in the reader, and the row limit while rows are read (the read stops there).
 */

export type StatementEncoding = "xlsx" | "utf-8" | "utf-16le" | "utf-16be" | "gb18030";

export type StatementFileProblem =
  | { code: "EMPTY" }
  | { code: "NOT_SPREADSHEET" }
  | { code: "OLD_XLS" }
  | { code: "ENCODING" }
  | { code: "TOO_LARGE" }
  | { code: "TOO_MANY_ROWS"; limit: number }
  | { code: "NO_HEADER" }
  | { code: "ENCRYPTED" };

export class StatementFileError extends Error {
  constructor(readonly problem: StatementFileProblem) {
    super(`statement file: ${problem.code}`);
    this.name = "StatementFileError";
  }
}

export interface StatementSheet {
  encoding: StatementEncoding;
  /** Header texts, de-duplicated ("本金", "本金(2)") and trimmed; index = column position. */
  headers: string[];
  /** Row number of the header as the file shows it. */
  headerRow: number;
  rows: { row: number; cells: string[] }[];
}

class TooManyRows extends Error {}

const isZip = (b: Buffer) =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) =>
  b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1;

/** The text of a CSV file and the encoding it was written in. */
export function decodeCsv(file: Buffer): { text: string; encoding: StatementEncoding } {
  let text: string;
  let encoding: StatementEncoding;
  if (file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf) {
    encoding = "utf-8";
    text = strictUtf8(file.subarray(3));
  } else if (file[0] === 0xff && file[1] === 0xfe) {
    encoding = "utf-16le";
    text = iconv.decode(file.subarray(2), "utf-16le");
  } else if (file[0] === 0xfe && file[1] === 0xff) {
    encoding = "utf-16be";
    text = iconv.decode(file.subarray(2), "utf-16be");
  } else {
    try {
      text = strictUtf8(file);
      encoding = "utf-8";
    } catch {
      encoding = "gb18030";
      text = iconv.decode(file, "gb18030");
    }
  }
  // Control bytes: a binary file, not a CSV. A replacement character: bytes valid in none of the encodings.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) throw new StatementFileError({ code: "NOT_SPREADSHEET" });
  if (text.includes("\ufffd")) throw new StatementFileError({ code: "ENCODING" });
  return { text, encoding };
}

function strictUtf8(b: Buffer): string {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(b);
  return text;
}

/** The first row with at least three filled cells is the header (banks put a title line or two above it). */
function sheetOf(encoding: StatementEncoding, raw: { row: number; cells: string[] }[]): StatementSheet {
  const h = raw.findIndex((r) => r.cells.filter((c) => c.trim() !== "").length >= 3);
  if (h < 0 || h >= 20) throw new StatementFileError({ code: "NO_HEADER" });
  const seen = new Map<string, number>();
  const headers = raw[h]!.cells.map((c, i) => {
    const t = c.replace(/[\r\n]+/g, "").trim() || `第${i + 1}列`;
    const n = (seen.get(t) ?? 0) + 1;
    seen.set(t, n);
    return n === 1 ? t : `${t}(${n})`;
  });
  const rows = raw
    .slice(h + 1)
    .filter((r) => r.cells.some((c) => c.trim() !== ""))
    // A totals line (合计/总计) is the bank's sum, not a payment.
    .filter((r) => !/^(合计|总计|小计)/u.test((r.cells.find((c) => c.trim() !== "") ?? "").trim()));
  return { encoding, headers, headerRow: raw[h]!.row, rows };
}

/** Reads the first worksheet of an .xlsx, or a CSV. */
export async function readStatementFile(file: Buffer): Promise<StatementSheet> {
  if (file.length === 0) throw new StatementFileError({ code: "EMPTY" });
  if (file.length > UPLOAD_LIMITS.maxFileBytes) throw new StatementFileError({ code: "TOO_LARGE" });
  const limit = STATEMENT_LIMITS.maxRows;
  if (isOle(file)) throw new StatementFileError({ code: "OLD_XLS" });
  if (isZip(file)) {
    const raw: { row: number; cells: string[] }[] = [];
    try {
      await readXlsx(file, (_name, index) =>
        index === 0
          ? {
              row({ row, cells }) {
                // Header and title lines included: the limit is on data rows plus a little.
                if (raw.length > limit + 20) throw new TooManyRows();
                const out: string[] = [];
                for (const c of cells) out[c.col - 1] = c.text;
                for (let i = 0; i < out.length; i++) out[i] ??= "";
                raw.push({ row, cells: out });
              },
            }
          : null,
      );
    } catch (e) {
      if (e instanceof TooManyRows) throw new StatementFileError({ code: "TOO_MANY_ROWS", limit });
      if (e instanceof SpreadsheetError) {
        if (e.problem.code === "TOO_LARGE") throw new StatementFileError({ code: "TOO_LARGE" });
        if (e.problem.code === "ENCRYPTED") throw new StatementFileError({ code: "ENCRYPTED" });
        if (e.problem.code === "TOO_MANY_ROWS")
          throw new StatementFileError({ code: "TOO_MANY_ROWS", limit });
        throw new StatementFileError({ code: "NOT_SPREADSHEET" });
      }
      throw e;
    }
    const sheet = sheetOf("xlsx", raw);
    if (sheet.rows.length > limit) throw new StatementFileError({ code: "TOO_MANY_ROWS", limit });
    return sheet;
  }
  const { text, encoding } = decodeCsv(file);
  const rows = parseCsv(text, limit + 20);
  if (!rows) throw new StatementFileError({ code: "TOO_MANY_ROWS", limit });
  const sheet = sheetOf(
    encoding,
    rows.map((cells, i) => ({ row: i + 1, cells })),
  );
  if (sheet.rows.length > limit) throw new StatementFileError({ code: "TOO_MANY_ROWS", limit });
  return sheet;
}

/** The problem in the clerk's words. */
export function statementFileMessage(p: StatementFileProblem): string {
  switch (p.code) {
    case "EMPTY":
      return "文件是空的，请选择银行发来的还款明细文件";
    case "NOT_SPREADSHEET":
      return "无法识别该文件：请上传银行还款明细的 .xlsx 或 .csv 文件";
    case "OLD_XLS":
      return "这是旧版 .xls 文件，请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 后再上传";
    case "ENCODING":
      return "无法识别文件的文字编码（不是 UTF-8，也不是 GBK/GB18030）：请在 Excel 或 WPS 中另存为 .xlsx 后再上传";
    case "TOO_LARGE":
      return `文件过大（超过 ${UPLOAD_LIMITS.maxFileBytes / 1024 / 1024} MB，或解压后超过 ${UPLOAD_LIMITS.maxExpandedBytes / 1024 / 1024} MB），请分批上传`;
    case "TOO_MANY_ROWS":
      return `一份还款明细最多 ${p.limit.toLocaleString("en-US")} 行，请分批上传`;
    case "NO_HEADER":
      return "文件前 20 行中找不到表头（至少三列有标题的一行），请检查文件";
    case "ENCRYPTED":
      return "文件已加密，请取消密码后重新上传";
  }
}
