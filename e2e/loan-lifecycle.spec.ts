import { expect, test } from "@playwright/test";
import { makeResidentId } from "../src/domain/identity";
import { login, fillSurvey } from "./helpers";

test("staff applies → another user approves → staff disburses → two repayments (one double-clicked) → one reversed → quarterly subsidy claim → compensation moves the fund", async ({
  browser,
}) => {
  test.setTimeout(180_000); // the whole life of a loan, on a server that may be building its snapshots
  const staff = await browser.newPage();
  await login(staff, "yz_staff");
  // A new borrower for this journey, in a village whose township and village the programme's rules do not
  // suspend (issue 19): the county's suspensions page names every suspended region.
  await staff.goto("/rules/suspensions");
  const suspended = (await staff.locator("main").textContent()) ?? "";
  const place = [
    ["城关镇", "白云坪"],
    ["夏官营镇", "河湾坪"],
    ["高崖镇", "刘家湾"],
    ["金崖镇", "周家沟"],
    ["和平镇", "龙泉坝"],
    ["甘草店镇", "杏树坝"],
    ["青城镇", "青山寨"],
    ["定远镇", "王家营"],
  ].find(([t, v]) => !suspended.includes(t!) && !suspended.includes(v!));
  expect(place, "a township of 榆中县 that is not suspended").toBeTruthy();
  await staff.goto("/borrowers/new");
  await staff.getByLabel("姓名", { exact: true }).fill("孙巧云");
  await staff.getByLabel("身份证号码", { exact: true }).fill(makeResidentId("620123", "1990-05-05", 702));
  await staff.getByLabel("联系电话").fill("13800001111");
  await staff.getByLabel("所在村").fill(`${place![0]}${place![1]}`);
  await staff.getByLabel("所在村").press("ArrowDown");
  await staff.getByLabel("所在村").press("Enter");
  await staff.getByLabel("从事产业").fill("肉牛养殖");
  await staff.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByRole("status")).toContainText("借款人已登记");

  await staff.getByRole("link", { name: "申请贷款" }).click();
  await expect(staff).toHaveURL(/\/loans\/new/);
  await staff.getByLabel("申请金额（元）").fill("400000");
  await staff.getByLabel("贷款用途").fill("购买基础母牛10头");
  await staff.getByLabel("申请日期").fill("2026-03-01");
  await fillSurvey(staff, "2026-02-25");
  await staff.getByLabel("贷款银行").selectOption({ label: "中国建设银行" });
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
  await staff.getByLabel("合同年利率（%）").fill("4.00");
  await staff.getByRole("button", { name: "登记放款并生成还款计划" }).click();
  await expect(staff.getByTestId("loan-status")).toHaveText("还款中");
  await expect(staff.getByTestId("schedule").locator("tbody tr")).toHaveCount(8); // 21 Mar 2026 – 21 Mar 2028: 7 quarters to a 20th, then to maturity

  // first repayment: interest of the first quarter, double-clicked → posted once
  // The form offers what is due now: the interest of the quarters already past (disbursed in March; today is
  // later), no principal — the same amounts in the fields as in the sentence.
  const due = staff.getByTestId("due-now");
  await expect(due).toHaveText(
    /^已逾期应还（第 1(–\d+)? 期，最晚 \d{4}-\d{2}-20 到期）：本金 0\.00 元，利息 [\d,]+\.\d{2} 元$/,
  );
  const interestDue = /利息 ([\d,]+\.\d{2}) 元/.exec((await due.textContent())!)![1]!.replace(/,/g, "");
  await expect(staff.getByLabel("利息（元）")).toHaveValue(interestDue);
  await expect(staff.getByLabel("本金（元）")).toHaveValue("0.00");
  await staff.getByLabel("还款日期").fill("2026-06-20");
  await staff.getByLabel("利息（元）").fill("1011.11");
  await staff.getByRole("button", { name: "登记还款" }).dblclick();
  await expect(staff.getByText("还款已登记")).toBeVisible();
  await staff.reload();
  await expect(staff.getByTestId("journal").locator("tbody tr")).toHaveCount(1);

  // second repayment: 20,000 principal
  await staff.getByLabel("还款日期").fill("2026-07-01");
  await staff.getByLabel("本金（元）").fill("20000");
  await staff.getByLabel("利息（元）").fill("0");
  await staff.getByRole("button", { name: "登记还款" }).click();
  await expect(staff.getByTestId("loan-outstanding")).toHaveText("80,000.00");

  // reverse the second one
  const secondId = (
    await staff.getByTestId("journal").locator("tbody tr").nth(1).locator("td").first().innerText()
  ).trim();
  await staff.getByText("冲正一笔流水").click();
  const reverse = staff.getByTestId("reverse");
  await reverse.getByLabel("要冲正的流水").selectOption(secondId);
  await reverse.getByLabel("冲正原因").fill("银行流水重复");
  await reverse.getByRole("button", { name: "确认冲正" }).click();
  await expect(staff.getByTestId("loan-outstanding")).toHaveText("100,000.00");
  await expect(staff.getByTestId("journal").locator("tbody tr")).toHaveCount(3);
  await expect(staff.getByTestId("loan-status")).toHaveText("还款中");

  // The 2026 Q3 subsidy claim of 榆中县 for this bank contains the loan with the 2021 rule's amounts:
  // 100,000 × 4.00% × 92 / 360 = 1,022.22 interest; borrower pays LPR 3.00% − 1.50% = 1.50%, so
  // subsidy = 100,000 × 2.50% × 92 / 360 = 638.89 and the borrower's share 383.33.
  await staff.getByRole("link", { name: "贴息申请" }).click();
  await staff.getByLabel("贷款银行").selectOption({ label: "中国建设银行" });
  await staff.getByLabel("年度").fill("2026");
  await staff.getByLabel("季度").selectOption("3");
  await staff.getByRole("button", { name: "生成" }).click();
  await expect(staff.getByTestId("claim-status")).toHaveText("草稿");
  const line = staff.getByTestId("claim-lines").locator("tbody tr").filter({ hasText: "孙巧云" });
  await expect(line.locator("td").nth(4)).toHaveText("92");
  // 积数 (balance × days) beside the days, so the interest can be recomputed by hand: 100,000 × 92.
  await expect(line.getByTestId("claim-line-balance-days")).toHaveText("9,200,000.00");
  await expect(line.locator("td").nth(6)).toHaveText("1,022.22");
  await expect(line.locator("td").nth(7)).toHaveText("638.89");
  await expect(line.locator("td").nth(8)).toHaveText("383.33");
  await staff.getByRole("button", { name: "提交审核" }).click();
  await expect(staff.getByTestId("claim-status")).toHaveText("待审核");
  const claimUrl = staff.url();
  await approver.goto(claimUrl);
  await approver.getByRole("button", { name: "审核通过" }).click();
  await expect(approver.getByTestId("claim-status")).toHaveText("已审核待拨付");

  // The first quarter's interest was short by 11.11, so the loan is 90+ days past due: compensation.
  await staff.goto(loanUrl);
  await expect(staff.getByTestId("loan-dpd")).toBeVisible();
  await staff.getByRole("button", { name: "申请风险补偿金代偿" }).click();
  // Submitted once the page no longer offers it (the button alone also vanishes while the request is pending).
  await expect(staff.getByText("已达代偿条件")).toHaveCount(0);
  await approver.goto("/fund");
  const fund = approver.getByTestId("fund-620123");
  const claimRow = fund.getByTestId("compensation-claims").locator("tr", { hasText: "孙巧云" });
  await claimRow.getByRole("button", { name: "审核通过" }).click();
  // Approved once the approver's page no longer offers it (the staff page must not be loaded before).
  await expect(claimRow.getByRole("button", { name: "审核通过" })).toHaveCount(0);
  await staff.goto("/fund");
  const staffFund = staff.getByTestId("fund-620123");
  const before = await staffFund.getByTestId("fund-balance").textContent();
  await staffFund
    .getByTestId("compensation-claims")
    .locator("tr", { hasText: "孙巧云" })
    .getByRole("button", { name: "拨付代偿" })
    .click();
  await expect(staffFund.getByTestId("fund-balance")).not.toHaveText(before!);
  await expect(staffFund.getByTestId("fund-ledger").locator("tbody tr").first()).toContainText("-80,000.00");
  await staff.goto(loanUrl);
  await expect(staff.getByTestId("loan-status")).toHaveText("已代偿");
});

test("two different repayments entered one after the other on the same page both post (each its own key); a double click posts once", async ({
  page,
}) => {
  await login(page, "yz_staff");
  await page.goto("/loans?status=REPAYING");
  await page.getByTestId("loans-table").locator("tbody tr").first().locator("a").first().click();
  const rows = page.getByTestId("journal").locator("tbody tr");
  await expect(page.getByTestId("journal")).toBeVisible();
  const before = await rows.count();
  const form = page.getByTestId("repay");
  await form.getByLabel("本金（元）").fill("0");
  await form.getByLabel("利息（元）").fill("1.00");
  await form.getByRole("button", { name: "登记还款" }).dblclick();
  await expect(page.getByText("还款已登记")).toBeVisible();
  // At once, before or while the page refreshes: a second, different repayment.
  await form.getByLabel("本金（元）").fill("0");
  await form.getByLabel("利息（元）").fill("2.00");
  await form.getByRole("button", { name: "登记还款" }).click();
  await expect(rows).toHaveCount(before + 2);
  await page.reload();
  await expect(rows).toHaveCount(before + 2);
});
