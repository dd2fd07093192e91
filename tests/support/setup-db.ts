import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";

// The integration project: the services read their configuration from the environment on first use.
const url = inject("databaseUrl");
if (!/@(127\.0\.0\.1|localhost):/.test(url)) throw new Error(`tests refuse a non-local database: ${url}`);
process.env.DATABASE_URL = url;
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
// Attachments (decision 041) go to a data directory of this test run, never the developer's .data.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "halfsky-test-data-"));
process.env.HALFSKY_DATA_DIR = dataDir;
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
