"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useTranslations } from "next-intl";

/**
 * The dashboard's charts (recharts). Amounts arrive in 万元 and rates as fractions, already computed on the
 * server; each chart sits next to a table with the same figures (the accessible alternative).
 */
/** A chart's 万元 number as text, through the "units" messages ("1,582.5 万元"). */
function useWan() {
  const t = useTranslations("units");
  return (v: unknown) =>
    t("wan", { amount: Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) });
}
const pct = (v: unknown) => (v === null || v === undefined ? "—" : `${(Number(v) * 100).toFixed(2)}%`);
const COLORS = { brand: "#c0264b", teal: "#0f766e", amber: "#b45309", slate: "#475569", sky: "#0369a1" };

function Frame({ label, testId, children }: { label: string; testId: string; children: React.ReactElement }) {
  return (
    <div className="h-64 w-full" data-testid={testId} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

export function TrendChart({ data }: { data: { month: string; disbursedWan: number; repaidWan: number }[] }) {
  const t = useTranslations("dashboard");
  const wan = useWan();
  const tu = useTranslations("units");
  return (
    <Frame label={t("flows.title")} testId="trend-chart">
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="month" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} unit={tu("axisWan")} />
        <Tooltip formatter={(v, name) => [wan(v), name]} />
        <Legend />
        <Bar
          dataKey="disbursedWan"
          name={t("flows.disbursed")}
          fill={COLORS.brand}
          isAnimationActive={false}
        />
        <Line
          dataKey="repaidWan"
          name={t("flows.repaid")}
          stroke={COLORS.teal}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </Frame>
  );
}

export function RatesChart({
  data,
  threshold,
  axisFrom,
}: {
  data: { month: string; maturityRepayment: number | null; onTime: number | null }[];
  threshold: number;
  /** Where the vertical axis starts (0, or a zoom the page states beside the chart). */
  axisFrom: number;
}) {
  const t = useTranslations("dashboard");
  return (
    <Frame label={t("trend.chart", { threshold: pct(threshold) })} testId="rates-chart">
      <LineChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="month" tick={{ fontSize: 11 }} />
        <YAxis
          tick={{ fontSize: 11 }}
          domain={[axisFrom, 1]}
          allowDataOverflow
          tickFormatter={(v: number) => `${(v * 100).toFixed(0)}%`}
        />
        <Tooltip formatter={(v, name) => [pct(v), name]} />
        <Legend />
        <ReferenceLine
          y={threshold}
          stroke={COLORS.amber}
          strokeDasharray="6 3"
          label={{
            value: t("trend.line", { threshold: pct(threshold) }),
            fontSize: 11,
            fill: COLORS.amber,
            position: "insideBottomRight",
          }}
        />
        <Line
          dataKey="maturityRepayment"
          name={t("trend.rolling")}
          stroke={COLORS.brand}
          strokeWidth={2}
          connectNulls
          isAnimationActive={false}
        />
        <Line
          dataKey="onTime"
          name={t("trend.onTimeMonth")}
          stroke={COLORS.sky}
          strokeWidth={2}
          connectNulls
          isAnimationActive={false}
        />
      </LineChart>
    </Frame>
  );
}

export function SubsidyChart({
  data,
  levels,
}: {
  data: Record<string, string | number>[];
  levels: { key: string; label: string }[];
}) {
  const palette = [COLORS.brand, COLORS.teal, COLORS.amber, COLORS.slate];
  const t = useTranslations("dashboard");
  const tu = useTranslations("units");
  const wan = useWan();
  return (
    <Frame label={t("subsidy.chart")} testId="subsidy-chart">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="quarter" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} unit={tu("axisWan")} />
        <Tooltip formatter={(v, name) => [wan(v), name]} />
        <Legend />
        {levels.map((l, i) => (
          <Bar
            key={l.key}
            dataKey={l.key}
            name={l.label}
            stackId="levels"
            fill={palette[i % palette.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </Frame>
  );
}

export function FundChart({
  data,
}: {
  data: { name: string; balanceWan: number; outstandingWan: number; capWan: number }[];
}) {
  const t = useTranslations("dashboard");
  const tu = useTranslations("units");
  const wan = useWan();
  return (
    <Frame label={t("fund.chart")} testId="fund-chart">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="name" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} unit={tu("axisWan")} />
        <Tooltip formatter={(v, name) => [wan(v), name]} />
        <Legend />
        <Bar
          dataKey="balanceWan"
          name={t("fund.chartBalance")}
          fill={COLORS.teal}
          isAnimationActive={false}
        />
        <Bar
          dataKey="outstandingWan"
          name={t("fund.chartOutstanding")}
          fill={COLORS.brand}
          isAnimationActive={false}
        />
        <Bar dataKey="capWan" name={t("fund.chartCap")} fill={COLORS.slate} isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}
