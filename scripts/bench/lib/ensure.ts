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

/**
 * Opens the benchmark database with the data set it keeps, whatever its size, runs `fn`, and stops the embedded
 * server. Never generates: with `loans` given, a kept set of another size is refused (a benchmark that writes
 * into the data and undoes it must not replace it). Migrations added since the data was generated are applied.
 */
export async function withKeptBenchData<T>(
  loans: number | null,
  fn: (url: string, meta: BenchMeta) => Promise<T>,
  log: (m: string) => void = (m) => console.error(m),
): Promise<T> {
  const bench = await openBenchDatabase();
  try {
    const client = new pg.Client({ connectionString: bench.url });
    await client.connect();
    let meta: BenchMeta | null;
    try {
      meta = await readMeta(client);
    } finally {
      await client.end();
    }
    if (!meta) throw new Error("No benchmark data in this database: run `npm run bench:data` first.");
    if (loans !== null && meta.loans !== loans)
      throw new Error(
        `The kept benchmark data has ${meta.loans.toLocaleString("en")} loans, not ${loans.toLocaleString("en")}; this benchmark never regenerates it (\`npm run bench:data -- --loans ${loans}\` does).`,
      );
    const applied = await applyMigrations(bench.url);
    if (applied.length) log(`Applied to the benchmark database: ${applied.join(", ")}`);
    log(
      `Using the kept benchmark data: ${meta.loans.toLocaleString("en")} loans, ${meta.journal.toLocaleString("en")} journal rows.`,
    );
    return await fn(bench.url, meta);
  } finally {
    await bench.embedded?.stop();
  }
}
