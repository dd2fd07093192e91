/**
 * The borrower's file (issue 23 item 3, decision 041): the kinds of attachment and the file types accepted.
 * A file's type is decided from its first bytes, never from its name or the type the browser declares.
 */
export const ATTACHMENT_KINDS = [
  "CONTRACT",
  "ID_COPY",
  "MULTI_PARTY_AGREEMENT",
  "INSURANCE_POLICY",
  "VISIT_PHOTO",
  "OTHER",
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const ATTACHMENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** How many first bytes `sniffType` needs. */
export const SNIFF_BYTES = 16;

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);

/**
 * The type of a file from its first bytes: a PDF (`%PDF-`), a JPEG (FF D8 FF), a PNG (its 8-byte signature) or
 * a WebP (`RIFF….WEBP`); anything else (an executable, an archive, an Office file, HTML, SVG) is null: refused.
 */
export function sniffType(head: Uint8Array): AttachmentType | null {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8))
    return "image/webp";
  return null;
}

export const isImageType = (t: AttachmentType) => t !== "application/pdf";

/** The usual file-name extension of each type (a download's name keeps the uploaded name, with this if it has none). */
export const TYPE_EXTENSIONS: Record<AttachmentType, string> = {
  "application/pdf": ".pdf",
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/webp": ".webp",
};

/**
 * The name to keep: the last path part of what the browser sent, without control characters and the characters
 * Windows refuses, at most 100 characters (the extension kept), never empty.
 */
export function cleanFileName(raw: string, type: AttachmentType): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  let name = base
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "")
    .trim()
    .replace(/^\.+/, "");
  const ext = TYPE_EXTENSIONS[type];
  if (!name) name = `file${ext}`;
  if (!/\.[A-Za-z0-9]{1,5}$/.test(name)) name += ext;
  if ([...name].length > 100) {
    const dot = name.lastIndexOf(".");
    const tail = name.slice(dot);
    name = [...name.slice(0, dot)].slice(0, 100 - tail.length).join("") + tail;
  }
  return name;
}
