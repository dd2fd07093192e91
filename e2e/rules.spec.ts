import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { makeResidentId } from "../src/domain/identity";
import { e2eDb, login, fillSurvey } from "./helpers";

/**
 * Issue 19 item 7: the programme's rules where they act (DOMAIN §11–§14), on the demo data, through the screens.
 * The database is only read (to name villages and loans), never written.
 */

const TODAY = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Beijing's calendar day

interface SuspensionRow {
  code: string;
  name: string;
  suspended: boolean;
  /** The latest month-end rate in bp, null without data. */
  latestBp: number | null;
  pendingRectification: boolean;
}

/** The county's suspensions page, read row by row. */
async function suspensionRows(page: Page): Promise<SuspensionRow[]> {
  await page.goto("/rules/suspensions");
  await expect(page.getByTestId("suspensions")).toBeVisible();
  const rows = await page
    .getByTestId("suspensions")
    .locator("tbody tr[data-region]")
    .evaluateAll((trs) =>
      trs.map((tr) => ({
        code: tr.getAttribute("data-region")!,
        cells: [...tr.querySelectorAll("td")].map((td) => (td as HTMLElement).innerText),
      })),
    );
  return rows.map(({ code, cells }) => {
    const latest = /(\d+)\.(\d{2})%/.exec(cells[2] ?? "");
    return {
      code,
      name: (cells[0] ?? "").replace(code, "").trim(),
      suspended: (cells[1] ?? "").includes("暂停新增贷款"),
      latestBp: latest ? Number(latest[1]) * 100 + Number(latest[2]) : null,
      pendingRectification: (cells[4] ?? "").includes("待审核"),
    };
  });
}

/** A village of the county whose township and village are not suspended today, with their names. */
async function lendingVillage(page: Page, county: string): Promise<{ township: string; village: string }> {
  const suspended = new Set((await suspensionRows(page)).filter((r) => r.suspended).map((r) => r.code));
  const db = await e2eDb();
  try {
    const { rows } = await db.query<{ code: string; village: string; township: string }>(
      `SELECT v.code, v.name AS village, t.name AS township FROM "Region" v JOIN "Region" t ON t.code = v."parentCode"
       WHERE v.level = 'VILLAGE' AND v.code LIKE $1 ORDER BY v.code`,
      [`${county}%`],
    );
    const place = rows.find((r) => !suspended.has(r.code) && !suspended.has(r.code.slice(0, 9)));
    expect(place, `a village of ${county} that lends today`).toBeTruthy();
    return place!;
  } finally {
    await db.end();
  }
}

/** Registers a woman borrower in the village (typed as "乡镇村" into the village search) and opens her page. */
async function registerBorrower(
  page: Page,
  args: { county: string; name: string; birth: string; seq: number; township: string; village: string },
): Promise<string> {
  await page.goto("/borrowers/new");
  await page.getByLabel("姓名", { exact: true }).fill(args.name);
  await page
    .getByLabel("身份证号码", { exact: true })
    .fill(makeResidentId(args.county, args.birth, args.seq));
  await page.getByLabel("联系电话").fill(`1380000${String(args.seq).padStart(4, "0")}`);
  await page.getByLabel("所在村").fill(`${args.township}${args.village}`);
  await page.getByLabel("所在村").press("ArrowDown");
  await page.getByLabel("所在村").press("Enter");
  await page.getByLabel("从事产业").fill("蔬菜种植");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status")).toContainText("借款人已登记");
  await expect(page.getByTestId("borrower-name")).toContainText(args.name);
  return page.url().replace(/\?.*$/, "");
}

async function apply(page: Page, borrowerUrl: string, at?: { date: string; bank: string }) {
  await page.goto(`/loans/new?borrower=${borrowerUrl.split("/").at(-1)}`);
  await page.getByLabel("申请金额（元）").fill("50000");
  await page.getByLabel("贷款用途").fill("扩大蔬菜大棚");
  if (at) {
    await page.getByLabel("申请日期").fill(at.date);
    await page.getByLabel("贷款银行").selectOption({ label: at.bank });
  }
  await fillSurvey(page, at?.date);
  await page.getByRole("button", { name: "提交审核" }).click();
}

