import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { testUrl } from "../support/db";

const run = promisify(execFile);

/**
 * The benchmarks are not part of `npm test` (they take minutes at 1M loans); this small version runs the
 * real scripts end to end on a few thousand loans so they cannot rot: the generator loads with COPY, and
 * bench:dashboard times every query and checks the SQL figures against the naive src/domain computation
 * (it exits non-zero when they differ).
 */
describe("benchmark smoke run", () => {
  it("bench:dashboard on 3,000 synthetic loans: generates, times, and the figures equal the naive way", async () => {
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
    const { stdout } = await run("npx", ["tsx", "--conditions=react-server", "scripts/bench/dashboard.ts", "--loans", "3000", "--runs", "2"], {
      env: { ...process.env, BENCH_DATABASE_URL: url.toString(), DATABASE_URL: "" },
      maxBuffer: 10 * 1024 * 1024,
    });
    expect(stdout).toMatch(/\| city overview \+ children \| [\d,]+ \| [\d.]+ ms/);
    expect(stdout).toMatch(/city figures equal the naive src\/domain computation \|[^\n]*\| yes \|/);
    expect(stdout).toMatch(/county figures equal the naive src\/domain computation \|[^\n]*\| yes \|/);
  }, 180_000);
});
