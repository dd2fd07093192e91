"use client";

import { useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Outstanding balance by days-past-due bucket, in 万元 (a table with the same figures sits beside it). */
export function AgingChart({ data }: { data: { label: string; wan: number }[] }) {
  const t = useTranslations("dashboard.aging");
  const tu = useTranslations("units");
  return (
    <div className="h-64 w-full" data-testid="aging-chart" role="img" aria-label={t("chart")}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} unit={tu("axisWan")} />
          <Tooltip
            formatter={(v) => [
              tu("wan", { amount: Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) }),
              t("outstanding"),
            ]}
          />
          <Bar dataKey="wan" fill="#c0264b" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
