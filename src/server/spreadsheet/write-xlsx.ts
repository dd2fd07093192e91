import "server-only";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { EXPORT_LIMITS } from "@/config/limits";

/**
 * A streaming .xlsx writer bounded in memory (decision 011): the workbook is produced as an async sequence of
 * byte chunks, one batch of rows at a time, only when the consumer asks for the next chunk — so it never runs
 * ahead of a slow client. Cells are inline strings (no shared-strings table), numbers written as the decimal
 * text they came in (never through a float), dates as serial numbers with a date format. The zip is written
 * with data descriptors (sizes after the data); rows are written as UTF-8 into a byte buffer and every 256 KB
 * of it is deflated on the thread pool as its own sync-flushed deflate segment, so nothing but the batch in hand
 * is held, and no batch-sized string is built (decision 017). A worksheet holds at most
 * `rowsPerSheet` data rows under a repeated header; the next rows go to a new worksheet.
 */

/** Excel opens at most 1,048,576 rows a sheet; one million data rows plus header and totals stay below. */
export const XLSX_ROWS_PER_SHEET = EXPORT_LIMITS.xlsxRowsPerSheet;

/** A cell: text (written as text), a decimal or integer number, an ISO date, or empty. */
export type XlsxCell = string | { num: string; fmt?: "money" | "int" } | { date: string } | null;

export interface XlsxColumn {
  header: string;
  width: number;
  /** Number format of the column's numbers: money (#,##0.00), integer counts, or dates. */
  format?: "money" | "int" | "date";
}

export interface XlsxBook {
  /** Name of the data sheet; with more than one, "名称(1)", "名称(2)"… */
  sheetName: string;
  columns: XlsxColumn[];
  batches: AsyncIterable<XlsxCell[][]>;
  /** Rows after the data on the last data sheet (the totals), asked for once the data has ended. */
  footer?: (info: { rows: number; sheets: number }) => XlsxCell[][];
  /** A further sheet (the summary), asked for after the data. */
  extra?: (info: { rows: number; sheets: number }) => { name: string; widths: number[]; rows: XlsxCell[][] };
  rowsPerSheet?: number;
}

const STYLE = { header: 1, money: 2, date: 3, int: 4 } as const;

