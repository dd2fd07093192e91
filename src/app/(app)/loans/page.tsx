import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { LOAN_STATUSES } from "@/server/services/loans";
import { filterLoans, filterValues, LOAN_SORTS, loanFilter } from "@/server/services/loan-list";
import { bankOptions, regionOptions } from "@/server/services/coming-due";
import { LoanTable } from "@/ui/loans/LoanTable";
import { PageError } from "@/ui/shell/PageError";
import { attempt } from "@/server/errors";
import { todayShanghai } from "@/server/clock";

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
const input = "rounded-md border border-stone-300 px-2 py-1.5";

export default async function LoansPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const t = await getTranslations();
  const sp = await searchParams;
  const raw = Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, one(v)]));
  const parsed = loanFilter.safeParse(raw);
  const f = parsed.success ? parsed.data : loanFilter.parse({});
  const actor = await pageActor();
  const res = await attempt(() => filterLoans(actor, f));
  if (!res.ok) return <PageError message={res.message} />;
  const [regions, banks] = await Promise.all([regionOptions(actor), bankOptions()]);
  const { rows, total, principalFen, outstandingFen, page, pages } = res.data;
  const keep = { ...filterValues(f), ...(f.sort ? { sort: f.sort } : {}), ...(f.dir ? { dir: f.dir } : {}) };
  const link = (extra: Record<string, string>) =>
    `/loans?${new URLSearchParams({ ...keep, ...extra }).toString()}`;
  const exportLink = (format: string) =>
    `/loans/export?${new URLSearchParams({ ...filterValues(f), format }).toString()}`;
  const date = (name: "disbursedFrom" | "disbursedTo" | "maturityFrom" | "maturityTo") => (
    <div>
      <label htmlFor={name} className="block text-xs text-stone-600">
        {t(`loanList.${name}`)}
      </label>
      <input id={name} name={name} type="date" defaultValue={f[name] ?? ""} className={input} />
    </div>
  );
  return (
    <div>
      <h1 className="text-xl font-semibold">{t("loans.title")}</h1>
      <p className="mb-4 text-sm text-stone-600" data-testid="loans-scope">
        {t("loanList.scope", {
          region: regions.find((r) => r.code === f.region)?.name ?? actor.regionName,
          asOf: todayShanghai(),
        })}
      </p>
      <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="q" className="block text-xs text-stone-600">
            {t("loans.search")}
          </label>
          <input
            id="q"
            name="q"
            defaultValue={f.q ?? ""}
            maxLength={64}
            title={t("loanList.maskHint")}
            placeholder={t(
              can(actor.role, "borrower.revealId")
                ? "loans.searchPlaceholder"
                : "loans.searchPlaceholderNoId",
            )}
            className="w-72 rounded-md border border-stone-300 px-3 py-1.5"
          />
        </div>
        <div>
          <label htmlFor="status" className="block text-xs text-stone-600">
            {t("loans.status")}
          </label>
          <select id="status" name="status" defaultValue={f.status ?? ""} className={input}>
            <option value="">{t("loans.allStatuses")}</option>
            {LOAN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="dpd" className="block text-xs text-stone-600">
            {t("loanList.dpd")}
          </label>
          <select id="dpd" name="dpd" defaultValue={f.dpd ?? ""} className={input}>
            <option value="">{t("loanList.dpdAny")}</option>
            <option value="overdue">{t("loanList.dpdOverdue")}</option>
            <option value="30">{t("loanList.dpd30")}</option>
            <option value="90">{t("loanList.dpd90")}</option>
          </select>
        </div>
        <div>
          <label htmlFor="region" className="block text-xs text-stone-600">
            {t("loanList.region")}
          </label>
          <select id="region" name="region" defaultValue={f.region ?? ""} className={input}>
            <option value="">{t("worklists.due.allRegions")}</option>
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.level === "VILLAGE" ? `　${r.name}` : r.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="bankId" className="block text-xs text-stone-600">
            {t("loanList.bank")}
          </label>
          <select id="bankId" name="bankId" defaultValue={f.bankId ? String(f.bankId) : ""} className={input}>
            <option value="">{t("loanList.allBanks")}</option>
            {banks.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        {date("disbursedFrom")}
        {date("disbursedTo")}
        {date("maturityFrom")}
        {date("maturityTo")}
        <div>
          <label htmlFor="sort" className="block text-xs text-stone-600">
            {t("loanList.sort")}
          </label>
          <select id="sort" name="sort" defaultValue={f.sort ?? ""} className={input}>
            {LOAN_SORTS.map((s) => (
              <option key={s} value={s === "id" ? "" : s}>
                {t(`loanList.sorts.${s}`)}
              </option>
            ))}
          </select>
          <select
            name="dir"
            defaultValue={f.dir ?? ""}
            aria-label={t("loanList.sort")}
            className={`${input} ml-1`}
          >
            <option value="">—</option>
            <option value="desc">{t("loanList.desc")}</option>
            <option value="asc">{t("loanList.asc")}</option>
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
          {t("loans.search")}
        </button>
      </form>
      <div className="mb-2 flex flex-wrap items-center gap-4 text-sm">
        <span data-testid="loans-totals">
          {t("loanList.totals", {
            count: total,
            principal: formatYuan(principalFen, false),
            outstanding: formatYuan(outstandingFen, false),
          })}
        </span>
        {can(actor.role, "ledger.export") && (
          <>
            <a href={exportLink("csv")} className="text-brand-700 hover:underline" data-testid="loans-export">
              {t("loanList.export")}
            </a>
            <a href={exportLink("xlsx")} className="text-brand-700 hover:underline">
              {t("loanList.exportXlsx")}
            </a>
          </>
        )}
      </div>
      <LoanTable rows={rows} />
      <div className="mt-3 flex items-center gap-4 text-sm">
        <span className="text-stone-500">
          {t("loans.inYuan", { label: t("loans.count", { count: rows.length }) })} ·{" "}
          {t("loanList.page", { page })} / {pages}
        </span>
        {page > 1 && (
          <Link href={link({ page: String(page - 1) })} className="text-brand-700 hover:underline">
            ← {t("loanList.prev")}
          </Link>
        )}
        {page < pages && (
          <Link href={link({ page: String(page + 1) })} className="text-brand-700 hover:underline">
            {t("loans.next")} →
          </Link>
        )}
      </div>
    </div>
  );
}
