import path from "node:path";
import "dotenv/config";
import { loadToolEnv } from "../../src/config/env";
import { startEmbeddedPostgres, type RunningPostgres } from "./postgres";

export const DEV_DATA_DIR = path.resolve(".data/pg");

/** The configured server (DATABASE_URL) or the embedded one in .data/pg. */
export async function openDatabase(log = console.log): Promise<{ url: string; embedded: RunningPostgres | null }> {
  const env = loadToolEnv();
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: null };
  log(`Starting embedded PostgreSQL (data in ${path.relative(process.cwd(), DEV_DATA_DIR)}, port ${env.HALFSKY_PG_PORT}) …`);
  const embedded = await startEmbeddedPostgres({ dataDir: DEV_DATA_DIR, port: env.HALFSKY_PG_PORT, database: "halfsky" });
  return { url: embedded.url, embedded };
}
