import "server-only";
import { once } from "node:events";
import { PassThrough, Readable, type Writable } from "node:stream";
import { stringify } from "csv-stringify";
import ExcelJS from "exceljs";
import { fenToYuan } from "@/domain";
import type { Actor } from "./authz";
import { auditExport, ledgerBatches, type LedgerDef, type LedgerKey, type LedgerQuery, type LedgerTotals } from "./services/ledgers";

export type ExportFormat = "csv" | "xlsx";

/** "贷款台账_榆中县_2026-01-01至2026-11-20.csv" as an RFC 6266 header (ASCII fallback + UTF-8 name). */
export function contentDisposition(def: LedgerDef, regionName: string, q: LedgerQuery, format: ExportFormat): string {
  const name = `${def.title}_${regionName}_${q.from}至${q.to}.${format}`;
  return `attachment; filename="ledger-${q.region}-${q.from}-${q.to}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function write(stream: Writable, chunk: unknown) {
  if (!stream.write(chunk)) await once(stream, "drain");
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
export function exportStream(actor: Actor, key: LedgerKey, def: LedgerDef, q: LedgerQuery, regionName: string, format: ExportFormat, signal: AbortSignal): ReadableStream<Uint8Array> {
  const totals: LedgerTotals = { rows: 0, sums: [] };
  const out = new PassThrough();
  const produce = async () => {
    if (format === "csv") {
      const csv = stringify({ bom: true, record_delimiter: "windows", quoted_match: /[",\r\n]/ });
      csv.pipe(out);
      await write(csv, def.columns.map((c) => c.header));
      for await (const batch of ledgerBatches(def, q, totals, signal)) for (const r of batch) await write(csv, r.shown);
      if (signal.aborted) throw new Error("cancelled");
      await write(csv, totalsRow(def, totals));
      csv.end();
      await once(csv, "finish");
    } else {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      const sheet = wb.addWorksheet(def.title, { views: [{ state: "frozen", ySplit: 1 }] });
      sheet.columns = def.columns.map((c) => ({ header: c.header, width: c.type === "text" ? 18 : 14, style: c.type === "money" ? { numFmt: "#,##0.00" } : {} }));
      for await (const batch of ledgerBatches(def, q, totals, signal)) {
        for (const r of batch) {
          // Amounts and counts as numbers (Excel sums them); text as text, already neutralised.
          sheet.addRow(def.columns.map((c, i) => (c.type === "money" || c.type === "int" ? (r.raw[i] === "" ? null : Number(r.raw[i])) : r.shown[i]))).commit();
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
        ["导出时间", new Date().toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })],
      ])
        summary.addRow(row).commit();
      summary.commit();
      await wb.commit();
    }
  };
  produce()
    .then(() => auditExport(actor, key, q, format, totals.rows, "OK"))
    .catch(async (e: unknown) => {
      out.destroy();
      await auditExport(actor, key, q, format, totals.rows, "FAILED", signal.aborted ? "用户取消或连接中断" : String(e)).catch(() => undefined);
    });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
