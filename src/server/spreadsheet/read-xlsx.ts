import "server-only";
import yauzl from "yauzl";
import { SaxesParser } from "saxes";
import { UPLOAD_LIMITS } from "@/config/limits";

/**
 * Reads the cells of an .xlsx file, bounded before anything is expanded (decision 009).
 *
 * The archive is opened by its central directory (yauzl), so the parts are read in the order we need —
 * workbook, relationships, shared strings, styles, then the sheets — whatever order Excel, WPS, LibreOffice
 * or a bank's system wrote them in (exceljs's streaming reader misread files whose sheets come before the
 * shared strings). Before any part is inflated the declared sizes are checked against the limits; while
 * inflating, yauzl refuses a part larger than it declared; while parsing (saxes, streaming), a sheet stops at
 * the row limit and a cell at Excel's own length limit. A visitor gets each row as it is parsed and may stop
 * the read (throw) when a business limit is reached.
 */

export interface ReadLimits {
  /** Parts in the archive. */
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxExpandedBytes: number;
  /** Expanded ÷ compressed size, above `ratioAllowanceBytes` (zip bombs compress far better than sheets). */
  maxRatio: number;
  ratioAllowanceBytes: number;
  /** Rows per sheet (Excel's own maximum). */
  maxRowsPerSheet: number;
  /** Characters per cell (Excel's own maximum). */
  maxCellChars: number;
}

export const XLSX_LIMITS: ReadLimits = {
  maxEntries: 5_000,
  maxExpandedBytes: UPLOAD_LIMITS.maxExpandedBytes,
  maxRatio: 100,
  ratioAllowanceBytes: 16 * 1024 * 1024,
  maxRowsPerSheet: 1_048_576,
  maxCellChars: 32_767,
};

export type SpreadsheetProblem =
  | { code: "NOT_XLSX" }
  | { code: "ENCRYPTED" }
  | { code: "TOO_LARGE"; expandedBytes: number }
  | { code: "TOO_MANY_ROWS"; sheet: string; limit: number }
  | { code: "CELL_TOO_LONG"; sheet: string; ref: string; limit: number }
  | { code: "BAD_XML"; part: string };

export class SpreadsheetError extends Error {
  constructor(readonly problem: SpreadsheetProblem) {
    super(`spreadsheet: ${JSON.stringify(problem)}`);
    this.name = "SpreadsheetError";
  }
}

/** What a cell holds: a string, a number (its text exactly as stored), a boolean, an error (#DIV/0!), a date. */
export type CellKind = "string" | "number" | "boolean" | "error" | "date";

export interface XlsxCell {
  /** 1-based column. */
  col: number;
  kind: CellKind;
  /** The value as text: numbers as stored (no float round trip), dates as YYYY-MM-DD, booleans TRUE/FALSE. */
  text: string;
  /** The cell holds a formula; `text` is only the value cached by whoever saved the file. */
  formula: boolean;
}

export interface XlsxRow {
  /** 1-based row number as Excel shows it. */
  row: number;
  cells: XlsxCell[];
}

export interface SheetVisitor {
  row(row: XlsxRow): void;
}

/** Chooses, by sheet name and position, which sheets to parse; `null` skips one without inflating it. */
export type SheetChooser = (name: string, index: number) => SheetVisitor | null;

function open(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (e, z) => (e || !z ? reject(new SpreadsheetError({ code: "NOT_XLSX" })) : resolve(z)),
    ),
  );
}

async function entriesOf(zip: yauzl.ZipFile, limits: ReadLimits): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > limits.maxEntries) throw new SpreadsheetError({ code: "NOT_XLSX" });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      entries.set(entry.fileName.replace(/^\/+/, ""), entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", () => reject(new SpreadsheetError({ code: "NOT_XLSX" })));
    zip.readEntry();
  });
  return entries;
}

/** Streams one part through a SAX parser; `onTag`/`onClose`/`onText` see the XML as it is inflated. */
function parsePart(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  handlers: {
    open?: (name: string, attrs: Record<string, string>) => void;
    close?: (name: string) => void;
    text?: (text: string) => void;
  },
): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(new SpreadsheetError({ code: "NOT_XLSX" }));
      const parser = new SaxesParser();
      let failed: unknown = null;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = e;
        stream.destroy();
        reject(
          e instanceof SpreadsheetError ? e : new SpreadsheetError({ code: "BAD_XML", part: entry.fileName }),
        );
      };
      // A handler that throws (a limit reached, a visitor's refusal) stops the parser inside write().
      parser.on("error", () => {
        throw new SpreadsheetError({ code: "BAD_XML", part: entry.fileName });
      });
      parser.on("opentag", (tag) =>
        handlers.open?.(localName(tag.name), tag.attributes as Record<string, string>),
      );
      if (handlers.close) parser.on("closetag", (tag) => handlers.close!(localName(tag.name)));
      if (handlers.text) {
        parser.on("text", handlers.text);
        parser.on("cdata", handlers.text);
      }
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        if (failed) return;
        try {
          parser.write(chunk);
        } catch (e) {
          fail(e);
        }
      });
      stream.on("error", (e) =>
        fail(
          /too many bytes|uncompressed size/i.test(String(e))
            ? new SpreadsheetError({ code: "TOO_LARGE", expandedBytes: entry.uncompressedSize })
            : e,
        ),
      );
      stream.on("end", () => {
        if (failed) return;
        try {
          parser.close();
          resolve();
        } catch (e) {
          fail(e);
        }
      });
    });
  });
}