const STYLES_XML =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
  `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  `<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>` +
  `<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="2"/></font><font><b/><sz val="11"/><name val="宋体"/><family val="2"/></font></fonts>` +
  `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
  `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
  `</styleSheet>`;

const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";

const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** XML text: escaped, characters XML 1.0 cannot hold (controls, lone surrogates) replaced by U+FFFD. */
export function xmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s; // most cells: nothing to do
  return s
    .toWellFormed()
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd")
    .replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/** Column letters: 0 → A, 25 → Z, 26 → AA. */
function colLetters(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const LETTERS = Array.from({ length: 64 }, (_, i) => colLetters(i));
const colName = (i: number) => LETTERS[i] ?? colLetters(i);

const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EPOCH_1899 = Date.UTC(1899, 11, 30);

/** An ISO date as Excel's serial day number (1900 system; exact for dates after 1900-03-01). */
export function excelSerial(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // 2025-02-30 is not a date; before 1900-03-01 Excel's serials are off by its 1900 leap-year bug.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  if (t < Date.UTC(1900, 2, 1)) return null;
  return (t - EPOCH_1899) / 86_400_000;
}

function cellXml(ref: string, cell: XlsxCell, format: XlsxColumn["format"], style?: number): string {
  if (cell === null || cell === "") return "";
  if (typeof cell === "string") {
    const space = /^\s|\s$/.test(cell) ? ' xml:space="preserve"' : "";
    return `<c r="${ref}"${style ? ` s="${style}"` : ""} t="inlineStr"><is><t${space}>${xmlText(cell)}</t></is></c>`;
  }
  if ("num" in cell) {
    // The decimal text as it came from PostgreSQL or the domain: no float on the way.
    if (!DECIMAL.test(cell.num)) return cellXml(ref, cell.num, format, style);
    const f = cell.fmt ?? format;
    const s = style ?? (f === "money" ? STYLE.money : f === "int" ? STYLE.int : 0);
    return `<c r="${ref}"${s ? ` s="${s}"` : ""}><v>${cell.num}</v></c>`;
  }
  const serial = excelSerial(cell.date);
  if (serial === null) return cellXml(ref, cell.date, format, style);
  return `<c r="${ref}" s="${STYLE.date}"><v>${serial}</v></c>`;
}

// ───────────────────────────── zip (deflate, data descriptors) ─────────────────────────────

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (zip's), continuing from `crc`; zlib's native one where Node has it (≥ 20.15). */
function crc32(buf: Buffer, crc: number): number {
  const native = (zlib as unknown as { crc32?: (b: Buffer, v: number) => number }).crc32;
  if (native) return native(buf, crc);
  let c = ~crc;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const deflateRaw = promisify(zlib.deflateRaw);
const U32 = 0xffffffff;

/** DOS date and time of `d` in China Standard Time (zip stores local time). */
function dosTime(d: Date): { time: number; date: number } {
  const c = new Date(d.getTime() + 8 * 3_600_000);
  return {
    time: (c.getUTCHours() << 11) | (c.getUTCMinutes() << 5) | (c.getUTCSeconds() >> 1),
    date: ((c.getUTCFullYear() - 1980) << 9) | ((c.getUTCMonth() + 1) << 5) | c.getUTCDate(),
  };
}

interface Entry {
  name: Buffer;
  offset: number;
  crc: number;
  compressed: number;
  size: number;
}

/** A zip archive written forward only: entries one after another, the central directory at the end. */
class ZipWriter {
  private offset = 0;
  private readonly entries: Entry[] = [];
  private current: Entry | null = null;
  private readonly stamp = dosTime(new Date());

  private count(b: Buffer): Buffer {
    this.offset += b.length;
    if (this.offset >= U32) throw new Error("xlsx larger than 4 GiB (zip64 is not written)");
    return b;
  }

  begin(name: string): Buffer {
    const n = Buffer.from(name, "utf8");
    this.current = { name: n, offset: this.offset, crc: 0, compressed: 0, size: 0 };
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    h.writeUInt16LE(0x0808, 6); // bit 3: sizes in the data descriptor; bit 11: UTF-8 names
    h.writeUInt16LE(8, 8); // deflate
    h.writeUInt16LE(this.stamp.time, 10);
    h.writeUInt16LE(this.stamp.date, 12);
    h.writeUInt16LE(n.length, 26);
    return this.count(Buffer.concat([h, n]));
  }

  /** Deflates `data` as one segment ending in a sync flush (byte-aligned, not final): segments concatenate. */
  async data(data: Buffer): Promise<Buffer> {
    const e = this.current!;
    e.crc = crc32(data, e.crc);
    e.size += data.length;
    if (e.size >= U32) throw new Error("xlsx part larger than 4 GiB (zip64 is not written)");
    const out = await deflateRaw(data, { level: 1, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    e.compressed += out.length;
    return this.count(out);
  }

  end(): Buffer {
    const e = this.current!;
    const last = zlib.deflateRawSync(Buffer.alloc(0)); // the final (empty) block
    e.compressed += last.length;
    const d = Buffer.alloc(16);
    d.writeUInt32LE(0x08074b50, 0);
    d.writeUInt32LE(e.crc >>> 0, 4);
    d.writeUInt32LE(e.compressed, 8);
    d.writeUInt32LE(e.size, 12);
    this.entries.push(e);
    this.current = null;
    return this.count(Buffer.concat([last, d]));
  }

  async file(name: string, text: string): Promise<Buffer> {
    return Buffer.concat([this.begin(name), await this.data(Buffer.from(text, "utf8")), this.end()]);
  }

  finish(): Buffer {
    const start = this.offset;
    const headers = this.entries.map((e) => {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt16LE(this.stamp.time, 12);
      h.writeUInt16LE(this.stamp.date, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      return Buffer.concat([h, e.name]);
    });
    const dir = this.count(Buffer.concat(headers));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(dir.length, 12);
    end.writeUInt32LE(start, 16);
    return Buffer.concat([dir, this.count(end)]);
  }
}

// ───────────────────────────── the workbook ─────────────────────────────

function sheetHead(widths: number[], frozen: boolean, selected: boolean): string {
  const pane = frozen ? `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` : "";
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<sheetViews><sheetView${selected ? ' tabSelected="1"' : ""} workbookViewId="0">${pane}</sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/>` +
    `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols>` +
    `<sheetData>`
  );
}
const SHEET_TAIL = `</sheetData></worksheet>`;

function rowXml(r: number, cells: XlsxCell[], columns: { format?: XlsxColumn["format"] }[], style?: number) {
  let x = `<row r="${r}">`;
  for (let i = 0; i < cells.length; i++)
    x += cellXml(`${colName(i)}${r}`, cells[i] ?? null, columns[i]?.format, style);
  return x + "</row>";
}

function workbookXml(names: string[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<bookViews><workbookView/></bookViews><sheets>` +
    names.map((n, i) => `<sheet name="${xmlText(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
    `</sheets></workbook>`
  );
}

function workbookRels(n: number): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG_REL}">` +
    Array.from(
      { length: n },
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    ).join("") +
    `<Relationship Id="rId${n + 1}" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`
  );
}

