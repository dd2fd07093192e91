import { defineConfig } from "vitest/config";

/**
 * Two projects (issue 16): `unit` — the domain and other code that needs no database, in seconds
 * (npm run test:unit); `integration` — services against a real PostgreSQL that the global setup starts
 * (npm run test:integration). HALFSKY_VITEST_INCLUDE: the harness test (tests/integration/harness.test.ts)
 * runs the integration project on its fixtures, which live outside the normal globs.
 */
const fixture = process.env.HALFSKY_VITEST_INCLUDE;

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: { "server-only": new URL("./tests/support/server-only-stub.ts", import.meta.url).pathname },
  },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Every test file under tests/ but the integration suite: a new file anywhere runs somewhere.
          include: fixture ? [] : ["tests/**/*.test.ts"],
          exclude: ["tests/integration/**", "**/node_modules/**"],
          setupFiles: ["tests/support/setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: fixture ? [fixture] : ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/setup-db.ts", "tests/support/setup.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});
