import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { searchBorrowers, borrowerSearchQuery, villageOptions } from "@/server/services/borrowers";
import { attempt } from "@/server/errors";
import { PageError } from "@/ui/shell/PageError";

export default async function BorrowersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations();
  const parsed = borrowerSearchQuery.safeParse({
    q: sp.q || undefined,
    villageCode: sp.village || undefined,
    after: sp.after || undefined,
  });
  const query = parsed.success ? parsed.data : { limit: 50 };
  const res = await attempt(async () => ({
    ...(await searchBorrowers(actor, query)),
    villages: await villageOptions(actor),
  }));
  if (!res.ok) return <PageError message={res.message} />;
  const result = res.data;
  return (
    <div>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-xl font-semibold">{t("borrowers.title")}</h1>
        {can(actor.role, "borrower.write") && (
          <Link
            href="/borrowers/new"
            className="rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700"
          >
            {t("borrowers.new")}
          </Link>
        )}
      </div>
      <form role="search" className="mb-4 flex items-end gap-3">
        <div>
          <label htmlFor="q" className="block text-xs text-stone-600">
            {t(
              can(actor.role, "borrower.revealId")
                ? "borrowers.searchLabel"
                : can(actor.role, "borrower.readPhone")
                  ? "borrowers.searchLabelNoId"
                  : "borrowers.searchLabelName",
            )}
          </label>
          <input
            id="q"
            name="q"
            defaultValue={sp.q ?? ""}
            maxLength={64}
            className="w-80 rounded-md border border-stone-300 px-3 py-1.5"
          />
        </div>
        <div>
          <label htmlFor="village" className="block text-xs text-stone-600">
            {t("borrowers.villageFilter")}
          </label>
          <select
            id="village"
            name="village"
            defaultValue={sp.village ?? ""}
            className="rounded-md border border-stone-300 px-2 py-1.5"
          >
            <option value="">{t("borrowers.all")}</option>
            {result.villages.map((g) => (
              <optgroup key={g.township} label={g.township}>
                <option value={g.villages[0]?.code.slice(0, 9)}>
                  {t("borrowers.allVillages", { township: g.township })}
                </option>
                {g.villages.map((v) => (
                  <option key={v.code} value={v.code}>
                    {g.township} · {v.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
          {t("borrowers.search")}
        </button>
      </form>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="borrowers-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("borrowers.name")}</th>
              <th className="px-3 py-2">{t("borrowers.idNumber")}</th>
              <th className="px-3 py-2">{t("borrowers.age")}</th>
              <th className="px-3 py-2">{t("borrowers.village")}</th>
              <th className="px-3 py-2">{t("borrowers.household")}</th>
              <th className="px-3 py-2">{t("borrowers.creditRated")}</th>
              <th className="px-3 py-2">{t("borrowers.industry")}</th>
              <th className="px-3 py-2">{t("borrowers.phone")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {result.rows.map((b) => (
              <tr key={b.id} className="hover:bg-brand-50/40">
                <td className="px-3 py-2">
                  <Link href={`/borrowers/${b.id}`} className="text-brand-700 hover:underline">
                    {b.name}
                  </Link>
                </td>
                <td className="px-3 py-2 font-mono text-xs">{b.idNumberMasked}</td>
                <td className="px-3 py-2">
                  {b.age ?? (b.birthYear === null ? "—" : t("borrowers.bornIn", { year: b.birthYear }))}
                </td>
                <td className="px-3 py-2">
                  {b.townshipName} · {b.villageName}
                </td>
                <td className="px-3 py-2">{t(`household.${b.householdType}`)}</td>
                <td className="px-3 py-2">{b.creditRated ? t("borrowers.yes") : t("borrowers.no")}</td>
                <td className="px-3 py-2">{b.industry}</td>
                <td className="px-3 py-2">{b.phone}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.rows.length === 0 && <p className="p-6 text-center text-stone-500">{t("borrowers.empty")}</p>}
      </div>
      {result.nextAfter && (
        <Link
          href={`/borrowers?${new URLSearchParams({ ...(sp.q ? { q: sp.q } : {}), ...(sp.village ? { village: sp.village } : {}), after: String(result.nextAfter) }).toString()}`}
          className="mt-3 inline-block text-sm text-brand-700 hover:underline"
        >
          {t("borrowers.next")}
        </Link>
      )}
    </div>
  );
}
