import { UPLOAD_LIMITS } from "@/config/limits";
import { invalid, notFound } from "@/server/errors";
import { route } from "@/server/route";
import { readInterestHeaders, uploadInterestStatement } from "@/server/services/interest-statements";

/** POST /claims/{id}/bank-statement (multipart: file, mapping (JSON), mode=headers|upload) — the bank's interest statement. */
export const POST = route<{ params: Promise<{ id: string }> }>(async (actor, request, { params }) => {
  const claimId = Number((await params).id);
  if (!Number.isInteger(claimId) || claimId <= 0) throw notFound();
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > UPLOAD_LIMITS.maxBodyBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const form = await request.formData();
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0)
    throw invalid({ file: ["请选择银行的利息清单（.xlsx 或 .csv）"] });
  if (file.size > UPLOAD_LIMITS.maxFileBytes) throw invalid({ file: ["文件不能超过 20 MB"] });
  const buffer = Buffer.from(await file.arrayBuffer());
  const mapping = form.get("mapping");
  const raw = {
    claimId,
    fileName: file.name.slice(0, 255) || "利息清单",
    mapping: typeof mapping === "string" && mapping ? mapping : undefined,
  };
  if (form.get("mode") === "headers") return Response.json(await readInterestHeaders(actor, raw, buffer));
  return Response.json(await uploadInterestStatement(actor, raw, buffer));
});
