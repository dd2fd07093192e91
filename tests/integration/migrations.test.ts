import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyMigrations,
  diffSchemas,
  isEmptyMigration,
  MigrationError,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  SNAPSHOT_PATH,
} from "../../scripts/lib/migrate";
import { sql, testUrl } from "../support/db";

describe("migrations", () => {
  it("schema.prisma has no change without a migration (snapshot → schema diff is empty)", async () => {
    const diff = await diffSchemas(
      testUrl(),
      fs.readFileSync(SNAPSHOT_PATH, "utf8"),
      fs.readFileSync(SCHEMA_PATH, "utf8"),
    );
    expect(
      isEmptyMigration(diff),
      `schema.prisma changed without a migration; run npm run db:migration:new -- <name>\n${diff}`,
    ).toBe(true);
  });

  it("are recorded in _prisma_migrations like prisma migrate deploy, and re-running applies nothing", async () => {
    const rows = await sql<{ migration_name: string; finished_at: Date | null; checksum: string }>(
      `select migration_name, finished_at, checksum from _prisma_migrations`,
    );
    const folders = fs
      .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(rows.map((r) => r.migration_name).sort()).toEqual(folders.sort());
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect(await applyMigrations(testUrl())).toEqual([]);
  });

  it("a failing migration changes nothing and blocks later runs with its error", async () => {
    // A scratch database with the real migrations plus two more: one that fails halfway, one after it.
    const dbName = `mig_${Date.now()}`;
    await sql(`create database ${dbName}`);
    const url = testUrl().replace(/\/[^/]+$/, `/${dbName}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "halfsky-mig-"));
    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    fs.mkdirSync(path.join(dir, "29990101000000_bad"));
    fs.writeFileSync(
      path.join(dir, "29990101000000_bad", "migration.sql"),
      `CREATE TABLE "Half" (id int);\nSELECT 1/0;\n`,
    );
    fs.mkdirSync(path.join(dir, "29990102000000_after"));
    fs.writeFileSync(
      path.join(dir, "29990102000000_after", "migration.sql"),
      `CREATE TABLE "After" (id int);\n`,
    );

    await expect(applyMigrations(url, dir)).rejects.toThrow(/division by zero/);
    const pgc = await import("pg");
    const c = new pgc.default.Client({ connectionString: url });
    await c.connect();
    const tables = (await c.query(`select tablename from pg_tables where tablename in ('Half', 'After')`))
      .rows;
    expect(tables).toEqual([]); // the half-done migration left nothing behind
    await c.end();
    const again = applyMigrations(url, dir);
    await expect(again).rejects.toBeInstanceOf(MigrationError);
    await expect(applyMigrations(url, dir)).rejects.toThrow(/29990101000000_bad/);
  });
});
