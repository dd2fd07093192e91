import "server-only";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify/sync";
import { to as copyTo } from "pg-copy-streams";
import ExcelJS from "exceljs";
import { fenToYuan, formatDateTime } from "@/domain";
import type { Actor } from "./authz";
import {
  auditExport,
  BEIJING_TIME,
  displaySql,
  ledgerBatches,
  ledgerTotals,
  type LedgerDef,
  type LedgerKey,
  type LedgerQuery,
  type LedgerTotals,
} from "./services/ledgers";
import { streamPool } from "./stream-db";

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

/** The totals of a ledger on another connection, in the exporting transaction's snapshot. */
async function sumInSnapshot(snapshot: string, def: LedgerDef, q: LedgerQuery): Promise<LedgerTotals> {
  const other = await streamPool().connect();
  try {
    await other.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await other.query(`SET TRANSACTION SNAPSHOT ${other.escapeLiteral(snapshot)}`);
    const t = await ledgerTotals(other, def, q);
    await other.query("COMMIT");
    return t;
  } finally {
    other.release();
  }
}

/** One CSV record (RFC 4180 quoting, CRLF), for the header and the totals row. */
const csvLine = (cells: string[]) => stringify([cells], { record_delimiter: "windows" });

/** LF → CRLF (RFC 4180) on COPY's output, byte by byte (0x0A never occurs inside a UTF-8 sequence). */
function crlf(): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      let n = 0;
      for (const b of chunk) if (b === 0x0a) n++;
      const outBuf = Buffer.allocUnsafe(chunk.length + n);
      let j = 0;
      for (const b of chunk) {
        if (b === 0x0a) outBuf[j++] = 0x0d;
        outBuf[j++] = b;
      }
      cb(null, outBuf);
    },
  });
}

function totalsRow(def: LedgerDef, totals: LedgerTotals): (string | number)[] {
  const row: (string | number)[] = def.columns.map(() => "");
  row[0] = `合计（${totals.rows} 行）`;
  def.totals.forEach((t, i) => (row[t.column] = fenToYuan(totals.sums[i]?.fen ?? 0)));
  return row;
}

/**
 * The export as a byte stream: CSV (UTF-8 with BOM, RFC 4180, CRLF) or .xlsx (streamed workbook writer),
 * rows from a database cursor, a totals row, and an audit event when it ends (or is cancelled).
 */
export function exportStream(
  actor: Actor,
  key: LedgerKey,
  def: LedgerDef,
  q: LedgerQuery,
  regionName: string,
  format: ExportFormat,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const totals: LedgerTotals = { rows: 0, sums: [] };
  const out = new PassThrough();
  const produce = async () => {
    const client = await streamPool().connect();
    let broken = false;
    try {
      // One snapshot: the totals and the rows see the same data. For CSV the totals are summed on a second
      // connection that imports the snapshot, while COPY streams the rows (two cores, one pass each).
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      if (format === "xlsx") Object.assign(totals, await ledgerTotals(client, def, q));
      if (format === "csv") {
        const snapshot = (await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id")).rows[0]!
          .id;
        const totalsDone = sumInSnapshot(snapshot, def, q).then((t) => Object.assign(totals, t));
        totalsDone.catch(() => undefined); // awaited below; an early failure must not be unhandled
        // COPY streams the rows as CSV (RFC 4180 quoting) straight from PostgreSQL; labels, masks and
        // formula neutralisation are done in the SQL (displaySql); line ends become CRLF.
        out.write(Buffer.from([0xef, 0xbb, 0xbf]));
        out.write(csvLine(def.columns.map((c) => c.header)));
        if (signal.aborted) throw new Error("cancelled");
        const copy = client.query(copyTo(`COPY (${displaySql(def, q, client)}) TO STDOUT WITH (FORMAT csv)`));
        const abort = () => copy.destroy(new Error("cancelled"));
        signal.addEventListener("abort", abort, { once: true });
        try {
          await pipeline(copy, crlf(), out, { end: false });
        } finally {
          signal.removeEventListener("abort", abort);
        }
        if (signal.aborted) throw new Error("cancelled");
        await totalsDone;
        out.end(csvLine(totalsRow(def, totals).map(String)));
      } else {
        const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
          stream: out,
          useStyles: true,
          useSharedStrings: false,
        });
        const sheet = wb.addWorksheet(def.title, { views: [{ state: "frozen", ySplit: 1 }] });
        sheet.columns = def.columns.map((c) => ({
          header: c.header,
          width: c.type === "text" || c.type === "instant" ? 18 : 14,
          style: c.type === "money" ? { numFmt: "#,##0.00" } : {},
        }));
        for await (const batch of ledgerBatches(client, def, q, signal)) {
          for (const r of batch) {
            // Amounts and counts as numbers (Excel sums them); text as text, already neutralised.
            sheet
              .addRow(
                def.columns.map((c, i) =>
                  c.type === "money" || c.type === "int"
                    ? r.raw[i] === ""
                      ? null
                      : Number(r.raw[i])
                    : r.shown[i],
                ),
              )
              .commit();
          }
        }
        if (signal.aborted) throw new Error("cancelled");
        sheet.addRow(totalsRow(def, totals).map((v, i) => (i > 0 && v !== "" ? Number(v) : v))).commit();
        sheet.commit();
        const summary = wb.addWorksheet("汇总");
        summary.columns = [{ width: 28 }, { width: 40 }];
        for (const row of [
          ["台账", def.title],
          ["地区", `${regionName}（${q.region}）`],
          ["期间", `${q.from} 至 ${q.to}`],
          ["口径", def.periodNote],
          ["行数", totals.rows],
          ...totals.sums.map((s) => [`${s.label}（元）`, Number(fenToYuan(s.fen))]),
          ["导出人", `${actor.displayName}（${actor.username}）`],
          [`导出时间（${BEIJING_TIME}）`, formatDateTime(new Date())],
        ])
          summary.addRow(row).commit();
        summary.commit();
        await wb.commit();
      }
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
    .then(() => auditExport(actor, key, q, format, totals.rows, "OK"))
    .catch(async (e: unknown) => {
      out.destroy();
      await auditExport(
        actor,
        key,
        q,
        format,
        totals.rows,
        "FAILED",
        signal.aborted ? "用户取消或连接中断" : String(e),
      ).catch(() => undefined);
    });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
