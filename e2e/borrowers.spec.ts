import { expect, test, type Page } from "@playwright/test";
import { makeResidentId } from "../src/domain/identity";
import { login } from "./helpers";

const WOMAN = makeResidentId("620123", "1988-08-08", 642);
const BAD_CHECK = WOMAN.slice(0, 17) + (WOMAN.endsWith("0") ? "1" : "0");

async function fillForm(page: Page, idNumber: string) {
  await expect(page).toHaveURL(/\/borrowers\/new/);
  await page.getByLabel("姓名", { exact: true }).fill("赵春燕");
  await page.getByLabel("身份证号码", { exact: true }).fill(idNumber);
  await page.getByLabel("联系电话").fill("13912345678");
  // The village picker searches by name or pinyin initials.
  const village = page.getByLabel("所在村");
  await village.fill("周家");
  await expect(page.getByRole("listbox").getByRole("option")).toHaveText([
    "城关镇 · 周家坝村",
    "金崖镇 · 周家沟村",
  ]);
  await village.fill("zjb");
  await expect(page.getByRole("listbox").getByRole("option")).toHaveText(["城关镇 · 周家坝村"]);
  await village.fill("hpc");
  await expect(page.getByRole("listbox").getByRole("option").first()).toHaveText("城关镇 · 和平村");
  await village.press("Enter");
  await expect(village).toHaveValue("城关镇 · 和平村");
  await page.getByLabel("户类型").selectOption("POVERTY_ALLEVIATED");
  await page.getByLabel("从事产业").fill("高原夏菜");
}

test("staff registers a borrower; a bad check digit and a duplicate are refused at the field; an official sees her masked", async ({
  page,
  browser,
}) => {
  await login(page, "yz_staff");
  await page.getByRole("link", { name: "借款人" }).click();
  await page.getByRole("link", { name: "登记借款人" }).click();

  // A male ID registers (who may borrow is the programme's policy, checked at application — e2e/rules.spec.ts).
  await fillForm(page, BAD_CHECK);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator('[data-field-error="idNumber"]')).toContainText("校验位不正确");
  await expect(page.getByLabel("身份证号码", { exact: true })).toBeFocused(); // focus on the field to fix
  await expect(page.getByLabel("所在村")).toHaveValue("城关镇 · 和平村"); // the chosen village is kept

  // A name over the limit is refused with the limit (not cut silently); the label shows it beforehand.
  await expect(page.getByText("最多 32 个字")).toBeVisible();
  await page.getByLabel("姓名", { exact: true }).fill("赵".repeat(40));
  await page.getByLabel("身份证号码", { exact: true }).fill(WOMAN);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator('[data-field-error="name"]')).toContainText("不能超过32个字");
  await expect(page.getByLabel("姓名", { exact: true })).toBeFocused();
  await page.getByLabel("姓名", { exact: true }).fill("赵春燕");

  await page.getByLabel("身份证号码", { exact: true }).fill(WOMAN);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status")).toContainText("借款人已登记");
  await expect(page.getByTestId("borrower-name")).toHaveText("赵春燕");
  const url = page.url();
  await expect(page.getByTestId("id-number")).toHaveText(/^620123\*{11}[\dX]$/);
  await page.getByRole("button", { name: /查看完整号码/ }).click();
  await expect(page.getByTestId("id-number")).toHaveText(WOMAN);

  // A duplicate is refused, pointing at the existing record; nothing new is created.
  await page.goto("/borrowers/new");
  await fillForm(page, WOMAN);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator('[data-field-error="idNumber"]')).toContainText("已登记");
  await page.getByTestId("existing-borrower-link").click();
  await expect(page).toHaveURL(url.replace(/\?.*$/, ""));

  await page.goto(`/borrowers?q=${WOMAN}`);
  await expect(page.getByTestId("borrowers-table").locator("tbody tr")).toHaveCount(1);

  // A city official of 兰州市 sees her, masked, with no way to reveal or edit.
  const official = await browser.newPage();
  await login(official, "lz_official");
  await official.goto(url.replace(/\?.*$/, ""));
  await expect(official.getByTestId("borrower-name")).toHaveText("赵春燕");
  await expect(official.getByTestId("id-number")).toHaveText(/^620123\*{11}[\dX]$/);
  await expect(official.getByTestId("phone")).toHaveText(/^1\d{2}\*{4}\d{4}$/); // phones masked for officials
  await expect(official.getByRole("button", { name: /查看完整号码/ })).toHaveCount(0);
  await expect(official.getByRole("link", { name: "编辑" })).toHaveCount(0);
  expect(await official.content()).not.toContain(WOMAN);

  // Another county's staff gets nothing, by URL.
  const other = await browser.newPage();
  await login(other, "dx_staff");
  await other.goto(url.replace(/\?.*$/, ""));
  await expect(other.getByTestId("page-error")).toContainText("不在您的管辖范围内");
  expect(await other.content()).not.toContain("赵春燕");
});

test("text typed at once after opening 登记借款人 through its link is kept (no redraw wipes it)", async ({
  page,
}) => {
  await login(page, "yz_staff");
  for (const prefetched of [false, true]) {
    await page.goto("/borrowers");
    if (prefetched) await page.waitForTimeout(1_500); // the link's page has been prefetched
    await page.getByRole("link", { name: "登记借款人" }).first().click();
    const name = page.locator("#name");
    await name.pressSequentially("王秀兰", { delay: 20 });
    await page.locator("#idNumber").pressSequentially(WOMAN, { delay: 5 });
    await page.waitForTimeout(1_000); // a late redraw would have come by now
    await expect(name).toHaveValue("王秀兰");
    await expect(page.locator("#idNumber")).toHaveValue(WOMAN);
  }
});
