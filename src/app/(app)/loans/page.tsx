import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { listLoans, loanListQuery, LOAN_STATUSES } from "@/server/services/loans";
import { LoanTable } from "@/ui/loans/LoanTable";
import { PageError } from "@/ui/shell/PageError";
import { attempt } from "@/server/errors";
import { can } from "@/domain";

export default async function LoansPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const t = await getTranslations();
  const sp = await searchParams;
  const parsed = loanListQuery.safeParse({
    q: typeof sp.q === "string" && sp.q ? sp.q : undefined,
    status: typeof sp.status === "string" && sp.status ? sp.status : undefined,
    after: typeof sp.after === "string" ? sp.after : undefined,
  });
  const query = parsed.success ? parsed.data : loanListQuery.parse({});
  const actor = await pageActor();
  const res = await attempt(() => listLoans(actor, query));
  if (!res.ok) return <PageError message={res.message} />;
  const { rows, nextAfter } = res.data;
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
          <input
            id="q"
            name="q"
            defaultValue={query.q ?? ""}
            maxLength={64}
            placeholder={t(
              can(actor.role, "borrower.revealId")
                ? "loans.searchPlaceholder"
                : "loans.searchPlaceholderNoId",
            )}
            className="w-80 rounded-md border border-stone-300 px-3 py-1.5"
          />
        </div>
        <div>
          <label htmlFor="status" className="block text-xs text-stone-600">
            {t("loans.status")}
          </label>
          <select
            id="status"
            name="status"
            defaultValue={query.status ?? ""}
            className="rounded-md border border-stone-300 px-2 py-1.5"
          >
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
      <LoanTable rows={rows} />
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
