import { expect, test } from "@playwright/test";
import { login } from "./helpers";

test("an administrator disables a user: her open session stops working at once; the auditor sees it in the log", async ({
  browser,
}) => {
  const staff = await browser.newPage();
  await login(staff, "dx_staff");
  await staff.goto("/loans");
  await expect(staff.getByTestId("loans-table")).toBeVisible();

  const admin = await browser.newPage();
  await login(admin, "admin");
  await expect(admin).toHaveURL(/\/admin\/users/);
  const row = admin.locator('tr[data-username="dx_staff"]');
  await row.getByTestId("toggle-dx_staff").getByRole("button", { name: "停用" }).click();
  await expect(row).toContainText("已停用");

  await staff.goto("/loans");
  await expect(staff).toHaveURL(/\/login/);

  // Re-enable so other journeys keep their user; a new login works again.
  await row.getByTestId("toggle-dx_staff").getByRole("button", { name: "启用" }).click();
  await expect(row).toContainText("正常");
  await login(staff, "dx_staff");

  // Bad input on the user form gets messages at the fields and creates nothing.
  await admin.getByLabel("用户名").fill("X");
  await admin.getByLabel("初始密码").fill("short");
  await admin.getByRole("button", { name: "创建用户" }).click();
  await expect(admin.locator('[data-field-error="create-user-username"]')).toContainText("小写字母");
  await expect(admin.locator('[data-field-error="create-user-password"]')).toContainText("至少10位");

  await admin.getByRole("link", { name: "审计日志" }).click();
  await admin.getByLabel("操作（前缀）").fill("user.");
  await admin.getByRole("button", { name: "筛选" }).click();
  await expect(admin.getByTestId("audit-table")).toContainText("停用用户");
  await expect(admin.getByTestId("audit-table")).toContainText("启用用户");
});

test("an official cannot open the admin or audit screens (URL tampering gets a refusal)", async ({
  page,
}) => {
  await login(page, "lz_official");
  // HTTP 403 with the app's frame and the reason (not 200 with a message).
  expect((await page.goto("/admin/users"))!.status()).toBe(403);
  await expect(page.getByTestId("page-error")).toContainText("没有执行此操作的权限");
  await expect(page.getByRole("navigation", { name: "主导航" })).toBeVisible();
  expect((await page.goto("/audit"))!.status()).toBe(403);
  await expect(page.getByTestId("page-error")).toContainText("没有执行此操作的权限");
  // A URL no page answers: 404 in the app's frame and language, with the navigation and a way back.
  for (const path of ["/no-such-page", "/rules", "/loans/12/nothing"]) {
    expect((await page.goto(path))!.status(), path).toBe(404);
    await expect(page.getByTestId("page-error")).toContainText("记录不存在");
    await expect(page.getByRole("navigation", { name: "主导航" })).toBeVisible();
    expect(await page.locator("body").innerText()).not.toContain("This page could not be found");
  }
});
