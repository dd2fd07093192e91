import path from "node:path";
import "dotenv/config";
import { loadToolEnv } from "../../src/config/env";
import { runningEmbeddedUrl, startEmbeddedPostgres, type RunningPostgres } from "./postgres";

/** The configured server (DATABASE_URL) or the embedded one in $HALFSKY_DATA_DIR/pg (default .data/pg). */
export async function openDatabase(
  log = console.log,
): Promise<{ url: string; embedded: RunningPostgres | null }> {
  const env = loadToolEnv();
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: null };
  const dataDir = path.resolve(env.HALFSKY_DATA_DIR, "pg");
  // Already running (npm start in another terminal): use it, and leave it running.
  const running = runningEmbeddedUrl(dataDir, env.HALFSKY_PG_PORT, "halfsky");
  if (running) return { url: running, embedded: null };
  log(
    `Starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir)}, port ${env.HALFSKY_PG_PORT}) …`,
  );
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: env.HALFSKY_PG_PORT,
    database: "halfsky",
    fresh: env.HALFSKY_FRESH === "1",
  });
  return { url: embedded.url, embedded };
}
