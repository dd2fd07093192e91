import { notFound as notFoundError } from "@/server/errors";
import { exportStream, contentDisposition, type ExportFormat } from "@/server/exports";
import { acquireHeavy, holdWhileStreaming } from "@/server/heavy";
import { route } from "@/server/route";
import { authoriseLedger, isLedgerKey, ledgerRegionName, ledgerRowEstimate } from "@/server/services/ledgers";

/** GET /ledgers/{kind}/export?format=csv|xlsx&region=&from=&to= — a streamed ledger file. */
export const GET = route<{ params: Promise<{ kind: string }> }>(async (actor, request, { params }) => {
  const { kind } = await params;
  const url = new URL(request.url);
  if (!isLedgerKey(kind)) throw notFoundError();
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : ("csv" as ExportFormat);
  const q = {
    region: url.searchParams.get("region") ?? actor.regionCode,
    from: url.searchParams.get("from") ?? "",
    to: url.searchParams.get("to") ?? "",
    outstanding: kind === "loans" && url.searchParams.get("outstanding") === "1",
  };
  const def = await authoriseLedger(actor, kind, q, "ledger.export");
  const [regionName, rows] = await Promise.all([ledgerRegionName(q.region), ledgerRowEstimate(def, q)]);
  // One export per user at a time, a few for everyone: held until the download ends (src/server/heavy.ts).
  const release = acquireHeavy(actor, "export");
  let body: ReadableStream<Uint8Array>;
  try {
    // An .xlsx above the row limit is refused here (INVALID, a message offering CSV) before any byte is sent.
    body = holdWhileStreaming(
      await exportStream(actor, kind, def, q, regionName, format, request.signal),
      release,
    );
  } catch (e) {
    release();
    throw e;
  }
  return new Response(body, {
    headers: {
      "Content-Type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": contentDisposition(def, regionName, q, format),
      "Cache-Control": "no-store",
      "X-Row-Estimate": String(rows),
    },
  });
});
