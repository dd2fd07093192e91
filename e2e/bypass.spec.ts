import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { login } from "./helpers";

/**
 * Raw requests around the app's checks (issue 9): a real posting is captured from the browser, then replayed
 * by hand with a foreign or null Origin, another county's loan, an over-long field and a 10 MB body. Each is
 * refused and writes nothing; a plain retry of the same submission posts nothing twice. Pages refuse the
 * middleware-bypass header and RSC variants without a session.
 */
const journalRows = async (page: Page) => page.getByTestId("journal").locator("tbody tr").count();

async function openRepayingLoan(page: Page): Promise<number> {
  await page.goto("/loans?status=REPAYING");
  await page.getByTestId("loans-table").locator("tbody tr").first().locator("a").first().click();
  await expect(page.getByTestId("journal")).toBeVisible();
  return Number(/\/loans\/(\d+)/.exec(page.url())![1]);
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at [\w.<>]+ \(/);

test("replayed postings: retry posts once; foreign/null Origin, another county's loan, over-long and 10 MB bodies are refused and write nothing", async ({
  page,
  browser,
}) => {
  await login(page, "yz_staff");
  const loanId = await openRepayingLoan(page);
  const before = await journalRows(page);

  const form = page.getByTestId("repay");
  await form.getByLabel("本金（元）").fill("0");
  await form.getByLabel("利息（元）").fill("1.00");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    form.getByRole("button", { name: "登记还款" }).click(),
  ]);
  await expect(page.getByText("还款已登记")).toBeVisible();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(await request.allHeaders()))
    if (
      !k.startsWith(":") &&
      !["content-length", "cookie", "host", "accept-encoding", "connection"].includes(k)
    )
      headers[k] = v;
  const body = request.postDataBuffer()!.toString("latin1");
  const key = /name="_1_idempotencyKey"\r\n\r\n([^\r]*)/.exec(body)![1]!;
  let n = 0;
  const replay = async (
    change: { origin?: string; loan?: number; newKey?: boolean; field?: [string, string]; pad?: number } = {},
  ): Promise<APIResponse> => {
    let b = change.newKey === false ? body : body.replace(key, `${key.slice(0, 24)}-bypass-${n++}`);
    if (change.loan) b = b.replace(/(name="_1_loanId"\r\n\r\n)\d+/, `$1${change.loan}`);
    if (change.field)
      b = b.replace(new RegExp(`(name="_1_${change.field[0]}"\\r\\n\\r\\n)[^\\r]*`), `$1${change.field[1]}`);
    if (change.pad) b = b.replace(/(name="_1_penalty"\r\n\r\n)[^\r]*/, `$1${"0".repeat(change.pad)}`);
    return page.request.post(`/loans/${change.loan ?? loanId}`, {
      headers: { ...headers, ...(change.origin !== undefined ? { origin: change.origin } : {}) },
      data: Buffer.from(b, "latin1"),
      maxRedirects: 0,
    });
  };
  const acknowledged = async (r: APIResponse) => r.status() === 200 && /"ok":true/.test(await r.text());

  // A retry of the same submission (same key) is answered, and posts nothing twice.
  expect(await acknowledged(await replay({ newKey: false }))).toBe(true);
  await page.reload();
  expect(await journalRows(page)).toBe(before + 1);

  // Cross-site: a foreign Origin and Origin: null are refused before the action runs.
  for (const origin of ["https://evil.example", "null"]) {
    const r = await replay({ origin });
    expect(await acknowledged(r), origin).toBe(false);
    noStack(await r.text());
  }
  // A NUL byte and a date that does not exist: a message at the field, nothing written (not a 500).
  for (const [field, value, message] of [
    ["interest", "1.00\u0000", /控制字符/],
    ["valueDate", "2026-13-45", /还款日期/],
  ] as const) {
    const r = await replay({ field: [field, value] });
    expect(r.status(), field).toBe(200);
    expect(await acknowledged(r), field).toBe(false);
    expect(await r.text()).toMatch(message);
  }
  // Over-long input: a validation message, nothing written.
  const long = await replay({ field: ["interest", "9".repeat(100_000)] });
  expect(await acknowledged(long)).toBe(false);
  expect(await long.text()).toMatch(/金额|格式|不能超过|过长/);
  // A 10 MB body: refused (the body limit), nothing written, the server still answers.
  const big = await replay({ pad: 10 * 1024 * 1024 });
  expect(await acknowledged(big)).toBe(false);
  noStack(await big.text());
  await page.reload();
  expect(await journalRows(page)).toBe(before + 1);

  // Another county's loan (通江县), with this clerk's session: refused as not found, nothing written there.
  const other = await browser.newPage();
  await login(other, "tj_staff");
  const otherLoan = await openRepayingLoan(other);
  const otherBefore = await journalRows(other);
  const tampered = await replay({ loan: otherLoan });
  expect(await acknowledged(tampered)).toBe(false);
  expect(await tampered.text()).toContain("记录不存在或不在您的管辖范围内");
  await other.reload();
  expect(await journalRows(other)).toBe(otherBefore);
  await other.close();
});

