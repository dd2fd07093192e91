import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { login } from "./helpers";

const PAGES = ["/", "/loans", "/borrowers", "/borrowers/new", "/dashboard", "/fund", "/claims", "/ledgers"];
/** The screens of this stage (bank files, work lists, rules, the settlement, the figure lists): they must fit
 * too, and a screenshot of each at 1366 and 768 px in both languages goes with the run. */
const NEW_SCREENS = [
  "/bank-files",
  "/due",
  "/collection",
  "/inbox",
  "/rules/suspensions",
  "/targets",
  "/claims/settlement",
  "/reports/monthly",
  "/dashboard/loans?region=620123&figure=matured",
  "/admin", // refused to a clerk: the 403 page in the app's frame
];

/** Nothing sticks out sideways (wide tables scroll inside their own box) and the header is one band. */
async function checkLayout(page: Page, width: number, path: string) {
  await page.goto(path);
  await expect(page.getByTestId("whoami")).toBeVisible();
  const header = await page.locator("header").boundingBox();
  expect(header!.height, `header height at ${width} px on ${path}`).toBeLessThanOrEqual(130);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll, `page width at ${width} px on ${path}`).toBeLessThanOrEqual(width);
}

async function shoot(page: Page, width: number, path: string, lang: string, info: TestInfo) {
  await checkLayout(page, width, path);
  if (width === 1600) return;
  const name = path.slice(1).replace(/[/?&=]+/g, "-") || "home";
  await info.attach(`${name}-${width}-${lang}.png`, {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
}

test("the header and the pages at 1366 and 768 px, in Chinese and in English (screenshots attached)", async ({
  page,
}, info) => {
  test.setTimeout(600_000); // 2 languages × 3 widths × 18 pages
  await login(page, "yz_staff");
  for (const lang of ["zh", "en"] as const) {
    if (lang === "en") {
      await page.getByRole("button", { name: "English" }).click();
      await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
    }
    // 1600 and 1366 px: the navigation beside the title, no entry broken inside, at most two lines (a clerk
    // has 17 entries); no menu button; the pages fit.
    for (const width of [1600, 1366]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of PAGES) await checkLayout(page, width, path);
      for (const path of NEW_SCREENS) await shoot(page, width, path, lang, info);
      await page.goto("/loans");
      const nav = page.locator("header nav").first();
      await expect(nav).toBeVisible();
      expect(
        (await nav.boundingBox())!.height,
        `navigation in ≤ 2 lines at ${width} (${lang})`,
      ).toBeLessThanOrEqual(80);
      for (const h of await nav
        .locator("a")
        .evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height)))
        expect(h, `an entry in one line at ${width} (${lang})`).toBeLessThanOrEqual(36);
      await expect(page.getByTestId("nav-menu")).toBeHidden();
      await info.attach(`loans-${width}-${lang}.png`, {
        body: await page.screenshot(),
        contentType: "image/png",
      });
    }

    // 768 px: a menu; each link in one line; the pages still fit.
    await page.setViewportSize({ width: 768, height: 1024 });
    for (const path of PAGES) await checkLayout(page, 768, path);
    for (const path of NEW_SCREENS) await shoot(page, 768, path, lang, info);
    await page.goto("/loans");
    const menu = page.getByTestId("nav-menu");
    await expect(menu).toBeVisible();
    await menu.locator("summary").click();
    const links = menu.locator("nav a");
    expect(await links.count()).toBeGreaterThan(4);
    for (const box of await links.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height)))
      expect(box, "a menu entry in one line").toBeLessThanOrEqual(36);
    await info.attach(`loans-768-menu-${lang}.png`, {
      body: await page.screenshot(),
      contentType: "image/png",
    });
    await menu.locator('nav a[href="/borrowers"]').click(); // the menu works
    await expect(page).toHaveURL(/\/borrowers$/);
    await page.goto("/dashboard");
    await info.attach(`dashboard-768-${lang}.png`, {
      body: await page.screenshot({ fullPage: true }),
      contentType: "image/png",
    });
  }
});

test("each screen links to its 说明: what it is for, the rules behind its figures, the policy in force", async ({
  page,
}) => {
  await login(page, "yz_staff");
  await page.goto("/fund");
  await page.getByTestId("help-link").click();
  await expect(page).toHaveURL(/\/help\/fund$/);
  const help = page.getByTestId("help");
  await expect(help.locator("h1")).toHaveText("使用说明 · 风险补偿金");
  await expect(help).toContainText("剩余额度 = 放大倍数上限 × 风险补偿金余额 − 担保贷款余额");
  const policy = page.getByTestId("policy-in-force");
  await expect(policy).toContainText("本地区现行政策（榆中县");
  await expect(policy).toContainText("风险补偿金放大倍数上限");
  await expect(policy).toContainText(/单笔贷款上限\s*[\d,]+\.\d{2} 元/);
  await page.getByRole("link", { name: "贷款台账" }).last().click();
  await expect(page).toHaveURL(/\/help\/loans$/);
  await expect(help).toContainText("经办与审核分离");
});
