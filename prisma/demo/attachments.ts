/**
 * Demo attachments (issue 23, decision 041): for a few borrowers of 榆中县 and 道县, the loan contract as a small
 * generated PDF and, for some, a visit photo as a small generated PNG — written to the attachment store of the
 * data directory, recorded with their SHA-256 as the county's clerk's uploads, so a new user sees the borrower's
 * file. (Like the rest of the demo data, written without audit events: the audit trail starts with the users.) Deterministic: the same bytes (hence the same hashes and keys) on every run.
 */
import { Readable } from "node:stream";
import sharp from "sharp";
import type { Prisma } from "../../src/generated/prisma/client";
import type { AttachmentStore } from "../../src/shared/storage";

type Tx = Prisma.TransactionClient;

/** A one-page PDF (Helvetica, ASCII text) with a correct cross-reference table. */
export function tinyPdf(lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = [
    "BT /F1 16 Tf 72 760 Td",
    ...lines.map((l, i) => `${i ? "0 -24 Td " : ""}(${esc(l)}) Tj`),
    "ET",
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** A small PNG "photo": fields and sky in bands, varied by `seed`. */
export async function tinyPng(seed: number, width = 160, height = 120): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const sky = y < height * 0.4;
      px[i] = sky ? 120 + ((seed * 13) % 60) : 60 + ((x + seed) % 40);
      px[i + 1] = sky ? 170 : 120 + ((x * y + seed) % 60);
      px[i + 2] = sky ? 230 : 50;
    }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function seedAttachments(
  prisma: Tx,
  store: AttachmentStore,
  userOf: (username: string) => number,
): Promise<number> {
  const counties = [
    { county: "620123", staff: "yz_staff", take: 4 },
    { county: "431124", staff: "dx_staff", take: 2 },
  ];
  let n = 0;
  for (const { county, staff, take } of counties) {
    const uploader = userOf(staff);
    const loans = await prisma.loan.findMany({
      where: { countyCode: county, status: "REPAYING" },
      orderBy: { id: "asc" },
      take,
      select: {
        id: true,
        contractNo: true,
        borrowerId: true,
        countyCode: true,
        villageCode: true,
        disbursedDate: true,
      },
    });
    for (const [i, loan] of loans.entries()) {
      const at = new Date(`${loan.disbursedDate!.toISOString().slice(0, 10)}T10:00:00+08:00`);
      const files: {
        kind: "CONTRACT" | "VISIT_PHOTO";
        name: string;
        bytes: Buffer;
        type: string;
        at: Date;
      }[] = [
        {
          kind: "CONTRACT",
          name: `借款合同-${loan.contractNo}.pdf`,
          bytes: tinyPdf([
            "HalfSky demo: loan contract",
            `Contract no. ${loan.contractNo}`,
            `Borrower id ${loan.borrowerId}, county ${loan.countyCode}`,
            "Generated demo file, not a real contract.",
          ]),
          type: "application/pdf",
          at,
        },
      ];
      if (i % 2 === 0)
        files.push({
          kind: "VISIT_PHOTO",
          name: `贷后回访-${loan.contractNo}.png`,
          bytes: await tinyPng(loan.id),
          type: "image/png",
          at: new Date(at.getTime() + 30 * 86_400_000),
        });
      for (const f of files) {
        const staged = await store.stage(Readable.from([f.bytes]), f.bytes.length + 1);
        const storageKey = await staged.commit();
        await prisma.attachment.create({
          data: {
            countyCode: loan.countyCode,
            villageCode: loan.villageCode,
            borrowerId: loan.borrowerId,
            loanId: loan.id,
            kind: f.kind,
            fileName: f.name,
            contentType: f.type,
            sizeBytes: staged.size,
            sha256: staged.sha256,
            storageKey,
            uploadedById: uploader,
            uploadedAt: f.at,
          },
        });
        n++;
      }
    }
  }
  return n;
}
