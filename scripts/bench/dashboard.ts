/**
 * npm run bench:dashboard [-- --loans 1000000 --runs 20]
 * Times each dashboard query at city and county scope on the synthetic provincial data (generated or
 * reused), next to the same figures computed the naive way (loans loaded into JavaScript, src/domain), and
 * checks that both give the same numbers. Prints a Markdown table; `npm run bench` collects it.
 */
import { withBenchData, withKeptBenchData } from "./lib/ensure";
import { fmtMs, table, time } from "./lib/measure";
import { naiveFigures } from "./lib/naive";
import { BENCH_AS_OF, BIG_CITY } from "./lib/synthetic";
import { arg, pointAppAt, runMain } from "./lib/cli";

export interface DashboardBench {
  markdown: string;
  cityOverviewP95: number;
}

/**
 * Month-end snapshots (issue 22): the cold build of the last `months` month-ends for the whole country (rows/s),
 * then reading them — the province's and the city's month-end figures, the province's monthly report, the
 * city's monthly rates — each checked equal to the live SQL.
 */
async function benchSnapshots(runs: number, months: number): Promise<string[][]> {
  const { buildMonthEnd, monthEndFigures, monthlyRatesFromSnapshots, monthEndsBetween, SNAPSHOT_FIELDS } =
    await import("../../src/server/services/snapshots");
  const { monthlyRates } = await import("../../src/server/read-models/trends");
  const { computeReportTable } = await import("../../src/server/services/monthly-report");
  const { addMonths } = await import("../../src/domain");
  const today = BENCH_AS_OF;
  const last = addMonths(`${today.slice(0, 7)}-01`, 0);
  const ends = monthEndsBetween(addMonths(last, -months), last).slice(-months);
  const out: string[][] = [];
  const { db } = await import("../../src/server/db");
  // The generator's bulk load marked its past months changed; this build covers them (as runSnapshots does).
  await db.snapshotStale.deleteMany();
  const t0 = performance.now();
  let stored = 0;
  for (const e of ends) stored += await buildMonthEnd("000000", e);
  const buildMs = performance.now() - t0;
  out.push([
    `snapshots: cold build of ${ends.length} month-ends, whole country (${stored.toLocaleString("en")} rows, ${((stored / buildMs) * 1000).toFixed(0)} rows/s)`,
    "",
    fmtMs(buildMs / ends.length),
    `${(buildMs / 60_000).toFixed(1)} min in all`,
    "",
    "",
  ]);
  const province = `${BIG_CITY.slice(0, 2)}0000`;
  const e = ends.at(-1)!;
  const windows = ["MONTH", "YEAR", "CUMULATIVE"] as const;
  for (const [label, region, n] of [
    ["province", province, 4],
    ["city", BIG_CITY, 6],
  ] as const) {
    const snap = await time(
      `snapshots: ${label} month-end figures (${e})`,
      () => monthEndFigures(region, e, windows, n, today),
      { runs },
    );
    const live = await monthEndFigures(region, e, windows, n, e);
    let same = snap.last.fromSnapshot;
    for (const w of windows)
      for (const [k, s] of live.villages.get(w)!)
        for (const f of SNAPSHOT_FIELDS) same &&= snap.last.villages.get(w)?.get(k)?.[f] === s[f];
    out.push([snap.name, "", fmtMs(snap.p50), fmtMs(snap.p95), "", same ? "= live: yes" : "= live: NO"]);
    if (!same) throw new Error(`snapshot and live figures differ for ${region} at ${e}`);
  }
  const report = await time(
    `snapshots: province monthly report (${e})`,
    () => computeReportTable(province, e, today),
    { runs },
  );
  out.push([report.name, "", fmtMs(report.p50), fmtMs(report.p95), "", "target ≤ 1 s"]);
  const series = await time(
    "snapshots: city monthly rates (12 months, past from snapshots)",
    () => monthlyRatesFromSnapshots(BIG_CITY, today, 12, today),
    { runs },
  );
  const liveSeries = JSON.stringify(await monthlyRates(BIG_CITY, today, 12), (_k, v: unknown) =>
    v instanceof Map ? [...v].sort() : v,
  );
  const sameSeries =
    JSON.stringify(series.last, (_k, v: unknown) => (v instanceof Map ? [...v].sort() : v)) === liveSeries;
  out.push([
    series.name,
    "",
    fmtMs(series.p50),
    fmtMs(series.p95),
    "",
    sameSeries ? "= live: yes" : "= live: NO",
  ]);
  return out;
}

/**
 * The whole dashboard as the app runs it (issue 22 item 5): inside `asReport`, on the app's own reporting pool
 * (HALFSKY_REPORT_POOL_MAX connections, 1 by default), at province, city and county scope; then the county's
 * dashboard while a province view is being computed on the same pool.
 */
