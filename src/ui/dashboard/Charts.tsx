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

/**
 * The dashboard's charts (recharts). Amounts arrive in 万元 and rates as fractions, already computed on the
 * server; each chart sits next to a table with the same figures (the accessible alternative).
 */
const wan = (v: unknown) => `${Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 })} 万元`;
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
  return (
    <Frame label="月度放款与回收（万元）" testId="trend-chart">
      <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="month" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} unit="万" />
        <Tooltip formatter={(v, name) => [wan(v), name]} />
        <Legend />
        <Bar dataKey="disbursedWan" name="放款" fill={COLORS.brand} isAnimationActive={false} />
        <Line
          dataKey="repaidWan"
          name="回收本息"
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
  return (
    <Frame label={`还款率走势与 ${pct(threshold)} 警戒线`} testId="rates-chart">
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
            value: `${pct(threshold)} 警戒线`,
            fontSize: 11,
            fill: COLORS.amber,
            position: "insideBottomRight",
          }}
        />
        <Line
          dataKey="maturityRepayment"
          name="年内到期还款率（滚动12个月）"
          stroke={COLORS.brand}
          strokeWidth={2}
          connectNulls
          isAnimationActive={false}
        />
        <Line
          dataKey="onTime"
          name="当月按时还款率"
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
  return (
    <Frame label="各季度贴息（按财政层级，万元）" testId="subsidy-chart">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="quarter" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} unit="万" />
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
  return (
    <Frame label="风险补偿金余额与在贷余额（万元）" testId="fund-chart">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="name" tick={{ fontSize: 11 }} />
        <YAxis tick={{ fontSize: 11 }} unit="万" />
        <Tooltip formatter={(v, name) => [wan(v), name]} />
        <Legend />
        <Bar dataKey="balanceWan" name="补偿金余额" fill={COLORS.teal} isAnimationActive={false} />
        <Bar dataKey="outstandingWan" name="在贷余额" fill={COLORS.brand} isAnimationActive={false} />
        <Bar dataKey="capWan" name="放大上限（余额 × 倍数）" fill={COLORS.slate} isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}