/** The settlement quarter (21st of the quarter's month before to the 20th of its last month) last ended. */
function lastEndedQuarter(today: string): { year: number; quarter: number; start: string } {
  let year = Number(today.slice(0, 4));
  for (;;) {
    for (let quarter = 4; quarter >= 1; quarter--) {
      const end = `${year}-${String(quarter * 3).padStart(2, "0")}-20`;
      if (end >= today) continue;
      const start =
        quarter === 1 ? `${year - 1}-12-21` : `${year}-${String(quarter * 3 - 3).padStart(2, "0")}-21`;
      return { year, quarter, start };
    }
    year -= 1;
  }
}

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const page = await browser.newPage();
  await login(page, username);
  return page;
}

test("a suspended township and village refuse the application with the months and rates; each approved rectification, at a month-end ≥ the line, lets it through", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const staff = await signedIn(browser, "dx_staff");
  // A village of 道县 suspended with its township, both back at or above the line at the last month-end and
  // without a rectification: only the rectifications stand between them and new loans.
  const rows = await suspensionRows(staff);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const ready = (r: SuspensionRow | undefined) =>
    !!r && r.suspended && r.latestBp !== null && r.latestBp >= 9_800 && !r.pendingRectification;
  const village = rows.find((r) => r.code.length === 12 && ready(r) && ready(byCode.get(r.code.slice(0, 9))));
  expect(
    village,
    "a suspended village of 道县 whose township is suspended too, both back at the line",
  ).toBeTruthy();
  const township = byCode.get(village!.code.slice(0, 9))!;

  const borrowerUrl = await registerBorrower(staff, {
    county: "431124",
    name: "蒋冬梅",
    birth: "1987-02-14",
    seq: 826,
    township: township.name,
    village: village!.name,
  });
  // The borrower's page says why she cannot apply, and the button is off.
  await expect(staff.getByTestId("apply-blocked")).toContainText(`${village!.name}自`);
  await expect(staff.getByTestId("apply-blocked")).toContainText(`${township.name}自`);
  await expect(staff.getByRole("button", { name: "申请贷款" })).toBeDisabled();

  // The application itself is refused next to the borrower, with the months and rates that caused it.
  const refusal = staff.locator('[data-field-error="apply-borrowerId"]');
  await apply(staff, borrowerUrl);
  await expect(refusal).toContainText(`${township.name}自`);
  await expect(refusal).toContainText(`${village!.name}自`);
  await expect(refusal).toContainText(/连续 \d+ 个月末收回率低于标准（\d{4}-\d{2} \d+\.\d{2}%/);

  // A rectification of the township, recorded by the clerk, approved by another person.
  const approver = await signedIn(browser, "dx_approver");
  for (const [i, region] of [township, village!].entries()) {
    await staff.goto("/rules/suspensions");
    const form = staff.getByTestId("rectification");
    await form.getByLabel("乡镇 / 村").selectOption(region.code);
    await form.getByLabel("整改责任人").fill(`${region.name}党委、村两委`);
    await form.getByLabel("整改完成日期").fill(TODAY);
    await form.getByLabel("整改措施").fill("逐户走访逾期借款人，制定还款计划，落实干部包户催收责任");
    await form.getByRole("button", { name: "提交审核" }).click();
    await expect(form.getByRole("status")).toContainText("整改已登记");
    const own = staff.locator(`tr[data-region="${region.code}"]`);
    await expect(own).toContainText("待审核");
    await expect(own.getByRole("button", { name: "批准整改" })).toHaveCount(0); // not for its maker

    await approver.goto("/rules/suspensions");
    const row = approver.locator(`tr[data-region="${region.code}"]`);
    await row.getByRole("button", { name: "批准整改" }).click();
    await expect(row).toContainText("正常放款");
    await expect(row).toContainText("已批准");

    await apply(staff, borrowerUrl);
    if (i === 0) {
      // The township resumed; the village is still suspended.
      await expect(refusal).toContainText(`${village!.name}自`);
      await expect(refusal).not.toContainText(`${township.name}自`);
    }
  }
  // Both rectified: the same application goes through, and the approver sees why nothing stops it.
  await expect(staff.getByRole("status")).toContainText("等待另一位审核人审批");
  await approver.goto(staff.url().replace(/\?.*$/, ""));
  await expect(approver.getByText("借款人所在乡镇和村未被暂停新增贷款")).toBeVisible();
});

