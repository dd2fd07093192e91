import { notFound } from "@/server/errors";
import { route } from "@/server/route";
import { SAMPLE_KINDS, statementSample, type SampleKind } from "@/server/services/bank-statements";

/**
 * GET /imports/bank/sample?bankId=&kind=REPAYMENT|INTEREST — the demo's sample statement of a bank for the
 * clerk's county: the month's repayment statement (default) or the quarter's interest statement.
 */
export const GET = route(async (actor, request) => {
  const params = new URL(request.url).searchParams;
  const bankId = Number(params.get("bankId"));
  if (!Number.isInteger(bankId) || bankId <= 0) throw notFound();
  const kind = (params.get("kind") ?? "REPAYMENT") as SampleKind;
  if (!SAMPLE_KINDS.includes(kind)) throw notFound();
  const sample = await statementSample(actor, bankId, kind);
  if (!sample) throw notFound();
  const ext = sample.fileName.endsWith(".csv") ? ".csv" : ".xlsx";
  const ascii = kind === "REPAYMENT" ? "statement-sample" : "interest-statement-sample";
  return new Response(new Uint8Array(sample.content), {
    headers: {
      "Content-Type":
        ext === ".csv"
          ? "text/csv; charset=gb18030"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${ascii}${ext}"; filename*=UTF-8''${encodeURIComponent(sample.fileName)}`,
      "Cache-Control": "no-store",
    },
  });
});
