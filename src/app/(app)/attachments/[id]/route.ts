import { Readable } from "node:stream";
import { notFound } from "@/server/errors";
import { recordId } from "@/server/params";
import { route } from "@/server/route";
import { openAttachment } from "@/server/services/attachments";

/** RFC 6266/5987: an ASCII fallback name and the real (UTF-8) one. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * GET /attachments/ID: the file, streamed from the store (never read whole), always as a download (never shown
 * inline in the app's origin). Refused or outside the reader's region: 404, as for an id that does not exist.
 */
export const GET = route<{ params: Promise<{ id: string }> }>(async (actor, _request, { params }) => {
  const id = recordId((await params).id);
  if (id === null) throw notFound();
  const file = await openAttachment(actor, id);
  return new Response(Readable.toWeb(file.body) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.sizeBytes),
      "Content-Disposition": disposition(file.fileName),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      Digest: `sha-256=${Buffer.from(file.sha256, "hex").toString("base64")}`,
    },
  });
});
