import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Ban, TriangleAlert } from "lucide-react";
import { Suspense } from "react";
import { TargetsSection } from "@/ui/rules/TargetsSection";
import { CreditSection } from "@/ui/credit/CreditSection";
import { creditOverview } from "@/server/services/credit";
import { targetProgress } from "@/server/services/targets";
import { formatDateTime, can, formatRate, wanNumber } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { authoriseRegion, dashboardOverview, dashboardRates } from "@/server/services/dashboard";
import { memo } from "@/server/memo";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ReadSourceNotice } from "@/ui/shell/ReadSourceNotice";
import { AgingChart } from "@/ui/dashboard/AgingChart";
import { FundChart, RatesChart, SubsidyChart, TrendChart } from "@/ui/dashboard/Charts";
import { DataTable } from "@/ui/dashboard/DataTable";
import { unitFormatters } from "@/ui/units";

const SUBSIDY_LEVELS = ["CENTRAL", "PROVINCIAL", "CITY", "COUNTY"] as const;
/** KPI cards that open the list of loans behind them (for roles that may see loans). */
const FIGURE_OF: Partial<Record<string, "overdue" | "par30" | "par90" | "matured">> = {
  maturityRepayment: "matured",
  overdue: "overdue",
  par30: "par30",
  par90: "par90",
  npl: "par90",
};

/** The rate cards, in order; label and definition are dashboard.rates.* and dashboard.rateDefs.*. */
const RATES = ["maturityRepayment", "onTime", "overdue", "par30", "par90", "npl"] as const;

