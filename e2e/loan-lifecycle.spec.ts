import { expect, test } from "@playwright/test";
import { makeResidentId } from "../src/domain/identity";
import { login } from "./helpers";

test("staff applies → another user approves → staff disburses → two repayments (one double-clicked) → one reversed → balance right", async ({ browser }) => {
  const staff = await browser.newPage();
  await login(staff, "yz_staff");
  // a new borrower for this journey
  await staff.goto("/borrowers/new");
  await staff.getByLabel("姓名", { exact: true }).fill("孙巧云");
  await staff.getByLabel("身份证号码", { exact: true }).fill(makeResidentId("620123", "1990-05-05", 702));
  await staff.getByLabel("联系电话").fill("13800001111");
  await staff.getByLabel("所在村").selectOption({ index: 2 });
  await staff.getByLabel("从事产业").fill("肉牛养殖");
  await staff.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByRole("status")).toContainText("借款人已登记");

  await staff.getByRole("link", { name: "申请贷款" }).click();
  await expect(staff).toHaveURL(/\/loans\/new/);
  await staff.getByLabel("申请金额（元）").fill("400000");
  await staff.getByLabel("贷款用途").fill("购买基础母牛10头");
  await staff.getByLabel("申请日期").fill("2026-03-01");
  await staff.getByRole("button", { name: "提交审核" }).click();
  await expect(staff.locator('[data-field-error="apply-amount"]')).toContainText("超过政策额度上限");
  await staff.getByLabel("申请金额（元）").fill("100000");
  await staff.getByRole("button", { name: "提交审核" }).click();
  await expect(staff.getByRole("status")).toContainText("等待另一位审核人审批");
  await expect(staff.getByTestId("loan-status")).toHaveText("待审核");
  await expect(staff.getByRole("button", { name: "审核通过" })).toHaveCount(0); // not for the maker
  const loanUrl = staff.url().replace(/\?.*$/, "");

  const approver = await browser.newPage();
  await login(approver, "yz_approver");
  await approver.goto(loanUrl);
  await approver.getByRole("button", { name: "审核通过" }).click();
  await expect(approver.getByTestId("loan-status")).toHaveText("已审核待放款");

  await staff.goto(loanUrl);
  await staff.getByLabel("借款合同号").fill("ABC-YZ-2026-001");
  await staff.getByLabel("放款日期").fill("2026-03-21");
  await staff.getByLabel("合同年利率（基点）").fill("400");
  await staff.getByRole("button", { name: "登记放款并生成还款计划" }).click();
  await expect(staff.getByTestId("loan-status")).toHaveText("还款中");
  await expect(staff.getByTestId("schedule").locator("tbody tr")).toHaveCount(9);

  // first repayment: interest of the first quarter, double-clicked → posted once
  await staff.getByLabel("还款日期").fill("2026-06-20");
  await staff.getByLabel("利息（元）").fill("1011.11");
  await staff.getByRole("button", { name: "登记还款" }).dblclick();
  await expect(staff.getByText("还款已登记")).toBeVisible();
  await staff.reload();
  await expect(staff.getByTestId("journal").locator("tbody tr")).toHaveCount(1);

  // second repayment: 20,000 principal
  await staff.getByLabel("还款日期").fill("2026-07-01");
  await staff.getByLabel("本金（元）").fill("20000");
  await staff.getByRole("button", { name: "登记还款" }).click();
  await expect(staff.getByTestId("loan-outstanding")).toHaveText("80,000.00");

  // reverse the second one
  const second = staff.getByTestId("journal").locator("tbody tr").nth(1);
  await second.getByText("冲正", { exact: true }).click();
  await second.getByLabel("冲正原因").fill("银行流水重复");
  await second.getByRole("button", { name: "确认冲正" }).click();
  await expect(staff.getByTestId("loan-outstanding")).toHaveText("100,000.00");
  await expect(staff.getByTestId("journal").locator("tbody tr")).toHaveCount(3);
  await expect(staff.getByTestId("loan-status")).toHaveText("还款中");
});
