import { expect, test, type Browser, type Page } from "@playwright/test";
import { e2eDb, login, fillSurvey } from "./helpers";

/**
 * Issue 20 item 9: the work lists as people use them, on the demo data of 榆中县. The database is read to name
 * records; the one write is the passing of a day (a promise recorded as made yesterday), which no screen can do.
 */
const TODAY = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Beijing's calendar day
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await login(page, username);
  return page;
}

test("a clerk starts from her to-do list and prints the due notices of one village; the printing is recorded", async ({
  page,
}) => {
  await login(page, "yz_staff");
  await expect(page.getByRole("heading", { name: "今日待办" })).toBeVisible();
  await expect(page.getByTestId("home-comingDue")).toBeVisible();
  await expect(page.getByTestId("home-followUp")).toBeVisible();
  await expect(page.getByTestId("home-visits")).toBeVisible(); // 贷后回访已逾期 (issue 23 item 2)
  // The count on the home page is the length of the list one click away.
  const count = Number((await page.getByTestId("home-comingDue-count").innerText()).replace(/\D/g, ""));
  await page
    .getByTestId("home-comingDue")
    .getByRole("link", { name: /查看全部/ })
    .click();
  await expect(page).toHaveURL(/\/due/);
  await expect(page.getByTestId("due-totals")).toContainText(`共 ${count} 笔`);

  // The first village of the list: its group header names the township, the village and its number of loans.
  const header = await page.getByTestId("due-table").locator("th[scope=rowgroup]").first().innerText();
  const [, township, village, n] = /^(.+) · (.+)（(\d+)）$/.exec(header.trim())!;
  const db = await e2eDb();
  let code: string;
  try {
    code = (
      await db.query<{ code: string }>(
        `SELECT v.code FROM "Region" v JOIN "Region" t ON t.code = v."parentCode"
         WHERE v.name = $1 AND t.name = $2 AND v.code LIKE '620123%'`,
        [village, township],
      )
    ).rows[0]!.code;
  } finally {
    await db.end();
  }
  await page.locator("#f-region").selectOption(code);
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page.getByTestId("due-totals")).toContainText(`共 ${n} 笔`);
  await expect(page.getByTestId("due-table").locator('input[name="ids"]')).toHaveCount(Number(n));

  await page.getByTestId("print-all").click();
  await expect(page.getByTestId("due-notices").locator("article")).toHaveCount(Number(n));
  await expect(page.getByText("贷款到期还款通知书").first()).toBeVisible();
  const check = await e2eDb();
  try {
    const ev = await check.query<{ after: { loans: number[] } }>(
      `SELECT after FROM "AuditEvent" WHERE action = 'worklist.notice.print' AND username = 'yz_staff'
       ORDER BY id DESC LIMIT 1`,
    );
    expect(ev.rows[0]!.after.loans).toHaveLength(Number(n));
  } finally {
    await check.end();
  }
});

