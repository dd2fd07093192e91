/**
 * Integration tests get their own embedded PostgreSQL (data in .data/test, port 54321 — or
 * HALFSKY_TEST_PG_PORT, as the harness test's nested runs use), fresh each run, with all migrations applied.
 * Tests reset the tables between them (tests/support/db.ts). The server runs in a child process
 * (scripts/lib/postgres.ts), so vitest's own exit code stands.
 */
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/lib/postgres";
import { applyMigrations } from "../../scripts/lib/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminUrl: string;
    /** The test cluster's data directory and port (the replica test copies it into a standby). */
    dataDir: string;
    port: number;
  }
}

export default async function setup(project: TestProject) {
  const port = Number(process.env.HALFSKY_TEST_PG_PORT ?? 54321);
  const dataDir = port === 54321 ? ".data/test/pg" : `.data/test-${port}/pg`;
  const pg = await startEmbeddedPostgres({ dataDir, port, database: "halfsky_test", fresh: true });
  await applyMigrations(pg.url);
  project.provide("databaseUrl", pg.url);
  project.provide("adminUrl", pg.adminUrl);
  project.provide("dataDir", path.resolve(dataDir));
  project.provide("port", port);
  return async () => {
    await pg.stop();
  };
}
