/**
 * Backup and restore of the HalfSky database (decision 007): a directory holding a manifest and one gzip'd
 * COPY file per table, taken in one REPEATABLE READ snapshot (a consistent point in time, as pg_dump takes
 * it). The schema is not dumped: it is the migrations, whose names the manifest records. Restore creates a
 * new database, applies exactly those migrations, loads each table with COPY in foreign-key order, checks
 * every file's SHA-256 and row count against the manifest, and sets the id sequences. Nothing is ever
 * restored over a live database; `--replace` swaps names and keeps the old database.
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

export const BACKUP_FORMAT = "halfsky-backup/1";

export interface TableEntry {
  table: string;
  file: string;
  rows: number;
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  database: string;
  serverVersion: string;
  migrations: string[];
  tables: TableEntry[];
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
  if (m.format !== BACKUP_FORMAT) throw new Error(`unknown backup format ${String(m.format)}`);
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
): Promise<{ url: string; rows: number }> {
  const manifest = readManifest(dir);
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
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        await client.end();
      }
      return { url: targetUrl, rows };
    } catch (e) {
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
