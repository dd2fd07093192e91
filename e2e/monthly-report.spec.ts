import { expect, test } from "@playwright/test";
import { login } from "./helpers";

/** Last month in Beijing time, "YYYY-MM": the month a county reports on now. */
function lastMonth(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

test("a county submits its monthly report, the city sees it arrive, acknowledges it and exports its own", async ({
  browser,
}) => {
  const month = lastMonth();
  const county = `/reports/monthly?region=620123&month=${month}`;

  // 榆中县: staff prepare, a second person approves and submits.
  const staff = await browser.newPage();
  await login(staff, "yz_staff");
  await staff.goto(county);
  await expect(staff.getByTestId("report-status-label")).toHaveText("未编制");
  await expect(staff.getByTestId("report-current")).toContainText("合计");
  await staff.getByTestId("prepare-report").getByRole("button", { name: "编制月报" }).click();
  await expect(staff.getByTestId("report-status-label")).toHaveText("已编制，待审核上报");
  // The one who prepared it gets no submit button.
  await expect(staff.getByTestId("submit-report")).toHaveCount(0);

  const approver = await browser.newPage();
  await login(approver, "yz_approver");
  await approver.goto(county);
  await approver.getByTestId("submit-report").getByRole("button", { name: "审核并上报" }).click();
  await expect(approver.getByTestId("report-status-label")).toHaveText("已上报");
  await expect(approver.getByTestId("report-submitted")).toBeVisible();
  await expect(approver.getByTestId("report-no-differences")).toBeVisible();

  // 兰州市: the county's report has arrived; the others are listed with their state against the deadline.
  const city = await browser.newPage();
  await login(city, "lz_official");
  await city.goto(`/reports/monthly?region=620100&month=${month}`);
  const row = city.getByTestId("report-children").locator('tr[data-region="620123"]');
  await expect(row).toContainText("已上报");
  await expect(city.getByTestId("report-children").locator('tr[data-region="620121"]')).toContainText(
    "未编制",
  );
  await row.getByRole("button", { name: "确认收到" }).click();
  await expect(row).toContainText("已上报，上级已确认收到");

  // The city exports its own report (.xlsx, fixed layout).
  const [download] = await Promise.all([
    city.waitForEvent("download"),
    city.getByTestId("export-report").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/兰州市.*统计月报.*\.xlsx$/);

  // The county sees the acknowledgement.
  await staff.reload();
  await expect(staff.getByTestId("report-status-label")).toHaveText("已上报，上级已确认收到");
});