function localName(name: string): string {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
}

function resolveTarget(target: string): string {
  const t = target.replace(/^\/+/, "");
  return t.startsWith("xl/") ? t : `xl/${t}`;
}

/** Number formats Excel applies to dates (built-in ids), and custom formats that read as dates. */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);
function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\\./g, "");
  return /[ymd]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

/** Excel's serial day (1900 system, with its phantom 29 Feb 1900; or 1904) → YYYY-MM-DD. */
function serialToIsoDate(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const days = Math.floor(serial) + (date1904 ? 1462 : 0);
  const ms = Date.UTC(1899, 11, 30) + (days < 61 && !date1904 ? days + 1 : days) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

function columnOf(ref: string | undefined, fallback: number): number {
  const m = /^([A-Z]{1,3})/.exec(ref ?? "");
  if (!m) return fallback;
  let n = 0;
  for (const ch of m[1]!) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * Reads the chosen sheets of an .xlsx file. Throws SpreadsheetError for a file that is not an .xlsx, is
 * encrypted, expands beyond the limits, or is malformed; whatever a visitor throws ends the read.
 */
export async function readXlsx(
  buffer: Buffer,
  choose: SheetChooser,
  limits: ReadLimits = XLSX_LIMITS,
): Promise<void> {
  const zip = await open(buffer);
  try {
    const entries = await entriesOf(zip, limits);
    let expanded = 0;
    for (const e of entries.values()) {
      if (e.isEncrypted()) throw new SpreadsheetError({ code: "ENCRYPTED" });
      expanded += e.uncompressedSize;
    }
    const ratioBound = limits.ratioAllowanceBytes + limits.maxRatio * buffer.length;
    if (expanded > limits.maxExpandedBytes || expanded > ratioBound)
      throw new SpreadsheetError({ code: "TOO_LARGE", expandedBytes: expanded });

    const workbook = entries.get("xl/workbook.xml");
    const rels = entries.get("xl/_rels/workbook.xml.rels");
    if (!workbook || !rels) throw new SpreadsheetError({ code: "NOT_XLSX" });

    const sheets: { name: string; rid: string }[] = [];
    let date1904 = false;
    await parsePart(zip, workbook, {
      open: (name, a) => {
        if (name === "sheet" && a.name) sheets.push({ name: a.name, rid: a["r:id"] ?? a.id ?? "" });
        if (name === "workbookPr" && (a.date1904 === "1" || a.date1904 === "true")) date1904 = true;
      },
    });
    const targets = new Map<string, string>();
    await parsePart(zip, rels, {
      open: (name, a) => {
        if (name === "Relationship" && a.Id && a.Target) targets.set(a.Id, resolveTarget(a.Target));
      },
    });

    const chosen = sheets
      .map((s, i) => ({ ...s, visitor: choose(s.name, i), path: targets.get(s.rid) }))
      .filter((s): s is typeof s & { visitor: SheetVisitor; path: string } => !!s.visitor && !!s.path);
    if (!chosen.length) return;

    const sharedStrings: string[] = [];
    const sst = entries.get("xl/sharedStrings.xml");
    if (sst) {
      let current: string[] | null = null;
      let inT = false;
      let inRph = false;
      await parsePart(zip, sst, {
        open: (name) => {
          if (name === "si") current = [];
          else if (name === "t") inT = true;
          else if (name === "rPh") inRph = true; // phonetic guide (furigana/pinyin): not the cell's text
        },
        close: (name) => {
          if (name === "si" && current) {
            sharedStrings.push(current.join(""));
            current = null;
          } else if (name === "t") inT = false;
          else if (name === "rPh") inRph = false;
        },
        text: (t) => {
          if (!inT || inRph || !current) return;
          current.push(t);
          if (current.reduce((n, x) => n + x.length, 0) > limits.maxCellChars)
            throw new SpreadsheetError({
              code: "CELL_TOO_LONG",
              sheet: "",
              ref: "",
              limit: limits.maxCellChars,
            });
        },
      });
    }

    const dateStyles: boolean[] = [];
    const styles = entries.get("xl/styles.xml");
    if (styles) {
      const custom = new Map<number, string>();
      let inCellXfs = false;
      await parsePart(zip, styles, {
        open: (name, a) => {
          if (name === "numFmt" && a.numFmtId) custom.set(Number(a.numFmtId), a.formatCode ?? "");
          else if (name === "cellXfs") inCellXfs = true;
          else if (name === "xf" && inCellXfs) {
            const id = Number(a.numFmtId ?? 0);
            dateStyles.push(custom.has(id) ? isDateFormat(custom.get(id)!) : BUILTIN_DATE_FORMATS.has(id));
          }
        },
        close: (name) => {
          if (name === "cellXfs") inCellXfs = false;
        },
      });
    }

    for (const sheet of chosen) {
      const entry = entries.get(sheet.path);
      if (!entry) throw new SpreadsheetError({ code: "NOT_XLSX" });
      let rowNo = 0;
      let rows = 0;
      let cells: XlsxCell[] = [];
      let cell: { col: number; t: string; s: number; ref: string; formula: boolean } | null = null;
      let value: string[] = [];
      let collecting = false; // inside <v>, or <t> of an inline string
      let length = 0;
      await parsePart(zip, entry, {
        open: (name, a) => {
          if (name === "row") {
            rows++;
            if (rows > limits.maxRowsPerSheet)
              throw new SpreadsheetError({
                code: "TOO_MANY_ROWS",
                sheet: sheet.name,
                limit: limits.maxRowsPerSheet,
              });
            rowNo = a.r ? Number(a.r) : rowNo + 1;
            cells = [];
          } else if (name === "c") {
            const col = columnOf(a.r, (cells.at(-1)?.col ?? 0) + 1);
            cell = {
              col,
              t: a.t ?? "n",
              s: Number(a.s ?? 0),
              ref: a.r ?? `R${rowNo}C${col}`,
              formula: false,
            };
            value = [];
            length = 0;
          } else if (cell && (name === "v" || name === "t")) collecting = true;
          else if (cell && name === "f") cell.formula = true;
        },
        text: (t) => {
          if (!collecting || !cell) return;
          length += t.length;
          if (length > limits.maxCellChars)
            throw new SpreadsheetError({
              code: "CELL_TOO_LONG",
              sheet: sheet.name,
              ref: cell.ref,
              limit: limits.maxCellChars,
            });
          value.push(t);
        },
        close: (name) => {
          if (name === "v" || name === "t") collecting = false;
          else if (name === "c" && cell) {
            const raw = value.join("");
            const out = toCell(cell, raw, sharedStrings, dateStyles, date1904);
            if (out) cells.push(out);
            cell = null;
          } else if (name === "row") sheet.visitor.row({ row: rowNo, cells });
        },
      });
    }
  } finally {
    zip.close();
  }
}

function toCell(
  c: { col: number; t: string; s: number; formula: boolean },
  raw: string,
  sharedStrings: string[],
  dateStyles: boolean[],
  date1904: boolean,
): XlsxCell | null {
  const base = { col: c.col, formula: c.formula };
  switch (c.t) {
    case "s": {
      const text = sharedStrings[Number(raw)];
      return text === undefined ? null : { ...base, kind: "string", text };
    }
    case "str":
    case "inlineStr":
      return { ...base, kind: "string", text: raw };
    case "b":
      return { ...base, kind: "boolean", text: raw === "1" ? "TRUE" : "FALSE" };
    case "e":
      return { ...base, kind: "error", text: raw };
    case "d":
      return raw ? { ...base, kind: "date", text: raw.slice(0, 10) } : null;
    default: {
      if (raw === "") return c.formula ? { ...base, kind: "number", text: "" } : null;
      if (dateStyles[c.s]) {
        const iso = serialToIsoDate(Number(raw), date1904);
        if (iso) return { ...base, kind: "date", text: iso };
      }
      return { ...base, kind: "number", text: canonicalNumber(raw) };
    }
  }
}

/**
 * A number cell as Excel shows it: at most 15 significant digits, so a stored 1234.5599999999999 reads
 * 1234.56 (the value typed), never a binary-float artefact. Integers and short decimals are kept as stored.
 */
export function canonicalNumber(raw: string): string {
  if (/^-?\d{1,15}(\.\d{1,4})?$/.test(raw)) return raw;
  const n = Number(raw);
  if (!Number.isFinite(n)) return raw;
  const s = n.toPrecision(15);
  if (s.includes("e")) return raw;
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
