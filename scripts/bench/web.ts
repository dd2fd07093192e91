/**
 * npm run bench:web [-- --loans 1000000 --duration 60]
 * The production app (`next start`) on the synthetic province, measured from outside:
 * 1. page speed — TTFB, LCP and CLS of the login page, the loans list and the city dashboard in Chromium;
 * 2. the server's resident memory while an auditor downloads the journal (1M and 5M rows) as CSV;
 * 3. a load test: 40 clerks posting repayments (8 postings/s arriving at random, one every 5 s per clerk —
 *    far above a province's busiest hour) while 10 officials open their city's dashboard (1/s), for 60 s;
 *    then the journal must hold exactly the acknowledged postings. Arrivals are an open model (Poisson):
 *    autocannon's rate limit fires each second's requests together, a burst no office produces. Then the
 *    capacity: autocannon with every clerk posting again as soon as answered.
 */
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import type { Browser, BrowserContext } from "@playwright/test";
import { DEMO_PASSWORD } from "../../prisma/demo/seed";
import { openBenchDatabase } from "./lib/bench-db";
import { sampleLag, startBenchStandby, type BenchStandby, type LagFigures } from "./lib/bench-standby";
import { ensureBenchData } from "./lib/ensure";
import {
  capturePosting,
  cookieHeader,
  launchChromium,
  loggedIn,
  postingRequest,
  startAppServer,
  type AppServer,
  type CapturedPosting,
} from "./lib/app-server";

type Clerk = CapturedPosting & { loans: number[] };
import { fmtMs, percentile, table } from "./lib/measure";
import { BENCH_AS_OF, BIG_CITY, PROVINCE } from "./lib/synthetic";
import { arg, pointAppAt, runMain } from "./lib/cli";

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
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[])
        if (!e.hadRecentInput) w.__cls += e.value;
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

export async function benchPageSpeed(
  browser: Browser,
  server: AppServer,
  runs: number,
): Promise<{ markdown: string; worst: Vitals }> {
  const anonymous = await browser.newContext({ baseURL: server.baseUrl, locale: "zh-CN" });
  const clerk = await loggedIn(
    browser,
    server.baseUrl,
    `bench_staff_${BIG_CITY.slice(0, 4)}01`,
    DEMO_PASSWORD,
  );
  const auditor = await loggedIn(browser, server.baseUrl, "bench_auditor", DEMO_PASSWORD);
  const official = await loggedIn(browser, server.baseUrl, `bench_official_${BIG_CITY}`, DEMO_PASSWORD);
  const pages: [string, BrowserContext, string][] = [
    ["login page", anonymous, "/login"],
    ["loans list (county clerk)", clerk, "/loans"],
    ["loans list (province auditor, every loan)", auditor, "/loans"],
    [
      `city dashboard (${BIG_CITY}, the largest city, computed afresh on each load)`,
      official,
      `/dashboard?asOf=${BENCH_AS_OF}&fresh=1`,
    ],
  ];
  const rows: string[][] = [];
  const worst: Vitals = { ttfb: 0, lcp: 0, cls: 0 };
  for (const [name, context, path] of pages) {
    await vitals(context, path); // warm-up (compiles nothing in production, but fills caches)
    const all: Vitals[] = [];
    for (let i = 0; i < runs; i++) all.push(await vitals(context, path));
    const med = (k: keyof Vitals) =>
      percentile(
        all.map((v) => v[k]).sort((a, b) => a - b),
        50,
      );
    const max = (k: keyof Vitals) => Math.max(...all.map((v) => v[k]));
    for (const k of ["ttfb", "lcp", "cls"] as const) worst[k] = Math.max(worst[k], max(k));
    rows.push([
      name,
      `${fmtMs(med("ttfb"))} (max ${fmtMs(max("ttfb"))})`,
      `${fmtMs(med("lcp"))} (max ${fmtMs(max("lcp"))})`,
      `${med("cls").toFixed(3)} (max ${max("cls").toFixed(3)})`,
    ]);
  }
  for (const c of [anonymous, clerk, auditor, official]) await c.close();
  return { markdown: table([`page (${runs} loads each, median)`, "TTFB", "LCP", "CLS"], rows), worst };
}

