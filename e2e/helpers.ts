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

/** The pre-loan survey of the application form (issue 23 item 2); `date` when the application is back-dated. */
export async function fillSurvey(page: Page, date?: string) {
  if (date) await page.getByLabel("调查日期", { exact: true }).fill(date);
  await page.getByLabel("家庭人口（人）", { exact: true }).fill("4");
  await page.getByLabel("劳动力人数", { exact: true }).fill("2");
  await page.getByLabel("家庭年收入（元）", { exact: true }).fill("36000");
  await page.getByLabel("主要收入来源", { exact: true }).fill("种植和务工");
  await page.getByLabel("项目总投资（元）", { exact: true }).fill("500000");
  await page.getByLabel("家庭情况", { exact: true }).fill("四口之家，自有住房，无其他贷款");
  await page.getByLabel("项目情况", { exact: true }).fill("扩大生产，本村有稳定销路");
}
