import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { testUrl } from "../support/db";

const run = promisify(execFile);

/**
 * The benchmarks are not part of `npm test` (they take minutes at 1M loans); this small version runs the
 * real scripts end to end on a few thousand loans so they cannot rot: the generator loads with COPY,
 * bench:dashboard times every query and checks the SQL figures against the naive src/domain computation
 * (it exits non-zero when they differ), bench:queries checks keyset and OFFSET pages are the same rows,
 * bench:export, bench:import and bench:statement run their measured paths. (bench:web runs in e2e/bench-web.spec.ts, after
 * the production build.)
 */
async function smokeDatabase(): Promise<string> {
  const url = new URL(testUrl());
  const admin = new pg.Client({ connectionString: testUrl() });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'halfsky_bench_smoke'");
    if (!exists.rowCount) await admin.query("CREATE DATABASE halfsky_bench_smoke");
  } finally {
    await admin.end();
  }
  url.pathname = "/halfsky_bench_smoke";
  return url.toString();
}

async function bench(script: string, args: string[]): Promise<string> {
  const { stdout } = await run(
    "npx",
    ["tsx", "--conditions=react-server", `scripts/bench/${script}`, ...args],
    {
      env: {
        ...process.env,
        BENCH_DATABASE_URL: await smokeDatabase(),
        DATABASE_URL: "",
        HALFSKY_DATA_DIR: ".data/test-bench",
      },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  return stdout;
}

describe("benchmark smoke run", () => {
  it("bench:dashboard on 3,000 synthetic loans: generates, times, and the figures equal the naive way", async () => {
    const stdout = await bench("dashboard.ts", ["--loans", "3000", "--runs", "2", "--snapshot-months", "3"]);
    expect(stdout).toMatch(/\| city overview \+ children \| [\d,]+ \| [\d.]+ ms/);
    expect(stdout).toMatch(/city figures equal the naive src\/domain computation \|[^\n]*\| yes \|/);
    expect(stdout).toMatch(/county figures equal the naive src\/domain computation \|[^\n]*\| yes \|/);
    // Month-end snapshots (issue 22): built, read, and equal to the live SQL.
    expect(stdout).toMatch(
      /\| snapshots: cold build of 3 month-ends, whole country \([\d,]+ rows, \d+ rows\/s\) \|/,
    );
    expect(stdout).toMatch(/\| snapshots: province month-end figures [^|]*\|[^\n]*\| = live: yes \|/);
    expect(stdout).toMatch(/\| snapshots: city month-end figures [^|]*\|[^\n]*\| = live: yes \|/);
    expect(stdout).toMatch(/\| snapshots: province monthly report [^|]*\| +\| [\d.]+ ms/);
    expect(stdout).toMatch(/\| snapshots: city monthly rates [^|]*\|[^\n]*\| = live: yes \|/);
  }, 300_000);

  it("bench:queries, bench:export and bench:import on the same small data", async () => {
    const queries = await bench("queries.ts", ["--loans", "3000", "--runs", "2"]);
    expect(queries).toMatch(
      /\| county clerk: loan list page 1 \(whole screen query\) \| [\d,]+ \| [\d.]+ ms/,
    );
    expect(queries).toMatch(/OFFSET ÷ keyset, same rows/);
    expect(queries).toMatch(
      /\| county clerk: borrower search by phone prefix [^|]*\| [\d,]+ borrowers \| [\d.]+ ms \| [\d.]+ ms \| \d+\+? found \|/,
    );
    expect(queries).toMatch(/\| county clerk: post a repayment \(interest 1\.00 元\) \|/);
    const exported = await bench("export.ts", ["--loans", "3000", "--sizes", "2000,10000"]);
    expect(exported).toMatch(/\| [\d,]+ rows \([\d-]+ → [\d-]+\) \| [\d,]+ rows\/s/);
    // The .xlsx beside the CSV: its rows/s, sheets and peak RSS.
    expect(exported).toMatch(/\| [\d,]+ rows\/s \([\d.]+ s, \d+ MB, 1 sheet\) \| \d+ MB \(\+\d+ MB\) \|/);
    const imported = await bench("import.ts", ["--rows", "300"]);
    expect(imported).toMatch(/\| 300 loans \+ 600 repayments → 300 loans written \|/);
    expect(imported).toMatch(/0 new \|/);
    // A bank's statement posted for real and undone: the script fails if the county's figures differ after.
    const statement = await bench("statement.ts", ["--loans", "3000", "--rows", "2000"]);
    expect(statement).toMatch(/\| commit: [\d,]+ journal entries posted, one transaction \| [\d.]+ s/);
    expect(statement).toMatch(/\| raw COPY of the same [\d,]+ rows into "RepaymentEntry" \(rolled back\) \|/);
  }, 300_000);
});