/** Downloads the province's journal as CSV and as .xlsx over HTTP while sampling the server's RSS. */
export async function benchServerExport(
  browser: Browser,
  server: AppServer,
  sizes: { from: string; rows: number }[],
): Promise<{ markdown: string; peak: number; peakXlsx: number }> {
  const auditor = await loggedIn(browser, server.baseUrl, "bench_auditor", DEMO_PASSWORD);
  const cookie = await cookieHeader(auditor);
  await auditor.close();
  const rows: string[][] = [];
  let peak = 0;
  let peakXlsx = 0;
  for (const { from, rows: approx } of sizes) {
    let csvRows = 0;
    for (const format of ["csv", "xlsx"] as const) {
      const idle = server.rss();
      let max = idle;
      const timer = setInterval(() => (max = Math.max(max, server.rss())), 100);
      const t0 = performance.now();
      const res = await fetch(
        `${server.baseUrl}/ledgers/journal/export?${new URLSearchParams({ format, region: PROVINCE, from, to: BENCH_AS_OF })}`,
        { headers: { cookie } },
      );
      if (!res.ok || !res.body)
        throw new Error(`${format} export failed: ${res.status} ${(await res.text()).slice(0, 500)}`);
      let bytes = 0;
      let lines = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        if (format === "csv") for (const b of chunk) if (b === 10) lines++;
      }
      const secs = (performance.now() - t0) / 1000;
      clearInterval(timer);
      max = Math.max(max, server.rss());
      if (format === "csv") {
        peak = Math.max(peak, max);
        csvRows = lines - 2;
      } else peakXlsx = Math.max(peakXlsx, max - idle);
      void approx;
      // The .xlsx holds the same rows as the CSV of the same period (one snapshot each, no writes meanwhile).
      rows.push([
        `${from} → ${BENCH_AS_OF} (${format === "csv" ? "CSV" : ".xlsx"})`,
        `${csvRows.toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(0)} MB in ${secs.toFixed(1)} s (${Math.round(csvRows / secs).toLocaleString("en")} rows/s)`,
        `${(idle / 1e6).toFixed(0)} MB`,
        `${(max / 1e6).toFixed(0)} MB (+${Math.max(0, (max - idle) / 1e6).toFixed(0)} MB)`,
      ]);
    }
  }
  return {
    markdown: table(
      [
        "journal export over HTTP (auditor, whole province)",
        "downloaded",
        "server RSS before",
        "server RSS peak",
      ],
      rows,
    ),
    peak,
    peakXlsx,
  };
}

/**
 * One user cannot slow everyone (issue 17 item 8): the clerk's loan list, idle and while the province auditor
 * asks for 4 whole-province journal exports at once (plus print views), each asked again as soon as it ends
 * or is refused. The heavy-work slots (src/server/heavy.ts) let one export of hers run and refuse the rest
 * at once with a message. Target: the clerk's p95 under that load ≤ 2 × idle.
 */
