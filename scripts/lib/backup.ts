/**
 * Backup and restore of the HalfSky database (decision 007): a directory holding a manifest and one gzip'd
 * COPY file per table, taken in one REPEATABLE READ snapshot (a consistent point in time, as pg_dump takes
 * it). The schema is not dumped: it is the migrations, whose names the manifest records. Restore creates a
 * new database, applies exactly those migrations, loads each table with COPY in foreign-key order, checks
 * every file's SHA-256 and row count against the manifest, and sets the id sequences. Nothing is ever
 * restored over a live database; `--replace` swaps names and keeps the old database.
 *
 * Attachments (decision 041): the files the database's attachment records name are copied, in the same
 * snapshot, into files/<key> (as stored: photos and PDFs do not compress), each checked against the SHA-256 its
 * record holds — a file missing or damaged in the store stops the backup. Restore checks every file against
 * the manifest and the restored records before anything is kept, then puts the files in the attachment store
 * (content-addressed: a key already there holds the same bytes, so the live app's files are never replaced).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import zlib from "node:zlib";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { applyMigrations, MIGRATIONS_DIR } from "./migrate";
import { loadToolEnv } from "../../src/config/env";
import {
  contentKey,
  HashingMeter,
  isContentKey,
  storeFromEnv,
  type AttachmentStore,
  type StagedBlob,
} from "../../src/shared/storage";

/** 2: with the attachment files (a backup of format 1 has none, and restores as before). */
export const BACKUP_FORMAT = "halfsky-backup/2";
const READABLE_FORMATS = ["halfsky-backup/1", BACKUP_FORMAT];

export interface FileEntry {
  /** The store's key (sha256/ab/<hash>); the file is files/<key> in the backup. */
  key: string;
  size: number;
  sha256: string;
}

export interface TableEntry {
  table: string;
  file: string;
  rows: number;
  sha256: string;
}

export interface Manifest {
  format: string;
  createdAt: string;
  database: string;
  serverVersion: string;
  migrations: string[];
  tables: TableEntry[];
  files?: FileEntry[];
}

/** The configured attachment store (HALFSKY_DATA_DIR, HALFSKY_ATTACHMENT_STORE). */
export const defaultStore = (): AttachmentStore => storeFromEnv(loadToolEnv());

/** Copies every file the snapshot's attachment records name into `dir/files`, each checked against its hash. */
async function backupFiles(
  client: pg.ClientBase,
  dir: string,
  store: AttachmentStore,
  log: (m: string) => void,
): Promise<FileEntry[]> {
  const exists = await client.query(
    `select 1 from pg_tables where schemaname = 'public' and tablename = 'Attachment'`,
  );
  if (!exists.rowCount) return [];
  const rows = (
    await client.query<{ key: string; sha256: string; size: number }>(
      `select "storageKey" key, min(sha256) sha256, min("sizeBytes") size
         from "Attachment" group by "storageKey" order by "storageKey"`,
    )
  ).rows;
  const files: FileEntry[] = [];
  for (const r of rows) {
    if (!isContentKey(r.key) || contentKey(r.sha256) !== r.key)
      throw new Error(`attachment key ${r.key} does not name its content's hash: backup stopped`);
    const source = await store.open(r.key);
    if (!source) throw new Error(`attachment file ${r.key} is missing from the store: backup stopped`);
    const target = path.join(dir, "files", ...r.key.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const meter = new HashingMeter(Number.MAX_SAFE_INTEGER);
    await pipeline(source, meter, fs.createWriteStream(target));
    const sha256 = meter.digest();
    if (sha256 !== r.sha256 || meter.size !== r.size)
      throw new Error(
        `attachment file ${r.key} in the store does not match its record (damaged): backup stopped`,
      );
    files.push({ key: r.key, size: meter.size, sha256 });
  }
  const bytes = files.reduce((n, f) => n + f.size, 0);
  log(`  attachment files: ${files.length.toLocaleString("en-US")} (${(bytes / 1024 / 1024).toFixed(1)} MB)`);
  return files;
}

/** Counts lines and hashes the bytes flowing through. */
class Meter extends Transform {
  rows = 0;
  private hash = crypto.createHash("sha256");
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.hash.update(chunk);
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
    cb(null, chunk);
  }
  digest() {
    return this.hash.digest("hex");
  }
}

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

