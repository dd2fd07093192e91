import Link from "next/link";
import { formatWan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { FIGURE_LOANS, figureLoans, type FigureKey } from "@/server/services/dashboard";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { getTranslations } from "next-intl/server";

/** The loans behind a dashboard figure (overdue, PAR30, PAR90) for a region and as-of date. */
export default async function FigureLoansPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const asOf = sp.asOf && /^\d{4}-\d{2}-\d{2}$/.test(sp.asOf) ? sp.asOf : todayShanghai();
  const region = sp.region && /^\d{6}(\d{3}){0,2}$/.test(sp.region) ? sp.region : actor.regionCode;
  const figure: FigureKey = sp.figure && sp.figure in FIGURE_LOANS ? (sp.figure as FigureKey) : "par30";
  const res = await attempt(() => figureLoans(actor, region, asOf, figure));
  if (!res.ok) return <PageError message={res.message} />;
  const { regionName, loans, total, outstandingFen } = res.data;
  const status = await getTranslations("status");
  return (
    <div className="space-y-4">
      <nav className="text-sm text-stone-600">
        <Link
          href={`/dashboard?${new URLSearchParams({ region, asOf }).toString()}`}
          className="text-brand-700 hover:underline"
        >
          ← 返回还款监测
        </Link>
      </nav>
      <h1 className="text-xl font-semibold">
        {regionName} · {FIGURE_LOANS[figure].label} · 截至 {asOf}
      </h1>
      <p className="text-sm text-stone-700" data-testid="figure-total">
        共 {total} 笔，贷款余额合计 {formatWan(outstandingFen)}
        {total > loans.length && `（按逾期天数列出前 ${loans.length} 笔）`}
      </p>
      <table className="w-full rounded-lg bg-white text-sm ring-1 ring-stone-200" data-testid="figure-loans">
        <thead className="text-left text-xs text-stone-600">
          <tr>
            <th className="px-2 py-1">申请编号</th>
            <th>借款人</th>
            <th>村</th>
            <th>状态</th>
            <th className="text-right">贷款金额</th>
            <th className="text-right">贷款余额</th>
            <th className="text-right">逾期天数</th>
            <th className="text-right">最早未还到期日</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {loans.map((l) => (
            <tr key={l.id}>
              <td className="px-2 py-1">
                <Link href={`/loans/${l.id}`} className="text-brand-700 hover:underline">
                  {l.applicationNo}
                </Link>
              </td>
              <td>{l.borrowerName}</td>
              <td>{l.villageName}</td>
              <td>{status(l.status as "REPAYING")}</td>
              <td className="num">{formatWan(l.principalFen)}</td>
              <td className="num">{formatWan(l.outstandingFen)}</td>
              <td className="num">{l.daysPastDue}</td>
              <td className="num">{l.oldestUnpaidDue}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