export async function benchHeavy(
  browser: Browser,
  server: AppServer,
  seconds: number,
  mix: { exports: number; prints: number } = { exports: 4, prints: 2 },
): Promise<{ markdown: string; ratio: number }> {
  const clerk = await cookieHeader(
    await loggedIn(browser, server.baseUrl, `bench_staff_${BIG_CITY.slice(0, 4)}01`, DEMO_PASSWORD),
  );
  const auditor = await cookieHeader(await loggedIn(browser, server.baseUrl, "bench_auditor", DEMO_PASSWORD));
  const page = async () => {
    const t0 = performance.now();
    const r = await fetch(`${server.baseUrl}/loans`, { headers: { cookie: clerk } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`clerk page ${r.status}`);
    return performance.now() - t0;
  };
  const sample = async (ms: number) => {
    const times: number[] = [];
    for (const end = Date.now() + ms; Date.now() < end;) times.push(await page());
    return times.sort((a, b) => a - b);
  };
  await page(); // warm-up
  const idle = await sample(seconds * 1000);
  let stop = false;
  const outcome = { exports: 0, prints: 0, refused: 0 };
  const heavy = async (path: string, kind: "exports" | "prints") => {
    while (!stop) {
      const r = await fetch(`${server.baseUrl}${path}`, { headers: { cookie: auditor } });
      const body = await r.text();
      // A refused print view is a page (status 200) whose message comes after the header: read it all.
      const refused = r.status === 409 || /已有[^<]{0,8}在进行|请稍等片刻再试/.test(body);
      if (refused) outcome.refused++;
      else outcome[kind]++;
      if (refused) await new Promise((res) => setTimeout(res, 500)); // she tries again shortly
    }
  };
  const exportPath = `/ledgers/journal/export?${new URLSearchParams({ format: "csv", region: PROVINCE, from: "2023-11-01", to: BENCH_AS_OF })}`;
  const printPath = `/ledgers/print?${new URLSearchParams({ region: PROVINCE, from: "2025-01-01", to: BENCH_AS_OF })}`;
  const load = [
    ...Array.from({ length: mix.exports }, () => heavy(exportPath, "exports")),
    ...Array.from({ length: mix.prints }, () => heavy(printPath, "prints")),
  ];
  await new Promise((r) => setTimeout(r, 1000)); // the exports are under way
  const loaded = await sample(seconds * 1000);
  stop = true;
  await Promise.all(load);
  const p = (xs: number[], q: number) => percentile(xs, q);
  const ratio = p(loaded, 95) / p(idle, 95);
  return {
    markdown: table(
      ["clerk's loan list (/loans)", "requests", "median", "p95", "auditor's heavy requests meanwhile"],
      [
        ["idle", String(idle.length), fmtMs(p(idle, 50)), fmtMs(p(idle, 95)), "—"],
        [
          `under ${mix.exports} exports + ${mix.prints} print views (province auditor)`,
          String(loaded.length),
          fmtMs(p(loaded, 50)),
          fmtMs(p(loaded, 95)),
          `${outcome.exports} exports and ${outcome.prints} print views ran, ${outcome.refused} refused at once (已有导出在进行)`,
        ],
      ],
    ),
    ratio,
  };
}

interface LoadResult {
  markdown: string;
  postingP95: number;
  errors: number;
  acknowledged: number;
  journal: number;
}

/** Requests arriving at random (Poisson) at `rate` per second for `ms`, however many are in flight (an open model, like k6's constant-arrival-rate); waits for the last answers. */
async function arrivals(rate: number, ms: number, fire: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  const inflight = new Set<Promise<void>>();
  while (Date.now() < end) {
    const p: Promise<void> = fire().finally(() => inflight.delete(p));
    inflight.add(p);
    await new Promise((r) => setTimeout(r, (-Math.log(1 - Math.random()) * 1000) / rate));
  }
  await Promise.all(inflight);
}

export async function benchLoad(
  browser: Browser,
  server: AppServer,
  databaseUrl: string,
  durationSecs: number,
  postRate = 8,
  dashRate = 1,
  saturationSecs = 20,
): Promise<LoadResult> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // 40 clerks (4 in each of 10 counties) posting 1.00 元 of interest on their county's loans; 10 officials
    // (2 in each of 5 cities) opening their city's dashboard.
    const counties = (
      await db.query<{ c: string }>(`SELECT DISTINCT "countyCode" AS c FROM "Loan" ORDER BY 1 LIMIT 80`)
    ).rows
      .map((r) => r.c)
      .filter((_, i) => i % 8 === 0);
    const clerks: Clerk[] = [];
    for (const county of counties) {
      const loans = (
        await db.query<{ id: number }>(
          `SELECT id FROM "Loan" WHERE "countyCode" = $1 AND status = 'REPAYING' ORDER BY id LIMIT 100`,
          [county],
        )
      ).rows.map((r) => r.id);
      const captured = await capturePosting(
        browser,
        server,
        `bench_staff_${county}`,
        DEMO_PASSWORD,
        loans[0]!,
      );
      for (let i = 0; i < 4; i++) {
        const own = loans.filter((_, k) => k % 4 === i); // each clerk her own loans (small data sets: shared)
        clerks.push({ ...captured, loans: own.length ? own : loans });
      }
    }
    const cities = (
      await db.query<{ c: string }>(
        `SELECT DISTINCT substr("countyCode", 1, 4) || '00' AS c FROM "Loan" ORDER BY 1 LIMIT 5`,
      )
    ).rows.map((r) => r.c);
    const officials: string[] = [];
    for (const city of cities) {
      const ctx = await loggedIn(browser, server.baseUrl, `bench_official_${city}`, DEMO_PASSWORD);
      const cookie = await cookieHeader(ctx);
      officials.push(cookie, cookie);
      await ctx.close();
    }
    // Warm-up: each city's dashboard once (the server has just started; its views are then reused for a
    // minute, so the measured minute sees each city computed again once, as in steady use).
    for (const cookie of officials.filter((_, i) => i % 2 === 0))
      await (await fetch(`${server.baseUrl}/dashboard?asOf=${BENCH_AS_OF}`, { headers: { cookie } })).text();
    const runId = randomUUID().slice(0, 8);
    let n = 0;
    const keyOf = (i: number) => `load-${runId}-${String(i).padStart(8, "0")}`;
    const acknowledged = new Set<string>();
    let refused = 0;
    let failures = 0;
    let firstProblem = "";
    const postingMs: number[] = [];
    const refreshMs: number[] = [];
    const dashboardMs: number[] = [];
    /** What the browser does once a posting is acknowledged: it refreshes the loan page (router.refresh → RSC). */
    // (with the router's _rsc cache-buster, a hash of the router headers — empty here: without the right one
    // Next answers an RSC request with a redirect to it)
    const refreshRequest = (c: Clerk, path: string) => ({
      path: `${path}?_rsc`,
      headers: { cookie: c.headers.cookie!, rsc: "1", accept: "text/x-component" },
    });

    const post = async () => {
      const i = n++;
      const c = clerks[Math.floor(Math.random() * clerks.length)]!;
      const req = postingRequest(c, c.loans[i % c.loans.length]!, keyOf(i));
      const t0 = performance.now();
      try {
        const res = await fetch(server.baseUrl + req.path, {
          method: "POST",
          headers: req.headers,
          body: req.body,
        });
        const text = await res.text();
        postingMs.push(performance.now() - t0);
        // The action's answer is the RSC payload of its result: {"ok":true,"data":{"entryId":…}}.
        if (res.status === 200 && /"ok":true/.test(text)) {
          acknowledged.add(keyOf(i));
          const r = refreshRequest(c, req.path);
          const t1 = performance.now();
          const page = await fetch(server.baseUrl + r.path, { headers: r.headers, redirect: "manual" });
          await page.text();
          refreshMs.push(performance.now() - t1);
          if (page.status !== 200) failures++;
        } else {
          refused++;
          firstProblem ||= `${res.status} ${text.slice(0, 300)}`;
        }
      } catch (e) {
        failures++;
        firstProblem ||= `${String(e)} (${String((e as Error).cause ?? "no cause")})`;
      }
    };
    const openDashboard = async () => {
      const t0 = performance.now();
      try {
        const res = await fetch(`${server.baseUrl}/dashboard?asOf=${BENCH_AS_OF}`, {
          headers: { cookie: officials[Math.floor(Math.random() * officials.length)]! },
        });
        await res.text();
        dashboardMs.push(performance.now() - t0);
        if (res.status !== 200) failures++;
      } catch (e) {
        failures++;
        firstProblem ||= String(e);
      }
    };
    await Promise.all([
      arrivals(postRate, durationSecs * 1000, post),
      dashRate > 0 ? arrivals(dashRate, durationSecs * 1000, openDashboard) : Promise.resolve(),
    ]);
    if (firstProblem) console.error(`first problem: ${firstProblem}`);
    const inJournal = new Set(
      (
        await db.query<{ k: string }>(
          `SELECT "idempotencyKey" AS k FROM "RepaymentEntry" WHERE "idempotencyKey" LIKE $1`,
          [`load-${runId}-%`],
        )
      ).rows.map((r) => r.k),
    );
    const missing = [...acknowledged].filter((k) => !inJournal.has(k)).length;
    const extra = [...inJournal].filter((k) => !acknowledged.has(k)).length;
    postingMs.sort((a, b) => a - b);
    refreshMs.sort((a, b) => a - b);
    dashboardMs.sort((a, b) => a - b);

    // Capacity: every clerk posting again as soon as answered (a closed model: autocannon, no pauses).
    const capacityKeys: string[] = [];
    let capacityOk = 0;
    const capacity = await autocannon({
      url: server.baseUrl,
      connections: clerks.length,
      duration: saturationSecs,
      timeout: 30,
      requests: [
        {
          method: "POST",
          setupRequest: (req, ctx) => {
            const context = ctx as { clerk?: number; key?: string };
            context.clerk ??= n % clerks.length;
            const c = clerks[context.clerk]!;
            const i = n++;
            context.key = keyOf(i);
            capacityKeys.push(context.key);
            const r = postingRequest(c, c.loans[i % c.loans.length]!, context.key);
            (context as { path?: string }).path = r.path;
            return { ...req, path: r.path, headers: r.headers, body: r.body as unknown as string };
          },
          onResponse: (status, body) => {
            if (status === 200 && /"ok":true/.test(body)) capacityOk++;
          },
        },
        {
          // …and the page refresh that follows in the browser.
          method: "GET",
          setupRequest: (req, ctx) => {
            const context = ctx as { clerk: number; path: string };
            const r = refreshRequest(clerks[context.clerk]!, context.path);
            return {
              ...req,
              method: "GET",
              path: r.path,
              headers: r.headers,
              body: undefined as unknown as string,
            };
          },
          onResponse: (status, body, _ctx, headers) => {
            if (status !== 200) firstProblem ||= `refresh: ${status} ${JSON.stringify(headers).slice(-300)}`;
          },
        },
      ],
    });
    if (firstProblem) console.error(`first problem: ${firstProblem}`);
    const total = acknowledged.size + refused + failures;
    const errors = refused + failures + missing + extra;
    const rows = [
      [
        `post a repayment — ${clerks.length} clerks, ${postRate}/s at random (one every ${(clerks.length / postRate).toFixed(0)} s per clerk)`,
        total.toLocaleString("en"),
        fmtMs(percentile(postingMs, 50)),
        fmtMs(percentile(postingMs, 95)),
        fmtMs(percentile(postingMs, 99)),
        `${failures} errors, ${refused} refused`,
      ],
      [
        "then refresh the loan page (as the browser does after each acknowledged posting)",
        refreshMs.length.toLocaleString("en"),
        fmtMs(percentile(refreshMs, 50)),
        fmtMs(percentile(refreshMs, 95)),
        fmtMs(percentile(refreshMs, 99)),
        "",
      ],
      [
        `open the city dashboard — ${officials.length} officials, ${dashRate}/s at random`,
        dashboardMs.length.toLocaleString("en"),
        fmtMs(percentile(dashboardMs, 50)),
        fmtMs(percentile(dashboardMs, 95)),
        fmtMs(percentile(dashboardMs, 99)),
        "",
      ],
      [
        "journal afterwards",
        `${inJournal.size.toLocaleString("en")} entries of this run`,
        "",
        "",
        "",
        `${acknowledged.size.toLocaleString("en")} acknowledged: ${missing === 0 && extra === 0 ? "exactly these" : `${missing} MISSING, ${extra} EXTRA`}`,
      ],
      [
        `capacity: ${clerks.length} clerks posting (and refreshing the page) without pause for ${saturationSecs} s (autocannon; latency of either request)`,
        `${capacityOk.toLocaleString("en")} postings (${(capacityOk / saturationSecs).toFixed(1)}/s)`,
        fmtMs(capacity.latency.p50),
        fmtMs(capacity.latency.p97_5),
        fmtMs(capacity.latency.p99),
        `${capacity.errors + capacity.timeouts} errors, ${capacity.non2xx} non-2xx, ${capacityOk} ok (p97.5 shown for p95)`,
      ],
    ];
    return {
      markdown: table(
        [
          `${durationSecs} s, ${clerks.length + officials.length} users`,
          "requests",
          "p50",
          "p95",
          "p99",
          "errors",
        ],
        rows,
      ),
      postingP95: percentile(postingMs, 95),
      errors,
      acknowledged: acknowledged.size,
      journal: inJournal.size,
    };
  } finally {
    await db.end();
  }
}

