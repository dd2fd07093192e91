import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { login } from "./helpers";

test("an auditor downloads the loan ledger of a county as CSV and .xlsx, and both open with the expected rows", async ({
  page,
}) => {
  await login(page, "lz_auditor");
  await page.goto("/ledgers?kind=loans&region=620123&from=2026-01-01&to=2026-11-20");
  await expect(page.getByTestId("ledger-table").locator("tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("ledger-table")).toContainText("****"); // masked ID numbers

  const [csvDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "导出 CSV" }).click(),
  ]);
  expect(csvDownload.suggestedFilename()).toBe("贷款台账_榆中县_2026-01-01至2026-11-20.csv");
  const csv = fs.readFileSync((await csvDownload.path())!);
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = parse(csv.subarray(3), { relax_column_count: true }) as string[][];
  expect(rows[0]![1]).toBe("申请编号");
  // The totals row, then the labelled exclusion lines (written-off loans, and the balance without them).
  const at = rows.findIndex((r) => r[0]!.startsWith("合计"));
  expect(rows[at]![0]).toMatch(/^合计（\d+ 行）$/);
  expect(rows.slice(at + 1).map((r) => r[0])).toEqual([
    expect.stringMatching(/^其中：已核销贷款（\d+ 行）$/),
    "贷款余额（不含已核销，即统计口径的贷款余额）",
  ]);
  const body = rows.slice(1, at);
  expect(body.length).toBeGreaterThan(100);
  expect(body.every((r) => /^[A-Z]{2}620123/.test(r[1]!))).toBe(true); // only 榆中县 (entered SQ…, imported DR…)

  const [xlsxDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "导出 Excel (.xlsx)" }).click(),
  ]);
  expect(xlsxDownload.suggestedFilename()).toBe("贷款台账_榆中县_2026-01-01至2026-11-20.xlsx");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await xlsxDownload.path())!);
  const sheet = wb.getWorksheet("贷款台账")!;
  expect(sheet.rowCount).toBe(rows.length); // header + the same rows + totals and its lines
  expect(String(sheet.getRow(2).getCell(2).value)).toBe(body[0]![1]);
  expect(wb.getWorksheet("汇总")).toBeTruthy();

  // The print view for signing.
  await page.goto("/ledgers/print?region=620123&from=2026-01-01&to=2026-11-20");
  const print = page.getByTestId("print-ledger");
  await expect(print).toContainText("负责人（盖章）");
  await expect(print.locator("h1")).toHaveText("榆中县 妇女创业担保贷款台账");
  // Its totals row is the CSV's, with thousands separators; the written-off line follows it.
  const grouped = (v: string) => v.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const balance = rows[0]!.indexOf("贷款余额（元）");
  const printed = print.getByTestId("print-totals").locator("tr");
  await expect(printed.first().locator("td").nth(balance)).toHaveText(grouped(rows[at]![balance]!));
  await expect(printed.first().locator("td").first()).toHaveText(`合计（${body.length} 笔）`);
  await expect(printed.nth(1)).toContainText("其中：已核销贷款");

  // Only the loans with a balance: fewer rows, the same balance total.
  await page.goto("/ledgers/print?region=620123&from=2026-01-01&to=2026-11-20&outstanding=1");
  await expect(print.locator("h1")).toHaveText("榆中县 妇女创业担保贷款台账（有余额的贷款）");
  await expect(printed.first().locator("td").nth(balance)).toHaveText(grouped(rows[at]![balance]!));
  const open = body.filter((r) => r[balance] !== "0.00").length;
  await expect(printed.first().locator("td").first()).toHaveText(`合计（${open} 笔）`);
  expect(open).toBeLessThan(body.length);
});

test("a county's staff cannot export another county's ledger by URL", async ({ page }) => {
  await login(page, "yz_staff");
  const res = await page.request.get(
    "/ledgers/loans/export?format=csv&region=431124&from=2026-01-01&to=2026-11-20",
  );
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toContain("SQ431124");
});