async function benchWholeDashboards(runs: number): Promise<string[][]> {
  const { dashboard } = await import("../../src/server/services/dashboard");
  const { asReport, db } = await import("../../src/server/db");
  const { env } = await import("../../src/server/env");
  const window = { from: `${BENCH_AS_OF.slice(0, 4)}-01-01`, to: `${BENCH_AS_OF.slice(0, 4)}-12-31` };
  const province = `${BIG_CITY.slice(0, 2)}0000`;
  const county = `${BIG_CITY.slice(0, 4)}01`;
  const user = await db.user.findFirstOrThrow({ where: { role: "CITY_OFFICIAL", regionCode: BIG_CITY } });
  // A province official is the official role scoped to a province code (decision 043).
  const actorOf = (regionCode: string) => ({
    id: user.id,
    username: user.username,
    role: user.role,
    regionCode,
    displayName: user.displayName,
    regionName: regionCode,
    ip: null,
  });
  const pool = env().HALFSKY_REPORT_POOL_MAX;
  const out: string[][] = [];
  const idle = new Map<string, number>();
  for (const [scope, region] of [
    ["province", province],
    ["city", BIG_CITY],
    ["county", county],
  ] as const) {
    const loans = await db.loan.count({
      where: { countyCode: { startsWith: region.replace(/(00)+$/, "") } },
    });
    const t = await time(
      `${scope} whole dashboard on the app's reporting pool (${pool} connection${pool === 1 ? "" : "s"})`,
      () => asReport(() => dashboard(actorOf(region), region, BENCH_AS_OF, window)),
      { runs },
    );
    idle.set(scope, t.p50);
    const target = scope === "province" ? 500 : scope === "city" ? 200 : NaN;
    out.push([
      t.name,
      loans.toLocaleString("en"),
      fmtMs(t.p50),
      fmtMs(t.p95),
      "",
      Number.isNaN(target) ? "" : `target p95 ≤ ${target} ms: ${t.p95 <= target ? "met" : "NOT met"}`,
    ]);
  }
  // The county's dashboard while province views are computed without pause on the same pool.
  let stop = false;
  const background = (async () => {
    while (!stop) await asReport(() => dashboard(actorOf(province), province, BENCH_AS_OF, window));
  })();
  const during = await time(
    "county whole dashboard while a province view computes (same pool)",
    () => asReport(() => dashboard(actorOf(county), county, BENCH_AS_OF, window)),
    { runs: Math.max(5, Math.floor(runs / 2)), warmup: 0 },
  );
  stop = true;
  await background;
  const ratio = during.p50 / idle.get("county")!;
  out.push([
    during.name,
    "",
    fmtMs(during.p50),
    fmtMs(during.p95),
    "",
    `${ratio.toFixed(2)}× idle p50 (target ≤ 2×: ${ratio <= 2 ? "met" : "NOT met"})`,
  ]);
  return out;
}

export async function benchDashboard(
  url: string,
  runs: number,
  snapshotMonths = 12,
): Promise<DashboardBench> {
  pointAppAt(url);
  const { figuresByChild, totalOf, withRates } = await import("../../src/server/read-models/figures");
  const { monthlyFlows, monthlyRates } = await import("../../src/server/read-models/trends");
  const { fundPositions } = await import("../../src/server/services/fund");
  const { dashboard } = await import("../../src/server/services/dashboard");
  const { db } = await import("../../src/server/db");
  const window = { from: `${BENCH_AS_OF.slice(0, 4)}-01-01`, to: `${BENCH_AS_OF.slice(0, 4)}-12-31` };
  const county = `${BIG_CITY.slice(0, 4)}01`;
  const rows: string[][] = [];
  let cityOverviewP95 = NaN;
  try {
    for (const [scope, region] of [
      ["city", BIG_CITY],
      ["county", county],
    ] as const) {
      const user = await db.user.findFirstOrThrow({ where: { role: "CITY_OFFICIAL", regionCode: BIG_CITY } });
      const actor = {
        id: user.id,
        username: user.username,
        role: user.role,
        regionCode: user.regionCode,
        displayName: user.displayName,
        regionName: BIG_CITY,
        ip: null,
      };
      const loans = await db.loan.count({
        where: { countyCode: { startsWith: region.slice(0, scope === "city" ? 4 : 6) } },
      });
      const overview = await time(
        `${scope} overview + children`,
        () => figuresByChild(region, BENCH_AS_OF, window),
        { runs },
      );
      if (scope === "city") cityOverviewP95 = overview.p95;
      const flows = await time(
        `${scope} monthly flows (12 months)`,
        () => monthlyFlows(region, BENCH_AS_OF, 12),
        { runs },
      );
      const rates = await time(
        `${scope} monthly rates + suspension (12 months)`,
        () => monthlyRates(region, BENCH_AS_OF, 12),
        { runs },
      );
      const funds = await time(
        `${scope} fund positions`,
        () => fundPositions(region.slice(0, scope === "city" ? 4 : 6), BENCH_AS_OF),
        { runs },
      );
      const page = await time(
        `${scope} whole dashboard (all of the above + alerts)`,
        () => dashboard(actor, region, BENCH_AS_OF, window),
        { runs: Math.max(5, Math.floor(runs / 2)) },
      );

      // The naive way, once (it takes seconds) — and the same figures.
      const t0 = performance.now();
      const naive = await naiveFigures(url, region, BENCH_AS_OF, window);
      const naiveMs = performance.now() - t0;
      const fast = withRates(totalOf(overview.last));
      const same =
        naive.outstandingFen === fast.outstandingFen &&
        naive.loans === fast.loans &&
        naive.maturityRepayment === fast.rates.maturityRepayment &&
        naive.onTime === fast.rates.onTime &&
        naive.par30 === fast.rates.par30 &&
        naive.par90 === fast.rates.par90 &&
        naive.overdue === fast.rates.overdue;
      if (!same)
        throw new Error(`SQL and naive figures differ for ${region}: ${JSON.stringify({ naive, fast })}`);
      for (const t of [overview, flows, rates, funds, page]) {
        rows.push([
          t.name,
          loans.toLocaleString("en"),
          fmtMs(t.p50),
          fmtMs(t.p95),
          t === overview ? fmtMs(naiveMs) : "",
          t === overview ? `${(naiveMs / t.p50).toFixed(0)}×` : "",
        ]);
      }
      rows.push([
        `${scope} figures equal the naive src/domain computation`,
        "",
        "",
        "",
        "",
        same ? "yes" : "NO",
      ]);
    }
    rows.push(...(await benchSnapshots(runs, snapshotMonths)));
    rows.push(...(await benchWholeDashboards(runs)));
  } finally {
    await db.$disconnect();
  }
  const markdown = table(
    ["query", "loans in scope", "p50", "p95", "naive (load + src/domain)", "naive ÷ p50"],
    rows,
  );
  return { markdown, cityOverviewP95 };
}

