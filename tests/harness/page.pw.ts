// Harness fixture (never run by itself). Like e2e/crash.spec.ts, it starts an embedded PostgreSQL in the
// test process; HARNESS_EXPECT decides whether the assertion holds (the harness runs it both ways).
import { expect, test } from "@playwright/test";
import pg from "pg";
import { startEmbeddedPostgres } from "../../scripts/lib/postgres";

test("the trivial page", async ({ page }) => {
  const database = await startEmbeddedPostgres({
    dataDir: ".data/test-harness-pw/pg",
    port: 54333,
    database: "harness",
    fresh: true,
  });
  try {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.end();
    await page.goto("/");
    await expect(page.getByRole("heading")).toHaveText(process.env.HARNESS_EXPECT ?? "半边天", {
      timeout: 2000,
    });
  } finally {
    await database.stop();
  }
});
