import pg from "pg";
import { openBenchDatabase } from "./bench-db";
import { applyMigrations } from "../../lib/migrate";
import { GENERATOR_VERSION, generate, readMeta, type BenchMeta } from "./synthetic";

/** The data set of `loans` loans: reused when the kept one has that size and generator version. */
export async function ensureBenchData(
  url: string,
  loans: number,
  fresh = false,
  log: (m: string) => void = (m) => console.error(m),
): Promise<BenchMeta> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let meta: BenchMeta | null;
  try {
    meta = await readMeta(client);
  } finally {
    await client.end();
  }
  if (!fresh && meta && meta.loans === loans && meta.version === GENERATOR_VERSION) {
    const applied = await applyMigrations(url); // indexes added since the data was generated
    if (applied.length) log(`Applied to the benchmark database: ${applied.join(", ")}`);
    log(
      `Reusing the benchmark data: ${meta.loans.toLocaleString("en")} loans, ${meta.journal.toLocaleString("en")} journal rows (generated in ${meta.seconds} s).`,
    );
    return meta;
  }
  log(`Generating ${loans.toLocaleString("en")} loans …`);
  meta = await generate(url, loans, log);
  log(
    `Generated in ${meta.seconds} s: ${meta.borrowers.toLocaleString("en")} borrowers, ${meta.loans.toLocaleString("en")} loans, ${meta.instalments.toLocaleString("en")} instalments, ${meta.journal.toLocaleString("en")} journal rows.`,
  );
  return meta;
}

/** Opens the benchmark database with the data set of `loans` loans, runs `fn`, and stops the embedded server. */
export async function withBenchData<T>(
  loans: number,
  fn: (url: string, meta: BenchMeta) => Promise<T>,
): Promise<T> {
  const bench = await openBenchDatabase();
  try {
    return await fn(bench.url, await ensureBenchData(bench.url, loans));
  } finally {
    await bench.embedded?.stop();
  }
}
