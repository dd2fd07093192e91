import { route } from "@/server/route";
import { uploadAttachment } from "@/server/services/attachments";

/**
 * POST /attachments/upload?borrower=ID&kind=CONTRACT&name=借款合同.pdf[&loan=ID] with the file itself as the
 * body (not multipart: the bytes stream straight to the store, decision 041). Answers the new attachment.
 * The proxy does not see this path (src/proxy.ts), so Next.js does not buffer the body for it.
 */
export const POST = route(async (actor, request) => {
  const q = new URL(request.url).searchParams;
  const length = request.headers.get("content-length");
  const attachment = await uploadAttachment(
    actor,
    {
      borrowerId: q.get("borrower") ?? "",
      loanId: q.get("loan") || undefined,
      kind: q.get("kind") ?? "",
      fileName: q.get("name") ?? "",
    },
    request.body,
    length === null ? undefined : Number(length),
  );
  return Response.json({ ok: true, attachment }, { headers: { "Cache-Control": "no-store" } });
});