async function main() {
  const loans = Number(arg("loans", "1000000"));
  const runs = Number(arg("runs", "20"));
  const snapshotMonths = Number(arg("snapshot-months", "12"));
  if (arg("only", "") === "build") {
    // Only the month-end snapshot build (issue 22): `buildMonthEnd("000000", e)` for each month-end of
    // `--ends 2019-06-30,2023-06-30` (default: the last `--months N` before the bench date), timed one by one.
    // On the kept data only (never generates); a month-end that exists is replaced by the same figures.
    await withKeptBenchData(loans, async (url, meta) => {
      pointAppAt(url);
      const { buildMonthEnd, monthEndsBetween } = await import("../../src/server/services/snapshots");
      const { addMonths } = await import("../../src/domain");
      const { db } = await import("../../src/server/db");
      const months = Number(arg("months", "3"));
      const last = `${BENCH_AS_OF.slice(0, 7)}-01`;
      const given = arg("ends", "");
      const ends = given ? given.split(",") : monthEndsBetween(addMonths(last, -months), last).slice(-months);
      const rows: string[][] = [];
      let total = 0;
      try {
        for (const e of ends) {
          const t0 = performance.now();
          const stored = await buildMonthEnd("000000", e);
          const ms = performance.now() - t0;
          total += ms;
          console.error(`${e}: ${(ms / 1000).toFixed(1)} s, ${stored.toLocaleString("en")} rows`);
          rows.push([e, stored.toLocaleString("en"), `${(ms / 1000).toFixed(1)} s`]);
        }
      } finally {
        await db.$disconnect();
      }
      const mean = total / ends.length / 1000;
      console.log(
        `\nMonth-end snapshot build, whole country — ${meta.loans.toLocaleString("en")} loans\n\n${table(["month-end", "rows", "build"], rows)}`,
      );
      console.log(
        `\nmean ${mean.toFixed(1)} s per month-end → 95 month-ends ${((mean * 95) / 60).toFixed(0)} min, 120 month-ends ${((mean * 120) / 60).toFixed(0)} min`,
      );
    });
    return;
  }
  if (arg("only", "") === "whole") {
    // Only the whole dashboards on the app's pool (the snapshots must have been built by a full run).
    await withBenchData(loans, async (url, meta) => {
      pointAppAt(url);
      const { db } = await import("../../src/server/db");
      try {
        console.log(`\nWhole dashboards — ${meta.loans.toLocaleString("en")} loans, as of ${BENCH_AS_OF}\n`);
        console.log(
          table(["query", "loans in scope", "p50", "p95", "", "target"], await benchWholeDashboards(runs)),
        );
      } finally {
        await db.$disconnect();
      }
    });
    return;
  }
  await withBenchData(loans, async (url, meta) => {
    const res = await benchDashboard(url, runs, snapshotMonths);
    console.log(
      `\nDashboard queries — ${meta.loans.toLocaleString("en")} loans, ${meta.journal.toLocaleString("en")} journal rows, as of ${BENCH_AS_OF}, ${runs} runs after 2 warm-ups\n`,
    );
    console.log(res.markdown);
    console.log(
      `\nTarget: city overview p95 ≤ 300 ms → ${fmtMs(res.cityOverviewP95)} ${res.cityOverviewP95 <= 300 ? "(met)" : "(NOT met)"}`,
    );
  });
}

runMain("dashboard.ts", main);
