import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { caseListQuery, listCases } from "@/server/services/collection";
import { PageError } from "@/ui/shell/PageError";
import { Pager } from "@/ui/worklists/Pager";
import { WORKLIST_LIMITS } from "@/config/limits";

const VIEWS = ["open", "flagged", "followUp", "mine", "closed"] as const;
const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);

/** 催收: the cases of the region by view, a page at a time. */
export default async function CollectionPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("collection");
  const parsed = caseListQuery.safeParse({ region: one(sp.region), view: one(sp.view), page: one(sp.page) });
  const q = parsed.success ? parsed.data : caseListQuery.parse({});
  const res = await attempt(() => listCases(actor, q));
  if (!res.ok) return <PageError message={res.message} />;
  const { rows, counts, followUpDays, total, page, pages } = res.data;
  const href = (view: string, p = 1) =>
    `/collection?${new URLSearchParams({ view, ...(q.region ? { region: q.region } : {}), ...(p > 1 ? { page: String(p) } : {}) }).toString()}`;
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-stone-600">{t("intro")}</p>
      <nav aria-label={t("title")} className="flex flex-wrap gap-2 text-sm">
        {VIEWS.map((v) => (
          <Link
            key={v}
            href={href(v)}
            aria-current={q.view === v ? "page" : undefined}
            data-testid={`view-${v}`}
            className={`rounded px-2 py-1 ${q.view === v ? "bg-brand-600 text-white" : "bg-white ring-1 ring-stone-200"}`}
          >
            {t(`views.${v}`, { days: followUpDays })}
            {v !== "closed" && ` ${counts[v]}`}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p className="rounded-lg bg-white p-4 text-stone-600 ring-1 ring-stone-200">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
          <table className="min-w-full text-sm" data-testid="cases">
            <caption className="sr-only">{t("title")}</caption>
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{t("borrower")}</th>
                <th className="px-3 py-2">{t("village")}</th>
                <th className="px-3 py-2">{t("phone")}</th>
                <th className="px-3 py-2 text-right">{t("dpd")}</th>
                <th className="px-3 py-2 text-right">{t("outstanding")}</th>
                <th className="px-3 py-2">{t("status")}</th>
                <th className="px-3 py-2">{t("assignee")}</th>
                <th className="px-3 py-2">{t("nextAction")}</th>
                <th className="px-3 py-2">{t("lastActivity")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {rows.map((r) => (
                <tr key={r.id} data-testid={`case-${r.loanId}`}>
                  <td className="px-3 py-2">
                    <Link href={`/collection/${r.id}`} className="text-brand-700 hover:underline">
                      {r.borrowerName}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{r.villageName}</td>
                  <td className="px-3 py-2 font-mono text-xs">{r.phone}</td>
                  <td className="num px-3 py-2">{r.daysPastDue}</td>
                  <td className="num px-3 py-2">{formatYuan(r.outstandingFen, false)}</td>
                  <td className="px-3 py-2">
                    {t(`statuses.${r.state.status}`)}
                    {r.state.flagged && (
                      <span
                        className="ml-1 rounded bg-red-50 px-1.5 text-xs text-red-700"
                        data-testid="flagged"
                      >
                        {t("flagged")}
                      </span>
                    )}
                  </td>
                  <td className="px-3 py-2">{r.assigneeName ?? "—"}</td>
                  <td className="px-3 py-2">{r.nextActionDate ?? "—"}</td>
                  <td className="px-3 py-2">{r.lastActivity ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        page={page}
        pages={pages}
        total={total}
        size={WORKLIST_LIMITS.pageRows}
        href={(p) => href(q.view, p)}
      />
    </div>
  );
}
