import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { bankOptions, comingDueList, regionOptions } from "@/server/services/coming-due";
import { PageError } from "@/ui/shell/PageError";
import { RegionBankFilter } from "@/ui/worklists/RegionBankFilter";
import { Pager } from "@/ui/worklists/Pager";
import { WORKLIST_LIMITS } from "@/config/limits";

const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);
/** A page number as typed in the address; anything else is the first page. */
const pageParam = (v: string | string[] | undefined) =>
  typeof v === "string" && /^[1-9]\d{0,4}$/.test(v) ? v : undefined;

/** 到期提醒: what falls due in the next N days, by township and village, a page at a time; notices and the call list. */
export default async function DuePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("worklists.due");
  const q = { region: one(sp.region), bankId: one(sp.bankId), days: one(sp.days), page: pageParam(sp.page) };
  const res = await attempt(() => comingDueList(actor, q));
  if (!res.ok) return <PageError message={res.message} />;
  const [regions, banks] = await Promise.all([regionOptions(actor), bankOptions()]);
  const list = res.data;
  const params = new URLSearchParams(
    Object.entries({ region: q.region, bankId: q.bankId, days: String(list.days) }).filter(
      (e): e is [string, string] => Boolean(e[1]),
    ),
  ).toString();
  const groups = new Map<string, typeof list.rows>();
  for (const r of list.rows) {
    const k = `${r.townshipName} · ${r.villageName}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const y = (fen: number) => formatYuan(fen, false);
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-stone-600">
        {t("intro", { from: list.asOf, until: list.until, days: list.days })}
        {list.rows[0]?.phoneMasked && ` ${t("phoneMasked")}`}
      </p>
      <RegionBankFilter
        regions={regions}
        banks={banks}
        region={q.region}
        bankId={q.bankId ? Number(q.bankId) : undefined}
        days={list.days}
      />
      <p className="text-sm" data-testid="due-totals">
        {t("totals", {
          loans: list.totals.loans,
          principal: y(list.totals.principalFen),
          interest: y(list.totals.interestFen),
        })}
      </p>
      {list.rows.length === 0 ? (
        <p className="rounded-lg bg-white p-4 text-stone-600 ring-1 ring-stone-200">{t("empty")}</p>
      ) : (
        <form action="/due/print" method="get" className="space-y-3">
          {q.region && <input type="hidden" name="region" value={q.region} />}
          {q.bankId && <input type="hidden" name="bankId" value={q.bankId} />}
          <input type="hidden" name="days" value={list.days} />
          <div className="flex flex-wrap gap-3 text-sm">
            <button
              type="submit"
              className="rounded-md bg-brand-600 px-3 py-1.5 text-white"
              data-testid="print-selected"
            >
              {t("print")}
            </button>
            <Link
              href={`/due/print?${params}&all=1`}
              className="rounded-md border border-stone-300 px-3 py-1.5"
              data-testid="print-all"
            >
              {t("printAll")}
            </Link>
            {can(actor.role, "ledger.export") && (
              <a
                href={`/due/export?${params}`}
                className="rounded-md border border-stone-300 px-3 py-1.5"
                data-testid="due-export"
              >
                {t("export")}
              </a>
            )}
          </div>
          <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
            <table className="min-w-full text-sm" data-testid="due-table">
              <caption className="sr-only">{t("title")}</caption>
              <thead className="bg-stone-100 text-left text-xs text-stone-600">
                <tr>
                  <th className="px-3 py-2">{t("select")}</th>
                  <th className="px-3 py-2">{t("borrower")}</th>
                  <th className="px-3 py-2">{t("phone")}</th>
                  <th className="px-3 py-2">{t("bank")}</th>
                  <th className="px-3 py-2">{t("contract")}</th>
                  <th className="px-3 py-2">{t("dueDate")}</th>
                  <th className="px-3 py-2 text-right">{t("principal")}</th>
                  <th className="px-3 py-2 text-right">{t("interest")}</th>
                </tr>
              </thead>
              {[...groups].map(([name, rows]) => (
                <tbody key={name} className="divide-y divide-stone-100">
                  <tr className="bg-brand-50/50">
                    <th colSpan={8} scope="rowgroup" className="px-3 py-1 text-left text-xs font-medium">
                      {name}（{list.villages[rows[0]!.villageCode] ?? rows.length}）
                    </th>
                  </tr>
                  {rows.map((r) => (
                    <tr key={r.loanId}>
                      <td className="px-3 py-2">
                        <input
                          type="checkbox"
                          name="ids"
                          value={r.loanId}
                          aria-label={`${t("select")} ${r.borrowerName}`}
                        />
                      </td>
                      <td className="px-3 py-2">
                        <Link href={`/loans/${r.loanId}`} className="text-brand-700 hover:underline">
                          {r.borrowerName}
                        </Link>
                      </td>
                      <td className="px-3 py-2 font-mono text-xs">{r.phone}</td>
                      <td className="px-3 py-2">{r.bankName}</td>
                      <td className="px-3 py-2 font-mono text-xs">{r.contractNo ?? "—"}</td>
                      <td className="px-3 py-2">{r.dueDate}</td>
                      <td className="num px-3 py-2">{y(r.principalFen)}</td>
                      <td className="num px-3 py-2">{y(r.interestFen)}</td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        </form>
      )}
      <Pager
        page={list.page}
        pages={list.pages}
        total={list.totals.loans}
        size={WORKLIST_LIMITS.pageRows}
        href={(p) => `/due?${params}${p > 1 ? `&page=${p}` : ""}`}
      />
    </div>
  );
}
