import "server-only";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify/sync";
import { to as copyTo } from "pg-copy-streams";
import { EXPORT_LIMITS } from "@/config/limits";
import { fenToYuan, formatDateTime } from "@/domain";
import type { Actor } from "./authz";
import {
  auditExport,
  BEIJING_TIME,
  columnIndex,
  displaySql,
  ledgerTotals,
  type LedgerDef,
  type LedgerKey,
  type LedgerQuery,
  type LedgerTotals,
} from "./services/ledgers";
import { invalid } from "./errors";
import { CopyCsvRecords } from "./spreadsheet/copy-csv";
import { writeXlsx, type XlsxCell } from "./spreadsheet/write-xlsx";
import { pacedStream, pacerFor } from "./heavy";
import { reportingPool } from "./read-db";

export type ExportFormat = "csv" | "xlsx";

/** "贷款台账_榆中县_2026-01-01至2026-11-20.csv" as an RFC 6266 header (ASCII fallback + UTF-8 name). */
export function contentDisposition(
  def: LedgerDef,
  regionName: string,
  q: LedgerQuery,
  format: ExportFormat,
): string {
  const name = `${def.title}_${regionName}_${q.from}至${q.to}.${format}`;
  return `attachment; filename="ledger-${q.region}-${q.from}-${q.to}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** One CSV record (RFC 4180 quoting, CRLF), for the header and the totals row. */
const csvLine = (cells: string[]) => stringify([cells], { record_delimiter: "windows" });

const CRLF = Buffer.from([0x0d, 0x0a]);

/** LF → CRLF (RFC 4180) on COPY's output (0x0A never occurs inside a UTF-8 sequence). */
function crlf(): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, from)) {
        parts.push(chunk.subarray(from, at), CRLF);
        from = at + 1;
      }
      parts.push(chunk.subarray(from));
      cb(null, Buffer.concat(parts));
    },
  });
}

function totalsRow(def: LedgerDef, totals: LedgerTotals): string[] {
  const row: string[] = def.columns.map(() => "");
  row[0] = `合计（${totals.rows} 行）`;
  def.totals.forEach(
    (t, i) => (row[columnIndex(def, t.column, "money")] = fenToYuan(totals.sums[i]?.fen ?? 0)),
  );
  return row;
}

/** The labelled lines under the totals row: each excluded part, then the total without it. */
function partLines(def: LedgerDef, totals: LedgerTotals): string[][] {
  return totals.parts.flatMap((p) => {
    const i = columnIndex(def, p.column, "money");
    const line = (label: string, fen: number) =>
      def.columns.map((_, j) => (j === 0 ? label : j === i ? fenToYuan(fen) : ""));
    return [line(`${p.label}（${p.rows} 行）`, p.fen), line(p.without, p.withoutFen)];
  });
}

/** Options a test may change; the route uses the defaults of EXPORT_LIMITS. */
export interface ExportOptions {
  xlsxRowsPerSheet?: number;
  xlsxMaxRows?: number;
}

/** The refusal of an .xlsx above the row limit, with the way out (CSV has no such limit). */
export function xlsxTooLargeMessage(rows: number, max: number): string {
  return `本次导出共 ${rows.toLocaleString("zh-CN")} 行，超过 Excel (.xlsx) 导出的上限 ${max.toLocaleString("zh-CN")} 行。请缩小期间或地区，或改为导出 CSV（不限行数，Excel 和 WPS 均可打开）。`;
}

/**
 * The export as a byte stream: CSV (UTF-8 with BOM, RFC 4180, CRLF) or .xlsx (decision 011: written a batch at
 * a time as the client reads, a new worksheet every `xlsxRowsPerSheet` rows), rows from the database, a totals
 * row, and an audit event when it ends (or is cancelled). An .xlsx above `xlsxMaxRows` rows is refused
 * (INVALID, with a message offering CSV) before any byte is sent.
 */
export async function exportStream(
  actor: Actor,
  key: LedgerKey | "loanList",
  def: LedgerDef,
  q: LedgerQuery,
  regionName: string,
  format: ExportFormat,
  signal: AbortSignal,
  options: ExportOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  return format === "csv"
    ? csvStream(actor, key, def, q, signal)
    : xlsxStream(actor, key, def, q, regionName, signal, options);
}

function csvStream(
  actor: Actor,
  key: LedgerKey | "loanList",
  def: LedgerDef,
  q: LedgerQuery,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const totals: LedgerTotals = { rows: 0, sums: [], parts: [] };
  const out = new PassThrough();
  const produce = async () => {
    const client = await reportingPool().connect();
    let broken = false;
    try {
      // One snapshot: the rows and the totals (summed after them, in the same transaction) see the same
      // data. One pass at a time, at background priority (pacedStream), so an export never takes both cores.
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      // COPY streams the rows as CSV (RFC 4180 quoting) straight from PostgreSQL; labels, masks and
      // formula neutralisation are done in the SQL (displaySql); line ends become CRLF.
      out.write(Buffer.from([0xef, 0xbb, 0xbf]));
      out.write(csvLine(def.columns.map((c) => c.header)));
      if (signal.aborted) throw new Error("cancelled");
      const copy = client.query(copyTo(`COPY (${displaySql(def, q, client)}) TO STDOUT WITH (FORMAT csv)`));
      const abort = () => copy.destroy(new Error("cancelled"));
      signal.addEventListener("abort", abort, { once: true });
      try {
        await pipeline(copy, pacedStream(actor), crlf(), out, { end: false });
      } finally {
        signal.removeEventListener("abort", abort);
      }
      if (signal.aborted) throw new Error("cancelled");
      Object.assign(totals, await ledgerTotals(client, def, q));
      out.end([totalsRow(def, totals), ...partLines(def, totals)].map(csvLine).join(""));
      await client.query("COMMIT");
    } catch (e) {
      broken = true;
      throw e;
    } finally {
      // A connection left mid-COPY or mid-transaction is discarded, not reused.
      client.release(broken ? true : undefined);
    }
  };
  produce()
    .then(() => auditExport(actor, key, q, "csv", totals.rows, "OK"))
    .catch(async (e: unknown) => {
      out.destroy();
      await auditExport(
        actor,
        key,
        q,
        "csv",
        totals.rows,
        "FAILED",
        signal.aborted ? "用户取消或连接中断" : String(e),
      ).catch(() => undefined);
    });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/**
 * A ledger row as .xlsx cells from displaySql(…, "xlsx"): amounts and counts as numbers, dates as dates (both
 * the raw text), text as shown (neutralised); an empty value is an empty cell.
 */
function xlsxCells(def: LedgerDef, r: string[]): XlsxCell[] {
  return def.columns.map((c, i) => {
    const v = r[i] ?? "";
    if (v === "") return null;
    if (c.type === "money" || c.type === "int") return { num: v };
    if (c.type === "date") return { date: v };
    return v;
  });
}

async function xlsxStream(
  actor: Actor,
  key: LedgerKey | "loanList",
  def: LedgerDef,
  q: LedgerQuery,
  regionName: string,
  signal: AbortSignal,
  options: ExportOptions,
): Promise<ReadableStream<Uint8Array>> {
  const maxRows = options.xlsxMaxRows ?? EXPORT_LIMITS.xlsxMaxRows;
  const client = await reportingPool().connect();
  let totals: LedgerTotals;
  try {
    // One snapshot: the totals (and the row count checked against the limit) and the rows see the same data.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    totals = await ledgerTotals(client, def, q);
  } catch (e) {
    client.release(true);
    throw e;
  }
  if (totals.rows > maxRows) {
    await client.query("ROLLBACK").finally(() => client.release());
    const message = xlsxTooLargeMessage(totals.rows, maxRows);
    await auditExport(actor, key, q, "xlsx", totals.rows, "FAILED", message);
    throw invalid({ format: [message] }, message);
  }
  const rowsTotal = totals.rows;
  // The rows by COPY (like the CSV export), read a network chunk at a time: each chunk's records become cells
  // and XML before the next is read, so no row lives long enough to reach V8's old generation (with a cursor's
  // 2,000-row batches it did, and the heap grew by ~120 MB of garbage before a full collection).
  async function* batches(): AsyncGenerator<XlsxCell[][]> {
    let n = 0;
    const pace = pacerFor(actor); // background priority, like the CSV export
    const records = new CopyCsvRecords();
    const copy = client.query(
      copyTo(`COPY (${displaySql(def, q, client, "xlsx")}) TO STDOUT WITH (FORMAT csv)`),
    );
    const abort = () => copy.destroy(new Error("cancelled"));
    signal.addEventListener("abort", abort, { once: true });
    try {
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        await pace();
        const rows = records.push(chunk);
        n += rows.length;
        if (n > rowsTotal) throw new Error("more rows than counted in the same snapshot");
        if (rows.length) yield rows.map((r) => xlsxCells(def, r));
      }
      records.end();
    } finally {
      signal.removeEventListener("abort", abort);
      if (!copy.destroyed) copy.destroy();
    }
    if (signal.aborted) throw new Error("cancelled");
    if (n !== rowsTotal) throw new Error("fewer rows than counted in the same snapshot");
  }
  const money = (fen: number): XlsxCell => ({ num: fenToYuan(fen), fmt: "money" });
  const chunks = writeXlsx({
    sheetName: def.title,
    rowsPerSheet: options.xlsxRowsPerSheet,
    columns: def.columns.map((c) => ({
      header: c.header,
      width: c.type === "text" || c.type === "instant" ? 18 : c.type === "date" ? 12 : 14,
      // Instants are written as Beijing-time text (labelled in the header), like the screen shows them.
      format: c.type === "text" || c.type === "instant" ? undefined : c.type,
    })),
    batches: batches(),
    footer: ({ sheets }) =>
      [totalsRow(def, totals), ...partLines(def, totals)].map((line, k) =>
        line.map((v, i): XlsxCell => {
          if (i === 0)
            return k === 0 && sheets > 1 ? `合计（全部 ${totals.rows} 行，共 ${sheets} 个工作表）` : v;
          return v === "" ? null : { num: v };
        }),
      ),
    extra: ({ sheets }) => ({
      name: "汇总",
      widths: [28, 40],
      rows: [
        ["台账", def.title],
        ["地区", `${regionName}（${q.region}）`],
        ["期间", `${q.from} 至 ${q.to}`],
        ["口径", def.periodNote],
        ["行数", { num: String(totals.rows), fmt: "int" }],
        ["工作表", { num: String(sheets), fmt: "int" }],
        ...totals.sums.map((s): XlsxCell[] => [`${s.label}（元）`, money(s.fen)]),
        ...totals.parts.flatMap((p): XlsxCell[][] => [
          [`${p.label}（${p.rows} 行，元）`, money(p.fen)],
          [`${p.without}（元）`, money(p.withoutFen)],
        ]),
        ["导出人", `${actor.displayName}（${actor.username}）`],
        [`导出时间（${BEIJING_TIME}）`, formatDateTime(new Date())],
      ],
    }),
  });
  let completed = false;
  async function* audited(): AsyncGenerator<Buffer> {
    let broken = true;
    let failure: unknown = null;
    try {
      yield* chunks;
      await client.query("COMMIT");
      broken = false;
      completed = true;
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      // A connection left mid-cursor or mid-transaction is discarded, not reused.
      client.release(broken ? true : undefined);
      if (completed) await auditExport(actor, key, q, "xlsx", totals.rows, "OK");
      else
        await auditExport(
          actor,
          key,
          q,
          "xlsx",
          totals.rows,
          "FAILED",
          signal.aborted || failure === null ? "用户取消或连接中断" : String(failure),
        ).catch(() => undefined);
    }
  }
  const it = audited();
  let started = false;
  const stop = async () => {
    if (started) await it.return(undefined);
    else {
      // Never pulled: the generator's finally would not run; give back the connection and audit here.
      started = true;
      client.release(true);
      await auditExport(actor, key, q, "xlsx", totals.rows, "FAILED", "用户取消或连接中断").catch(
        () => undefined,
      );
    }
  };
  // A client that goes away without cancelling the body must not leave the cursor (and connection) open.
  signal.addEventListener("abort", () => void stop().catch(() => undefined), { once: true });
  // Pull model: the next chunk is made only when the consumer has taken the last one (one chunk queued), so
  // a slow client slows the export instead of filling memory.
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        started = true;
        try {
          const r = await it.next();
          if (r.done) controller.close();
          else controller.enqueue(new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.byteLength));
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await stop();
      },
    },
    { highWaterMark: 1 },
  );
}
