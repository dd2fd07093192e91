// Harness fixture: Playwright with the project's browser settings against a trivial page.
import { defineConfig } from "@playwright/test";
import base from "../../playwright.config";

const PORT = 3190;
export default defineConfig({
  testDir: ".",
  testMatch: /\.pw\.ts$/,
  workers: 1,
  retries: 0,
  reporter: [["line"]],
  outputDir: "../../test-results/harness",
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    command: "node trivial-server.mjs",
    cwd: import.meta.dirname,
    url: `http://127.0.0.1:${PORT}/`,
    env: { HARNESS_PORT: String(PORT) },
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
