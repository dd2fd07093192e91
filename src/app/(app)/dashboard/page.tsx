import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Ban, TriangleAlert } from "lucide-react";
import { Suspense } from "react";
import { TargetsSection } from "@/ui/rules/TargetsSection";
import { targetProgress } from "@/server/services/targets";
import {
  formatDateTime,
  BUCKET_LABELS,
  can,
  formatMultiple,
  formatRate,
  formatWan,
  wanNumber,
  type Bucket,
  LEVEL_LABELS,
} from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { authoriseRegion, dashboardOverview, dashboardRates } from "@/server/services/dashboard";
import { memo } from "@/server/memo";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { AgingChart } from "@/ui/dashboard/AgingChart";
import { FundChart, RatesChart, SubsidyChart, TrendChart } from "@/ui/dashboard/Charts";
import { DataTable } from "@/ui/dashboard/DataTable";

const SUBSIDY_LEVELS = ["CENTRAL", "PROVINCIAL", "CITY", "COUNTY"] as const;
/** KPI cards that open the list of loans behind them (for roles that may see loans). */
const FIGURE_OF: Partial<Record<string, "overdue" | "par30" | "par90">> = {
  overdue: "overdue",
  par30: "par30",
  par90: "par90",
  npl: "par90",
};

const RATES = [
  ["maturityRepayment", "到期还款率", "期内到期贷款已收回本金 ÷ 期内到期本金"],
  ["onTime", "按时还款率", "期内到期的应还本息中按期足额归还的金额 ÷ 期内应还本息"],
  ["overdue", "逾期率", "有逾期的贷款余额 ÷ 全部贷款余额"],
  ["par30", "PAR30", "逾期30天以上贷款的余额 ÷ 全部贷款余额"],
  ["par90", "PAR90", "逾期90天以上贷款的余额 ÷ 全部贷款余额"],
  ["npl", "不良率", "逾期90天以上贷款余额 ÷ 全部贷款余额"],
] as const;

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
    `/dashboard/loans?${new URLSearchParams({ region: regionCode, asOf, figure }).toString()}`;
  const link = (extra: Record<string, string>) =>
    `/dashboard?${new URLSearchParams({ region: regionCode, asOf, from: window.from, to: window.to, ...extra }).toString()}`;
  return (
    <div className="space-y-6">
      <nav aria-label="地区层级" className="text-sm text-stone-600" data-testid="breadcrumbs">
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
          <h1 className="text-xl font-semibold">{v.region.name} · 还款监测</h1>
          <p className="text-xs text-stone-500" data-testid="computed-at">
            数据计算于 {formatDateTime(computedAt)}（北京时间） （1分钟内复用）·{" "}
            <Link href={link({ fresh: "1" })} className="text-brand-700 hover:underline" prefetch={false}>
              刷新
            </Link>
          </p>
        </div>
        <form className="flex flex-wrap items-end gap-2 text-sm">
          <input type="hidden" name="region" value={regionCode} />
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">统计截止日</span>
            <input
              type="date"
              name="asOf"
              defaultValue={asOf}
              max={today}
              className="rounded border border-stone-300 px-2 py-1"
            />
          </label>
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">期间起</span>
            <input
              type="date"
              name="from"
              defaultValue={window.from}
              className="rounded border border-stone-300 px-2 py-1"
            />
          </label>
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">期间止</span>
            <input
              type="date"
              name="to"
              defaultValue={window.to}
              className="rounded border border-stone-300 px-2 py-1"
            />
          </label>
          <button type="submit" className="rounded bg-brand-600 px-3 py-1.5 text-white">
            更新
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
        <Kpi label="借款人" value={`${v.figures.borrowers.toLocaleString("zh-CN")} 人`} />
        <Kpi
          label="期内放款"
          value={`${v.figures.disbursedCount} 笔 · ${formatWan(v.figures.disbursedFen)}`}
        />
        <Kpi
          label="贷款余额"
          value={formatWan(v.figures.outstandingFen)}
          hint={`在贷 ${v.figures.loans} 笔`}
        />
        {RATES.map(([k, label, def]) => (
          <Kpi
            key={k}
            label={label}
            value={formatRate(v.figures.rates[k])}
            hint={def}
            testId={`rate-${k}`}
            warn={
              k === "maturityRepayment" && v.figures.rates[k] !== null && v.figures.rates[k]! < v.threshold
            }
            href={seesLoans && FIGURE_OF[k] ? loansLink(FIGURE_OF[k]) : undefined}
          />
        ))}
      </section>

      <section className="grid gap-6 lg:grid-cols-2">
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">月度放款与回收（万元）</h2>
          <TrendChart
            data={v.flows.map((f) => ({
              month: f.month,
              disbursedWan: wanNumber(f.disbursedFen),
              repaidWan: wanNumber(f.repaidPrincipalFen + f.repaidInterestFen),
            }))}
          />
          <DataTable
            caption="月度放款与回收数据表"
            head={["月份", "放款笔数", "放款金额", "回收本金", "回收利息"]}
            rows={v.flows.map((f) => [
              f.month,
              String(f.disbursedCount),
              formatWan(f.disbursedFen),
              formatWan(f.repaidPrincipalFen),
              formatWan(f.repaidInterestFen),
            ])}
          />
        </div>
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">还款率走势（{formatRate(v.threshold)} 警戒线）</h2>
          {/* The monthly rolling rates take ~1 s for a city: streamed after the rest, in a box of the same size. */}
          <Suspense fallback={<RatesPending />}>
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
            财政贴息（期内结息）
            {countyNote && <span className="ml-1 text-xs font-normal text-stone-500">{countyNote}</span>}
          </h2>
          <dl className="grid grid-cols-3 gap-2 text-sm">
            <Kpi label="已申请" value={formatWan(v.subsidy.claimedFen)} />
            <Kpi label="已审核" value={formatWan(v.subsidy.approvedFen)} />
            <Kpi label="已拨付" value={formatWan(v.subsidy.paidFen)} />
          </dl>
          <table className="mt-2 w-full text-sm" aria-label="贴息分级承担">
            <tbody>
              {Object.entries(LEVEL_LABELS)
                .filter(([k]) => ["CENTRAL", "PROVINCIAL", "CITY", "COUNTY"].includes(k))
                .map(([k, label]) => (
                  <tr key={k}>
                    <th className="text-left font-normal text-stone-600">{label}</th>
                    <td className="num">{formatWan(v.subsidy.byLevelFen[k] ?? 0)}</td>
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
                levels={SUBSIDY_LEVELS.map((l) => ({ key: l, label: LEVEL_LABELS[l]! }))}
              />
              <DataTable
                caption="各季度贴息数据表"
                head={["季度", ...SUBSIDY_LEVELS.map((l) => LEVEL_LABELS[l]!)]}
                rows={v.subsidy.byQuarter.map((q) => [
                  q.quarter,
                  ...SUBSIDY_LEVELS.map((l) => formatWan(q.byLevelFen[l] ?? 0)),
                ])}
              />
            </>
          )}
        </div>
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="fund-summary">
          <h2 className="mb-2 font-medium">
            风险补偿金（{v.fund.funds} 个）
            {countyNote && <span className="ml-1 text-xs font-normal text-stone-500">{countyNote}</span>}
          </h2>
          <dl className="grid grid-cols-2 gap-2 text-sm md:grid-cols-3">
            <Kpi label="余额" value={formatWan(v.fund.balanceFen)} />
            <Kpi label="覆盖率" value={formatRate(v.fund.coverage)} hint="余额 ÷ 在贷余额" />
            <Kpi
              label="放大倍数"
              value={formatMultiple(v.fund.leverage)}
              hint="在贷余额 ÷ 余额"
              warn={v.fund.overCap > 0}
            />
            <Kpi
              label="可新增放款空间"
              value={formatWan(v.fund.headroomFen)}
              hint="各基金（上限 × 余额 − 在贷余额）之和"
            />
            <Kpi label="超过放大上限" value={`${v.fund.overCap} 个`} warn={v.fund.overCap > 0} />
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
                caption="风险补偿金数据表"
                head={["基金", "余额", "在贷余额", "放大倍数", "上限"]}
                rows={v.fund.list.map((f) => [
                  f.name,
                  formatWan(f.balanceFen),
                  formatWan(f.outstandingFen),
                  formatMultiple(f.position.leverage),
                  `${f.leverageCap}×`,
                ])}
              />
            </>
          )}
        </div>
        <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">账龄分布（贷款余额，万元）</h2>
          <AgingChart
            data={v.buckets.map((b) => ({
              label: BUCKET_LABELS[b.bucket as Bucket],
              wan: wanNumber(b.outstandingFen),
            }))}
          />
          <table className="mt-2 w-full text-sm" aria-label="账龄分布表">
            <tbody>
              {v.buckets.map((b) => (
                <tr key={b.bucket}>
                  <th className="text-left font-normal text-stone-600">
                    {BUCKET_LABELS[b.bucket as Bucket]}
                  </th>
                  <td className="num">{formatWan(b.outstandingFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {children.length > 0 && (
          <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
            <h2 className="mb-2 font-medium">下级地区</h2>
            <table className="w-full text-sm" data-testid="children">
              <thead className="text-left text-xs text-stone-600">
                <tr>
                  <th>
                    <Link href={link({ sort: "name" })}>地区</Link>
                  </th>
                  <th className="text-right">
                    <Link href={link({ sort: "outstanding" })}>贷款余额 ↓</Link>
                  </th>
                  <th className="text-right">
                    <Link href={link({ sort: "maturityRepayment" })}>到期还款率 ↑</Link>
                  </th>
                  <th className="text-right">按时还款率</th>
                  <th className="text-right">
                    <Link href={link({ sort: "par30" })}>PAR30 ↓</Link>
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
                    <td className="num">{formatWan(c.figures.outstandingFen)}</td>
                    <td
                      className={`num ${c.figures.rates.maturityRepayment !== null && c.figures.rates.maturityRepayment < v.threshold ? "text-red-700" : ""}`}
                    >
                      {formatRate(c.figures.rates.maturityRepayment)}
                    </td>
                    <td className="num">{formatRate(c.figures.rates.onTime)}</td>
                    <td className="num">{formatRate(c.figures.rates.par30)}</td>
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

function Kpi({
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
  const body = (
    <>
      <div className="text-xs text-stone-500">
        {label}
        {hint && <span className="sr-only">：{hint}</span>}
      </div>
      <div className={`mt-1 text-lg font-medium ${warn ? "text-red-700" : ""}`}>{value}</div>
      {href && <div className="mt-1 text-xs text-brand-700">查看贷款明细 →</div>}
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

function RatesPending() {
  return (
    <div
      className="flex h-64 w-full items-center justify-center text-sm text-stone-500"
      role="status"
      data-testid="rates-pending"
    >
      正在计算近12个月还款率与暂停放款预警…
    </div>
  );
}

/** The rates chart, its table and the suspension alerts (the rule that refuses applications, rules.ts). */
async function RatesSection({ load }: { load: () => ReturnType<typeof dashboardRates> }) {
  const res = await attempt(load);
  if (!res.ok) return <p className="text-sm text-red-700">{res.message}</p>;
  const r = res.data;
  const t = await getTranslations("dashboard");
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
        caption="还款率走势数据表"
        head={["月份", "年内到期还款率（滚动12个月）", "当月按时还款率"]}
        rows={r.rates.map((x) => [x.month, formatRate(x.maturityRepayment), formatRate(x.onTime)])}
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
