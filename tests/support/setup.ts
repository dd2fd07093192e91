import { afterEach, beforeEach, inject, vi } from "vitest";

// The services read their configuration from the environment on first use.
const url = inject("databaseUrl");
if (!/@(127\.0\.0\.1|localhost):/.test(url)) throw new Error(`tests refuse a non-local database: ${url}`);
process.env.DATABASE_URL = url;
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

// An unexpected console.error fails the test: errors must be asserted, not printed.
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (errors.length)
    throw new Error(`unexpected console.error: ${errors.map((a) => a.map(String).join(" ")).join("\n")}`);
});
