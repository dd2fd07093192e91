/**
 * npm run bench:attachments [-- --mb 20 --runs 3 --port 3317]
 * Attachments (issue 23 item 6, decision 041) through the production app (`next start`), from outside: a clerk
 * uploads a photo of `--mb` MB (a JPEG of noise, which does not compress) as the request body, streamed, and
 * downloads it again; each `--runs` times. Reported: throughput each way and the server's resident memory
 * (the server and its children) before and at its peak, sampled every 50 ms — "flat" means the peak does not
 * grow by the file's size. Runs on the demo database of $HALFSKY_DATA_DIR (attachments do not depend on the
 * number of loans, and the kept 1M-loan bench database is not migrated by this branch); the files go to
 * $HALFSKY_DATA_DIR/attachments.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import sharp from "sharp";
import { DEMO_PASSWORD } from "../../prisma/demo/seed";
import { openDatabase } from "../lib/database";
import { applyMigrations } from "../lib/migrate";
import { seedIfEmpty } from "../lib/seed";
import { cookieHeader, launchChromium, loggedIn, startAppServer } from "./lib/app-server";
import { arg, runMain } from "./lib/cli";
import { table } from "./lib/measure";

const MB = 1e6;

/** A JPEG of random pixels of about `mb` MB (noise does not compress, so the size is the photo's). */
async function noisePhoto(mb: number): Promise<string> {
  const file = path.join(os.tmpdir(), `halfsky-bench-photo-${mb}mb.jpg`);
  if (fs.existsSync(file)) return file;
  // About 2.9 bytes a pixel at quality 100 for noise; one pass, then trimmed to size by height.
  const width = 4000;
  let height = Math.ceil((mb * MB) / 2.9 / width);
  for (;;) {
    const px = crypto.randomBytes(width * height * 3);
    const jpeg = await sharp(px, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: "4:4:4" })
      .toBuffer();
    if (jpeg.length >= mb * MB) {
      fs.writeFileSync(file, jpeg);
      return file;
    }
    height = Math.ceil((height * (mb * MB)) / jpeg.length) + 8;
  }
}

async function main() {
  const mb = Number(arg("mb", "20"));
  const runs = Number(arg("runs", "3"));
  const port = Number(arg("port", "3317"));
  const db = await openDatabase((m) => console.error(m));
  try {
    await applyMigrations(db.url);
    await seedIfEmpty(db.url, (m) => process.stderr.write(m));
    const photo = await noisePhoto(mb);
    const size = fs.statSync(photo).size;
    const sha256 = crypto.createHash("sha256").update(fs.readFileSync(photo)).digest("hex");
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const borrower = (
      await c.query<{ id: number }>(
        `select id from "Borrower" where "countyCode" = '620123' order by id limit 1`,
      )
    ).rows[0]!.id;
    await c.end();

    const server = await startAppServer(db.url, port, (m) => console.error(m));
    const browser = await launchChromium();
    try {
      const clerk = await loggedIn(browser, server.baseUrl, "yz_staff", DEMO_PASSWORD);
      const cookie = await cookieHeader(clerk);
      await clerk.close();
      const measure = async <T>(fn: () => Promise<T>) => {
        const before = server.rss();
        let peak = before;
        const timer = setInterval(() => (peak = Math.max(peak, server.rss())), 50);
        const t0 = performance.now();
        const value = await fn();
        const secs = (performance.now() - t0) / 1000;
        clearInterval(timer);
        peak = Math.max(peak, server.rss());
        return { value, secs, before, peak };
      };
      const upload = () =>
        measure(async () => {
          const q = new URLSearchParams({
            borrower: String(borrower),
            kind: "VISIT_PHOTO",
            name: "bench.jpg",
          });
          const res = await fetch(`${server.baseUrl}/attachments/upload?${q}`, {
            method: "POST",
            headers: { cookie, origin: server.baseUrl, "content-type": "image/jpeg" },
            body: Readable.toWeb(fs.createReadStream(photo, { highWaterMark: 256 * 1024 })) as ReadableStream,
            duplex: "half",
          } as RequestInit);
          const json = (await res.json()) as {
            attachment?: { id: number; sha256: string };
            message?: string;
          };
          if (!res.ok || !json.attachment) throw new Error(`upload ${res.status}: ${json.message}`);
          if (json.attachment.sha256 !== sha256) throw new Error("upload: the server's hash differs");
          return json.attachment.id;
        });
      const download = (id: number) =>
        measure(async () => {
          const res = await fetch(`${server.baseUrl}/attachments/${id}`, { headers: { cookie } });
          if (!res.ok || !res.body) throw new Error(`download ${res.status}`);
          const hash = crypto.createHash("sha256");
          let bytes = 0;
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            hash.update(chunk);
            bytes += chunk.length;
          }
          if (bytes !== size || hash.digest("hex") !== sha256)
            throw new Error("download: not the same bytes");
          return bytes;
        });
      // Warm-up: the routes' first call loads their modules (and sharp).
      await download(await upload().then((r) => r.value));
      const rows: string[][] = [];
      const fmt = (r: { secs: number; before: number; peak: number }) => [
        `${r.secs.toFixed(2)} s`,
        `${(size / MB / r.secs).toFixed(0)} MB/s`,
        `${(r.before / MB).toFixed(0)} MB`,
        `${(r.peak / MB).toFixed(0)} MB (+${((r.peak - r.before) / MB).toFixed(0)} MB)`,
      ];
      let worst = 0;
      for (let i = 1; i <= runs; i++) {
        const up = await upload();
        const down = await download(up.value);
        worst = Math.max(worst, up.peak - up.before, down.peak - down.before);
        rows.push([`upload ${i}`, ...fmt(up)], [`download ${i}`, ...fmt(down)]);
      }
      console.log(
        [
          `A ${(size / MB).toFixed(1)} MB JPEG (noise), clerk of 榆中县, over HTTP to \`next start\` on this machine; the server's RSS (with children) sampled every 50 ms.`,
          "",
          table(["step", "time", "throughput", "server RSS before", "server RSS peak"], rows),
          "",
          `Target: memory flat — the peak rises by less than half the file (${(size / MB / 2).toFixed(0)} MB): ${worst < size / 2 ? "met" : "NOT met"} (largest rise +${(worst / MB).toFixed(0)} MB; an image's check decodes it, see docs/benchmarks.md).`,
        ].join("\n"),
      );
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await db.embedded?.stop();
  }
}

runMain("attachments.ts", main);
