/**
 * The attachment store (decision 041): one interface, behind which the bytes of attachments live. Used by the
 * app (src/server/storage.ts builds it from the environment) and by the tools outside Next.js (db:backup and
 * db:restore, the demo data), hence here and not under src/server.
 *
 * Content is addressed by its SHA-256: a key names exactly one content, so writing a key twice (a re-upload, a
 * restore into a new database beside the live one) can never replace another file's bytes. Nothing is ever
 * deleted through this interface: an attachment is evidence.
 *
 * Only a local-disk store is built. An object store (S3/MinIO) would implement `AttachmentStore` with the
 * same keys: `stage` as a multipart upload to a staging key, `commit` as a copy to the content key, `open` as a
 * ranged GET; `localPath` null (images are then verified from `open`).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

export type StoreKind = "local";

/** Bytes written to the staging area, hashed and counted; not yet an attachment. */
export interface StagedBlob {
  readonly sha256: string;
  readonly size: number;
  /** The first bytes (up to `headBytes` asked of `stage`): the type is decided from them. */
  readonly head: Buffer;
  /** Where the staged bytes can be read on this machine's disk (to verify an image), if the store has a disk. */
  readonly localPath: string | null;
  /** Makes the bytes permanent under their content key (idempotent: an existing key already holds them). */
  commit(): Promise<string>;
  /** Forgets the staged bytes. */
  discard(): Promise<void>;
}

export interface AttachmentStore {
  readonly kind: StoreKind;
  /**
   * Streams `source` into the staging area, hashing as it goes. More than `maxBytes` → TooLargeError, and
   * nothing is left behind. Memory stays a few chunks whatever the size.
   */
  stage(
    source: Readable | ReadableStream<Uint8Array>,
    maxBytes: number,
    headBytes?: number,
  ): Promise<StagedBlob>;
  /** The stored bytes under `key`, streamed; null when the store does not have them. */
  open(key: string): Promise<Readable | null>;
}

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = "TooLargeError";
  }
}

const KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** The key of a content: `sha256/<first two hex digits>/<hash>` (256 folders, so none grows huge). */
export function contentKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

export function isContentKey(key: string): boolean {
  const m = KEY.exec(key);
  return m !== null && m[2]!.startsWith(m[1]!);
}

/** Counts and hashes the bytes flowing through, keeps the first ones, refuses past a bound. */
export class HashingMeter extends Transform {
  size = 0;
  private readonly hash = crypto.createHash("sha256");
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly headBytes = 0,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return cb(new TooLargeError(this.maxBytes));
    this.hash.update(chunk);
    if (this.headLength < this.headBytes) {
      const part = chunk.subarray(0, this.headBytes - this.headLength);
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    cb(null, chunk);
  }
  digest(): string {
    return this.hash.digest("hex");
  }
  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}

const toNode = (s: Readable | ReadableStream<Uint8Array>): Readable =>
  s instanceof Readable ? s : Readable.fromWeb(s as NodeReadableStream<Uint8Array>);

/** Files under `root`: `root/sha256/ab/<hash>`, staged in `root/.staging` (the same disk, so commit is a rename). */
export function localStore(root: string): AttachmentStore {
  const staging = path.join(root, ".staging");
  const fileOf = (key: string) => {
    if (!isContentKey(key)) throw new Error(`not a content key: ${key}`);
    return path.join(root, ...key.split("/"));
  };
  return {
    kind: "local",
    async stage(source, maxBytes, headBytes = 16) {
      await fs.promises.mkdir(staging, { recursive: true, mode: 0o700 });
      const tmp = path.join(staging, `${Date.now()}-${crypto.randomBytes(8).toString("hex")}`);
      const meter = new HashingMeter(maxBytes, headBytes);
      try {
        await pipeline(toNode(source), meter, fs.createWriteStream(tmp, { mode: 0o600 }));
        const fh = await fs.promises.open(tmp, "r");
        await fh.sync().finally(() => fh.close()); // on the disk before the database says it is
      } catch (e) {
        await fs.promises.rm(tmp, { force: true });
        throw e;
      }
      const sha256 = meter.digest();
      let done = false;
      return {
        sha256,
        size: meter.size,
        head: meter.head(),
        localPath: tmp,
        async commit() {
          const key = contentKey(sha256);
          if (done) return key;
          const file = fileOf(key);
          await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
          // A rename on the same disk is atomic: a reader sees the whole file or none. An existing file under the
          // key holds the same bytes (the key is their hash), so the staged copy is dropped.
          if (fs.existsSync(file)) await fs.promises.rm(tmp, { force: true });
          else await fs.promises.rename(tmp, file);
          done = true;
          return key;
        },
        async discard() {
          if (!done) await fs.promises.rm(tmp, { force: true });
          done = true;
        },
      };
    },
    async open(key) {
      const file = fileOf(key);
      try {
        const fh = await fs.promises.open(file, "r");
        return fh.createReadStream();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
  };
}

/** The store the environment names (validated by src/config/env.ts): the only kind built is `local`. */
export function storeFromEnv(env: {
  HALFSKY_DATA_DIR: string;
  HALFSKY_ATTACHMENT_STORE: StoreKind;
}): AttachmentStore {
  switch (env.HALFSKY_ATTACHMENT_STORE) {
    case "local":
      return localStore(path.resolve(env.HALFSKY_DATA_DIR, "attachments"));
  }
}
