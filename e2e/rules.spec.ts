import { expect, test } from "@playwright/test";
import { makeResidentId } from "../src/domain/identity";
import { e2eDb, login } from "./helpers";

/**
 * Issue 19 item 7 (written, not yet run by its author): the programme's rules where they act.
 * Uses the demo data (榆中县: yz_staff, yz_approver; 道县: dx_staff, dx_approver) and sets up the rest through
 * the screens, and — for the months that must have passed — through the database.
 */

const TODAY = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

test("a suspended village's application is refused with the reason; after an approved rectification and a month-end ≥ 98% it is accepted", async ({
  browser,
}) => {
  const db = await e2eDb();
  try {
    // A village of 榆中县 with three loans that fell due in the last three month-ends and were not repaid.
    const { rows } = await db.query<{ code: string; name: string }>(
      `SELECT code, name FROM "Region" WHERE level = 'VILLAGE' AND code LIKE '620123%' ORDER BY code DESC LIMIT 1`,
    );
    const village = rows[0]!;
    const staff = await browser.newPage();
    await login(staff, "yz_staff");
    await staff.goto("/borrowers/new");
    await staff.getByLabel("姓名", { exact: true }).fill("韩秀珍");
    await staff.getByLabel("身份证号码", { exact: true }).fill(makeResidentId("620123", "1986-04-04", 806));
    await staff.getByLabel("联系电话").fill("13800002222");
    await staff.getByLabel("所在村").selectOption(village.code);
    await staff.getByLabel("从事产业").fill("蔬菜种植");
    await staff.getByRole("button", { name: "保存" }).click();
    await expect(staff.getByRole("status")).toContainText("借款人已登记");
    const borrowerUrl = staff.url().replace(/\?.*$/, "");
    const borrowerId = borrowerUrl.split("/").at(-1)!;

    // Three earlier loans of the village matured at the last three month-ends, unpaid.
    const { rows: ends } = await db.query<{ e: string }>(
      `SELECT (date_trunc('month', $1::date) - (k || ' month')::interval - interval '1 day')::date::text e
       FROM generate_series(0, 2) k ORDER BY 1`,
      [TODAY],
    );
    for (const [i, { e }] of ends.entries())
      await db.query(
        `INSERT INTO "Loan" ("countyCode", "villageCode", "borrowerId", "programmeId", "policyVersionId", "bankId",
           "applicationNo", "contractNo", "requestedPrincipal", principal, "termMonths", method, purpose, industry,
           "contractRateBp", "borrowerRateBp", status, "applicationDate", "disbursedDate", "maturityDate", "makerId", "updatedAt")
         SELECT '620123', $1, $2::int, p."programmeId", p.id, 1, $3, $3, 50000, 50000, 12, 'BULLET', '扩大种植', '种植',
           400, 250, 'REPAYING', ($4::date - 380), ($4::date - 365), $4::date, 2, now()
         FROM "PolicyVersion" p JOIN "Programme" g ON g.id = p."programmeId" WHERE g.code = 'WOMEN' ORDER BY p.id LIMIT 1`,
        [village.code, borrowerId, `E2E-SUSP-${i}-${Date.now()}`, e],
      );

    await staff.goto(borrowerUrl);
    await expect(staff.getByTestId("apply-blocked")).toContainText("暂停新增贷款");
    await expect(staff.getByRole("button", { name: "申请贷款" })).toBeDisabled();
    await staff.goto(`/loans/new?borrower=${borrowerId}`);
    await staff.getByLabel("申请金额（元）").fill("50000");
    await staff.getByLabel("贷款用途").fill("扩大蔬菜大棚");
    await staff.getByRole("button", { name: "提交审核" }).click();
    await expect(staff.locator('[data-field-error="apply-borrowerId"]')).toContainText("暂停新增贷款");
    await expect(staff.locator('[data-field-error="apply-borrowerId"]')).toContainText("0.00%");

    // Rectification recorded by staff, approved by another person.
    await staff.goto("/rules/suspensions");
    await staff.getByLabel("乡镇 / 村").selectOption(village.code);
    await staff.getByLabel("整改责任人").fill(`${village.name}两委`);
    await staff.getByLabel("整改完成日期").fill(TODAY);
    await staff.getByLabel("整改措施").fill("逐户上门催收，落实村干部包户责任，每周报告进度");
    await staff.getByRole("button", { name: "提交审核" }).click();
    await expect(staff.getByRole("status")).toContainText("整改已登记");
    await expect(staff.getByRole("button", { name: "批准整改" })).toHaveCount(0); // not for the maker
    const approver = await browser.newPage();
    await login(approver, "yz_approver");
    await approver.goto("/rules/suspensions");
    await approver.getByRole("button", { name: "批准整改" }).first().click();
    await expect(approver.getByRole("status")).toContainText("已批准");

    // Still suspended until a month-end at ≥ 98%: the loans are repaid, and the last month-end moves back a month
    // (the loans' dates move a month earlier, so the month just ended sees them repaid).
    await staff.goto(`/loans/new?borrower=${borrowerId}`);
    await staff.getByLabel("申请金额（元）").fill("50000");
    await staff.getByLabel("贷款用途").fill("扩大蔬菜大棚");
    await staff.getByRole("button", { name: "提交审核" }).click();
    await expect(staff.locator('[data-field-error="apply-borrowerId"]')).toContainText("暂停新增贷款");
    await db.query(
      `UPDATE "Loan" SET "principalRepaid" = principal, "maturityDate" = "maturityDate" - interval '1 month',
         "disbursedDate" = "disbursedDate" - interval '1 month'
       WHERE "applicationNo" LIKE 'E2E-SUSP-%' AND "borrowerId" = $1`,
      [borrowerId],
    );
    await db.query(
      `UPDATE "Rectification" SET "approvedOn" = (date_trunc('month', $1::date) - interval '2 day')::date
       WHERE "regionCode" = $2 AND status = 'APPROVED'`,
      [TODAY, village.code],
    );
    await staff.goto(`/loans/new?borrower=${borrowerId}`);
    await staff.getByLabel("申请金额（元）").fill("50000");
    await staff.getByLabel("贷款用途").fill("扩大蔬菜大棚");
    await staff.getByRole("button", { name: "提交审核" }).click();
    await expect(staff.getByRole("status")).toContainText("等待另一位审核人审批");
  } finally {
    await db.end();
  }
});

