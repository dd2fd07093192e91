import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { formatYuan } from "../src/domain/format";
import { yuanToFen } from "../src/domain/money";
import { e2eDb, login, fillSurvey } from "./helpers";

/**
 * Issue 18's journey (rewritten against the screens): a clerk of 榆中县 uploads a bank
 * statement built from real demo loans — one row to post, one of another county, one already in the journal,
 * one ambiguous (a borrower with two loans of the bank, by ID number), one contract number with a typo — maps
 * the columns, previews, posts, resolves the typo row by hand; afterwards the journal and the loan page show
 * exactly the posted sums, the record adds up, and the same file again posts nothing.
 */

const COUNTY = "620123";
const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test("a clerk posts a bank's repayment statement, sees the unmatched rows and resolves the typo by hand", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const db = await e2eDb();
  try {
    // A borrower of 榆中县 with two repaying loans of one bank (a 妇女创业担保贷款 and a 脱贫人口小额信贷, which
    // the rules allow side by side): a row with only her ID number then matches two loans. Her second loan is
    // applied for, approved and disbursed here, through the screens, back-dated into last month.
    await login(page, "yz_staff");
    await page.goto("/rules/suspensions");
    const suspended = await page
      .getByTestId("suspensions")
      .locator("tbody tr[data-region]", { hasText: "暂停新增贷款" })
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-region")!));
    const twice = (
      await db.query<{ id: number; idNumber: string; name: string; bankId: number; bankName: string }>(
        `select b.id, b."idNumber", b.name, l."bankId", k.name as "bankName" from "Loan" l
           join "Borrower" b on b.id = l."borrowerId" join "Bank" k on k.id = l."bankId"
           join "Programme" p on p.id = l."programmeId"
          where l."countyCode" = $1 and l.status = 'REPAYING' and p.code = 'WOMEN' and l."disbursedDate" < $2::date - 60
            and b."birthDate" between $2::date - interval '60 years' and $2::date - interval '25 years'
            and not (substr(b."villageCode", 1, 9) = any($3) or b."villageCode" = any($3))
            and not exists (select 1 from "Loan" o where o."borrowerId" = b.id and o.id <> l.id)
          order by l.id limit 1`,
        [COUNTY, yesterday, suspended],
      )
    ).rows[0];
    expect(twice, "a borrower of 榆中县 with one repaying loan, in a village that lends").toBeTruthy();
    const appliedOn = addDays(yesterday, -20);
    await page.goto(`/loans/new?borrower=${twice!.id}`);
    await page.getByLabel("贷款项目").selectOption({ label: "脱贫人口小额信贷" });
    await page.getByLabel("申请金额（元）").fill("30000");
    await page.getByLabel("期限（月）").fill("12");
    await page.getByLabel("贷款用途").fill("购买饲料和仔猪");
    await page.getByLabel("申请日期").fill(appliedOn);
    await page.getByLabel("贷款银行").selectOption({ label: twice!.bankName });
    await fillSurvey(page, appliedOn);
    await page.getByRole("button", { name: "提交审核" }).click();
    await expect(page.getByRole("status")).toContainText("等待另一位审核人审批");
    const secondLoanUrl = page.url().replace(/\?.*$/, "");
    const approver = await (await browser.newContext()).newPage();
    await login(approver, "yz_approver");
    await approver.goto(secondLoanUrl);
    await approver.getByRole("button", { name: "审核通过" }).click();
    await expect(approver.getByTestId("loan-status")).toHaveText("已审核待放款");
    await page.goto(secondLoanUrl);
    await page.getByLabel("借款合同号").fill(`HT-E2E-POV-${Date.now()}`);
    await page.getByLabel("放款日期").fill(appliedOn);
    await page.getByLabel("合同年利率（%）").fill("2.90");
    await page.getByRole("button", { name: "登记放款并生成还款计划" }).click();
    await expect(page.getByTestId("loan-status")).toHaveText("还款中");

    const bankId = twice!.bankId;
    const loans = (
      await db.query<{
        id: number;
        contractNo: string;
        applicationNo: string;
        villageCode: string;
        name: string;
        interestRepaid: string;
      }>(
        `select l.id, l."contractNo", l."applicationNo", l."villageCode", b.name, l."interestRepaid"::text from "Loan" l join "Borrower" b on b.id = l."borrowerId"
          where l."countyCode" = $1 and l."bankId" = $2 and l.status = 'REPAYING' and l."disbursedDate" < $3::date - 1
            and b."idNumber" <> $4 order by l.id limit 2`,
        [COUNTY, bankId, yesterday, twice!.idNumber],
      )
    ).rows;
    const [toPost, typoLoan] = loans;
    const elsewhere = (
      await db.query<{ contractNo: string }>(
        `select "contractNo" from "Loan" where "countyCode" <> $1 and "bankId" = $2 and "contractNo" is not null limit 1`,
        [COUNTY, bankId],
      )
    ).rows[0]!;
    const posted = (
      await db.query<{ contractNo: string; valueDate: string; principal: string; interest: string }>(
        `select l."contractNo", to_char(e."valueDate", 'YYYY-MM-DD') as "valueDate", e.principal::text, e.interest::text
           from "RepaymentEntry" e join "Loan" l on l.id = e."loanId"
          where l."countyCode" = $1 and l."bankId" = $2 and e.kind = 'REPAYMENT' and e.penalty = 0
            and not exists (select 1 from "RepaymentEntry" r where r."reversesId" = e.id) order by e.id desc limit 1`,
        [COUNTY, bankId],
      )
    ).rows[0]!;
    // Amounts of this run (a re-run against the same server must not meet its own earlier rows).
    const cents = 1 + (Date.now() % 9_000);
    const postFen = 111_100 + cents;
    const typoFen = 44_400 + cents;
    const y = (f: number) => formatYuan(f, false);
    const typo = typoLoan!.contractNo.slice(0, -1) + (typoLoan!.contractNo.endsWith("7") ? "8" : "7");
    const lines = [
      `${twice!.bankName}榆中县支行 还款明细`,
      "序号,借据号,客户名称,证件号码,交易日期,归还本金,归还利息,罚息",
      `1,${toPost!.contractNo},${toPost!.name},,${yesterday.replaceAll("-", "/")},0.00,"${y(postFen)}",0`,
      `2,${elsewhere.contractNo},某某,,${yesterday},0.00,222.22,0`,
      `3,${posted.contractNo},,,${posted.valueDate.replaceAll("-", "")},${posted.principal},${posted.interest},0`,
      `4,,${twice!.name},${twice!.idNumber},${yesterday},0.00,333.33,0`,
      `5,${typo},${typoLoan!.name},,${yesterday},0.00,${y(typoFen)},0`,
      "合计,,,,,,,",
    ];
    const file = iconv.encode(lines.join("\r\n") + "\r\n", "gb18030");

    await page.goto("/imports");
    await page.getByTestId("bank-statement-link").click();
    await expect(page.getByRole("heading", { name: "银行还款明细" })).toBeVisible();
    await page.getByLabel("银行", { exact: true }).selectOption(String(bankId));
    await page.getByLabel("还款明细文件（.xlsx 或 .csv）").setInputFiles({
      name: `还款明细-${cents}.csv`,
      mimeType: "text/csv",
      buffer: file,
    });
    await page.getByRole("button", { name: "读取文件" }).click();
    const mapping = page.getByTestId("statement-mapping");
    await expect(mapping).toContainText("gb18030");
    // The mapping: proposed from the headers, checked (and one field set by hand), with a live preview.
    await expect(page.getByLabel("合同号/借据号", { exact: true })).toHaveValue("借据号");
    await page.getByLabel("罚息", { exact: true }).selectOption("罚息");
    await expect(page.getByTestId("statement-live-preview")).toContainText(y(postFen));
    await page.getByRole("button", { name: "匹配预览" }).click();
    const preview = page.getByTestId("statement-preview");
    await expect(preview).toBeVisible();
    const rows = page.getByTestId("statement-rows");
    await expect(rows.locator("tr", { hasText: "不属于本县" })).toHaveCount(1);
    await expect(rows.locator("tr", { hasText: "对应 " })).toHaveCount(1);
    await expect(rows.locator("tr", { hasText: "查无此贷款" })).toHaveCount(1);
    await expect(rows.locator('tr[data-category="ALREADY_POSTED"]')).toHaveCount(1);
    await expect(rows.locator('tr[data-category="TO_POST"]')).toHaveCount(1);
    await expect(page.getByTestId("statement-identity")).toContainText("相符");
    // Another county's loan: nothing of it on the screen but "不属于本县".
    await expect(rows.locator("tr", { hasText: "不属于本县" }).locator("a")).toHaveCount(0);

    await page.getByRole("button", { name: "确认入账" }).click();
    await expect(page.getByTestId("statement-message")).toContainText("本次入账 1 笔");
    const journal = await db.query<{ n: string }>(
      `select count(*) n from "RepaymentEntry" where "loanId" = $1 and interest = $2 and source = 'BANK_FILE'`,
      [toPost!.id, y(postFen).replace(",", "")],
    );
    expect(journal.rows[0]!.n).toBe("1");

    // The same file again: recognised, nothing posted.
    await page.getByRole("button", { name: "匹配预览" }).click();
    await expect(page.getByText(/此前已入账/)).toBeVisible();
    await expect(page.getByRole("button", { name: "确认入账" })).toHaveCount(0);

    // The record adds up; the worklist holds the three unmatched rows; the typo row resolved by hand.
    await page.getByRole("link", { name: "查看对账记录" }).first().click();
    await expect(page.getByTestId("statement-identity")).toContainText("相符");
    await page.goto("/bank-files/worklist");
    const item = page.locator("li", { hasText: typo });
    await item.getByLabel("姓名、身份证号或合同号").fill(typoLoan!.contractNo);
    await item.getByRole("button", { name: "查找贷款" }).click();
    await item
      .getByTestId("worklist-candidates")
      .getByRole("button", { name: "入账到这笔贷款" })
      .first()
      .click();
    await expect(page.locator("li", { hasText: typo })).toHaveCount(0);
    const resolved = await db.query<{ n: string }>(
      `select count(*) n from "RepaymentEntry" where "loanId" = $1 and interest = $2 and source = 'BANK_FILE'`,
      [typoLoan!.id, y(typoFen).replace(",", "")],
    );
    expect(resolved.rows[0]!.n).toBe("1");

    // The loan pages show exactly the posted sums.
    for (const [loan, addedFen] of [
      [toPost!, postFen],
      [typoLoan!, typoFen],
    ] as const) {
      await page.goto(`/loans/${loan.id}`);
      const shown = formatYuan(yuanToFen(loan.interestRepaid) + addedFen, false);
      await expect(page.getByText(shown, { exact: false }).first()).toBeVisible();
    }

    // An auditor sees both postings in the repayment journal of the county, and the record, and downloads it.
    const auditor = await (await browser.newContext()).newPage();
    await login(auditor, "lz_auditor");
    for (const [loan, amount] of [
      [toPost!, y(postFen)],
      [typoLoan!, y(typoFen)],
    ] as const) {
      await auditor.goto(
        `/ledgers?kind=journal&region=${loan.villageCode}&from=${yesterday}&to=${yesterday}`,
      );
      const rows = auditor.getByTestId("ledger-table").locator("tbody tr", { hasText: loan.applicationNo });
      await expect(rows.filter({ hasText: amount.replace(",", "") })).toHaveCount(1); // as exported: no separators
    }
    await auditor.goto("/bank-files");
    const record = auditor.getByTestId("bank-files").locator("tr", { hasText: `还款明细-${cents}.csv` });
    await expect(record).toHaveCount(1);
    await record.getByRole("link").first().click();
    await expect(auditor.getByTestId("statement-identity")).toContainText("相符");
    const [download] = await Promise.all([
      auditor.waitForEvent("download"),
      auditor.getByRole("link", { name: "下载 .xlsx" }).click(),
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    expect(wb.worksheets[0]!.rowCount).toBeGreaterThan(5);
  } finally {
    await db.end();
  }
});
