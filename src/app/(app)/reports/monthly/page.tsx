import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { fenToWanText, formatDateTime, type FigureDifference } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { defaultReportMonth, getMonthlyReport, reportRegionOptions } from "@/server/services/monthly-report";
import { ActionForm } from "@/ui/forms/ActionForm";
import { PageError } from "@/ui/shell/PageError";
import { ReadSourceNotice } from "@/ui/shell/ReadSourceNotice";
import { MonthlyReportTable, type ReportTableLabels } from "@/ui/reports/MonthlyReportTable";
import { acknowledgeReportAction, prepareReportAction, submitReportAction } from "./actions";

/** /reports/monthly?region=&month=YYYY-MM — the 统计月报 of a region: figures, submission, 差异, the regions below. */
export default async function MonthlyReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("monthlyReport");
  const q = { region: sp.region ?? actor.regionCode.slice(0, 6), month: sp.month ?? defaultReportMonth() };
  const [res, regions] = await Promise.all([
    attempt(() => getMonthlyReport(actor, q)),
    reportRegionOptions(actor),
  ]);
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const labels: ReportTableLabels = {
    region: t("regionColumn"),
    total: t("total"),
    groups: t.raw("groups") as Record<string, string>,
    columns: t.raw("columns") as Record<string, string>,
  };
  const figureLabels = t.raw("figures") as Record<string, string>;
  const names = new Map([...v.current.rows, ...(v.submitted?.rows ?? [])].map((r) => [r.code, r.name]));
  const qs = new URLSearchParams({ region: v.region.code, month: v.month }).toString();
  const hidden = { region: v.region.code, month: v.month };
  const diffTable = (diffs: FigureDifference[], testId: string) => (
    <table className="text-sm" data-testid={testId}>
      <thead className="text-left text-xs text-stone-600">
        <tr>
          <th className="pr-4">{t("regionColumn")}</th>
          <th className="pr-4">{t("diffFigure")}</th>
          <th className="pr-4 text-right">{t("diffSubmitted")}</th>
          <th className="pr-4 text-right">{t("diffCurrent")}</th>
          <th className="text-right">{t("diffDelta")}</th>
        </tr>
      </thead>
      <tbody>
        {diffs.map((d) => {
          const money = d.key.endsWith("Fen");
          const f = (x: number | null) =>
            x === null ? "—" : money ? fenToWanText(x, 2) : x.toLocaleString("zh-CN");
          return (
            <tr key={`${d.code}-${d.key}`}>
              <td className="pr-4">{d.code === "total" ? t("total") : (names.get(d.code) ?? d.code)}</td>
              <td className="pr-4">{figureLabels[d.key]}</td>
              <td className="num pr-4">{f(d.submitted)}</td>
              <td className="num pr-4">{f(d.current)}</td>
              <td className="num font-semibold">
                {d.delta > 0 ? "+" : ""}
                {f(d.delta)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );

  return (
    <div className="space-y-4" data-testid="monthly-report">
      <h1 className="text-xl font-semibold">{t("titleOf", { region: v.region.name })}</h1>
      <ReadSourceNotice />
      <form method="get" className="flex flex-wrap items-end gap-3 text-sm print:hidden">
        <label className="flex flex-col">
          <span>{t("region")}</span>
          <select
            name="region"
            defaultValue={v.region.code}
            className="rounded border border-stone-300 px-2 py-1"
          >
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}（{r.code}）
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          <span>{t("month")}</span>
          <input
            type="month"
            name="month"
            defaultValue={v.month}
            className="rounded border border-stone-300 px-2 py-1"
          />
        </label>
        <button type="submit" className="rounded bg-brand-600 px-3 py-1.5 text-white">
          {t("show")}
        </button>
        <a
          href={`/reports/monthly/export?${qs}`}
          className="text-brand-700 underline"
          data-testid="export-report"
        >
          {t("export")}
        </a>
        <Link href={`/reports/monthly/print?${qs}`} className="text-brand-700 underline">
          {t("print")}
        </Link>
      </form>

      <section className="rounded border border-stone-200 bg-white p-3 text-sm" data-testid="report-status">
        <p>
          <strong data-testid="report-status-label">
            {v.report ? t(`status.${v.report.status}`) : t("status.NONE")}
          </strong>
          {" · "}
          {t("deadline", { date: v.deadline })}
          {" · "}
          <span data-testid="report-state">{t(`state.${v.state}`)}</span>
          {" · "}
          <span className="text-stone-600">{v.fromSnapshot ? t("fromSnapshot") : t("live")}</span>
        </p>
        {v.report && (
          <ul className="mt-1 text-stone-700">
            <li>{t("preparedBy", { name: v.report.preparedBy, at: formatDateTime(v.report.preparedAt) })}</li>
            {v.report.submittedAt && (
              <li>
                {t("submittedBy", {
                  name: v.report.submittedBy ?? "",
                  at: formatDateTime(v.report.submittedAt),
                })}
              </li>
            )}
            {v.report.acknowledgedAt && (
              <li>
                {t("acknowledgedBy", {
                  name: v.report.acknowledgedBy ?? "",
                  at: formatDateTime(v.report.acknowledgedAt),
                })}
              </li>
            )}
          </ul>
        )}
        {!v.closed && <p className="mt-1 text-amber-700">{t("notClosed")}</p>}
        <div className="mt-2 flex flex-wrap gap-6">
          {v.can.prepare && (
            <ActionForm
              testId="prepare-report"
              action={prepareReportAction}
              hidden={hidden}
              fields={[]}
              submitLabel={t("prepare")}
              successMessage={t("prepared")}
              refreshAfterSuccess
            />
          )}
          {v.can.submit && (
            <ActionForm
              testId="submit-report"
              action={submitReportAction}
              hidden={hidden}
              fields={[]}
              submitLabel={t("submit")}
              successMessage={t("submitted")}
              refreshAfterSuccess
            />
          )}
          {v.can.acknowledge && (
            <ActionForm
              testId="acknowledge-report"
              action={acknowledgeReportAction}
              hidden={hidden}
              fields={[]}
              submitLabel={t("acknowledge")}
              successMessage={t("acknowledged")}
              refreshAfterSuccess
            />
          )}
        </div>
      </section>

      {v.submitted ? (
        <>
          <h2 className="font-semibold">
            {t("frozen", { at: v.report?.submittedAt ? formatDateTime(v.report.submittedAt) : "" })}
          </h2>
          <MonthlyReportTable
            table={v.submitted}
            labels={labels}
            caption={t("title")}
            testId="report-submitted"
          />
          <h2 className="font-semibold">{t("differences")}</h2>
          {v.differences.length ? (
            diffTable(v.differences, "report-differences")
          ) : (
            <p className="text-sm text-stone-600" data-testid="report-no-differences">
              {t("noDifferences")}
            </p>
          )}
        </>
      ) : (
        <>
          <h2 className="font-semibold">{t("current")}</h2>
          <MonthlyReportTable
            table={v.current}
            labels={labels}
            caption={t("title")}
            testId="report-current"
          />
        </>
      )}
      <p className="text-xs text-stone-600">{t("unit")}</p>

      {v.previous && (
        <section>
          <h2 className="font-semibold">{t("previous", { month: v.previous.month })}</h2>
          {v.previous.differences.length ? (
            diffTable(v.previous.differences, "previous-differences")
          ) : (
            <p className="text-sm text-stone-600">{t("previousNone")}</p>
          )}
        </section>
      )}

      {v.children.length > 0 && (
        <section>
          <h2 className="font-semibold">{t("children")}</h2>
          <table className="w-full text-sm" data-testid="report-children">
            <thead className="text-left text-xs text-stone-600">
              <tr>
                <th>{t("childRegion")}</th>
                <th>{t("childStatus")}</th>
                <th>{t("childSubmittedAt")}</th>
                <th>{t("childState")}</th>
                <th>{t("childAck")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {v.children.map((c) => (
                <tr key={c.code} data-region={c.code}>
                  <td>
                    <Link
                      className="text-brand-700 underline"
                      href={`/reports/monthly?${new URLSearchParams({ region: c.code, month: v.month }).toString()}`}
                    >
                      {c.name}
                    </Link>
                  </td>
                  <td>{c.status ? t(`status.${c.status}`) : t("status.NONE")}</td>
                  <td>{c.submittedAt ? formatDateTime(c.submittedAt) : t("notSubmittedYet")}</td>
                  <td className={c.state === "OVERDUE" || c.state === "LATE" ? "text-red-700" : ""}>
                    {t(`state.${c.state}`)}
                  </td>
                  <td>
                    {c.canAcknowledge ? (
                      <ActionForm
                        testId={`acknowledge-${c.code}`}
                        action={acknowledgeReportAction}
                        hidden={{ region: c.code, month: v.month }}
                        fields={[]}
                        submitLabel={t("acknowledge")}
                        successMessage={t("acknowledged")}
                        refreshAfterSuccess
                        columns={1}
                      />
                    ) : (
                      (c.acknowledgedBy ?? "")
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
