import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, defaultStore, readManifest, restoreDatabase } from "../../scripts/lib/backup";
import { applyMigrations } from "../../scripts/lib/migrate";
import { seedIfEmpty } from "../../scripts/lib/seed";
import { sql, testUrl } from "../support/db";
import { localStore } from "@/shared/storage";

/**
 * Backup → new database → restore (issue 9): on the demo data (every table filled), the restored database has
 * the same rows in every table, the same ledger totals and the same hash of the journal; new ids continue after
 * the restored ones; a damaged backup file is refused and leaves no database behind.
 */
const source = `backup_src_${process.pid}`;
const urlOf = (db: string) => testUrl().replace(/\/[^/]+$/, `/${db}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "halfsky-backup-test-"));

// The attachment files (the demo's generated contracts and photos, decision 041) travel with the backup: checked
// against their records' SHA-256 when backed up and when restored, into the restoring side's attachment store.
const storeRoot = () => path.resolve(process.env.HALFSKY_DATA_DIR!, "attachments");
const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");
async function attachmentRows(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (
      await c.query<{ storageKey: string; sha256: string; sizeBytes: number }>(
        `select "storageKey", sha256, "sizeBytes" from "Attachment" order by id`,
      )
    ).rows;
  } finally {
    await c.end();
  }
}

async function facts(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const one = async (text: string) => (await c.query(text)).rows[0] as Record<string, string>;
    const tables = (
      await c.query<{ t: string }>(
        `select tablename t from pg_tables where schemaname = 'public' and tablename <> '_prisma_migrations' order by 1`,
      )
    ).rows.map((r) => r.t);
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t] = Number((await one(`select count(*) n from "${t}"`)).n);
    return {
      counts,
      journalHash: (
        await one(`select md5(string_agg(e::text, E'\\n' order by id)) h from "RepaymentEntry" e`)
      ).h,
      fundHash: (await one(`select md5(string_agg(f::text, E'\\n' order by id)) h from "FundLedgerEntry" f`))
        .h,
      auditHash: (await one(`select md5(string_agg(a::text, E'\\n' order by id)) h from "AuditEvent" a`)).h,
      ledger: await one(
        `select sum(principal)::text p, sum(interest)::text i, sum(penalty)::text pen from "RepaymentEntry"`,
      ),
      loans: await one(
        `select sum("principalRepaid")::text p, sum("interestRepaid")::text i, sum(coalesce(principal, 0))::text disbursed from "Loan"`,
      ),
      fund: await one(`select sum(amount)::text a from "FundLedgerEntry"`),
      claims: await one(`select sum("subsidyTotal")::text s from "SubsidyClaim"`),
    };
  } finally {
    await c.end();
  }
}

describe("backup and restore", () => {
  beforeAll(async () => {
    await sql(`create database ${source}`);
    await applyMigrations(urlOf(source));
    await seedIfEmpty(urlOf(source), () => {});
  }, 900_000); // the demo data (seedIfEmpty allows its transaction 900 s): 11 minutes at a load of 20 on 2 cores
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("backup → new database → restore: same rows, ledger totals and journal hash; ids continue", async () => {
    const before = await facts(urlOf(source));
    expect(before.counts.RepaymentEntry).toBeGreaterThan(10_000);
    expect(before.counts.FundLedgerEntry).toBeGreaterThan(0);
    const manifest = await backupDatabase(urlOf(source), path.join(dir, "b1"));
    expect(manifest.migrations.length).toBeGreaterThan(3);
    expect(Object.fromEntries(manifest.tables.map((t) => [t.table, t.rows]))).toEqual(before.counts);

    // The attachment files: one per stored content, each as the store holds it.
    const records = await attachmentRows(urlOf(source));
    expect(records.length).toBeGreaterThanOrEqual(6);
    const keys = [...new Set(records.map((r) => r.storageKey))].sort();
    expect(manifest.files!.map((f) => f.key)).toEqual(keys);
    for (const f of manifest.files!)
      expect(sha(fs.readFileSync(path.join(dir, "b1", "files", ...f.key.split("/"))))).toBe(f.sha256);

    // Restored on another machine: its own (empty) attachment store receives the files.
    const target = `backup_dst_${process.pid}`;
    const otherStore = path.join(dir, "other-store");
    const restored = await restoreDatabase(
      urlOf(source),
      path.join(dir, "b1"),
      target,
      () => {},
      localStore(otherStore),
    );
    expect(restored.rows).toBe(Object.values(before.counts).reduce((a, b) => a + b, 0));
    expect(restored.files).toBe(keys.length);
    expect(await facts(urlOf(target))).toEqual(before);
    const restoredRows = await attachmentRows(urlOf(target));
    expect(restoredRows).toEqual(records);
    for (const r of restoredRows) {
      const body = await localStore(otherStore).open(r.storageKey);
      expect(body, r.storageKey).not.toBeNull();
      body!.destroy();
    }
    for (const f of manifest.files!)
      expect(sha(fs.readFileSync(path.join(otherStore, ...f.key.split("/"))))).toBe(f.sha256);
    expect(fs.readdirSync(path.join(otherStore, ".staging"))).toEqual([]);

    // The restored database works on: the next id follows the restored ones, and the journal is still append-only.
    const c = new pg.Client({ connectionString: urlOf(target) });
    await c.connect();
    try {
      const next = await c.query(
        `insert into "AuditEvent" (action, entity, outcome) values ('restore.check', 'Test', 'OK') returning id`,
      );
      expect(Number(next.rows[0].id)).toBe(before.counts.AuditEvent! + 1);
      await expect(c.query(`delete from "RepaymentEntry"`)).rejects.toThrow(/append-only/);
    } finally {
      await c.end();
    }
    await expect(
      restoreDatabase(urlOf(source), path.join(dir, "b1"), target),
      "never over an existing database",
    ).rejects.toThrow(/already exists/);
  }, 300_000);

  it("a damaged backup is refused and leaves no database behind", async () => {
    const b = path.join(dir, "b2");
    await backupDatabase(urlOf(source), b);
    const m = readManifest(b);
    const journal = m.tables.find((t) => t.table === "RepaymentEntry")!;
    // Change one amount in the journal file (a valid gzip, one digit different).
    const text = zlib.gunzipSync(fs.readFileSync(path.join(b, journal.file))).toString("utf8");
    const altered = text.replace(
      /\t(\d+)\.(\d\d)\t/,
      (_m, a: string, f: string) => `\t${a}.${f === "00" ? "01" : "00"}\t`,
    );
    expect(altered).not.toBe(text);
    fs.writeFileSync(path.join(b, journal.file), zlib.gzipSync(altered));
    const target = `backup_bad_${process.pid}`;
    await expect(restoreDatabase(urlOf(source), b, target)).rejects.toThrow(/does not match the manifest/);
    expect(await sql(`select 1 from pg_database where datname = '${target}'`)).toEqual([]);
  }, 300_000);

  it("an attachment file damaged in the backup, or in the store when backing up, is refused", async () => {
    const b = path.join(dir, "b3");
    await backupDatabase(urlOf(source), b);
    const m = readManifest(b);
    const photo = m.files!.find(
      (f) => f.key && fs.statSync(path.join(b, "files", ...f.key.split("/"))).size > 100,
    )!;
    const file = path.join(b, "files", ...photo.key.split("/"));
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 20]! ^= 0xff; // one byte of the file, same size
    fs.writeFileSync(file, bytes);
    const target = `backup_badfile_${process.pid}`;
    const emptyStore = path.join(dir, "empty-store");
    await expect(restoreDatabase(urlOf(source), b, target, () => {}, localStore(emptyStore))).rejects.toThrow(
      /files\/sha256\/.* does not match the manifest/,
    );
    expect(await sql(`select 1 from pg_database where datname = '${target}'`)).toEqual([]);
    // Nothing of the refused backup was kept in the store.
    const kept = fs.existsSync(path.join(emptyStore, "sha256"))
      ? fs
          .readdirSync(path.join(emptyStore, "sha256"), { recursive: true, withFileTypes: true })
          .filter((d) => d.isFile())
      : [];
    expect(kept).toEqual([]);
    expect(fs.readdirSync(path.join(emptyStore, ".staging"))).toEqual([]);

    // The store's copy damaged (a disk error): the backup stops rather than keep a file its record disowns.
    const damagedStore = path.join(dir, "damaged-store");
    fs.cpSync(storeRoot(), damagedStore, { recursive: true });
    fs.writeFileSync(path.join(damagedStore, ...photo.key.split("/")), bytes);
    await expect(
      backupDatabase(urlOf(source), path.join(dir, "b4"), () => {}, localStore(damagedStore)),
    ).rejects.toThrow(/does not match its record/);
    expect(defaultStore().kind).toBe("local");
  }, 300_000);
});