test("a promise is recorded; the day passes unpaid and the case is flagged again; a payment of what is past due closes it", async ({
  page,
}) => {
  await login(page, "yz_staff");
  await page.goto("/collection?view=followUp");
  await page.getByTestId("cases").locator("tbody tr a").first().click();
  await expect(page).toHaveURL(/\/collection\/\d+$/);
  const caseId = Number(page.url().split("/").pop());
  await page.getByLabel("状态（不变可不选）").selectOption("PROMISED");
  await page.getByLabel("承诺还款日期").fill(TODAY);
  await page.getByLabel("承诺还款金额（元）").fill("100");
  await page.getByLabel("跟进情况").fill("电话联系，本人承诺今天还款");
  await page.getByRole("button", { name: "保存跟进记录" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("承诺还款");
  await expect(page.getByTestId("case-flagged")).toHaveCount(0);

  const db = await e2eDb();
  try {
    // The day passes: the history is append-only, so the passing of a day is a promise recorded as made
    // yesterday for yesterday (what the list derives from on the day after).
    const c = (
      await db.query<{ loanId: number; countyCode: string }>(
        `SELECT "loanId", "countyCode" FROM "CollectionCase" WHERE id = $1`,
        [caseId],
      )
    ).rows[0]!;
    await db.query(
      `INSERT INTO "CollectionEvent" ("caseId", "countyCode", kind, "onDate", status, "promiseDate", "promiseAmount", note, "authorId")
       SELECT $1, $2, 'NOTE', $3, 'PROMISED', $3, 100, '承诺昨日还款（e2e：日期已过）', id FROM "User" WHERE username = 'yz_staff'`,
      [caseId, c.countyCode, addDays(TODAY, -1)],
    );
    await page.reload();
    await expect(page.getByTestId("case-flagged")).toBeVisible();
    await page.goto("/collection?view=flagged");
    await expect(page.getByTestId("cases").locator(`a[href="/collection/${caseId}"]`)).toBeVisible();

    // Paying everything past due makes the loan current: the case settles itself.
    const due = (
      await db.query<{ p: string; i: string }>(
        `SELECT COALESCE(SUM("principalDue" - "principalPaid"), 0)::text p, COALESCE(SUM("interestDue" - "interestPaid"), 0)::text i
         FROM "Instalment" WHERE "loanId" = $1 AND "dueDate" < $2 AND "paidDate" IS NULL`,
        [c.loanId, TODAY],
      )
    ).rows[0]!;
    await page.goto(`/loans/${c.loanId}`);
    await page.getByLabel("还款日期").fill(TODAY);
    await page.getByLabel("本金（元）").fill(due.p);
    await page.getByLabel("利息（元）").fill(due.i);
    await page.getByRole("button", { name: "登记还款" }).click();
    await expect(page.getByText("还款已登记")).toBeVisible();
    await page.goto(`/collection/${caseId}`);
    await expect(page.getByTestId("case-status")).toHaveText("已结清");
    await expect(page.getByText("贷款已恢复正常还款，案件已结清")).toBeVisible();
  } finally {
    await db.end();
  }
});

test("an approver starts from 待我审核, opens a pending extension request and decides it on the loan's page", async ({
  browser,
}) => {
  const staff = await signedIn(browser, "yz_staff");
  const db = await e2eDb();
  let loanId: number;
  try {
    loanId = (
      await db.query<{ id: number }>(
        `SELECT l.id FROM "Loan" l WHERE l."countyCode" = '620123' AND l.status = 'REPAYING'
           AND l."extendedMaturityDate" IS NULL AND l.method IN ('INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY', 'BULLET')
           AND l."maturityDate" > $1
           AND NOT EXISTS (SELECT 1 FROM "LoanRequest" r WHERE r."loanId" = l.id AND r.status = 'PENDING')
         ORDER BY l.id LIMIT 1`,
        [TODAY],
      )
    ).rows[0]!.id;
  } finally {
    await db.end();
  }
  await staff.goto(`/loans/${loanId}`);
  await staff.getByText("申请展期或核销").click();
  const request = staff.getByTestId("request-change");
  await request.getByLabel("类型", { exact: true }).selectOption("EXTENSION");
  await request.getByLabel(/展期月数/).fill("6");
  await request.getByLabel("理由").fill("受灾减产，申请展期半年");
  await request.getByRole("button", { name: "提交审批" }).click();
  await expect(staff.getByTestId("loan-requests")).toContainText(
    "展期 6 个月 · 受灾减产，申请展期半年 · 待审批",
  );

  const approver = await signedIn(browser, "yz_approver");
  await expect(approver).toHaveURL(/\/inbox$/);
  const link = approver.locator(`a[href="/loans/${loanId}#requests"]`);
  await expect(link).toHaveCount(1);
  await link.click();
  await expect(approver).toHaveURL(new RegExp(`/loans/${loanId}#requests$`));
  await approver.getByTestId("loan-requests").getByRole("button", { name: "批准" }).first().click();
  await expect(approver.getByTestId("loan-requests")).toContainText("已批准");
  await approver.goto("/inbox");
  await expect(approver.locator(`a[href="/loans/${loanId}#requests"]`)).toHaveCount(0); // decided: not waiting
});

test("a clerk sees on the borrower's page and on the form why a borrower with an open loan cannot apply", async ({
  page,
}) => {
  await login(page, "yz_staff");
  const db = await e2eDb();
  let borrowerId: number;
  try {
    borrowerId = (
      await db.query<{ id: number }>(
        `SELECT l."borrowerId" id FROM "Loan" l JOIN "Programme" p ON p.id = l."programmeId"
         WHERE l."countyCode" = '620123' AND l.status = 'REPAYING' AND p.code = 'WOMEN' ORDER BY l.id LIMIT 1`,
      )
    ).rows[0]!.id;
  } finally {
    await db.end();
  }
  await page.goto(`/borrowers/${borrowerId}`);
  await expect(page.getByTestId("apply-blocked")).toContainText("已有未结清的贷款");
  await page.goto(`/loans/new?borrower=${borrowerId}`);
  await page.getByLabel("申请金额（元）").fill("50000");
  await page.getByLabel("贷款用途").fill("扩大养殖规模");
  await fillSurvey(page);
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.locator('[data-field-error="apply-borrowerId"]')).toContainText(
    "该借款人在本项目下已有未结清的贷款，结清后才能再申请",
  );
});
