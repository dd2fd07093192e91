import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan, ratio } from "@/domain";
import { unitFormatters } from "@/ui/units";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { FIGURE_KINDS, figureLoans, type FigureKey } from "@/server/services/figure-loans";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ReadSourceNotice } from "@/ui/shell/ReadSourceNotice";

/** The loans behind a dashboard figure (overdue, PAR30, PAR90, 到期还款率) for a region and as-of date. */
export default async function FigureLoansPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const figure: FigureKey = FIGURE_KINDS.includes(sp.figure as FigureKey)
    ? (sp.figure as FigureKey)
    : "par30";
  const query = {
    region: sp.region || actor.regionCode,
    asOf: sp.asOf || todayShanghai(),
    figure,
    ...(sp.from ? { from: sp.from } : {}),
    ...(sp.to ? { to: sp.to } : {}),
  };
  const res = await attempt(() => figureLoans(actor, query));
  if (!res.ok) return <PageError message={res.message} />;
  const list = res.data;
  const t = await getTranslations("figureLoans");
  const u = unitFormatters(await getTranslations("units"));
  const status = await getTranslations("status");
  const y = (fen: number) => formatYuan(fen, false);
  const matured = figure === "matured";
  const back = new URLSearchParams({
    region: list.region,
    asOf: list.asOf,
    ...(list.window ? { from: list.window.from, to: sp.to ?? list.window.to } : {}),
  });
  const exportHref = `/dashboard/loans/export?${new URLSearchParams(query).toString()}`;
  return (
    <div className="space-y-4">
      <nav className="text-sm text-stone-600">
        <Link href={`/dashboard?${back.toString()}`} className="text-brand-700 hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <h1 className="text-xl font-semibold">
        {t("title", { region: list.regionName, figure: t(`kind.${figure}`), asOf: list.asOf })}
      </h1>
      <ReadSourceNotice />
      {list.window && (
        <p className="text-sm text-stone-600" data-testid="figure-window">
          {t("window", { from: list.window.from, to: list.window.to })}
        </p>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-stone-700" data-testid="figure-total">
          {matured
            ? t("totalMatured", {
                count: list.total,
                matured: y(list.maturedFen),
                recovered: y(list.recoveredFen),
                unpaid: y(list.maturedFen - list.recoveredFen),
                rate: u.rate(ratio(list.recoveredFen, list.maturedFen)),
              })
            : t("totalOverdue", { count: list.total, outstanding: y(list.outstandingFen) })}
          {list.total > list.loans.length &&
            ` ${t(matured ? "firstByUnpaid" : "firstByDays", { shown: list.loans.length })}`}
        </p>
        {can(actor.role, "ledger.export") && (
          <a
            href={exportHref}
            className="rounded border border-stone-300 px-3 py-1 text-sm hover:bg-stone-50"
            data-testid="figure-export"
          >
            {t("export")}
          </a>
        )}
      </div>
      <div className="overflow-x-auto">
        <table
          className="w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
          data-testid="figure-loans"
        >
          <thead className="text-left text-xs text-stone-600">
            <tr>
              <th className="px-2 py-1">{t("col.applicationNo")}</th>
              <th>{t("col.borrower")}</th>
              <th>{t("col.village")}</th>
              <th>{t("col.status")}</th>
              <th className="text-right">{t("col.principal")}</th>
              {matured ? (
                <>
                  <th className="text-right">{t("col.maturityDate")}</th>
                  <th className="text-right">{t("col.recovered")}</th>
                  <th className="text-right">{t("col.unpaid")}</th>
                </>
              ) : (
                <>
                  <th className="text-right">{t("col.outstanding")}</th>
                  <th className="text-right">{t("col.daysPastDue")}</th>
                  <th className="text-right">{t("col.oldestUnpaidDue")}</th>
                </>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {list.loans.map((l) => (
              <tr key={l.id}>
                <td className="px-2 py-1">
                  <Link href={`/loans/${l.id}`} className="text-brand-700 hover:underline">
                    {l.applicationNo}
                  </Link>
                </td>
                <td>{l.borrowerName}</td>
                <td>{l.villageName}</td>
                <td>{status(l.status as "REPAYING")}</td>
                <td className="num">{y(l.principalFen)}</td>
                {matured ? (
                  <>
                    <td className="num">{l.maturityDate}</td>
                    <td className="num">{y(l.recoveredFen)}</td>
                    <td className="num">{y(l.unpaidFen)}</td>
                  </>
                ) : (
                  <>
                    <td className="num">{y(l.outstandingFen)}</td>
                    <td className="num">{l.daysPastDue}</td>
                    <td className="num">{l.oldestUnpaidDue}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