test("a disbursement over the fund's cap is refused; under the FLAG policy it is 超倍数放款 and left out of the next claim", async ({
  browser,
}) => {
  const db = await e2eDb();
  try {
    // 榆中县's fund: make the headroom smaller than one loan.
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM "RiskFund" WHERE "countyCode" = '620123' AND "bankId" IS NULL`,
    );
    const fundId = rows[0]!.id;
    const staff = await browser.newPage();
    await login(staff, "yz_staff");
    const { rows: applied } = await db.query<{ id: number; version: number }>(
      `SELECT id, version FROM "Loan" WHERE "countyCode" = '620123' AND status = 'APPROVED' ORDER BY id LIMIT 1`,
    );
    test.skip(applied.length === 0, "no approved loan in the demo data");
    const loan = applied[0]!;
    await db.query(`UPDATE "PolicyVersion" SET "leverageCap" = 1 WHERE "regionCode" IN ('000000', '620123')`);
    await staff.goto(`/loans/${loan.id}`);
    await expect(staff.getByTestId("headroom")).toContainText("放款将被拒绝");
    await staff.getByLabel("借款合同号").fill(`HT-E2E-CAP-${Date.now()}`);
    await staff.getByLabel("放款日期").fill(TODAY);
    await staff.getByRole("button", { name: "登记放款" }).click();
    await expect(staff.locator('[data-field-error="disburse-amount"]')).toContainText(
      "超过风险补偿金放大倍数上限",
    );

    await db.query(
      `UPDATE "PolicyVersion" SET "overCapMode" = 'FLAG' WHERE "regionCode" IN ('000000', '620123')`,
    );
    await staff.reload();
    await expect(staff.getByTestId("headroom")).toContainText("超倍数放款");
    await staff.getByLabel("借款合同号").fill(`HT-E2E-CAP-${Date.now()}`);
    await staff.getByLabel("放款日期").fill(TODAY);
    await staff.getByRole("button", { name: "登记放款" }).click();
    await expect(staff.getByTestId("over-cap")).toBeVisible();
    void fundId;
  } finally {
    await db.query(`UPDATE "PolicyVersion" SET "leverageCap" = 10, "overCapMode" = 'REFUSE'`);
    await db.end();
  }
});

test("a county's reward allocation is prepared, approved and paid, and its ledger exports", async ({
  browser,
}) => {
  const staff = await browser.newPage();
  await login(staff, "yz_staff");
  await staff.goto("/rewards");
  await staff.getByLabel("奖励年度").fill("2025");
  await staff.getByRole("button", { name: "编制奖励分配" }).click();
  await expect(staff.getByRole("status")).toContainText("已编制");
  const approver = await browser.newPage();
  await login(approver, "yz_approver");
  await approver.goto("/rewards");
  await approver.getByTestId("reward-2025").getByRole("button", { name: "批准" }).click();
  await expect(approver.getByRole("status")).toContainText("已批准");
  await staff.reload();
  await staff.getByTestId("reward-2025").getByRole("button", { name: "登记拨付" }).click();
  await expect(staff.getByTestId("reward-2025")).toContainText("已拨付");
  await staff.goto("/ledgers?kind=reward");
  const download = staff.waitForEvent("download");
  await staff
    .getByRole("link", { name: /导出|CSV/ })
    .first()
    .click();
  expect((await download).suggestedFilename()).toMatch(/奖励|reward/);
});

test("targets are imported and the 今日通报 text follows the ranking on the screen", async ({ page }) => {
  await login(page, "dx_staff");
  await page.goto("/targets");
  const names = await page.getByTestId("targets").locator("tbody tr td:nth-child(2)").allTextContents();
  const text = await page.getByTestId("bulletin").inputValue();
  const ranked = text
    .split("\n")
    .filter((l) => /^\d+\. /.test(l))
    .map((l) => l.replace(/^\d+\. /, "").split("：")[0]);
  expect(ranked).toEqual(names);
  await page.getByRole("button", { name: "复制通报" }).click();
  await expect(page.getByRole("button", { name: "已复制" })).toBeVisible();
});
