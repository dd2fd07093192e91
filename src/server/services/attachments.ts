import "server-only";
import type { Readable } from "node:stream";
import sharp from "sharp";
import { z } from "zod";
import {
  ATTACHMENT_KINDS,
  can,
  cleanFileName,
  isImageType,
  sniffType,
  SNIFF_BYTES,
  type AttachmentKind,
  type AttachmentType,
} from "@/domain";
import { ATTACHMENT_LIMITS } from "@/config/limits";
import { TooLargeError, type StagedBlob } from "@/shared/storage";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { AppError, invalid, notFound, parseOrInvalid } from "../errors";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { attachmentStore } from "../storage";

/**
 * The borrower's attachments (issue 23 item 3, decision 041): uploaded by the county's staff, streamed to the
 * attachment store while hashed (never held whole in memory), typed by their first bytes, images verified by
 * decoding them; listed and downloaded by whoever may see the borrower, in her region (outside it: the same
 * answer as no such record). Every upload and every download is audited with the file's SHA-256.
 */

// A server keeps no decoded images between requests and decodes one at a time: memory stays flat.
sharp.cache(false);
sharp.concurrency(1);

export interface AttachmentDto {
  id: number;
  kind: AttachmentKind;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  loanId: number | null;
  uploadedAt: string;
  uploadedBy: string;
  /** The reader may download it (an ID copy needs attachment.readIdCopy). */
  mayDownload: boolean;
}

export interface AttachmentListDto {
  items: AttachmentDto[];
  total: number;
  mayUpload: boolean;
}

const select = {
  id: true,
  kind: true,
  fileName: true,
  contentType: true,
  sizeBytes: true,
  sha256: true,
  loanId: true,
  uploadedAt: true,
  uploadedById: true,
} as const;

const mayDownloadKind = (actor: Actor, kind: AttachmentKind) =>
  kind !== "ID_COPY" || can(actor.role, "attachment.readIdCopy");

async function uploaderNames(ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, displayName: true },
  });
  return new Map(users.map((u) => [u.id, u.displayName]));
}

/** The attachments of a borrower of the actor's region, newest first. */
export async function listAttachments(actor: Actor, borrowerId: number): Promise<AttachmentListDto> {
  const target = { action: "attachment.list", entity: "Borrower", entityId: borrowerId };
  await requirePermission(actor, "attachment.read", target);
  await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: borrowerId },
      select: { countyCode: true, villageCode: true },
    }),
    target,
  );
  const [rows, total] = await Promise.all([
    db.attachment.findMany({
      where: { borrowerId },
      select,
      orderBy: [{ uploadedAt: "desc" }, { id: "desc" }],
      take: ATTACHMENT_LIMITS.listed,
    }),
    db.attachment.count({ where: { borrowerId } }),
  ]);
  const names = await uploaderNames(rows.map((r) => r.uploadedById));
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      fileName: r.fileName,
      contentType: r.contentType,
      sizeBytes: r.sizeBytes,
      sha256: r.sha256,
      loanId: r.loanId,
      uploadedAt: r.uploadedAt.toISOString(),
      uploadedBy: names.get(r.uploadedById) ?? "",
      mayDownload: mayDownloadKind(actor, r.kind),
    })),
    total,
    mayUpload: can(actor.role, "attachment.write"),
  };
}

export const uploadInput = z.object({
  borrowerId: z.coerce.number().int().positive(),
  loanId: z.coerce.number().int().positive().optional(),
  kind: z.enum(ATTACHMENT_KINDS, { error: () => "请选择附件类别" }),
  fileName: z.string().max(1000).default(""),
});

const TYPE_MESSAGE = "只接受 PDF、JPEG、PNG 或 WebP 文件（按文件内容判断，不按扩展名）";
const tooLarge = () =>
  invalid({ file: [`文件不能超过 ${ATTACHMENT_LIMITS.maxFileBytes / 1024 / 1024} MB`] }, "文件过大");

/**
 * An image is verified by decoding it whole (to a small thumbnail, which libvips does a strip at a time, so
 * memory does not grow with the picture): a file that only starts like an image, a truncated one, or one that
 * would decode to more than the pixel limit is refused. Its bytes are kept as uploaded (decision 041).
 */
async function verifyImage(staged: StagedBlob, type: AttachmentType): Promise<string | null> {
  const input = staged.localPath;
  if (!input) return "无法检查图片"; // a store without a disk would pass a stream here
  try {
    const image = sharp(input, {
      limitInputPixels: ATTACHMENT_LIMITS.maxImagePixels,
      sequentialRead: true,
      failOn: "truncated",
    });
    const meta = await image.metadata();
    const format = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp" }[type as string];
    if (meta.format !== format || !meta.width || !meta.height) return "图片文件已损坏或不是所示的格式";
    await image.resize(64, 64, { fit: "inside" }).raw().toBuffer();
    return null;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (/pixel limit/i.test(m)) return "图片像素过多，请缩小后再上传";
    return "图片文件已损坏或无法读取";
  }
}

/**
 * Stores one file for a borrower of the actor's county: permission and region are checked before a byte is
 * read; the body is streamed to the store's staging area (hashed, counted, bounded), typed from its first bytes,
 * an image decoded; then the record and its audit event (with the SHA-256) are written in one transaction and
 * the bytes committed under their content key. A refused file leaves nothing behind.
 */
