/**
 * npm run bench:data -- --loans 1000000 [--fresh]
 * Generates (or reuses) the synthetic provincial data set in the benchmarks' own database.
 */
import { openBenchDatabase } from "./lib/bench-db";
import { ensureBenchData } from "./lib/ensure";
import { arg, runMain } from "./lib/cli";

async function main() {
  const loans = Number(arg("loans", "1000000").replaceAll("_", ""));
  if (!Number.isSafeInteger(loans) || loans < 1000) throw new Error("--loans must be a whole number ≥ 1000");
  const db = await openBenchDatabase();
  try {
    const meta = await ensureBenchData(db.url, loans, process.argv.includes("--fresh"));
    console.log(JSON.stringify(meta));
  } finally {
    await db.embedded?.stop();
  }
}

runMain("data.ts", main);
