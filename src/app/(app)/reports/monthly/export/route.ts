import { acquireHeavy, holdWhileStreaming } from "@/server/heavy";
import { route } from "@/server/route";
import { monthlyReportWorkbook } from "@/server/services/monthly-report";

/** GET /reports/monthly/export?region=&month=YYYY-MM — the 统计月报 as .xlsx in the fixed layout (audited). */
export const GET = route(async (actor, request) => {
  const url = new URL(request.url);
  const release = acquireHeavy(actor, "export");
  try {
    const book = await monthlyReportWorkbook(actor, {
      region: url.searchParams.get("region") ?? actor.regionCode.slice(0, 6),
      month: url.searchParams.get("month") ?? "",
    });
    const chunks = book.chunks;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      },
    });
    return new Response(holdWhileStreaming(body, release), {
      headers: {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": `attachment; filename="monthly-report.xlsx"; filename*=UTF-8''${encodeURIComponent(book.filename)}`,
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    release();
    throw e;
  }
});
