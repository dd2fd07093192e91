/**
 * Integration tests get their own embedded PostgreSQL (data in .data/test, port 54321), fresh each run,
 * with all migrations applied. Tests reset the tables between them (tests/support/db.ts).
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/lib/postgres";
import { applyMigrations } from "../../scripts/lib/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const pg = await startEmbeddedPostgres({ dataDir: ".data/test/pg", port: 54321, database: "halfsky_test", fresh: true });
  await applyMigrations(pg.url);
  project.provide("databaseUrl", pg.url);
  project.provide("adminUrl", pg.adminUrl);
  return async () => {
    await pg.stop();
  };
}