export async function uploadAttachment(
  actor: Actor,
  raw: unknown,
  body: Readable | ReadableStream<Uint8Array> | null,
  declaredLength?: number,
): Promise<AttachmentDto> {
  const input = parseOrInvalid(uploadInput, raw);
  const target = { action: "attachment.upload", entity: "Borrower", entityId: input.borrowerId };
  await requirePermission(actor, "attachment.write", target);
  const borrower = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: input.borrowerId },
      select: { id: true, countyCode: true, villageCode: true },
    }),
    target,
  );
  if (input.loanId !== undefined) {
    const loan = await db.loan.findUnique({ where: { id: input.loanId }, select: { borrowerId: true } });
    if (loan?.borrowerId !== borrower.id) throw invalid({ loanId: ["该贷款不属于此借款人"] });
  }
  if (declaredLength !== undefined && declaredLength > ATTACHMENT_LIMITS.maxFileBytes) throw tooLarge();
  if (!body) throw invalid({ file: ["请选择要上传的文件"] });

  const store = attachmentStore();
  let staged: StagedBlob;
  try {
    staged = await store.stage(body, ATTACHMENT_LIMITS.maxFileBytes, SNIFF_BYTES);
  } catch (e) {
    if (e instanceof TooLargeError) throw tooLarge();
    throw e;
  }
  try {
    if (staged.size === 0) throw invalid({ file: ["文件是空的"] });
    const type = sniffType(staged.head);
    if (!type) throw invalid({ file: [TYPE_MESSAGE] }, "文件类型不被接受");
    if (isImageType(type)) {
      const problem = await verifyImage(staged, type);
      if (problem) throw invalid({ file: [problem] }, "图片无效");
    }
    const fileName = cleanFileName(input.fileName, type);
    const storageKey = await staged.commit();
    const row = await db.$transaction(async (tx) => {
      const created = await tx.attachment.create({
        data: {
          countyCode: borrower.countyCode,
          villageCode: borrower.villageCode,
          borrowerId: borrower.id,
          loanId: input.loanId ?? null,
          kind: input.kind,
          fileName,
          contentType: type,
          sizeBytes: staged.size,
          sha256: staged.sha256,
          storageKey,
          uploadedById: actor.id,
        },
        select,
      });
      await writeAudit(tx, {
        action: "attachment.upload",
        entity: "Attachment",
        entityId: String(created.id),
        countyCode: borrower.countyCode,
        after: {
          borrowerId: borrower.id,
          loanId: created.loanId,
          kind: created.kind,
          fileName,
          contentType: type,
          sizeBytes: staged.size,
          sha256: staged.sha256,
        },
        outcome: "OK",
        ...actorFields(actor),
      });
      return created;
    });
    return {
      ...row,
      uploadedAt: row.uploadedAt.toISOString(),
      uploadedBy: actor.displayName,
      mayDownload: true,
    };
  } catch (e) {
    await staged.discard();
    // A refused file is audited (what was tried, and its hash), so an attempt to plant one is on the record.
    if (e instanceof AppError)
      await writeAudit(db, {
        action: "attachment.upload",
        entity: "Borrower",
        entityId: String(borrower.id),
        countyCode: borrower.countyCode,
        after: { sizeBytes: staged.size, sha256: staged.sha256, head: staged.head.toString("hex") },
        outcome: "DENIED",
        message: "refused file",
        ...actorFields(actor),
      });
    throw e;
  }
}

export interface AttachmentDownload {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  body: Readable;
}

/**
 * One attachment's bytes, for a reader who may see its borrower (role and region; an ID copy only for the roles
 * that may see the ID number or must check it). Audited before a byte is sent, with the hash of what is sent.
 */
export async function openAttachment(actor: Actor, id: number): Promise<AttachmentDownload> {
  const target = { action: "attachment.download", entity: "Attachment", entityId: id };
  await requirePermission(actor, "attachment.read", target);
  const a = await requireInScope(
    actor,
    await db.attachment.findUnique({
      where: { id },
      select: { ...select, countyCode: true, villageCode: true, storageKey: true, borrowerId: true },
    }),
    target,
  );
  if (!mayDownloadKind(actor, a.kind)) {
    await requirePermission(actor, "attachment.readIdCopy", { ...target, countyCode: a.countyCode });
  }
  const body = await attachmentStore().open(a.storageKey);
  if (!body) {
    await writeAudit(db, {
      ...target,
      entityId: String(id),
      countyCode: a.countyCode,
      outcome: "FAILED",
      message: `file missing from the store: ${a.storageKey}`,
      ...actorFields(actor),
    });
    console.error("[attachments] file missing from the store", a.storageKey);
    throw notFound();
  }
  try {
    await writeAudit(db, {
      ...target,
      entityId: String(id),
      countyCode: a.countyCode,
      after: { borrowerId: a.borrowerId, kind: a.kind, fileName: a.fileName, sha256: a.sha256 },
      outcome: "OK",
      ...actorFields(actor),
    });
  } catch (e) {
    body.destroy(); // not audited, not sent
    throw e;
  }
  return {
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    body,
  };
}
