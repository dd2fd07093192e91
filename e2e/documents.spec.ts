import { expect, test } from "@playwright/test";
import { login } from "./helpers";

test("a clerk prints a loan's approval form and repayment schedule, and a borrower's loan summary", async ({
  page,
  browser,
}) => {
  await login(page, "yz_staff");
  await page.goto("/loans?status=REPAYING");
  // The list names its region and its date.
  await expect(page.getByTestId("loans-scope")).toHaveText(
    /^榆中县 · 截至 \d{4}-\d{2}-\d{2}（贷款余额为当日余额）$/,
  );
  await page.locator("tbody tr a").first().click();
  await expect(page.getByTestId("loan-status")).toHaveText("还款中");
  const applicationNo = (await page.locator("h1").textContent())!.replace("贷款 ", "").trim();

  // The approval form: the federation's header, the loan, who entered and who approved it, signature lines.
  const approval = await page.getByRole("link", { name: "打印审批表" }).getAttribute("href");
  await page.goto(approval!);
  const doc = page.getByTestId("document");
  await expect(doc).toContainText("榆中县妇女联合会");
  await expect(doc.locator("h1")).toHaveText("妇女创业担保贷款审批表");
  await expect(doc).toContainText(`申请编号：${applicationNo}`);
  await expect(doc).toContainText("****"); // the ID number masked
  await expect(doc.getByTestId("signatures")).toContainText("经办人签字");
  await expect(doc.getByTestId("signatures")).toContainText("审核人签字");
  await expect(doc.getByTestId("signatures")).toContainText("负责人签字（盖章）");
  await expect(doc.getByRole("button", { name: "打印" })).toBeVisible();

  // The schedule: one row per instalment and a totals row that adds them up.
  await page.goto(approval!.replace("/approval", "/schedule"));
  await expect(doc.locator("h1")).toHaveText("妇女创业担保贷款还款计划表");
  const rows = doc.getByTestId("schedule").locator("tbody tr");
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  const fen = (s: string) => BigInt(s.replace(/,/g, "").replace(".", ""));
  let principal = 0n;
  for (let i = 0; i < n; i++) principal += fen((await rows.nth(i).locator("td").nth(2).textContent())!);
  const total = await doc.getByTestId("schedule").locator("tfoot td").nth(1).textContent();
  expect(fen(total!)).toBe(principal);

  // The borrower's loan summary lists this loan.
  await page.goBack();
  await page.goBack();
  await page
    .getByRole("link", { name: /（.*\*.*）/ })
    .first()
    .click();
  const summary = await page.getByRole("link", { name: "打印贷款情况表" }).getAttribute("href");
  await page.goto(summary!);
  await expect(doc.locator("h1")).toHaveText("借款人贷款情况表");
  await expect(doc.getByTestId("summary-loans")).toContainText(applicationNo);

  // Another county's clerk gets nothing of them (not even the title of the form).
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await login(otherPage, "dx_staff");
  for (const href of [approval!, approval!.replace("/approval", "/schedule"), summary!]) {
    expect((await otherPage.goto(href))!.status(), href).toBe(404);
    await expect(otherPage.getByText("记录不存在或不在您的管辖范围内")).toBeVisible();
    await expect(otherPage.getByTestId("document")).toHaveCount(0);
  }
  await other.close();
});
