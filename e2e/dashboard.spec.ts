import { expect, test } from "@playwright/test";
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
