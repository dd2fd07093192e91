import { UPLOAD_LIMITS } from "@/config/limits";
import { invalid } from "@/server/errors";
import { acquireHeavy, withHeavy } from "@/server/heavy";
import { route } from "@/server/route";
import { commitStatement, previewStatement, readStatementHeaders } from "@/server/services/bank-statements";

/**
 * POST /imports/bank/upload (multipart: file, bankId, mapping (JSON), mode=headers|preview|commit).
 * headers and preview answer JSON; commit streams NDJSON progress lines ({done,total}) and ends with
 * {ok, result} or {ok:false, message}. The size is checked before the body is read, and again on the file.
 */
export const POST = route(async (actor, request) => {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > UPLOAD_LIMITS.maxBodyBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const form = await request.formData();
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0)
    throw invalid({ file: ["请选择银行还款明细文件（.xlsx 或 .csv）"] });
  if (file.size > UPLOAD_LIMITS.maxFileBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const buffer = Buffer.from(await file.arrayBuffer());
  const raw = {
    bankId: form.get("bankId"),
    fileName: file.name.slice(0, 255) || "还款明细",
    mapping: typeof form.get("mapping") === "string" && form.get("mapping") ? form.get("mapping") : undefined,
  };
  const mode = form.get("mode");
  if (mode === "headers") return Response.json(await readStatementHeaders(actor, raw, buffer));
  if (mode !== "commit")
    return Response.json(await withHeavy(actor, "import", () => previewStatement(actor, raw, buffer)));
  const release = acquireHeavy(actor, "import"); // held until the commit's stream ends
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (o: unknown) => {
        try {
          controller.enqueue(encoder.encode(JSON.stringify(o) + "\n"));
        } catch {
          /* the client went away: the commit still completes (all or nothing) */
        }
      };
      try {
        const result = await commitStatement(actor, raw, buffer, undefined, (done, total) =>
          send({ done, total }),
        );
        send({ ok: true, result });
      } catch (e) {
        const expected = e instanceof Error && "kind" in e;
        const fe = expected ? (e as { fieldErrors?: Record<string, string[]> }).fieldErrors : undefined;
        send({
          ok: false,
          message:
            fe?.file?.[0] ??
            fe?.mapping?.[0] ??
            (expected ? (e as Error).message : "系统错误，未写入任何数据"),
        });
        if (!expected) console.error("[bank statement]", e);
      } finally {
        release();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      }
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" },
  });
});
