import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { overdueVisits } from "@/server/services/visits";
import { PageError } from "@/ui/shell/PageError";
import { Pager } from "@/ui/worklists/Pager";

const SIZE = 50;
const pageParam = (v: string | string[] | undefined) =>
  typeof v === "string" && /^[1-9]\d{0,4}$/.test(v) ? Number(v) : 1;

/** 贷后回访到期 (issue 23 item 2): the region's repaying loans whose visit is overdue, the longest overdue first. */
export default async function VisitsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("visits");
  const page = pageParam(sp.page);
  const res = await attempt(() => overdueVisits(actor, { limit: SIZE, page }));
  if (!res.ok) return <PageError message={res.message} />;
  const list = res.data;
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("list.title")}</h1>
      <p className="text-sm text-stone-600">{t("list.intro", { count: list.total })}</p>
      {list.rows.length === 0 ? (
        <p className="text-sm text-stone-500">{t("list.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
          <table className="min-w-full text-sm" data-testid="visits-overdue">
            <thead className="bg-stone-50 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{t("list.borrower")}</th>
                <th className="px-3 py-2">{t("list.village")}</th>
                <th className="px-3 py-2">{t("list.purpose")}</th>
                <th className="px-3 py-2">{t("list.disbursed")}</th>
                <th className="px-3 py-2">{t("list.last")}</th>
                <th className="px-3 py-2">{t("list.due")}</th>
                <th className="px-3 py-2 text-right">{t("list.days")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {list.rows.map((r) => (
                <tr key={r.loanId}>
                  <td className="px-3 py-1.5">
                    <Link href={`/loans/${r.loanId}#visits`} className="text-brand-700 hover:underline">
                      {r.borrowerName}
                    </Link>{" "}
                    <span className="text-xs text-stone-500">{r.borrowerIdMasked}</span>
                  </td>
                  <td className="px-3 py-1.5">{r.villageName}</td>
                  <td className="px-3 py-1.5">{r.purpose}</td>
                  <td className="px-3 py-1.5">{r.disbursedDate}</td>
                  <td className="px-3 py-1.5">{r.lastVisitDate ?? t("list.never")}</td>
                  <td className="px-3 py-1.5">{r.dueDate}</td>
                  <td className="num px-3 py-1.5 text-red-700">{r.daysOverdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        page={page}
        pages={Math.max(1, Math.ceil(list.total / SIZE))}
        total={list.total}
        size={SIZE}
        href={(n) => `/visits?page=${n}`}
      />
    </div>
  );
}
