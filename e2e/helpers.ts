import { readFileSync } from "node:fs";
import pg from "pg";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = "Halfsky@2026";

export async function login(page: Page, username: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("whoami")).toBeVisible();
}

/** A direct connection to the e2e server's embedded PostgreSQL (fixtures and "nothing written" checks only). */
export async function e2eDb(): Promise<pg.Client> {
  const password = readFileSync(".data/e2e/pg.password", "utf8").trim();
  const client = new pg.Client({
    connectionString: `postgresql://halfsky:${password}@127.0.0.1:54322/halfsky`,
  });
  await client.connect();
  return client;
}
