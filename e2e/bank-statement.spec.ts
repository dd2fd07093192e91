import { expect, test } from "@playwright/test";
import iconv from "iconv-lite";
import { formatYuan } from "../src/domain/format";
import { yuanToFen } from "../src/domain/money";
import { e2eDb, login } from "./helpers";

/**
 * Issue 18's journey (written, not yet run by its author — the lead runs e2e): a clerk of 榆中县 uploads a bank
 * statement built from real demo loans — one row to post, one of another county, one already in the journal,
 * one ambiguous (a borrower with two loans of the bank, by ID number), one contract number with a typo — maps
 * the columns, previews, posts, resolves the typo row by hand; afterwards the journal and the loan page show
 * exactly the posted sums, the record adds up, and the same file again posts nothing.
 */

const COUNTY = "620123";
const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

test("a clerk posts a bank's repayment statement, sees the unmatched rows and resolves the typo by hand", async ({
  page,
}) => {
  const db = await e2eDb();
  try {
    // A borrower of 榆中县 with two repaying loans of one bank: that bank's statement is the one built.
    const twice = (
      await db.query<{ idNumber: string; name: string; bankId: number; bankName: string }>(
        `select b."idNumber", b.name, l."bankId", k.name as "bankName" from "Loan" l join "Borrower" b on b.id = l."borrowerId"
           join "Bank" k on k.id = l."bankId"
          where l."countyCode" = $1 and l.status = 'REPAYING'
          group by b."idNumber", b.name, l."bankId", k.name having count(*) > 1 order by 1 limit 1`,
        [COUNTY],
      )
    ).rows[0];
    expect(twice, "the demo has a borrower with two repaying loans of one bank").toBeTruthy();
    const bankId = twice!.bankId;
    const loans = (
      await db.query<{ id: number; contractNo: string; name: string; interestRepaid: string }>(
        `select l.id, l."contractNo", b.name, l."interestRepaid"::text from "Loan" l join "Borrower" b on b.id = l."borrowerId"
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
    const typo = typoLoan!.contractNo.slice(0, -1) + (typoLoan!.contractNo.endsWith("7") ? "8" : "7");
    const lines = [
      `${twice!.bankName}榆中县支行 还款明细`,
      "序号,借据号,客户名称,证件号码,交易日期,归还本金,归还利息,罚息",
      `1,${toPost!.contractNo},${toPost!.name},,${yesterday.replaceAll("-", "/")},0.00,"1,111.11",0`,
      `2,${elsewhere.contractNo},某某,,${yesterday},0.00,222.22,0`,
      `3,${posted.contractNo},,,${posted.valueDate.replaceAll("-", "")},${posted.principal},${posted.interest},0`,
      `4,,${twice!.name},${twice!.idNumber},${yesterday},0.00,333.33,0`,
      `5,${typo},${typoLoan!.name},,${yesterday},0.00,444.44,0`,
      "合计,,,,,,,",
    ];
    const file = iconv.encode(lines.join("\r\n") + "\r\n", "gb18030");

    await login(page, "yz_staff");
    await page.goto("/imports");
    await page.getByTestId("bank-statement-link").click();
    await expect(page.getByRole("heading", { name: "银行还款明细" })).toBeVisible();
    await page.getByLabel("银行", { exact: true }).selectOption(String(bankId));
    await page.getByLabel("还款明细文件（.xlsx 或 .csv）").setInputFiles({
      name: "还款明细.csv",
      mimeType: "text/csv",
      buffer: file,
    });
    await page.getByRole("button", { name: "读取文件" }).click();
    const mapping = page.getByTestId("statement-mapping");
    await expect(mapping).toContainText("gb18030");
    // The mapping: proposed from the headers, checked (and one field set by hand), with a live preview.
    await expect(page.getByLabel("合同号/借据号", { exact: true })).toHaveValue("借据号");
    await page.getByLabel("罚息", { exact: true }).selectOption("罚息");
    await expect(page.getByTestId("statement-live-preview")).toContainText("1,111.11");
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
      `select count(*) n from "RepaymentEntry" where "loanId" = $1 and interest = 1111.11 and source = 'BANK_FILE'`,
      [toPost!.id],
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
      `select count(*) n from "RepaymentEntry" where "loanId" = $1 and interest = 444.44 and source = 'BANK_FILE'`,
      [typoLoan!.id],
    );
    expect(resolved.rows[0]!.n).toBe("1");

    // The loan pages show exactly the posted sums.
    for (const [loan, addedFen] of [
      [toPost!, 111_111],
      [typoLoan!, 44_444],
    ] as const) {
      await page.goto(`/loans/${loan.id}`);
      const shown = formatYuan(yuanToFen(loan.interestRepaid) + addedFen, false);
      await expect(page.getByText(shown, { exact: false }).first()).toBeVisible();
    }

    // An auditor sees the record and downloads it.
    await page.context().clearCookies();
    await login(page, "lz_auditor");
    await page.goto("/bank-files");
    await expect(page.getByTestId("bank-files")).toContainText("还款明细.csv");
  } finally {
    await db.end();
  }
});
