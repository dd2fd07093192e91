import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";

const run = promisify(execFile);

/**
 * Smoke run of `npm run bench:web` (page speed, server memory during an export, load test) on the production
 * build, against a small synthetic province in its own embedded PostgreSQL (own data directory and ports,
 * beside the e2e server): the script must run end to end, and the load test's journal must hold exactly the
 * acknowledged postings with no errors. The figures themselves are for `npm run bench` on the large data.
 */
test("bench:web runs end to end on 3,000 synthetic loans", async () => {
  test.setTimeout(600_000);
  const { stdout } = await run(
    "npx",
    [
      "tsx",
      "--conditions=react-server",
      "scripts/bench/web.ts",
      "--loans",
      "3000",
      "--runs",
      "1",
      "--duration",
      "5",
      "--capacity",
      "3",
      "--heavy-seconds",
      "3",
      "--port",
      "3201",
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: "",
        BENCH_DATABASE_URL: "",
        HALFSKY_DATA_DIR: ".data/e2e-bench",
        HALFSKY_BENCH_PG_PORT: "54324",
      },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  expect(stdout).toMatch(/\| login page \| [\d.]+ ms/);
  expect(stdout).toMatch(/\| city dashboard [^|]*\| [\d.]+ (ms|s)/);
  expect(stdout).toMatch(/server RSS peak/);
  // The auditor's 4 concurrent exports: one of hers runs at a time, the rest are refused at once.
  expect(stdout).toMatch(/\| under 4 exports \+ 2 print views[^\n]*\d+ refused at once/);
  expect(stdout).toMatch(/Target: clerk p95 under load ≤ 2 × idle → [\d.]+ ×/);
  expect(stdout).toMatch(
    /\| journal afterwards \| [\d,]+ entries of this run \|[^\n]*\| [\d,]+ acknowledged: exactly these \|/,
  );
  expect(stdout).toMatch(/0 errors, 0 refused/);
});