/**
 * The month-end snapshots, built before the server starts: the app builds them on its first start in the
 * background (issue 22), a one-off that would otherwise run through every measurement below. This measures
 * the app as it runs every day after that; the cold build is timed by bench:dashboard.
 */
async function buildSnapshots(url: string): Promise<void> {
  pointAppAt(url);
  const { runSnapshots } = await import("../../src/server/services/snapshots");
  const t0 = performance.now();
  const r = await runSnapshots(); // today, as the server will
  const { db: appDb } = await import("../../src/server/db");
  await appDb.$disconnect();
  console.error(
    `Month-end snapshots: ${r.built} built, ${r.recomputed} recomputed (${((performance.now() - t0) / 1000).toFixed(1)} s).`,
  );
}

async function main() {
  const loans = Number(arg("loans", "1000000"));
  const duration = Number(arg("duration", "60"));
  const only = arg("only", "pages,export,heavy,load").split(",");
  // --replica (issue 24 item 4): the reporting reads (dashboards, exports, print views) on a streaming standby.
  const withReplica = process.argv.includes("--replica");
  const bench = await openBenchDatabase();
  let server: AppServer | null = null;
  let browser: Browser | null = null;
  let standby: BenchStandby | null = null;
  const lagRows: string[][] = [];
  const lagDuring = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    if (!standby) return work();
    const sampler = sampleLag(bench.url);
    try {
      return await work();
    } finally {
      const l: LagFigures = await sampler.stop();
      lagRows.push([
        phase,
        String(l.samples),
        fmtMs(l.p50),
        fmtMs(l.p95),
        fmtMs(l.max),
        `${(l.maxBytes / 1024).toFixed(0)} kB`,
      ]);
    }
  };
  try {
    await ensureBenchData(bench.url, loans);
    // --no-snapshots: neither built before nor by the server (HALFSKY_SNAPSHOT_JOB=off), for measurements that
    // do not read them (the exports) on a data set whose cold build takes hours (docs/benchmarks.md).
    const snapshots = !process.argv.includes("--no-snapshots");
    if (snapshots) await buildSnapshots(bench.url);
    if (withReplica) standby = await startBenchStandby(bench.url, Number(arg("standby-port", "54325")));
    server = await startAppServer(bench.url, Number(arg("port", "3200")), undefined, {
      ...(standby ? { HALFSKY_REPLICA_URL: standby.replicaUrl } : {}),
      ...(snapshots ? {} : { HALFSKY_SNAPSHOT_JOB: "off" }),
    });
    console.log(
      withReplica
        ? "\nReporting reads on a streaming standby (HALFSKY_REPLICA_URL); postings and the clerk's pages on the primary."
        : "\nEverything on the primary (no standby).",
    );
    browser = await launchChromium();
    if (only.includes("pages")) {
      const r = await benchPageSpeed(browser, server, Number(arg("runs", "5")));
      console.log(
        `\nPage speed\n\n${r.markdown}\n\nTargets: TTFB ≤ 800 ms, LCP ≤ 2.5 s, CLS ≤ 0.1 → worst TTFB ${fmtMs(r.worst.ttfb)}, LCP ${fmtMs(r.worst.lcp)}, CLS ${r.worst.cls.toFixed(3)}`,
      );
    }
    if (only.includes("export")) {
      const r = await benchServerExport(browser, server, [
        { from: "2026-02-01", rows: 1_000_000 },
        { from: "2023-12-01", rows: 5_000_000 }, // just under the .xlsx limit (EXPORT_LIMITS.xlsxMaxRows)
      ]);
      console.log(
        `\nServer memory during exports\n\n${r.markdown}\n\nTarget: RSS ≤ 256 MB and flat from 1M to 5M rows → CSV peak ${(r.peak / 1e6).toFixed(0)} MB; .xlsx +≤ 100 MB → +${(r.peakXlsx / 1e6).toFixed(0)} MB`,
      );
    }
    if (only.includes("heavy")) {
      const b = browser;
      const srv = server;
      const r = await lagDuring("during the clerk page under exports", () =>
        benchHeavy(b, srv, Number(arg("heavy-seconds", "15")), {
          exports: Number(arg("heavy-exports", "4")),
          prints: Number(arg("heavy-prints", "2")),
        }),
      );
      console.log(
        `\nClerk page under 4 exports\n\n${r.markdown}\n\nTarget: clerk p95 under load ≤ 2 × idle → ${r.ratio.toFixed(2)} ×`,
      );
    }
    if (only.includes("load")) {
      const b = browser;
      const srv = server;
      const r = await lagDuring("during the load test (postings, dashboards, then capacity)", () =>
        benchLoad(
          b,
          srv,
          bench.url,
          duration,
          Number(arg("post-rate", "8")),
          Number(arg("dash-rate", "1")),
          Number(arg("capacity", "20")),
        ),
      );
      console.log(
        `\nLoad test\n\n${r.markdown}\n\nTargets: posting p95 ≤ 200 ms → ${fmtMs(r.postingP95)}; 0 errors → ${r.errors}`,
      );
    }
    if (lagRows.length)
      console.log(
        `\nReplication lag (pg_stat_replication.replay_lag on the primary, every 200 ms)\n\n${table(["phase", "samples", "p50", "p95", "max", "most WAL not yet replayed"], lagRows)}`,
      );
  } finally {
    await browser?.close();
    await server?.stop();
    await standby?.stop();
    await bench.embedded?.stop();
  }
}

runMain("web.ts", main);
