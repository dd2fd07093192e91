import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { updateBorrower } from "@/server/services/borrowers";
import { listAttachments, openAttachment, uploadAttachment } from "@/server/services/attachments";
import { ATTACHMENT_LIMITS } from "@/config/limits";
import { contentKey } from "@/shared/storage";
import { makeBorrower, makeUser, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";
import { refusal } from "../support/refusal";

/**
 * The borrower's attachments (issue 23 items 3 and 7, decision 041): who may upload, list and download, by role
 * and region; what is refused (type by content, size, broken images); the hash recorded and audited.
 */
const VILLAGE = "620123101201"; // 榆中县 王家村, 兰州市
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");
const storeRoot = () => path.resolve(process.env.HALFSKY_DATA_DIR!, "attachments");
/** Files in the store (not counting the staging area). */
const storedFiles = () =>
  fs.existsSync(path.join(storeRoot(), "sha256"))
    ? fs
        .readdirSync(path.join(storeRoot(), "sha256"), { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
    : [];
const staged = () =>
  fs.existsSync(path.join(storeRoot(), ".staging")) ? fs.readdirSync(path.join(storeRoot(), ".staging")) : [];

async function png(width = 40, height = 30) {
  return sharp({ create: { width, height, channels: 3, background: "#c0392b" } })
    .png()
    .toBuffer();
}

describe("attachments", () => {
  let staff: Awaited<ReturnType<typeof makeUser>>;
  let borrower: Awaited<ReturnType<typeof makeBorrower>>;
  beforeEach(async () => {
    await resetDatabase();
    fs.rmSync(storeRoot(), { recursive: true, force: true });
    await seedRegions();
    staff = await makeUser("COUNTY_STAFF", "620123");
    borrower = await makeBorrower(VILLAGE, staff.id);
  });
  const upload = (actor: typeof staff, bytes: Buffer, kind = "CONTRACT", fileName = "借款合同.pdf") =>
    uploadAttachment(
      actor,
      { borrowerId: borrower.id, kind, fileName },
      Readable.from([bytes]),
      bytes.length,
    );

  it("a clerk uploads a contract: stored under its hash, the SHA-256 recorded and audited", async () => {
    const a = await upload(staff, PDF);
    expect(a).toMatchObject({
      kind: "CONTRACT",
      fileName: "借款合同.pdf",
      contentType: "application/pdf",
      sizeBytes: PDF.length,
      sha256: sha(PDF),
    });
    const row = await db.attachment.findUniqueOrThrow({ where: { id: a.id } });
    expect(row).toMatchObject({
      countyCode: "620123",
      villageCode: VILLAGE,
      storageKey: contentKey(sha(PDF)),
      uploadedById: staff.id,
    });
    expect(fs.readFileSync(path.join(storeRoot(), ...row.storageKey.split("/")))).toEqual(PDF);
    const [event] = await db.auditEvent.findMany({ where: { action: "attachment.upload" } });
    expect(event).toMatchObject({
      outcome: "OK",
      userId: staff.id,
      countyCode: "620123",
      entityId: String(a.id),
    });
    expect(event!.after).toMatchObject({ sha256: sha(PDF), sizeBytes: PDF.length, borrowerId: borrower.id });
    expect(staged()).toEqual([]);
  });

  it("by role and region: the county's staff and approver, the city's official and auditor see and download; others get nothing", async () => {
    const a = await upload(staff, PDF);
    const photo = await png();
    const p = await upload(staff, photo, "VISIT_PHOTO", "回访.png");
    const allowed = [
      staff,
      await makeUser("COUNTY_APPROVER", "620123"),
      await makeUser("CITY_OFFICIAL", "620100"),
      await makeUser("AUDITOR", "620100"),
      await makeUser("AUDITOR", "620000"), // the province
    ];
    for (const reader of allowed) {
      const list = await listAttachments(reader, borrower.id);
      expect(list.items.map((i) => i.id)).toEqual([p.id, a.id]);
      expect(list.mayUpload).toBe(reader.role === "COUNTY_STAFF");
      const file = await openAttachment(reader, a.id);
      expect(Buffer.from(await text(file.body))).toEqual(PDF);
    }
    // The auditor of the city: the download is in the audit trail with the hash of what was sent.
    const auditor = allowed[3]!;
    const events = await db.auditEvent.findMany({
      where: { action: "attachment.download", userId: auditor.id },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "OK", entityId: String(a.id), countyCode: "620123" });
    expect(events[0]!.after).toMatchObject({ sha256: sha(PDF), borrowerId: borrower.id });

    const refused = [
      await makeUser("COUNTY_STAFF", "620121"), // a clerk of another county of the same city
      await makeUser("AUDITOR", "620121"),
      await makeUser("CITY_OFFICIAL", "431100"), // an official of another city
      await makeUser("AUDITOR", "431100"),
    ];
    for (const other of refused) {
      const list = await refusal(listAttachments(other, borrower.id));
      const get = await refusal(openAttachment(other, a.id));
      const missing = await refusal(openAttachment(other, 999_999));
      // The same answer as an attachment that does not exist.
      expect([list.kind, get.kind, get.message]).toEqual(["NOT_FOUND", "NOT_FOUND", missing.message]);
      const put = await refusal(upload(other, PDF));
      expect(put.kind).toBe(other.role === "COUNTY_STAFF" ? "NOT_FOUND" : "FORBIDDEN");
    }
    const admin = await makeUser("ADMIN", "000000");
    expect((await refusal(openAttachment(admin, a.id))).kind).toBe("FORBIDDEN");
    // Only the county's staff upload; every refusal is in the audit trail.
    for (const reader of allowed.slice(1))
      expect((await refusal(upload(reader, PDF))).kind).toBe("FORBIDDEN");
    const denied = await db.auditEvent.count({
      where: { outcome: "DENIED", action: { startsWith: "attachment." } },
    });
    expect(denied).toBe(refused.length * 4 + 1 + (allowed.length - 1));
    expect(await db.attachment.count()).toBe(2);
  });

  it("an ID copy shows the full ID number: downloaded only by the county's staff and auditors", async () => {
    const copy = await upload(staff, await png(), "ID_COPY", "身份证.png");
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const approver = await makeUser("COUNTY_APPROVER", "620123");
    for (const reader of [official, approver]) {
      const list = await listAttachments(reader, borrower.id);
      expect(list.items[0]).toMatchObject({ id: copy.id, mayDownload: false });
      expect((await refusal(openAttachment(reader, copy.id))).kind).toBe("FORBIDDEN");
    }
    const auditor = await makeUser("AUDITOR", "620100");
    expect((await listAttachments(auditor, borrower.id)).items[0]!.mayDownload).toBe(true);
    await expect(openAttachment(auditor, copy.id)).resolves.toMatchObject({ sha256: copy.sha256 });
  });

  it.each([
    [
      "a Windows executable named .pdf",
      Buffer.concat([Buffer.from("MZ\x90\x00"), Buffer.alloc(200)]),
      "a.pdf",
    ],
    ["a shell script", Buffer.from("#!/bin/sh\necho hi\n"), "a.jpg"],
    ["an HTML page", Buffer.from("<html><script>alert(1)</script></html>"), "a.png"],
    ["an .xlsx (a zip)", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), "a.xlsx"],
  ])(
    "the type is decided by content: %s is refused, nothing stored, the attempt audited",
    async (_n, bytes, name) => {
      const e = await refusal(upload(staff, bytes, "OTHER", name));
      expect(e.kind).toBe("INVALID");
      expect(e.fieldErrors?.file?.[0]).toMatch(/PDF、JPEG、PNG 或 WebP/);
      expect(await db.attachment.count()).toBe(0);
      expect(storedFiles()).toEqual([]);
      expect(staged()).toEqual([]);
      const [event] = await db.auditEvent.findMany({ where: { action: "attachment.upload" } });
      expect(event).toMatchObject({ outcome: "DENIED", message: "refused file" });
      expect(event!.after).toMatchObject({ sha256: sha(bytes), sizeBytes: bytes.length });
    },
  );

  it("an image is verified by decoding it: a truncated PNG and a JPEG header on garbage are refused", async () => {
    const good = await png(200, 200);
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    const fakeJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(5000)]);
    for (const bytes of [truncated, fakeJpeg]) {
      const e = await refusal(upload(staff, bytes, "VISIT_PHOTO", "photo.jpg"));
      expect(e.kind).toBe("INVALID");
      expect(e.fieldErrors?.file?.[0]).toMatch(/图片/);
    }
    const jpeg = await sharp(good).jpeg().toBuffer();
    const webp = await sharp(good).webp().toBuffer();
    const ok = [await upload(staff, jpeg, "VISIT_PHOTO", "a"), await upload(staff, webp, "VISIT_PHOTO", "b")];
    expect(ok.map((a) => [a.contentType, a.fileName])).toEqual([
      ["image/jpeg", "a.jpg"],
      ["image/webp", "b.webp"],
    ]);
    expect(await db.attachment.count()).toBe(2);
  });

  it("the size is bounded while streaming (a body with no or a false length too); nothing is left behind", async () => {
    const max = ATTACHMENT_LIMITS.maxFileBytes;
    // Declared too large: refused before a byte is read.
    expect(
      (
        await refusal(
          uploadAttachment(staff, { borrowerId: borrower.id, kind: "OTHER" }, Readable.from([PDF]), max + 1),
        )
      ).fieldErrors?.file?.[0],
    ).toMatch(/不能超过 25 MB/);
    // Undeclared (chunked): counted as it streams; a 1 MB chunk at a time, one more than the limit.
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const body = Readable.from(
      (function* () {
        yield PDF;
        for (let i = 0; i < max / chunk.length; i++) yield chunk;
      })(),
    );
    const e = await refusal(uploadAttachment(staff, { borrowerId: borrower.id, kind: "OTHER" }, body));
    expect(e.fieldErrors?.file?.[0]).toMatch(/不能超过 25 MB/);
    expect(await refusal(upload(staff, Buffer.alloc(0)))).toMatchObject({ kind: "INVALID" });
    expect(await db.attachment.count()).toBe(0);
    expect(storedFiles()).toEqual([]);
    expect(staged()).toEqual([]);
  });

  it("the same file twice is two records of one stored content; a loan of another borrower is refused", async () => {
    const a = await upload(staff, PDF);
    const b = await upload(staff, PDF, "MULTI_PARTY_AGREEMENT", "协议.pdf");
    expect(a.sha256).toBe(b.sha256);
    expect(storedFiles()).toHaveLength(1);
    const other = await makeBorrower(VILLAGE, staff.id, "李梅");
    const e = await refusal(
      uploadAttachment(
        staff,
        { borrowerId: other.id, loanId: 12345, kind: "CONTRACT" },
        Readable.from([PDF]),
      ),
    );
    expect(e.fieldErrors?.loanId).toBeDefined();
  });

  it("the record cannot be altered or deleted; the region follows the borrower when she moves", async () => {
    const a = await upload(staff, PDF);
    await expect(
      db.attachment.update({ where: { id: a.id }, data: { sha256: "0".repeat(64) } }),
    ).rejects.toThrow(/append-only/);
    await expect(db.attachment.delete({ where: { id: a.id } })).rejects.toThrow(/append-only/);
    await db.region.create({
      data: { code: "620123101202", name: "张家村", level: "VILLAGE", parentCode: "620123101" },
    });
    const current = await db.borrower.findUniqueOrThrow({ where: { id: borrower.id } });
    await updateBorrower(staff, {
      id: borrower.id,
      version: current.version,
      name: current.name,
      idNumber: current.idNumber,
      phone: current.phone,
      villageCode: "620123101202",
      householdType: current.householdType,
      industry: current.industry,
    });
    expect(await db.attachment.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      villageCode: "620123101202",
      countyCode: "620123",
    });
  });
});
