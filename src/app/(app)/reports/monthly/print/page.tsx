import { getTranslations } from "next-intl/server";
import { todayShanghai } from "@/server/clock";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { defaultReportMonth, getMonthlyReport } from "@/server/services/monthly-report";
import { PageError } from "@/ui/shell/PageError";
import { PrintButton } from "@/ui/ledgers/PrintButton";
import { MonthlyReportTable } from "@/ui/reports/MonthlyReportTable";

/** The 统计月报 laid out for printing and signing (制表人 / 审核人 / 负责人); a submitted report as submitted. */
export default async function PrintMonthlyReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("monthlyReport");
  const res = await attempt(() =>
    getMonthlyReport(actor, {
      region: sp.region ?? actor.regionCode.slice(0, 6),
      month: sp.month ?? defaultReportMonth(),
    }),
  );
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const [y, m] = v.month.split("-");
  return (
    <div className="space-y-3 bg-white p-4 text-xs print:p-0" data-testid="print-monthly-report">
      <div className="flex items-start justify-between print:hidden">
        <p className="text-sm text-stone-600">{t("printHint")}</p>
        <PrintButton label={(await getTranslations("documents"))("print")} />
      </div>
      <h1 className="text-center text-lg font-semibold">{t("titleOf", { region: v.region.name })}</h1>
      <div className="flex justify-between">
        <span>{t("filledBy", { region: v.region.name })}</span>
        <span>{t("period", { month: t("monthOf", { year: y!, month: Number(m), ym: v.month }) })}</span>
        <span>{t("unit")}</span>
        <span>{v.report ? t(`status.${v.report.status}`) : t("status.NONE")}</span>
      </div>
      <MonthlyReportTable
        table={v.submitted ?? v.current}
        labels={{
          region: t("regionColumn"),
          total: t("total"),
          groups: t.raw("groups") as Record<string, string>,
          columns: t.raw("columns") as Record<string, string>,
        }}
        caption={t("title")}
        print
      />
      <div className="flex justify-between pt-8">
        <span>
          {t("signPreparer")}
          {v.report?.preparedBy ?? "________"}
        </span>
        <span>
          {t("signReviewer")}
          {v.report?.submittedBy ?? "________"}
        </span>
        <span>{t("signHead")}________</span>
        <span>
          {t("signDate")}
          {v.report?.submittedAt ? todayShanghai(v.report.submittedAt) : "________"}
        </span>
      </div>
    </div>
  );
}