test("beyond the fund's leverage cap a disbursement is refused (拒绝放款) or, under the other policy, marked 超倍数放款", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  // The administrator gives 榆中县 and 通江县 a policy of their own from today: the fund may guarantee only
  // once its balance, refusing beyond it in 榆中县 and lending as 超倍数放款 in 通江县.
  // 通江县's from the start of the last settlement quarter, so that its loan goes into a claim at once.
  const quarter = lastEndedQuarter(TODAY);
  const lentOn = `${quarter.start.slice(0, 8)}${String(Number(quarter.start.slice(8)) + 5)}`;
  const admin = await signedIn(browser, "admin");
  for (const [county, mode, from] of [
    ["620123", "拒绝放款", TODAY],
    ["511921", "超倍数放款（不贴息、不代偿）", quarter.start],
  ] as const) {
    await admin.goto("/admin/policies");
    await admin.getByLabel("项目", { exact: true }).selectOption({ label: "妇女创业担保贷款" });
    await admin.getByLabel("适用地区").selectOption(county);
    await admin.getByLabel("名称", { exact: true }).fill(`${county} 风险补偿金放大倍数调整为1倍`);
    await admin.getByLabel("生效日期").fill(from);
    await admin.getByLabel("利率上限加点（%）").fill("3.00");
    await admin.getByLabel("担保基金放大倍数").fill("1");
    await admin.getByLabel("超过放大倍数上限时").selectOption({ label: mode });
    await admin.getByRole("button", { name: "保存" }).click();
    await expect(admin.getByRole("status")).toContainText("政策版本已保存");
  }

  for (const [county, staffName, approverName, seq] of [
    ["620123", "yz_staff", "yz_approver", 836],
    ["511921", "tj_staff", "tj_approver", 846],
  ] as const) {
    const staff = await signedIn(browser, staffName);
    const place = await lendingVillage(staff, county);
    const borrowerUrl = await registerBorrower(staff, {
      county,
      name: county === "620123" ? "魏春燕" : "谭小琴",
      birth: "1985-07-09",
      seq,
      township: place.township,
      village: place.village,
    });
    const flag = county === "511921";
    await apply(staff, borrowerUrl, flag ? { date: lentOn, bank: "中国邮政储蓄银行" } : undefined);
    await expect(staff.getByRole("status")).toContainText("等待另一位审核人审批");
    const loanUrl = staff.url().replace(/\?.*$/, "");

    // The approver sees the headroom and what will happen before deciding.
    const approver = await signedIn(browser, approverName);
    await approver.goto(loanUrl);
    await expect(approver.getByTestId("headroom")).toContainText("× 1 倍");
    await expect(approver.getByTestId("headroom")).toContainText(
      county === "620123" ? "放款将被拒绝" : "将按超倍数放款登记",
    );
    await approver.getByRole("button", { name: "审核通过" }).click();
    await expect(approver.getByTestId("loan-status")).toHaveText("已审核待放款");

    await staff.goto(loanUrl);
    await staff.getByLabel("借款合同号").fill(`HT-${county}-CAP-${seq}`);
    await staff.getByLabel("放款日期").fill(flag ? lentOn : TODAY);
    await staff.getByLabel("合同年利率（%）").fill("3.45");
    await staff.getByRole("button", { name: "登记放款并生成还款计划" }).click();
    if (county === "620123") {
      await expect(staff.locator('[data-field-error="disburse-amount"]')).toContainText(
        "超过风险补偿金放大倍数上限",
      );
      await staff.reload();
      await expect(staff.getByTestId("loan-status")).toHaveText("已审核待放款");
    } else {
      await expect(staff.getByTestId("loan-status")).toHaveText("还款中");
      await expect(staff.getByTestId("over-cap")).toContainText("不享受贴息");
      // The quarter's claim of the bank carries the loan with no subsidy, and says why.
      await staff.goto("/claims");
      const form = staff.getByTestId("generate-claim");
      await form.getByLabel("贷款银行").selectOption({ label: "中国邮政储蓄银行" });
      await form.getByLabel("年度").fill(String(quarter.year));
      await form.getByLabel("季度").selectOption(String(quarter.quarter));
      await form.getByRole("button", { name: "生成" }).click();
      await expect(staff).toHaveURL(/\/claims\/\d+/);
      const line = staff.getByTestId("claim-lines").locator("tbody tr", { hasText: "谭小琴" });
      await expect(line).toContainText("超倍数放款不贴息");
    }
  }
});

