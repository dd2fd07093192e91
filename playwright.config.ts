import fs from "node:fs";
import { defineConfig } from "@playwright/test";

const PORT = 3100;
// Debian's chromium (apt-get install chromium); Playwright's own browser only where one is installed.
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    // A desktop wide enough for the one-line navigation (≥ 1536 px); e2e/layout.spec.ts checks the narrower ones.
    viewport: { width: 1600, height: 900 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: systemChromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // The same start script as `npm start`, on its own ports and data directory, from fresh demo data.
    command: "npx tsx scripts/start.ts",
    url: `http://127.0.0.1:${PORT}/login`,
    env: {
      PORT: String(PORT),
      HALFSKY_PG_PORT: "54322",
      HALFSKY_DATA_DIR: ".data/e2e",
      HALFSKY_FRESH: "1",
      DATABASE_URL: "",
    },
    timeout: 600_000, // the first start builds the demo data (11,000 loans) — minutes on a busy 2-core machine
    // PW_REUSE=1: run specs against a server already started with this command and env (a developer's loop).
    reuseExistingServer: process.env.PW_REUSE === "1",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
