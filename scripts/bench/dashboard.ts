/**
 * npm run bench:dashboard [-- --loans 1000000 --runs 20]
 * Times each dashboard query at city and county scope on the synthetic provincial data (generated or
 * reused), next to the same figures computed the naive way (loans loaded into JavaScript, src/domain), and
 * checks that both give the same numbers. Prints a Markdown table; `npm run bench` collects it.
 */
import { withBenchData } from "./lib/ensure";
import { fmtMs, table, time } from "./lib/measure";
import { naiveFigures } from "./lib/naive";
import { BENCH_AS_OF, BIG_CITY } from "./lib/synthetic";
import { arg, pointAppAt, runMain } from "./lib/cli";

export interface DashboardBench {
  markdown: string;
  cityOverviewP95: number;
}

export async function benchDashboard(url: string, runs: number): Promise<DashboardBench> {
  pointAppAt(url);
  const { figuresByChild, totalOf, withRates } = await import("../../src/server/services/figures");
  const { monthlyFlows, monthlyRates } = await import("../../src/server/services/trends");
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
  await withBenchData(loans, async (url, meta) => {
    const res = await benchDashboard(url, runs);
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
