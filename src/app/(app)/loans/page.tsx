import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireActor } from "@/server/session";
import { listLoans, loanListQuery, LOAN_STATUSES } from "@/server/services/loans";
import { formatYuan } from "@/domain";
import { PageError } from "@/ui/shell/PageError";
import { AppError } from "@/server/errors";

export default async function LoansPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const t = await getTranslations();
  const sp = await searchParams;
  const parsed = loanListQuery.safeParse({
    q: typeof sp.q === "string" && sp.q ? sp.q : undefined,
    status: typeof sp.status === "string" && sp.status ? sp.status : undefined,
    after: typeof sp.after === "string" ? sp.after : undefined,
  });
  const query = parsed.success ? parsed.data : loanListQuery.parse({});
  let result;
  try {
    result = await listLoans(await requireActor(), query);
  } catch (e) {
    if (e instanceof AppError) return <PageError message={e.message} />;
    throw e;
  }
  const { rows, nextAfter } = result;
  const link = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: query.q, status: query.status, ...extra })) if (v) p.set(k, v);
    return `/loans?${p.toString()}`;
  };
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">{t("loans.title")}</h1>
      <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="q" className="block text-xs text-stone-600">
            {t("loans.search")}
          </label>
          <input id="q" name="q" defaultValue={query.q ?? ""} maxLength={64} placeholder={t("loans.searchPlaceholder")} className="w-80 rounded-md border border-stone-300 px-3 py-1.5" />
        </div>
        <div>
          <label htmlFor="status" className="block text-xs text-stone-600">
            {t("loans.status")}
          </label>
          <select id="status" name="status" defaultValue={query.status ?? ""} className="rounded-md border border-stone-300 px-2 py-1.5">
            <option value="">{t("loans.allStatuses")}</option>
            {LOAN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
          {t("loans.search")}
        </button>
      </form>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="loans-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("loans.applicationNo")}</th>
              <th className="px-3 py-2">{t("loans.borrower")}</th>
              <th className="px-3 py-2">{t("loans.idNumber")}</th>
              <th className="px-3 py-2">{t("loans.village")}</th>
              <th className="px-3 py-2">{t("loans.bank")}</th>
              <th className="px-3 py-2 text-right">{t("loans.principal")}</th>
              <th className="px-3 py-2 text-right">{t("loans.outstanding")}</th>
              <th className="px-3 py-2">{t("loans.disbursedDate")}</th>
              <th className="px-3 py-2">{t("loans.maturityDate")}</th>
              <th className="px-3 py-2">{t("loans.status")}</th>
              <th className="px-3 py-2 text-right">{t("loans.dpd")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {rows.map((l) => (
              <tr key={l.id} className="hover:bg-brand-50/40">
                <td className="px-3 py-2 font-mono text-xs">{l.applicationNo}</td>
                <td className="px-3 py-2">{l.borrowerName}</td>
                <td className="px-3 py-2 font-mono text-xs">{l.borrowerIdMasked}</td>
                <td className="px-3 py-2">{l.villageName}</td>
                <td className="px-3 py-2">{l.bankName}</td>
                <td className="num px-3 py-2">{formatYuan(l.principalFen, false)}</td>
                <td className="num px-3 py-2">{formatYuan(l.outstandingFen, false)}</td>
                <td className="px-3 py-2">{l.disbursedDate ?? "—"}</td>
                <td className="px-3 py-2">{l.maturityDate ?? "—"}</td>
                <td className="px-3 py-2">{t(`status.${l.status}`)}</td>
                <td className={`num px-3 py-2 ${l.daysPastDue > 0 ? "font-medium text-red-700" : ""}`} title={t(`bucket.${l.bucket}`)}>
                  {l.daysPastDue || "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="p-6 text-center text-stone-500">{t("loans.empty")}</p>}
      </div>
      <div className="mt-3 flex items-center gap-4 text-sm">
        <span className="text-stone-500">{t("loans.count", { count: rows.length })}（元）</span>
        {query.after && (
          <Link href={link({})} className="text-brand-700 hover:underline">
            {t("loans.first")}
          </Link>
        )}
        {nextAfter && (
          <Link href={link({ after: String(nextAfter) })} className="text-brand-700 hover:underline">
            {t("loans.next")} →
          </Link>
        )}
      </div>
    </div>
  );
}