test("pages without a session: the middleware-bypass header and RSC / prefetch variants get nothing", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const request = context.request;
  for (const [path, headers] of [
    ["/loans", { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" }],
    ["/loans", { "x-middleware-subrequest": "src/proxy:src/proxy:src/proxy:src/proxy:src/proxy" }],
    ["/loans?_rsc=1a2b3", { RSC: "1", "Next-Router-Prefetch": "1" }],
    ["/borrowers", { RSC: "1" }],
    ["/dashboard", { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy", RSC: "1" }],
  ] as const) {
    const r = await request.get(path, { headers, maxRedirects: 0 });
    const text = await r.text();
    expect(
      [302, 303, 307, 308, 401, 403].includes(r.status()) || /\/login/.test(r.headers()["location"] ?? ""),
      `${path} ${JSON.stringify(headers)} → ${r.status()}`,
    ).toBe(true);
    expect(text).not.toMatch(/\d{6}(19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]/); // no ID number
    expect(text).not.toContain("贷款台账");
  }
  await context.close();
});

test("malformed requests get a 4xx with a message, never a 500; every response carries the CSP", async ({
  page,
}) => {
  await login(page, "yz_staff");
  for (const path of ["/claims/72abc", "/loans/1e3", "/borrowers/-1", "/borrowers/0x10/edit"]) {
    const r = await page.goto(path);
    expect(r!.status(), path).toBe(404);
    await expect(page.getByTestId("page-error")).toContainText("记录不存在或不在您的管辖范围内");
    await expect(page.getByTestId("whoami")).toBeVisible(); // inside the app, with its navigation
  }
  // An application needs a borrower: without one the page says where to start (not a 500).
  expect((await page.goto("/loans/new"))!.status()).toBe(200);
  await expect(page.getByTestId("page-error")).toContainText("请先在“借款人”中找到借款人");
  const upload = await page.request.post("/imports/upload", {
    headers: { origin: "null" },
    multipart: {
      mode: "preview",
      file: { name: "a.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("x") },
    },
  });
  expect(upload.status()).toBe(403);
  expect(await upload.json()).toEqual({ message: "请求来源不正确" });
  for (const path of ["/nothing-here.js", "/nothing-here.css", "/nothing-here.png", "/login"]) {
    const r = await page.request.get(path, { maxRedirects: 0 });
    expect(r.headers()["content-security-policy"], path).toMatch(/script-src/);
  }
});

test("next-auth's own POST /api/auth/signout ends the session: a copied session cookie no longer works", async ({
  page,
  browser,
}) => {
  await login(page, "yz_approver");
  const cookies = await page.context().cookies();
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const out = await page.request.post("/api/auth/signout", {
    form: { csrfToken, callbackUrl: "/login" },
    maxRedirects: 0,
  });
  expect([200, 302, 303]).toContain(out.status());
  const copy = await browser.newContext();
  await copy.addCookies(cookies.filter((c) => !/csrf/i.test(c.name)));
  const p = await copy.newPage();
  await p.goto("/loans");
  await expect(p).toHaveURL(/\/login/);
  await copy.close();
});