/** Tables of the public schema (without the migration history), parents before children. */
async function tablesInOrder(client: pg.ClientBase): Promise<{ table: string; orderBy: string }[]> {
  const tables = (
    await client.query<{ t: string }>(
      `select tablename t from pg_tables where schemaname = 'public' and tablename <> '_prisma_migrations' order by tablename`,
    )
  ).rows.map((r) => r.t);
  const fks = (
    await client.query<{ child: string; parent: string }>(
      `select c.conrelid::regclass::text child, c.confrelid::regclass::text parent from pg_constraint c
        join pg_namespace n on n.oid = c.connamespace where c.contype = 'f' and n.nspname = 'public'`,
    )
  ).rows.map((r) => ({ child: r.child.replaceAll('"', ""), parent: r.parent.replaceAll('"', "") }));
  const pks = (
    await client.query<{ t: string; cols: string[]; types: string[] }>(
      `select i.indrelid::regclass::text t, array_agg(a.attname::text order by k.ord) cols, array_agg(format_type(a.atttypid, a.atttypmod) order by k.ord) types
         from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indisprimary and i.indrelid::regclass::text in (select quote_ident(tablename) from pg_tables where schemaname = 'public')
        group by i.indrelid`,
    )
  ).rows;
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (order.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const fk of fks) if (fk.child === t && fk.parent !== t) visit(fk.parent);
    order.push(t);
  };
  tables.forEach(visit);
  return order.map((table) => {
    const pk = pks.find((p) => p.t.replaceAll('"', "") === table);
    // Rows in key order, so a row referring to its own table (a region's parent, a reversal's entry) comes
    // after the row it names; text keys (region codes) shortest first: a parent's code is a prefix of its child's.
    const orderBy = pk
      ? pk.cols.map((c, i) => (/char|text/.test(pk.types[i]!) ? `length(${q(c)}), ${q(c)}` : q(c))).join(", ")
      : "1";
    return { table, orderBy };
  });
}

async function migrationNames(client: pg.ClientBase): Promise<string[]> {
  const r = await client.query<{ m: string }>(
    `select migration_name m from "_prisma_migrations" where finished_at is not null and rolled_back_at is null order by migration_name`,
  );
  return r.rows.map((x) => x.m);
}

