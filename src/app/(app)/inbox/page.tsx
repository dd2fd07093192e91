import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatDateTime, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { waitingForMe } from "@/server/services/inbox";
import { PageError } from "@/ui/shell/PageError";

/** 待我审核: one list of everything waiting for this approver; the decision is made on the record's page. */
export default async function InboxPage() {
  const actor = await pageActor();
  const t = await getTranslations();
  const tx = t as unknown as (key: string, values?: Record<string, string | number>) => string;
  const res = await attempt(() => waitingForMe(actor));
  if (!res.ok) return <PageError message={res.message} />;
  const items = res.data;
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("worklists.inbox.title")}</h1>
      <p className="text-sm text-stone-600">{t("worklists.inbox.intro")}</p>
      {items.length === 0 ? (
        <p className="rounded-lg bg-white p-4 text-stone-600 ring-1 ring-stone-200">
          {t("worklists.inbox.empty")}
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
          <table className="min-w-full text-sm" data-testid="inbox">
            <caption className="sr-only">{t("worklists.inbox.title")}</caption>
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{t("worklists.inbox.kind")}</th>
                <th className="px-3 py-2">{t("worklists.inbox.subject")}</th>
                <th className="px-3 py-2 text-right">{t("worklists.inbox.amount")}</th>
                <th className="px-3 py-2">{t("worklists.inbox.maker")}</th>
                <th className="px-3 py-2">{t("worklists.inbox.since")}</th>
                <th className="px-3 py-2 text-right">{t("worklists.inbox.age")}</th>
                <th className="px-3 py-2"></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {items.map((i) => (
                <tr key={`${i.kind}-${i.id}`} data-testid={`inbox-${i.kind}-${i.id}`}>
                  <td className="px-3 py-2">
                    {t.has(`worklists.kinds.${i.kind}`) ? tx(`worklists.kinds.${i.kind}`) : i.kind}
                  </td>
                  <td className="px-3 py-2">{i.subject}</td>
                  <td className="num px-3 py-2">
                    {i.amountFen === null ? "—" : formatYuan(i.amountFen, false)}
                  </td>
                  <td className="px-3 py-2">{i.makerName}</td>
                  <td className="px-3 py-2">{formatDateTime(i.since)}</td>
                  <td className="num px-3 py-2">{i.ageDays}</td>
                  <td className="px-3 py-2">
                    <Link href={i.href} className="text-brand-700 hover:underline">
                      {t("worklists.inbox.open")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="px-3 py-2 text-sm text-stone-500">
            {t("worklists.inbox.count", { count: items.length })}
          </p>
        </div>
      )}
    </div>
  );
}
