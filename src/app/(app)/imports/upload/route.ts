import { UPLOAD_LIMITS } from "@/config/limits";
import { invalid } from "@/server/errors";
import { acquireHeavy, withHeavy } from "@/server/heavy";
import { route } from "@/server/route";
import { commitImport, previewImport } from "@/server/services/imports";

/**
 * POST /imports/upload (multipart: file, mode=preview|commit). Preview answers JSON; commit streams
 * NDJSON progress lines ({done,total}) and ends with {ok, result} or {ok:false, message}.
 */
export const POST = route(async (actor, request) => {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > UPLOAD_LIMITS.maxBodyBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const form = await request.formData();
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) throw invalid({ file: ["请选择要导入的 .xlsx 文件"] });
  if (file.size > UPLOAD_LIMITS.maxFileBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const buffer = Buffer.from(await file.arrayBuffer());
  if (form.get("mode") !== "commit")
    return Response.json(await withHeavy(actor, "import", () => previewImport(actor, buffer)));
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
        const result = await commitImport(actor, buffer, undefined, (done, total) => {
          send({ done, total });
        });
        send({ ok: true, result });
      } catch (e) {
        send({
          ok: false,
          message:
            e instanceof Error && "kind" in e
              ? ((e as { fieldErrors?: Record<string, string[]> }).fieldErrors?.file?.[0] ?? e.message)
              : "系统错误，未导入任何数据",
        });
        if (!(e instanceof Error && "kind" in e)) console.error("[import]", e);
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
