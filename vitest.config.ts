import { defineConfig } from "vitest/config";

// HALFSKY_VITEST_INCLUDE: the harness test (tests/integration/harness.test.ts) runs this same config on its
// fixtures, which live outside the normal glob so they never run by themselves.
const include = process.env.HALFSKY_VITEST_INCLUDE
  ? [process.env.HALFSKY_VITEST_INCLUDE]
  : ["tests/**/*.test.ts"];

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: { "server-only": new URL("./tests/support/server-only-stub.ts", import.meta.url).pathname },
  },
  test: {
    include,
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
