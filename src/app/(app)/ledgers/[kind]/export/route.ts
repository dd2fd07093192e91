import { AppError } from "@/server/errors";
import { exportStream, contentDisposition, type ExportFormat } from "@/server/exports";
import { db } from "@/server/db";
import { getActor } from "@/server/session";
import { authoriseLedger, isLedgerKey, ledgerRowCount } from "@/server/services/ledgers";

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, INVALID: 400, CONFLICT: 409 } as const;

/** GET /ledgers/{kind}/export?format=csv|xlsx&region=&from=&to= — a streamed ledger file. */
export async function GET(request: Request, { params }: { params: Promise<{ kind: string }> }) {
  const { kind } = await params;
  const url = new URL(request.url);
  const actor = await getActor();
  if (!actor) return new Response("请先登录", { status: 401 });
  if (!isLedgerKey(kind)) return new Response("没有这个台账", { status: 404 });
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : ("csv" as ExportFormat);
  const q = { region: url.searchParams.get("region") ?? actor.regionCode, from: url.searchParams.get("from") ?? "", to: url.searchParams.get("to") ?? "" };
  try {
    const def = await authoriseLedger(actor, kind, q, "ledger.export");
    const [region, rows] = await Promise.all([db.region.findUnique({ where: { code: q.region }, select: { name: true } }), ledgerRowCount(def, q)]);
    return new Response(exportStream(actor, kind, def, q, region?.name ?? q.region, format, request.signal), {
      headers: {
        "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": contentDisposition(def, region?.name ?? q.region, q, format),
        "Cache-Control": "no-store",
        "X-Row-Count": String(rows),
      },
    });
  } catch (e) {
    if (e instanceof AppError) return new Response(e.message, { status: STATUS[e.kind] });
    throw e;
  }
}