/** Every .xml part is a worksheet unless overridden: the content types are known before the sheets are. */
const CONTENT_TYPES =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
  `<Default Extension="xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
  `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
  `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
  `</Types>`;

const ROOT_RELS =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG_REL}">` +
  `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

/** Sheet names: 31 characters at most, none of : \ / ? * [ ]. */
function sheetName(base: string, i: number, n: number): string {
  const clean = base.replace(/[:\\/?*[\]]/g, "_");
  const suffix = n > 1 ? `(${i + 1})` : "";
  return clean.slice(0, 31 - suffix.length) + suffix;
}

/** Bytes of a part deflated as one segment: big enough for deflate, small enough to hold a few at once. */
const SEGMENT = 256 * 1024;

/**
 * Text written as UTF-8 into a byte buffer outside V8's heap, taken out as a Buffer of what was written. Nothing
 * but the current row's string is ever a JS string.
 */
class ByteSink {
  private buf = Buffer.allocUnsafe(2 * SEGMENT);
  size = 0;

  write(s: string): void {
    const most = s.length * 3; // UTF-8 bytes of a UTF-16 unit: at most 3
    if (this.size + most > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.size + most));
      this.buf.copy(bigger, 0, 0, this.size);
      this.buf = bigger;
    }
    this.size += this.buf.write(s, this.size, "utf8");
  }

  /** What was written since the last take (the buffer is handed over, a new one started). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.size);
    this.buf = Buffer.allocUnsafe(2 * SEGMENT);
    this.size = 0;
    return out;
  }
}

/**
 * The workbook as byte chunks. Each `next()` writes at most one batch of rows (deflated), so memory holds one
 * batch whatever the number of rows; the caller's pace is the pace of the export.
 */
export async function* writeXlsx(book: XlsxBook): AsyncGenerator<Buffer> {
  const perSheet = book.rowsPerSheet ?? XLSX_ROWS_PER_SHEET;
  if (perSheet < 1 || perSheet > XLSX_ROWS_PER_SHEET) throw new Error("rowsPerSheet out of range");
  const zip = new ZipWriter();
  const widths = book.columns.map((c) => c.width);
  const header = rowXml(
    1,
    book.columns.map((c) => c.header),
    [],
    STYLE.header,
  );
  let sheets = 0;
  let inSheet = 0; // data rows on the current sheet
  let rows = 0;
  const open = async () => {
    sheets++;
    inSheet = 0;
    return Buffer.concat([
      zip.begin(`xl/worksheets/sheet${sheets}.xml`),
      await zip.data(Buffer.from(sheetHead(widths, true, sheets === 1) + header, "utf8")),
    ]);
  };
  yield Buffer.concat([
    await zip.file("[Content_Types].xml", CONTENT_TYPES),
    await zip.file("_rels/.rels", ROOT_RELS),
    await open(),
  ]);
  // Output not yet handed out, in order: a batch is deflated (thread pool) while the next one is built, and
  // handed out then — at most one batch in flight. Rows are written as UTF-8 straight into a byte buffer that
  // is deflated every SEGMENT bytes: no batch-sized string is ever built (a 2,000-row batch as one string was
  // ~2.4 MB of two-byte text, flattened into V8's old generation and collected late — issue 17 item 7).
  let queued: Promise<Buffer>[] = [];
  const settle = async (parts: Promise<Buffer>[]) => Buffer.concat(await Promise.all(parts));
  const sink = new ByteSink();
  for await (const batch of book.batches) {
    const mine: Promise<Buffer>[] = [];
    for (const cells of batch) {
      if (inSheet === perSheet) {
        sink.write(SHEET_TAIL);
        mine.push(zip.data(sink.take()));
        const ready = await settle([...queued, ...mine]); // the part's sizes, for its data descriptor
        queued = [];
        mine.length = 0;
        mine.push(Promise.resolve(Buffer.concat([ready, zip.end(), await open()])));
      }
      inSheet++;
      rows++;
      sink.write(rowXml(inSheet + 1, cells, book.columns));
      if (sink.size >= SEGMENT) mine.push(zip.data(sink.take()));
    }
    if (sink.size) mine.push(zip.data(sink.take()));
    if (queued.length) yield await settle(queued);
    queued = mine;
  }
  const info = { rows, sheets };
  let tail = "";
  for (const [k, cells] of (book.footer?.(info) ?? []).entries())
    tail += rowXml(inSheet + 2 + k, cells, book.columns);
  const last = await settle([...queued, zip.data(Buffer.from(tail + SHEET_TAIL, "utf8"))]);
  yield Buffer.concat([last, zip.end()]);
  const names = Array.from({ length: sheets }, (_, i) => sheetName(book.sheetName, i, sheets));
  const extra = book.extra?.(info);
  const out: Buffer[] = [];
  if (extra) {
    names.push(sheetName(extra.name, 0, 1));
    out.push(zip.begin(`xl/worksheets/sheet${names.length}.xml`));
    let x = sheetHead(extra.widths, false, false);
    extra.rows.forEach((cells, i) => (x += rowXml(i + 1, cells, [])));
    out.push(await zip.data(Buffer.from(x + SHEET_TAIL, "utf8")), zip.end());
  }
  out.push(
    await zip.file("xl/styles.xml", STYLES_XML),
    await zip.file("xl/workbook.xml", workbookXml(names)),
    await zip.file("xl/_rels/workbook.xml.rels", workbookRels(names.length)),
    zip.finish(),
  );
  yield Buffer.concat(out);
}
