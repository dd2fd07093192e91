/**
 * The test harness itself (issue 15): a failing test must fail the run. Each runner is started in a
 * subprocess with the project's real configuration — vitest with its global setup (the embedded PostgreSQL),
 * Playwright with the project's browser settings and a spec that starts PostgreSQL in the test process — once
 * on a fixture that fails and once on one that passes, and the exit codes are asserted.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { isPortFree } from "../../scripts/lib/ports";

const bin = (name: string) => `node_modules/.bin/${name}`;

function run(cmd: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(bin(cmd), args, {
    env: { ...process.env, ...env, CI: "true", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe("a failing test fails the run", () => {
  const vitest = (fixture: string) =>
    run("vitest", ["run", "--config", "vitest.config.ts", "--project", "integration"], {
      HALFSKY_VITEST_INCLUDE: `tests/harness/${fixture}`,
      HALFSKY_TEST_PG_PORT: "54332",
    });

  test("vitest with the project's config and global setup: 1 when a test fails, 0 when all pass", () => {
    const failing = vitest("vitest-failing.fixture.ts");
    expect(failing.output).toMatch(/1 failed/);
    expect(failing.status, failing.output).toBe(1);
    const passing = vitest("vitest-passing.fixture.ts");
    expect(passing.output).toMatch(/1 passed/);
    expect(passing.status, passing.output).toBe(0);
  }, 200_000);

  test("Playwright with the project's browser settings, PostgreSQL started in the test: 1 when the spec fails, 0 when it passes", () => {
    const args = ["test", "--config", "tests/harness/playwright.config.ts"];
    const failing = run("playwright", args, { HARNESS_EXPECT: "not the heading" });
    expect(failing.output).toMatch(/1 failed/);
    expect(failing.status, failing.output).toBe(1);
    const passing = run("playwright", args, {});
    expect(passing.output).toMatch(/1 passed/);
    expect(passing.status, passing.output).toBe(0);
  }, 200_000);
});

describe("scripts that start an embedded PostgreSQL keep their exit code", () => {
  test("a script that sets exit code 3 and lets the event loop drain exits 3", () => {
    const r = run("tsx", ["tests/harness/exit-code.fixture.ts"], {});
    expect(r.status, r.output).toBe(3);
  }, 60_000);

  test("db:restore of a missing backup exits 1 with the reason, and stops its PostgreSQL", async () => {
    const r = run("tsx", ["scripts/db.ts", "restore", ".data/no-such-backup"], {
      DATABASE_URL: "",
      HALFSKY_DATA_DIR: ".data/test-harness-db",
      HALFSKY_PG_PORT: "54335",
      HALFSKY_FRESH: "1",
    });
    expect(r.status, r.output).toBe(1);
    expect(r.output).toMatch(/no-such-backup/);
    expect(await isPortFree(54335)).toBe(true);
  }, 60_000);
});