/** Writes a backup of the database at `url` into the new directory `dir`. */
export async function backupDatabase(
  url: string,
  dir: string,
  log: (m: string) => void = () => {},
  store: AttachmentStore = defaultStore(),
): Promise<Manifest> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new Error(`${dir} exists and is not empty`);
  fs.mkdirSync(dir, { recursive: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const [{ db, v }] = (
      await client.query<{ db: string; v: string }>(
        "select current_database() db, current_setting('server_version') v",
      )
    ).rows as [{ db: string; v: string }];
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      database: db,
      serverVersion: v,
      migrations: await migrationNames(client),
      tables: [],
    };
    for (const { table, orderBy } of await tablesInOrder(client)) {
      const file = `${table}.copy.gz`;
      const meter = new Meter();
      await pipeline(
        client.query(copyTo(`COPY (SELECT * FROM ${q(table)} ORDER BY ${orderBy}) TO STDOUT`)),
        meter,
        zlib.createGzip(),
        fs.createWriteStream(path.join(dir, file)),
      );
      manifest.tables.push({ table, file, rows: meter.rows, sha256: meter.digest() });
      log(`  ${table}: ${meter.rows.toLocaleString("en-US")} rows`);
    }
    manifest.files = await backupFiles(client, dir, store, log);
    await client.query("COMMIT");
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
    return manifest;
  } finally {
    await client.end();
  }
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, "manifest.json");
  if (!fs.existsSync(file)) throw new Error(`${dir} is not a HalfSky backup (no manifest.json)`);
  const m = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  if (!READABLE_FORMATS.includes(m.format)) throw new Error(`unknown backup format ${String(m.format)}`);
  return m;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Restores the backup in `dir` into the new database `target` on the server of `url` (which must not exist).
 * Any mismatch (a file's hash or row count, a migration this code does not have) stops it and drops the new
 * database, so a half-restored database is never left behind.
 */
export async function restoreDatabase(
  url: string,
  dir: string,
  target: string,
  log: (m: string) => void = () => {},
  store: AttachmentStore = defaultStore(),
): Promise<{ url: string; rows: number; files: number }> {
  const manifest = readManifest(dir);
  const staged: StagedBlob[] = [];
  const missing = manifest.migrations.filter(
    (m) => !fs.existsSync(path.join(MIGRATIONS_DIR, m, "migration.sql")),
  );
  if (missing.length)
    throw new Error(`the backup needs migrations this code does not have: ${missing.join(", ")}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const targetUrl = withDatabase(url, target);
  try {
    if ((await admin.query("select 1 from pg_database where datname = $1", [target])).rowCount)
      throw new Error(`database ${target} already exists: restore only into a new database`);
    await admin.query(`CREATE DATABASE ${q(target)}`);
    try {
      // The schema as it was when the backup was taken: exactly the backup's migrations.
      const only = fs.mkdtempSync(path.join(os.tmpdir(), "halfsky-migrations-"));
      for (const m of manifest.migrations)
        fs.cpSync(path.join(MIGRATIONS_DIR, m), path.join(only, m), { recursive: true });
      const lock = path.join(MIGRATIONS_DIR, "migration_lock.toml");
      if (fs.existsSync(lock)) fs.copyFileSync(lock, path.join(only, "migration_lock.toml"));
      await applyMigrations(targetUrl, only);
      fs.rmSync(only, { recursive: true, force: true });

      // The attachment files, each checked against the manifest before anything is kept (staged, not yet in
      // the store: a failure below leaves the store as it was).
      for (const f of manifest.files ?? []) {
        if (!isContentKey(f.key) || contentKey(f.sha256) !== f.key)
          throw new Error(`attachment entry ${f.key} is not a content key: nothing restored`);
        const file = path.join(dir, "files", ...f.key.split("/"));
        if (!fs.existsSync(file))
          throw new Error(`attachment file ${f.key} is missing from the backup: nothing restored`);
        const blob = await store.stage(fs.createReadStream(file), f.size);
        staged.push(blob);
        if (blob.sha256 !== f.sha256 || blob.size !== f.size)
          throw new Error(
            `files/${f.key} does not match the manifest (damaged or altered): nothing restored`,
          );
      }
      if (staged.length)
        log(`  attachment files: ${staged.length.toLocaleString("en-US")}, every hash checked`);

      const client = new pg.Client({ connectionString: targetUrl });
      await client.connect();
      let rows = 0;
      try {
        await client.query("BEGIN");
        // Rows are restored as they were: the tables' own triggers (append-only guards, the month-end stale
        // marks written on every journal insert) stay off while loading — they would add rows of their own.
        for (const t of manifest.tables) await client.query(`ALTER TABLE ${q(t.table)} DISABLE TRIGGER USER`);
        for (const t of manifest.tables) {
          const meter = new Meter();
          await pipeline(
            fs.createReadStream(path.join(dir, t.file)),
            zlib.createGunzip(),
            meter,
            client.query(copyFrom(`COPY ${q(t.table)} FROM STDIN`)),
          );
          if (meter.digest() !== t.sha256 || meter.rows !== t.rows)
            throw new Error(`${t.file} does not match the manifest (damaged or altered): nothing restored`);
          rows += meter.rows;
          log(`  ${t.table}: ${meter.rows.toLocaleString("en-US")} rows`);
        }
        const serials = await client.query<{ t: string; c: string; s: string }>(
          `select table_name t, column_name c, pg_get_serial_sequence(quote_ident(table_name), column_name) s from information_schema.columns
            where table_schema = 'public' and pg_get_serial_sequence(quote_ident(table_name), column_name) is not null`,
        );
        for (const { t, c, s } of serials.rows) {
          await client.query(
            `select setval($1, coalesce((select max(${q(c)}) from ${q(t)}), 0) + 1, false)`,
            [s],
          );
        }
        for (const t of manifest.tables) await client.query(`ALTER TABLE ${q(t.table)} ENABLE TRIGGER USER`);
        if (manifest.tables.some((t) => t.table === "Attachment")) {
          // Every restored record's file is in the backup, with the hash the record holds.
          const byKey = new Map((manifest.files ?? []).map((f) => [f.key, f]));
          const records = await client.query<{ key: string; sha256: string }>(
            `select distinct "storageKey" key, sha256 from "Attachment"`,
          );
          const missing = records.rows.filter((r) => byKey.get(r.key)?.sha256 !== r.sha256);
          if (missing.length)
            throw new Error(
              `${missing.length} attachment record(s) without their file in the backup (e.g. ${missing[0]!.key}): nothing restored`,
            );
        }
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        await client.end();
      }
      for (const blob of staged) await blob.commit();
      return { url: targetUrl, rows, files: staged.length };
    } catch (e) {
      for (const blob of staged) await blob.discard().catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${q(target)} WITH (FORCE)`).catch(() => {});
      throw e;
    }
  } finally {
    await admin.end();
  }
}

/** Puts the restored database in place of `live` (the app must be stopped); the old one is kept under another name. */
export async function swapDatabases(url: string, live: string, restored: string): Promise<string> {
  const kept = `${live}_before_restore_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;
  const admin = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await admin.connect();
  try {
    const busy = await admin.query("select count(*)::int n from pg_stat_activity where datname = $1", [live]);
    if (busy.rows[0].n > 0) throw new Error(`database ${live} is in use: stop the app first`);
    await admin.query(`ALTER DATABASE ${q(live)} RENAME TO ${q(kept)}`);
    await admin.query(`ALTER DATABASE ${q(restored)} RENAME TO ${q(live)}`);
    return kept;
  } finally {
    await admin.end();
  }
}
