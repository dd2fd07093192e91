import { notFound } from "@/server/errors";
import { acquireHeavy, holdWhileStreaming } from "@/server/heavy";
import { route } from "@/server/route";
import { exportStatementFile } from "@/server/services/bank-statements";
import { writeXlsx } from "@/server/spreadsheet/write-xlsx";

/** GET /bank-files/{id}/export — the reconciliation record as .xlsx (audited in the service). */
export const GET = route<{ params: Promise<{ id: string }> }>(async (actor, _request, { params }) => {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const release = acquireHeavy(actor, "export");
  let body: ReadableStream<Uint8Array>;
  let fileName: string;
  try {
    const x = await exportStatementFile(actor, id);
    fileName = x.fileName;
    const chunks = writeXlsx(x.book);
    body = holdWhileStreaming(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(new Uint8Array(value));
        },
      }),
      release,
    );
  } catch (e) {
    release();
    throw e;
  }
  return new Response(body, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="bank-statement-${id}.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
});
