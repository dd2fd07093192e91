/**
 * npm run bench:web [-- --loans 1000000 --duration 60]
 * The production app (`next start`) on the synthetic province, measured from outside:
 * 1. page speed — TTFB, LCP and CLS of the login page, the loans list and the city dashboard in Chromium;
 * 2. the server's resident memory while an auditor downloads the journal (1M and 5M rows) as CSV;
 * 3. a load test (autocannon): clerks posting repayments and officials opening dashboards at the same time,
 *    then a check that the journal holds exactly the postings that were acknowledged.
 */
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import type { Browser, BrowserContext } from "@playwright/test";
import { DEMO_PASSWORD } from "../../prisma/demo/seed";
import { openBenchDatabase } from "./lib/bench-db";
import { ensureBenchData } from "./lib/ensure";
import { cookieHeader, launchChromium, loggedIn, startAppServer, type AppServer } from "./lib/app-server";
import { fmtMs, percentile, table } from "./lib/measure";
import { BENCH_AS_OF, BIG_CITY, PROVINCE } from "./lib/synthetic";
import { arg, runMain } from "./lib/cli";

interface Vitals {
  ttfb: number;
  lcp: number;
  cls: number;
}

async function vitals(context: BrowserContext, path: string): Promise<Vitals> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number; __cls: number };
    w.__lcp = 0;
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__lcp = e.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) w.__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(path, { waitUntil: "load" });
  await page.waitForTimeout(1_000); // late layout shifts and the final LCP candidate
  const v = await page.evaluate(() => {
    const w = window as unknown as { __lcp: number; __cls: number };
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { ttfb: nav.responseStart, lcp: w.__lcp, cls: w.__cls };
  });
  await page.close();
  return v;
}

export async function benchPageSpeed(browser: Browser, server: AppServer, runs: number): Promise<{ markdown: string; worst: Vitals }> {
  const anonymous = await browser.newContext({ baseURL: server.baseUrl, locale: "zh-CN" });
  const clerk = await loggedIn(browser, server.baseUrl, `bench_staff_${BIG_CITY.slice(0, 4)}01`, DEMO_PASSWORD);
  const auditor = await loggedIn(browser, server.baseUrl, "bench_auditor", DEMO_PASSWORD);
  const official = await loggedIn(browser, server.baseUrl, `bench_official_${BIG_CITY}`, DEMO_PASSWORD);
  const pages: [string, BrowserContext, string][] = [
    ["login page", anonymous, "/login"],
    ["loans list (county clerk, 24,937 loans)", clerk, "/loans"],
    ["loans list (province auditor, 1,000,000 loans)", auditor, "/loans"],
    [`city dashboard (${BIG_CITY}, 200,194 loans)`, official, `/dashboard?asOf=${BENCH_AS_OF}`],
  ];
  const rows: string[][] = [];
  const worst: Vitals = { ttfb: 0, lcp: 0, cls: 0 };
  for (const [name, context, path] of pages) {
    await vitals(context, path); // warm-up (compiles nothing in production, but fills caches)
    const all: Vitals[] = [];
    for (let i = 0; i < runs; i++) all.push(await vitals(context, path));
    const med = (k: keyof Vitals) => percentile(all.map((v) => v[k]).sort((a, b) => a - b), 50);
    const max = (k: keyof Vitals) => Math.max(...all.map((v) => v[k]));
    for (const k of ["ttfb", "lcp", "cls"] as const) worst[k] = Math.max(worst[k], max(k));
    rows.push([name, `${fmtMs(med("ttfb"))} (max ${fmtMs(max("ttfb"))})`, `${fmtMs(med("lcp"))} (max ${fmtMs(max("lcp"))})`, `${med("cls").toFixed(3)} (max ${max("cls").toFixed(3)})`]);
  }
  for (const c of [anonymous, clerk, auditor, official]) await c.close();
  return { markdown: table([`page (${runs} loads each, median)`, "TTFB", "LCP", "CLS"], rows), worst };
}