const SORTS = ["name", "outstanding", "maturityRepayment", "par30"] as const;
/** The rate charts' zoomed axis starts here (a display choice, the same on every page). */
const RATE_AXIS_ZOOM = 0.8;
const DASHBOARD_TTL_MS = 60_000;

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const today = todayShanghai();
  const requested = sp.asOf && /^\d{4}-\d{2}-\d{2}$/.test(sp.asOf) ? sp.asOf : today;
  // A future date is not a dashboard (it would project arrears): today's, with the reason shown.
  const future = requested > today;
  const asOf = future ? today : requested;
  const year = asOf.slice(0, 4);
  const window = {
    from: sp.from && /^\d{4}-\d{2}-\d{2}$/.test(sp.from) ? sp.from : `${year}-01-01`,
    to: sp.to && /^\d{4}-\d{2}-\d{2}$/.test(sp.to) ? sp.to : `${year}-12-31`,
  };
  const regionCode = sp.region && /^\d{6}(\d{3}){0,2}$/.test(sp.region) ? sp.region : actor.regionCode;
  // The same view for every official of the region for a minute (one computation, shared); "刷新" recomputes.
  const cacheKey = [actor.regionCode, regionCode, asOf, window.from, window.to].join("|");
  const fresh = sp.fresh === "1";
  const res = await attempt(async () => {
    await authoriseRegion(actor, regionCode);
    return memo(
      `overview|${cacheKey}`,
      DASHBOARD_TTL_MS,
      () => dashboardOverview(actor, regionCode, asOf, window),
      fresh,
      actor,
    );
  });
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data.value;
  const t = await getTranslations("dashboard");
  const tl = await getTranslations("level");
  const tb = await getTranslations("bucket");
  const u = unitFormatters(await getTranslations("units"));
  const level = (l: string) => (tl.has(l) ? tl(l) : l);
  const countyNote = v.countyWide ? t("countyWide", { county: v.countyWide.name }) : "";
  const computedAt = res.data.computedAt;
  const sort = SORTS.includes(sp.sort as (typeof SORTS)[number])
    ? (sp.sort as (typeof SORTS)[number])
    : "name";
  const key = (c: (typeof v.children)[number]) =>
    sort === "outstanding"
      ? -c.figures.outstandingFen
      : sort === "maturityRepayment"
        ? (c.figures.rates.maturityRepayment ?? 2)
        : sort === "par30"
          ? -(c.figures.rates.par30 ?? -1)
          : 0;
  const children = [...v.children].sort((a, b) => key(a) - key(b) || a.code.localeCompare(b.code));
  const seesLoans = can(actor.role, "loan.read");
  const loansLink = (figure: string) =>
    `/dashboard/loans?${new URLSearchParams({ region: regionCode, asOf, figure, ...(figure === "matured" ? window : {}) }).toString()}`;
  const link = (extra: Record<string, string>) =>
    `/dashboard?${new URLSearchParams({ region: regionCode, asOf, from: window.from, to: window.to, ...extra }).toString()}`;
  return (
    <div className="space-y-6">
      <nav aria-label={t("breadcrumbs")} className="text-sm text-stone-600" data-testid="breadcrumbs">
        {v.breadcrumbs.map((b) => (
          <span key={b.code}>
            <Link href={`/dashboard?region=${b.code}`} className="text-brand-700 hover:underline">
              {b.name}
            </Link>{" "}
            ›{" "}
          </span>
        ))}
        <span>{v.region.name}</span>
      </nav>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">{t("title", { region: v.region.name })}</h1>
          <p className="text-xs text-stone-500" data-testid="computed-at">
            {t("computedAt", { at: formatDateTime(computedAt) })}{" "}
            <Link href={link({ fresh: "1" })} className="text-brand-700 hover:underline" prefetch={false}>
              {t("refresh")}
            </Link>
          </p>
          <ReadSourceNotice source={res.data.source} />
        </div>
        <form className="flex flex-wrap items-end gap-2 text-sm">
          <input type="hidden" name="region" value={regionCode} />
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">{t("asOf")}</span>
            <input
              type="date"
              name="asOf"
              defaultValue={asOf}
              max={today}
              className="rounded border border-stone-300 px-2 py-1"
            />
          </label>
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">{t("from")}</span>
            <input
              type="date"
              name="from"
              defaultValue={window.from}
              className="rounded border border-stone-300 px-2 py-1"
            />
          </label>
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">{t("to")}</span>
            <input
              type="date"
              name="to"
              defaultValue={window.to}
              className="rounded border border-stone-300 px-2 py-1"
            />
          </label>
          <button type="submit" className="rounded bg-brand-600 px-3 py-1.5 text-white">
            {t("update")}
          </button>
        </form>
      </div>

      {future && (
        <p
          role="alert"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          data-testid="future-as-of"
        >
          {t("futureAsOf", { requested, today })}
        </p>
      )}
      {v.alerts.length > 0 && (
        <ul className="space-y-1" data-testid="alerts">
          {v.alerts.map((a, i) => (
            <li
              key={i}
              className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
            >
              <Link href={a.href} className="inline-flex items-start gap-1.5 hover:underline">
                <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                {a.message}
              </Link>
            </li>
          ))}
        </ul>
      )}

      <section className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-5" data-testid="kpis">
        <Kpi
          label={t("borrowers")}
          value={t("borrowersValue", { count: v.figures.borrowers.toLocaleString("zh-CN") })}
        />
        <Kpi
          label={t("disbursed")}
          value={t("disbursedValue", {
            count: v.figures.disbursedCount,
            amount: u.wan(v.figures.disbursedFen),
          })}
        />
        <Kpi
          label={t("outstanding")}
          value={u.wan(v.figures.outstandingFen)}
          hint={t("outstandingHint", { count: v.figures.loans })}
        />
        {RATES.map((k) => (
          <Kpi
            key={k}
            label={t(`rates.${k}`)}
            value={u.rate(v.figures.rates[k])}
            hint={t(`rateDefs.${k}`)}
            testId={`rate-${k}`}
            warn={
              k === "maturityRepayment" && v.figures.rates[k] !== null && v.figures.rates[k]! < v.threshold
            }
            href={seesLoans && FIGURE_OF[k] ? loansLink(FIGURE_OF[k]) : undefined}
          />
        ))}
      </section>

      {/* 授信率 / 用信率 and 信用村 (issue 23): beside the repayment rates, streamed. */}
      <Suspense fallback={null}>
        <CreditSection
          load={() =>
            // Like the overview: shared for a minute and computed on the reporting pool (its village figures
            // are the dashboard's own live SQL again), the region authorised above and again on a miss.
            attempt(
              async () =>
                (
                  await memo(
                    `credit|${cacheKey}`,
                    DASHBOARD_TTL_MS,
                    () => creditOverview(actor, regionCode, asOf),
                    fresh,
                  )
                ).value,
              { inline: true },
            ).then((r) => (r.ok ? r.data : null))
          }
        />
      </Suspense>

      <section className="grid gap-6 lg:grid-cols-2">
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">{t("flows.title")}</h2>
          <TrendChart
            data={v.flows.map((f) => ({
              month: f.month,
              disbursedWan: wanNumber(f.disbursedFen),
              repaidWan: wanNumber(f.repaidPrincipalFen + f.repaidInterestFen),
            }))}
          />
          <DataTable
            caption={t("flows.table")}
            head={["month", "disbursedCount", "disbursedAmount", "repaidPrincipal", "repaidInterest"].map(
              (h) => t(`flows.${h}`),
            )}
            rows={v.flows.map((f) => [
              f.month,
              String(f.disbursedCount),
              u.wan(f.disbursedFen),
              u.wan(f.repaidPrincipalFen),
              u.wan(f.repaidInterestFen),
            ])}
          />
        </div>
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">{t("trend.title", { threshold: formatRate(v.threshold) })}</h2>
          {/* The monthly rolling rates take ~1 s for a city: streamed after the rest, in a box of the same size. */}
          <Suspense fallback={<RatesPending label={t("trend.pending")} />}>
            <RatesSection
              load={async () =>
                (
                  await memo(
                    `rates|${cacheKey}`,
                    DASHBOARD_TTL_MS,
                    () => dashboardRates(actor, regionCode, asOf),
                    fresh,
                    actor,
                  )
                ).value
              }
            />
          </Suspense>
        </div>
      </section>

      {/* Lending targets (issue 19): county and city only; nothing when no target is set. */}
      {(v.region.level === "COUNTY" || v.region.level === "CITY") && (
        <Suspense fallback={null}>
          <TargetsSection
            load={() =>
              attempt(() => targetProgress(actor, regionCode, Number(year), asOf), { inline: true }).then(
                (r) => (r.ok ? r.data : null),
              )
            }
          />
        </Suspense>
      )}
      <section className="grid gap-6 lg:grid-cols-2">
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="subsidy-summary">
          <h2 className="mb-2 font-medium">
            {t("subsidy.title")}
            {countyNote && <span className="ml-1 text-xs font-normal text-stone-500">{countyNote}</span>}
          </h2>
          <dl className="grid grid-cols-3 gap-2 text-sm">
            <Kpi label={t("subsidy.claimed")} value={u.wan(v.subsidy.claimedFen)} />
            <Kpi label={t("subsidy.approved")} value={u.wan(v.subsidy.approvedFen)} />
            <Kpi label={t("subsidy.paid")} value={u.wan(v.subsidy.paidFen)} />
          </dl>
          <table className="mt-2 w-full text-sm" aria-label={t("subsidy.byLevel")}>
            <tbody>
              {SUBSIDY_LEVELS.map((k) => (
                <tr key={k}>
                  <th className="text-left font-normal text-stone-600">{level(k)}</th>
                  <td className="num">{u.wan(v.subsidy.byLevelFen[k] ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {v.subsidy.byQuarter.length > 0 && (
            <>
              <SubsidyChart
                data={v.subsidy.byQuarter.map((q) => ({
                  quarter: q.quarter,
                  ...Object.fromEntries(SUBSIDY_LEVELS.map((l) => [l, wanNumber(q.byLevelFen[l] ?? 0)])),
                }))}
                levels={SUBSIDY_LEVELS.map((l) => ({ key: l, label: level(l) }))}
              />
              <DataTable
                caption={t("subsidy.table")}
                head={[t("subsidy.quarter"), ...SUBSIDY_LEVELS.map(level)]}
                rows={v.subsidy.byQuarter.map((q) => [
                  q.quarter,
                  ...SUBSIDY_LEVELS.map((l) => u.wan(q.byLevelFen[l] ?? 0)),
                ])}
              />
            </>
          )}
        </div>
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="fund-summary">
          <h2 className="mb-2 font-medium">
            {t("fund.title", { count: v.fund.funds })}
            {countyNote && <span className="ml-1 text-xs font-normal text-stone-500">{countyNote}</span>}
          </h2>
          <dl className="grid grid-cols-2 gap-2 text-sm md:grid-cols-3">
            <Kpi label={t("fund.balance")} value={u.wan(v.fund.balanceFen)} />
            <Kpi label={t("fund.coverage")} value={u.rate(v.fund.coverage)} hint={t("fund.coverageHint")} />
            <Kpi
              label={t("fund.leverage")}
              value={u.multiple(v.fund.leverage)}
              hint={t("fund.leverageHint")}
              warn={v.fund.overCap > 0}
            />
            <Kpi label={t("fund.headroom")} value={u.wan(v.fund.headroomFen)} hint={t("fund.headroomHint")} />
            <Kpi
              label={t("fund.overCap")}
              value={t("fund.overCapValue", { count: v.fund.overCap })}
              warn={v.fund.overCap > 0}
            />
          </dl>
          {v.fund.list.length > 0 && (
            <>
              <FundChart
                data={v.fund.list.map((f) => ({
                  name: f.name.replace(/妇女创业贷款风险补偿金|风险补偿金/, ""),
                  balanceWan: wanNumber(f.balanceFen),
                  outstandingWan: wanNumber(f.outstandingFen),
                  capWan: wanNumber(f.balanceFen * f.leverageCap),
                }))}
              />
              <DataTable
                caption={t("fund.table")}
                head={["name", "balance", "outstanding", "leverage", "cap"].map((h) => t(`fund.${h}`))}
                rows={v.fund.list.map((f) => [
                  f.name,
                  u.wan(f.balanceFen),
                  u.wan(f.outstandingFen),
                  u.multiple(f.position.leverage),
                  `${f.leverageCap}×`,
                ])}
              />
            </>
          )}
        </div>
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">{t("aging.title")}</h2>
          <AgingChart
            data={v.buckets.map((b) => ({
              label: tb(b.bucket),
              wan: wanNumber(b.outstandingFen),
            }))}
          />
          <table className="mt-2 w-full text-sm" aria-label={t("aging.table")}>
            <tbody>
              {v.buckets.map((b) => (
                <tr key={b.bucket}>
                  <th className="text-left font-normal text-stone-600">{tb(b.bucket)}</th>
                  <td className="num">{u.wan(b.outstandingFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {children.length > 0 && (
          <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
            <h2 className="mb-2 font-medium">{t("children.title")}</h2>
            <table className="w-full text-sm" data-testid="children">
              <thead className="text-left text-xs text-stone-600">
                <tr>
                  <th>
                    <Link href={link({ sort: "name" })}>{t("children.region")}</Link>
                  </th>
                  <th className="text-right">
                    <Link href={link({ sort: "outstanding" })}>{t("children.outstanding")}</Link>
                  </th>
                  <th className="text-right">
                    <Link href={link({ sort: "maturityRepayment" })}>{t("children.maturityRepayment")}</Link>
                  </th>
                  <th className="text-right">{t("children.onTime")}</th>
                  <th className="text-right">
                    <Link href={link({ sort: "par30" })}>{t("children.par30")}</Link>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {children.map((c) => (
                  <tr key={c.code}>
                    <td className="py-1">
                      <Link
                        href={`/dashboard?${new URLSearchParams({ region: c.code, asOf, from: window.from, to: window.to }).toString()}`}
                        className="text-brand-700 hover:underline"
                      >
                        {c.name}
                      </Link>
                    </td>
                    <td className="num">{u.wan(c.figures.outstandingFen)}</td>
                    <td
                      className={`num ${c.figures.rates.maturityRepayment !== null && c.figures.rates.maturityRepayment < v.threshold ? "text-red-700" : ""}`}
                    >
                      {u.rate(c.figures.rates.maturityRepayment)}
                    </td>
                    <td className="num">{u.rate(c.figures.rates.onTime)}</td>
                    <td className="num">{u.rate(c.figures.rates.par30)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

async function Kpi({
  label,
  value,
  hint,
  testId,
  warn,
  href,
}: {
  label: string;
  value: string;
  hint?: string;
  testId?: string;
  warn?: boolean;
  href?: string;
}) {
  const t = await getTranslations("dashboard");
  const body = (
    <>
      <div className="text-xs text-stone-500">
        {label}
        {hint && <span className="sr-only">{t("kpiHint", { hint })}</span>}
      </div>
      <div className={`mt-1 text-lg font-medium ${warn ? "text-red-700" : ""}`}>{value}</div>
      {href && <div className="mt-1 text-xs text-brand-700">{t("kpiLoans")}</div>}
    </>
  );
  return (
    <div className="rounded-lg bg-white p-3 ring-1 ring-stone-200" title={hint} data-testid={testId}>
      {href ? (
        <Link href={href} className="block hover:underline">
          {body}
        </Link>
      ) : (
        body
      )}
    </div>
  );
}

function RatesPending({ label }: { label: string }) {
  return (
    <div
      className="flex h-64 w-full items-center justify-center text-sm text-stone-500"
      role="status"
      data-testid="rates-pending"
    >
      {label}
    </div>
  );
}

/** The rates chart, its table and the suspension alerts (the rule that refuses applications, rules.ts). */
async function RatesSection({ load }: { load: () => ReturnType<typeof dashboardRates> }) {
  const res = await attempt(load);
  if (!res.ok) return <p className="text-sm text-red-700">{res.message}</p>;
  const r = res.data;
  const t = await getTranslations("dashboard");
  const u = unitFormatters(await getTranslations("units"));
  // One scale on every page: 0–100%, or — when every rate and the threshold are at or above RATE_AXIS_ZOOM —
  // zoomed from it, and said so beside the chart; the threshold line is always drawn.
  const values = r.rates.flatMap((x) => [x.maturityRepayment, x.onTime]).filter((x) => x !== null);
  const axisFrom = [r.threshold, ...values].every((x) => x >= RATE_AXIS_ZOOM) ? RATE_AXIS_ZOOM : 0;
  return (
    <>
      <p className="text-xs text-stone-500" data-testid="rates-axis">
        {axisFrom > 0 ? t("axisZoomed", { from: formatRate(axisFrom) }) : t("axisFull")}
      </p>
      <RatesChart data={r.rates} threshold={r.threshold} axisFrom={axisFrom} />
      {r.partialMonth && (
        <p className="text-xs text-stone-500" data-testid="rates-partial">
          {t("partialMonth", { month: r.partialMonth.slice(0, 7), asOf: r.partialMonth })}
        </p>
      )}
      <DataTable
        caption={t("trend.table")}
        head={[t("trend.month"), t("trend.rolling"), t("trend.onTimeMonth")]}
        rows={r.rates.map((x) => [x.month, u.rate(x.maturityRepayment), u.rate(x.onTime)])}
      />
      {r.suspensions.total > r.alerts.length && (
        <p className="mt-3 text-sm text-red-900" data-testid="suspension-summary">
          {t("suspensionSummary", { total: r.suspensions.total, shown: r.alerts.length })}{" "}
          {r.suspensions.byCounty.map((c) => (
            <Link
              key={c.code}
              href={`/rules/suspensions?county=${c.code}`}
              className="mr-2 whitespace-nowrap underline"
            >
              {t("suspensionCounty", { name: c.name, count: c.count })}
            </Link>
          ))}
        </p>
      )}
      {r.alerts.length > 0 && (
        <ul className="mt-3 space-y-1" data-testid="suspension-alerts">
          {r.alerts.map((a, i) => (
            <li key={i} className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200">
              <Link href={a.href} className="inline-flex items-start gap-1.5 hover:underline">
                <Ban aria-hidden className="mt-0.5 size-4 shrink-0" />
                {a.message}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
