/**
 * The benchmarks' own database: large synthetic data kept across runs, never the app's or the tests'.
 * BENCH_DATABASE_URL selects any PostgreSQL server; otherwise an embedded cluster in .data/bench/pg.
 */
import path from "node:path";
import "dotenv/config";
import { loadToolEnv } from "../../../src/config/env";
import { runningEmbeddedUrl, startEmbeddedPostgres, type RunningPostgres } from "../../lib/postgres";

/** Settings of the embedded benchmark cluster: a server sized for the data, not the 128 MB default. */
export const BENCH_SETTINGS = {
  shared_buffers: "2GB",
  work_mem: "64MB",
  maintenance_work_mem: "1GB",
  max_wal_size: "8GB",
  effective_cache_size: "8GB",
  random_page_cost: "1.1",
  jit: "off",
};

export async function openBenchDatabase(
  log: (m: string) => void = (m) => console.error(m),
): Promise<{ url: string; embedded: RunningPostgres | null }> {
  const env = loadToolEnv();
  if (env.BENCH_DATABASE_URL) return { url: env.BENCH_DATABASE_URL, embedded: null };
  const dataDir = path.resolve(env.HALFSKY_DATA_DIR, "bench", "pg");
  // Another benchmark already runs the kept cluster: use it (and leave it running, it is not ours to stop).
  const running = runningEmbeddedUrl(dataDir, env.HALFSKY_BENCH_PG_PORT, "halfsky_bench");
  if (running) {
    log(`Using the benchmark PostgreSQL already running on port ${env.HALFSKY_BENCH_PG_PORT}.`);
    return { url: running, embedded: null };
  }
  log(
    `Starting the benchmark PostgreSQL (data in ${path.relative(process.cwd(), dataDir)}, port ${env.HALFSKY_BENCH_PG_PORT}) …`,
  );
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: env.HALFSKY_BENCH_PG_PORT,
    database: "halfsky_bench",
    settings: BENCH_SETTINGS,
  });
  return { url: embedded.url, embedded };
}

/** A one-line progress bar on stderr (long runs show where they are). */
export function progressBar(label: string, total: number) {
  const t0 = Date.now();
  let last = 0;
  const draw = (done: number, force = false) => {
    const now = Date.now();
    if (!force && now - last < 250) return;
    last = now;
    const pct = total ? Math.min(100, (done / total) * 100) : 100;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const secs = (now - t0) / 1000;
    process.stderr.write(
      `\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct.toFixed(0).padStart(3)}% ${done.toLocaleString("en")}/${total.toLocaleString("en")} ${secs.toFixed(0)} s   `,
    );
  };
  return {
    tick: (done: number) => draw(done),
    done: (done = total) => {
      draw(done, true);
      process.stderr.write("\n");
    },
  };
}
