import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { makeResidentId } from "../src/domain/identity";
import { inExcelPartOrder } from "../tests/support/zip-parts";
import { login } from "./helpers";

async function ledgerFile(badId: boolean, rows = 3): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const loans = wb.addWorksheet("借款人与贷款");
  loans.addRow([
    "借款人姓名",
    "身份证号",
    "手机号",
    "村代码",
    "户类型",
    "产业",
    "项目",
    "贷款银行",
    "借款合同号",
    "贷款金额（元）",
    "期限（月）",
    "还款方式",
    "合同年利率（%）",
    "放款日期",
    "贷款用途",
  ]);
  const reps = wb.addWorksheet("还款记录");
  reps.addRow(["借款合同号", "还款日期", "本金（元）", "利息（元）"]);
  for (let i = 0; i < rows; i++) {
    let id = makeResidentId("620123", `199${i}-03-30`, 996); // day 30: never used by the demo data
    if (badId && i === 1) id = id.slice(0, 16) + "1X";
    loans.addRow([
      ["孙秀英", "周桂兰", "吴玉梅"][i],
      id,
      `1390000000${i}`,
      "620123101201",
      "一般农户",
      "肉牛养殖",
      "妇女创业担保贷款",
      "中国农业银行",
      `HT-E2E-IMP-${i}`,
      "30000.00",
      24,
      "按季付息、到期还本",
      "3.00",
      "2025-06-10",
      "扩大养殖",
    ]);
    reps.addRow([`HT-E2E-IMP-${i}`, "2025-06-20", "0.00", "25.00"]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test("county staff import an Excel ledger: template, errors by row and column, then a clean file once", async ({
  page,
}) => {
  await login(page, "yz_staff");
  await page.goto("/imports");
  const [template] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导入模板" }).click(),
  ]);
  expect(template.suggestedFilename()).toBe("贷款台账导入模板.xlsx");

  const input = page.getByLabel("填好的台账文件（.xlsx）");
  await input.setInputFiles({
    name: "台账.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await ledgerFile(true),
  });
  await page.getByRole("button", { name: "校验并预览" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("第 3 行");
  await expect(errors).toContainText("身份证号");
  await expect(page.getByRole("button", { name: "确认导入" })).toHaveCount(0);

  // Only the headers (a template saved before it was filled): refused with a message, never "passed".
  await input.setInputFiles({
    name: "空台账.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await inExcelPartOrder(await ledgerFile(false, 0)),
  });
  await page.getByRole("button", { name: "校验并预览" }).click();
  await expect(page.getByText(/没有数据行/)).toBeVisible();
  await expect(page.getByRole("button", { name: "确认导入" })).toHaveCount(0);

  // The clean file as Excel saves it (the worksheets before the shared strings).
  await input.setInputFiles({
    name: "台账.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await inExcelPartOrder(await ledgerFile(false)),
  });
  await page.getByRole("button", { name: "校验并预览" }).click();
  await expect(page.getByTestId("import-preview")).toContainText("校验通过");
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByTestId("import-message")).toContainText("贷款 3 笔");

  // The same file again: nothing new.
  await page.getByRole("button", { name: "校验并预览" }).click();
  await expect(page.getByTestId("import-preview")).toContainText("贷款 0 笔");
  await expect(page.getByTestId("import-preview")).toContainText("已导入过（将跳过）贷款 3 笔");
});
