import { UPLOAD_LIMITS } from "@/config/limits";
import { invalid } from "@/server/errors";
import { withHeavy } from "@/server/heavy";
import { route } from "@/server/route";
import { importTargets } from "@/server/services/targets";

/** POST /targets/upload (multipart: file): all rows or none; answers JSON with the errors by row and column. */
export const POST = route(async (actor, request) => {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > UPLOAD_LIMITS.maxBodyBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const form = await request.formData();
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) throw invalid({ file: ["请选择要导入的 .xlsx 文件"] });
  if (file.size > UPLOAD_LIMITS.maxFileBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const buffer = Buffer.from(await file.arrayBuffer());
  return Response.json(await withHeavy(actor, "import", () => importTargets(actor, buffer)));
});
