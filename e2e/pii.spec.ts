import { expect, test, type Page } from "@playwright/test";
import { residentIdCheckChar } from "../src/domain/identity";
import { login } from "./helpers";

/**
 * Personal data (issue 9): for every role, on the list pages and on randomly chosen detail pages, the HTML —
 * including the Server Components payload embedded in it — never carries a full 18-character resident ID
 * number (one whose check character is right), unless the person asked for it with the audited reveal.
 */
const CANDIDATE = /(?<!\d)\d{17}[\dX](?!\d)/g;

function fullIdNumbers(html: string): string[] {
  return [...html.matchAll(CANDIDATE)]
    .map((m) => m[0])
    .filter(
      (id) =>
        residentIdCheckChar(id.slice(0, 17)) === id[17] &&
        /^(19|20)\d{2}[01]\d[0-3]\d$/.test(id.slice(6, 14)),
    );
}

async function randomLinks(page: Page, path: string, pattern: RegExp, n: number): Promise<string[]> {
  await page.goto(path);
  const hrefs = [
    ...new Set(
      (
        await page.locator("main a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))
      ).filter((h) => pattern.test(h)),
    ),
  ];
  for (let i = hrefs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [hrefs[i], hrefs[j]] = [hrefs[j]!, hrefs[i]!];
  }
  return hrefs.slice(0, n);
}

for (const username of ["yz_staff", "yz_approver", "lz_official", "lz_auditor", "admin"]) {
  test(`no full ID number in the pages ${username} sees`, async ({ page }) => {
    test.setTimeout(120_000);
    await login(page, username);
    const pages = [
      "/loans",
      "/borrowers",
      "/dashboard",
      "/dashboard/loans?figure=par30",
      "/ledgers",
      "/ledgers?kind=loans",
      "/audit",
      "/claims",
      "/fund",
    ];
    pages.push(
      ...(await randomLinks(page, "/loans", /^\/loans\/\d+$/, 4)),
      ...(await randomLinks(page, "/borrowers", /^\/borrowers\/\d+$/, 4)),
    );
    let checked = 0;
    for (const path of pages) {
      const res = await page.goto(path);
      if (!res || res.status() >= 400) continue; // pages a role may not open answer with a refusal
      const html = await page.content();
      const raw = await res.text();
      expect(fullIdNumbers(html), `${username} ${path}`).toEqual([]);
      expect(fullIdNumbers(raw), `${username} ${path} (server HTML + RSC payload)`).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(2);
  });
}

test("the check does find an ID number once a clerk reveals it (audited)", async ({ page }) => {
  await login(page, "yz_staff");
  const [borrower] = await randomLinks(page, "/borrowers", /^\/borrowers\/\d+$/, 1);
  await page.goto(borrower!);
  expect(fullIdNumbers(await page.content())).toEqual([]);
  await page.getByRole("button", { name: /查看完整号码/ }).click();
  await expect.poll(async () => fullIdNumbers(await page.content()).length).toBe(1);
});
