import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { login } from "./helpers";

test("an official of 兰州市 sees the city overview, drills into 榆中县 and back, sees a chart and an alert", async ({
  page,
}) => {
  await login(page, "lz_official");
  // An official's first page lists what crossed a line this month; the dashboard is one click away.
  await page.getByRole("link", { name: "还款监测" }).first().click();
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole("heading", { name: "兰州市 · 还款监测" })).toBeVisible();
  await expect(page.getByTestId("rate-maturityRepayment")).toContainText("%");
  await expect(page.getByTestId("rate-par30")).toHaveAttribute("title", /逾期30天以上/);
  await expect(page.getByTestId("aging-chart").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("alerts")).toContainText("永登县"); // its fund is over the leverage cap
  await expect(page.getByTestId("fund-summary")).toContainText("1 个"); // one fund over its cap
  await expect(page.getByTestId("subsidy-summary")).toContainText("省级财政");
  for (const chart of ["trend-chart", "rates-chart", "subsidy-chart", "fund-chart"])
    await expect(page.getByTestId(chart).locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("rates-chart")).toContainText("98.00% 警戒线");
  // The table behind a chart, for readers who would rather read.
  await page.getByText("还款率走势数据表").click();
  await expect(page.getByRole("table", { name: "还款率走势数据表" })).toContainText("2026-11");
  const children = page.getByTestId("children");
  await expect(children).toContainText("榆中县");
  await expect(children).toContainText("永登县");
  await expect(children).toContainText("皋兰县");
  await children.getByRole("link", { name: "榆中县" }).click();
  await expect(page.getByRole("heading", { name: "榆中县 · 还款监测" })).toBeVisible();
  await expect(page.getByTestId("children")).toContainText("城关镇");
  await page.getByTestId("breadcrumbs").getByRole("link", { name: "兰州市" }).click();
  await expect(page.getByRole("heading", { name: "兰州市 · 还款监测" })).toBeVisible();
  // The loans behind PAR30, adding up to the figure.
  await page.getByTestId("rate-par30").getByRole("link").click();
  await expect(page.getByRole("heading", { name: /逾期30天以上/ })).toBeVisible();
  await expect(page.getByTestId("figure-total")).toContainText("笔，贷款余额合计");
  await expect(page.getByTestId("figure-loans").locator("tbody tr").first()).toBeVisible();
});

test("an auditor opens the loans behind 到期还款率 from the dashboard and exports them; the sums are the figure's", async ({
  page,
}) => {
  await login(page, "lz_auditor");
  await page.goto("/dashboard?region=620123");
  const card = page.getByTestId("rate-maturityRepayment");
  const rate = (await card.locator("text=/\\d+\\.\\d{2}%/").first().textContent())!.trim();
  await card.getByRole("link").click();
  await expect(
    page.getByRole("heading", { name: /榆中县 · 期内到期贷款（到期还款率） · 截至 \d{4}-\d{2}-\d{2}/ }),
  ).toBeVisible();
  await expect(page.getByTestId("figure-window")).toContainText("-01-01 至");
  const total = page.getByTestId("figure-total");
  await expect(total).toContainText(`到期还款率 ${rate}`);
  const text = (await total.textContent())!;
  const amount = (label: string) =>
    text.match(new RegExp(`${label} ([\\d,]+\\.\\d{2}) 元`))![1]!.replace(/,/g, "");
  const count = Number(text.match(/共 (\d+) 笔到期/)![1]);
  expect(count).toBeGreaterThan(0);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("figure-export").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^榆中县_期内到期贷款（到期还款率）_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await download.path())!);
  const sheet = wb.getWorksheet("名单")!;
  expect(sheet.getRow(1).getCell(7).value).toBe("已收回本金（元）");
  const totals = sheet.getRow(count + 2);
  expect(totals.getCell(1).value).toBe("合计");
  expect(Number(totals.getCell(5).value).toFixed(2)).toBe(amount("到期本金"));
  expect(Number(totals.getCell(7).value).toFixed(2)).toBe(amount("已收回"));
  expect(Number(totals.getCell(8).value).toFixed(2)).toBe(amount("未收回"));
  expect(String(sheet.getRow(count + 3).getCell(1).value)).toContain("榆中县");
});

test("a county official cannot open another county's dashboard by URL", async ({ page }) => {
  await login(page, "yz_official");
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "榆中县 · 还款监测" })).toBeVisible();
  await page.goto("/dashboard?region=431124");
  await expect(page.getByTestId("page-error")).toContainText("不在您的管辖范围内");
  expect(await page.content()).not.toContain("道县 · 还款监测");
  await page.goto("/dashboard?region=620100");
  await expect(page.getByTestId("page-error")).toBeVisible();
});
