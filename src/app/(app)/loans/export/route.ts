import { contentDisposition, exportStream, type ExportFormat } from "@/server/exports";
import { invalid } from "@/server/errors";
import { acquireHeavy, holdWhileStreaming } from "@/server/heavy";
import { route } from "@/server/route";
import { loanListLedger } from "@/server/services/loan-list";

/** GET /loans/export?format=csv|xlsx&<the list's filter> — the filtered loan list through the ledgers' streaming export. */
export const GET = route(async (actor, request) => {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : ("csv" as ExportFormat);
  const raw = Object.fromEntries([...url.searchParams].filter(([k]) => k !== "format"));
  let ledger;
  try {
    ledger = await loanListLedger(actor, raw);
  } catch (e) {
    if (e instanceof Error && e.name === "ZodError") throw invalid({ q: ["筛选条件不正确"] });
    throw e;
  }
  const { def, q } = ledger;
  const release = acquireHeavy(actor, "export");
  let body: ReadableStream<Uint8Array>;
  try {
    body = holdWhileStreaming(
      await exportStream(actor, "loanList", def, q, q.region, format, request.signal),
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
      "Content-Disposition": contentDisposition(def, q.region, q, format),
      "Cache-Control": "no-store",
    },
  });
});