/** Downloads the province's journal as CSV over HTTP while sampling the server's RSS. */
export async function benchServerExport(browser: Browser, server: AppServer, sizes: { from: string; rows: number }[]): Promise<{ markdown: string; peak: number }> {
  const auditor = await loggedIn(browser, server.baseUrl, "bench_auditor", DEMO_PASSWORD);
  const cookie = await cookieHeader(auditor);
  await auditor.close();
  const rows: string[][] = [];
  let peak = 0;
  for (const { from, rows: approx } of sizes) {
    const idle = server.rss();
    let max = idle;
    const timer = setInterval(() => (max = Math.max(max, server.rss())), 100);
    const t0 = performance.now();
    const res = await fetch(`${server.baseUrl}/ledgers/journal/export?${new URLSearchParams({ format: "csv", region: PROVINCE, from, to: BENCH_AS_OF })}`, { headers: { cookie } });
    if (!res.ok || !res.body) throw new Error(`export failed: ${res.status}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    const secs = (performance.now() - t0) / 1000;
    clearInterval(timer);
    max = Math.max(max, server.rss());
    peak = Math.max(peak, max);
    rows.push([`~${(approx / 1e6).toFixed(0)}M rows (${from} → ${BENCH_AS_OF})`, `${(lines - 2).toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(0)} MB in ${secs.toFixed(1)} s (${Math.round((lines - 2) / secs).toLocaleString("en")} rows/s)`, `${(idle / 1e6).toFixed(0)} MB`, `${(max / 1e6).toFixed(0)} MB`]);
  }
  return { markdown: table(["journal CSV over HTTP (auditor, whole province)", "downloaded", "server RSS before", "server RSS peak"], rows), peak };
}

interface LoadResult {
  markdown: string;
  postingP95: number;
  errors: number;
  acknowledged: number;
  journal: number;
}

/**
 * The posting request is captured from a real submission in Chromium (the server action's id, router
 * headers and multipart body), then replayed by autocannon with a fresh idempotency key and another loan.
 */
async function capturePosting(browser: Browser, server: AppServer, username: string, loanId: number) {
  const context = await loggedIn(browser, server.baseUrl, username, DEMO_PASSWORD);
  const page = await context.newPage();
  await page.goto(`/loans/${loanId}`);
  const form = page.getByTestId("repay");
  await form.getByLabel("利息（元）").fill("1.00");
  const [request] = await Promise.all([page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]), form.getByRole("button", { name: "登记还款" }).click()]);
  await page.getByText("还款已登记").waitFor();
  const headers = await request.allHeaders();
  const body = request.postDataBuffer()!.toString("latin1");
  const cookie = await cookieHeader(context);
  await context.close();
  return { headers, body, cookie };
}

export async function benchLoad(browser: Browser, server: AppServer, databaseUrl: string, durationSecs: number): Promise<LoadResult> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // 10 clerks in 10 counties, 4 connections each, posting 1.00 元 of interest on their county's loans;
    // 5 city officials, 2 connections each, opening their city's dashboard.
    const counties = (await db.query<{ c: string }>(`SELECT DISTINCT "countyCode" AS c FROM "Loan" ORDER BY 1 LIMIT 80`)).rows.map((r) => r.c).filter((_, i) => i % 8 === 0);
    const clerks: { cookie: string; headers: Record<string, string>; body: string; loans: number[]; capturedLoan: number }[] = [];
    for (const county of counties) {
      const loans = (await db.query<{ id: number }>(`SELECT id FROM "Loan" WHERE "countyCode" = $1 AND status = 'REPAYING' ORDER BY id LIMIT 100`, [county])).rows.map((r) => r.id);
      const captured = await capturePosting(browser, server, `bench_staff_${county}`, loans[0]!);
      clerks.push({ ...captured, loans, capturedLoan: loans[0]! });
    }
    const cities = (await db.query<{ c: string }>(`SELECT DISTINCT substr("countyCode", 1, 4) || '00' AS c FROM "Loan" ORDER BY 1 LIMIT 5`)).rows.map((r) => r.c);
    const officials: string[] = [];
    for (const city of cities) {
      const ctx = await loggedIn(browser, server.baseUrl, `bench_official_${city}`, DEMO_PASSWORD);
      officials.push(await cookieHeader(ctx));
      await ctx.close();
    }
    const runId = randomUUID().slice(0, 8);
    const keyOf = (n: number) => `load-${runId}-${String(n).padStart(8, "0")}`;
    let sent = 0;
    let acknowledged = 0;
    let refused = 0;
    const postingMs: number[] = [];
    const started = new Map<object, number>();

    const posting = autocannon({
      url: server.baseUrl,
      connections: clerks.length * 4,
      connectionRate: 2, // each connection posts every 0.5 s at most: 80 postings/s offered
      duration: durationSecs,
      timeout: 30,
      requests: [
        {
          method: "POST",
          setupRequest: (req, ctx) => {
            const context = ctx as Record<string, unknown>;
            context.clerk ??= (sent % clerks.length);
            const c = clerks[context.clerk as number]!;
            const n = sent++;
            const loanId = c.loans[n % c.loans.length]!;
            const oldKey = /name="1_idempotencyKey"\r\n\r\n([^\r]*)/.exec(c.body)![1]!;
            const body = c.body.replace(oldKey, keyOf(n)).replace(/(name="1_loanId"\r\n\r\n)\d+/, `$1${loanId}`);
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(c.headers)) if (!k.startsWith(":") && k !== "content-length" && k !== "cookie" && k !== "host") headers[k] = v;
            started.set(context, performance.now());
            return { ...req, path: `/loans/${loanId}`, headers: { ...headers, cookie: c.cookie }, body: Buffer.from(body, "latin1") as unknown as string };
          },
          onResponse: (status, body, context) => {
            postingMs.push(performance.now() - (started.get(context) ?? performance.now()));
            if (status === 200 && /"ok":true/.test(body)) acknowledged++;
            else refused++;
          },
        },
      ],
    });
    const dashboards = autocannon({
      url: server.baseUrl,
      connections: officials.length * 2,
      connectionRate: 0.2, // one dashboard every 5 s per connection
      duration: durationSecs,
      timeout: 30,
      requests: [
        {
          method: "GET",
          setupRequest: (req, ctx) => {
            const context = ctx as Record<string, unknown>;
            context.official ??= Math.floor(Math.random() * officials.length);
            return { ...req, path: `/dashboard?asOf=${BENCH_AS_OF}`, headers: { cookie: officials[context.official as number]! } };
          },
        },
      ],
    });
    const [p, d] = await Promise.all([posting, dashboards]);
    postingMs.sort((a, b) => a - b);
    const journal = Number((await db.query<{ n: string }>(`SELECT COUNT(*)::text AS n FROM "RepaymentEntry" WHERE "idempotencyKey" LIKE $1`, [`load-${runId}-%`])).rows[0]!.n);
    const errors = p.errors + p.timeouts + p.non2xx + d.errors + d.timeouts + d.non2xx + refused;
    const rows = [
      [`post a repayment (${clerks.length * 4} connections, ≤ 2/s each)`, p.requests.total.toLocaleString("en"), `${(p.requests.total / durationSecs).toFixed(1)}/s`, fmtMs(p.latency.p50), fmtMs(percentile(postingMs, 95)), fmtMs(p.latency.p99), `${p.errors + p.timeouts} errors, ${p.non2xx} non-2xx, ${refused} not ok`],
      [`city dashboard (${officials.length * 2} connections, ≤ 1 per 5 s each)`, d.requests.total.toLocaleString("en"), `${(d.requests.total / durationSecs).toFixed(1)}/s`, fmtMs(d.latency.p50), fmtMs(d.latency.p97_5), fmtMs(d.latency.p99), `${d.errors + d.timeouts} errors, ${d.non2xx} non-2xx`],
      ["journal afterwards", `${journal.toLocaleString("en")} entries of this run`, "", "", "", "", `${acknowledged.toLocaleString("en")} acknowledged → ${journal === acknowledged ? "equal" : "DIFFERENT"}`],
    ];
    return {
      markdown: table([`${durationSecs} s, ${clerks.length * 4 + officials.length * 2} concurrent users`, "requests", "rate", "p50", "p95 (dashboard: p97.5)", "p99", "errors"], rows),
      postingP95: percentile(postingMs, 95),
      errors,
      acknowledged,
      journal,
    };
  } finally {
    await db.end();
  }
}

async function main() {
  const loans = Number(arg("loans", "1000000"));
  const duration = Number(arg("duration", "60"));
  const only = arg("only", "pages,export,load").split(",");
  const bench = await openBenchDatabase();
  let server: AppServer | null = null;
  let browser: Browser | null = null;
  try {
    await ensureBenchData(bench.url, loans);
    server = await startAppServer(bench.url, Number(arg("port", "3200")));
    browser = await launchChromium();
    if (only.includes("pages")) {
      const r = await benchPageSpeed(browser, server, Number(arg("runs", "5")));
      console.log(`\nPage speed\n\n${r.markdown}\n\nTargets: TTFB ≤ 800 ms, LCP ≤ 2.5 s, CLS ≤ 0.1 → worst TTFB ${fmtMs(r.worst.ttfb)}, LCP ${fmtMs(r.worst.lcp)}, CLS ${r.worst.cls.toFixed(3)}`);
    }
    if (only.includes("export")) {
      const r = await benchServerExport(browser, server, [
        { from: "2026-02-01", rows: 1_000_000 },
        { from: "2023-11-01", rows: 5_000_000 },
      ]);
      console.log(`\nServer memory during exports\n\n${r.markdown}\n\nTarget: RSS ≤ 256 MB and flat from 1M to 5M rows → peak ${(r.peak / 1e6).toFixed(0)} MB`);
    }
    if (only.includes("load")) {
      const r = await benchLoad(browser, server, bench.url, duration);
      console.log(`\nLoad test\n\n${r.markdown}\n\nTargets: posting p95 ≤ 200 ms → ${fmtMs(r.postingP95)}; 0 errors → ${r.errors}; journal = acknowledged → ${r.journal === r.acknowledged}`);
    }
  } finally {
    await browser?.close();
    await server?.stop();
    await bench.embedded?.stop();
  }
}

runMain("web.ts", main);
