// Harness fixture (never run by itself): a test that touches the test database and passes.
import { expect, test } from "vitest";
import { sql } from "../support/db";

test("a passing test", async () => {
  const [row] = await sql<{ one: number }>("select 1 as one");
  expect(row!.one).toBe(1);
});