test("a county's reward for last year is prepared, approved by another person and paid; the auditor's reward ledger exports its lines", async ({
  browser,
}) => {
  const year = String(Number(TODAY.slice(0, 4)) - 1);
  const staff = await signedIn(browser, "yz_staff");
  await staff.goto("/rewards");
  await staff.getByTestId("prepare-reward").getByLabel("奖励年度").fill(year);
  await staff.getByRole("button", { name: "编制奖励分配" }).click();
  await expect(staff.getByTestId("prepare-reward").getByRole("status")).toContainText("已编制");
  const section = staff.getByTestId(`reward-${year}`);
  await expect(section).toContainText("待审批");
  const total = /奖励资金 ([\d,.]+ ?万?元)/.exec((await section.locator("h2").textContent())!)![1]!;

  const approver = await signedIn(browser, "yz_approver");
  await approver.goto("/rewards");
  await approver.getByTestId(`reward-${year}`).getByRole("button", { name: "批准" }).click();
  await expect(approver.getByTestId(`reward-${year}`).locator("h2")).toContainText("已批准");

  await staff.reload();
  await section.getByRole("button", { name: "登记拨付" }).click();
  await expect(section.locator("h2")).toContainText("已拨付");
  await expect(section.locator("h2")).toContainText(total);

  const auditor = await signedIn(browser, "lz_auditor");
  await auditor.goto(`/ledgers?kind=reward&region=620123&from=${year}-01-01&to=${TODAY}`);
  const [download] = await Promise.all([
    auditor.waitForEvent("download"),
    auditor.getByRole("button", { name: "导出 CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^奖励资金台账_榆中县_.*\.csv$/);
  const csv = fs.readFileSync((await download.path())!);
  const rows = parse(csv.subarray(3), { relax_column_count: true }) as string[][];
  const body = rows.slice(1).filter((r) => !r[0]!.startsWith("合计"));
  // Each line of the allocation was booked twice: allocated on approval, paid on payment.
  expect(body.length).toBeGreaterThanOrEqual(2);
  expect(body.length % 2).toBe(0);
});

test("targets imported from .xlsx rank the townships on the dashboard, and the 今日通报 text follows that ranking", async ({
  page,
}, testInfo) => {
  const year = Number(TODAY.slice(0, 4));
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await login(page, "dx_staff");
  const db = await e2eDb();
  let townships: { code: string; name: string }[];
  try {
    townships = (
      await db.query<{ code: string; name: string }>(
        `SELECT code, name FROM "Region" WHERE level = 'TOWNSHIP' AND code LIKE '431124%' ORDER BY code`,
      )
    ).rows;
  } finally {
    await db.end();
  }
  // New targets: 50万 more for the first township, 1万 for the last (so the ranking moves).
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("任务数");
  sheet.addRow(["地区代码", "年份", "任务数（元）"]);
  sheet.addRow([townships[0]!.code, year, "5,000,000.00"]);
  sheet.addRow([townships.at(-1)!.code, year, "10000"]);
  const file = testInfo.outputPath("targets.xlsx");
  await wb.xlsx.writeFile(file);

  await page.goto("/targets");
  await page.getByTestId("target-upload").locator('input[type="file"]').setInputFiles(file);
  await page.getByTestId("target-upload").getByRole("button", { name: "导入", exact: true }).click();
  await expect(page.getByTestId("target-upload").getByRole("status")).toContainText("已导入 2 条任务数");
  await expect(page.getByTestId("targets")).toContainText("500.00 万元");

  // The 今日通报 lists the townships in the order of the dashboard's ranking.
  const text = await page.getByTestId("bulletin").inputValue();
  const ranked = text
    .split("\n")
    .filter((l) => /^\d+\. /.test(l))
    .map((l) => l.replace(/^\d+\. /, "").split("：")[0]);
  await page.goto("/dashboard");
  const dashboard = page.getByTestId("dashboard-targets");
  await expect(dashboard).toBeVisible();
  const names = await dashboard.locator("tbody tr td:nth-child(2)").allTextContents();
  const rankedOnDashboard = names.filter((_, i) => i < ranked.length);
  expect(ranked.length).toBeGreaterThan(1);
  expect(ranked).toEqual(rankedOnDashboard);
  // The imported target is the one the text reports.
  expect(text).toContain(`${townships[0]!.name}：任务 500.00 万元`);

  await page.goto("/targets");
  await page.getByRole("button", { name: "复制通报" }).click();
  await expect(page.getByRole("button", { name: "已复制" })).toBeVisible();
});
