import { notFound } from "@/server/errors";
import { route } from "@/server/route";
import { statementSample } from "@/server/services/bank-statements";

/** GET /imports/bank/sample?bankId= — the demo's sample statement of a bank for the clerk's county. */
export const GET = route(async (actor, request) => {
  const bankId = Number(new URL(request.url).searchParams.get("bankId"));
  if (!Number.isInteger(bankId) || bankId <= 0) throw notFound();
  const sample = await statementSample(actor, bankId);
  if (!sample) throw notFound();
  return new Response(new Uint8Array(sample.content), {
    headers: {
      "Content-Type": sample.fileName.endsWith(".csv")
        ? "text/csv; charset=gb18030"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="statement-sample${sample.fileName.endsWith(".csv") ? ".csv" : ".xlsx"}"; filename*=UTF-8''${encodeURIComponent(sample.fileName)}`,
      "Cache-Control": "no-store",
    },
  });
});
