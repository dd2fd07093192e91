import { expect, test } from "@playwright/test";
import { login } from "./helpers";

test("county staff logs in and sees the loans of her county, ID numbers masked", async ({ page }) => {
  await login(page, "yz_staff");
  await expect(page).toHaveURL(/\/$/); // her first page is her work list (issue 20)
  await page.getByRole("link", { name: "贷款台账" }).first().click();
  await expect(page).toHaveURL(/\/loans/);
  await expect(page.getByRole("heading", { name: "贷款台账" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toContainText("榆中县");
  // A page with personal data is never cached and cannot be framed.
  const res = await page.request.get("/loans");
  expect(res.headers()["cache-control"]).toContain("no-store");
  expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  const rows = page.getByTestId("loans-table").locator("tbody tr");
  await expect(rows).toHaveCount(50);
  // Every application number belongs to 榆中县 (620123); ID numbers are masked.
  const appNos = await rows.locator("td:nth-child(1)").allTextContents();
  expect(appNos.every((n) => /^[A-Z]{2}620123/.test(n))).toBe(true); // entered (SQ…) or imported (DR…)
  const ids = await rows.locator("td:nth-child(3)").allTextContents();
  expect(ids.every((id) => /^\d{6}\*{11}[\dX]$/.test(id))).toBe(true);

  // Keyset pagination: the next page shows other loans.
  await page.getByRole("link", { name: /下一页/ }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(rows.first().locator("td").first()).not.toHaveText(appNos[0]!);
  const next = await page.getByTestId("loans-table").locator("tbody tr td:nth-child(1)").allTextContents();
  expect(next.some((n) => appNos.includes(n))).toBe(false);

  // Filter by status.
  await page.goto("/loans?status=COMPENSATED");
  const statuses = await page
    .getByTestId("loans-table")
    .locator("tbody tr td:nth-child(10)")
    .allTextContents();
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(["已代偿"]));
});

test("a wrong password gets a generic message and no session", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("用户名").fill("yz_staff");
  await page.getByLabel("密码").fill("wrong-password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.locator("#login-error")).toHaveText("用户名或密码错误，或尝试次数过多，请稍后再试");
  await expect(page.getByLabel("用户名")).toHaveValue("yz_staff");
  await page.goto("/loans");
  await expect(page).toHaveURL(/\/login/);
});

test("logging out ends the session", async ({ page }) => {
  await login(page, "tj_staff");
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/loans");
  await expect(page).toHaveURL(/\/login/);
});

test("the interface switches to English and back", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByLabel("Username").fill("yz_approver");
  await page.getByLabel("Password").fill("Halfsky@2026");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("whoami")).toBeVisible();
  await page.goto("/loans");
  await expect(page.getByRole("heading", { name: "Loan ledger" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toContainText("County approver");
  await page.getByRole("link", { name: "Borrowers" }).click();
  await expect(page.getByRole("heading", { name: "Borrowers" })).toBeVisible();
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("heading", { name: "借款人" })).toBeVisible();
});
