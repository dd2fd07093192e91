import { inject } from "vitest";

// The integration project: the services read their configuration from the environment on first use.
const url = inject("databaseUrl");
if (!/@(127\.0\.0\.1|localhost):/.test(url)) throw new Error(`tests refuse a non-local database: ${url}`);
process.env.DATABASE_URL = url;
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
