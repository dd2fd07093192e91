import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { CreditOverview } from "@/server/services/credit";
import { unitFormatters } from "@/ui/units";

/** The dashboard's 授信率 / 用信率 and 信用村 (DOMAIN §11, §18), beside the repayment rates. */
export async function CreditSection({ load }: { load: () => Promise<CreditOverview | null> }) {
  const c = await load();
  if (!c) return null;
  const t = await getTranslations("creditRating.dashboard");
  const u = unitFormatters(await getTranslations("units"));
  const count = (n: number | null) => (n === null ? "—" : n.toLocaleString("zh-CN"));
  return (
    <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="dashboard-credit">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-medium">{t("title")}</h2>
        <Link
          href={`/credit?${new URLSearchParams({ region: c.regionCode, asOf: c.asOf, only: "1" }).toString()}`}
          className="text-sm text-brand-700 hover:underline"
          data-testid="credit-villages-link"
        >
          {t("villages", { count: c.creditVillages })}
        </Link>
      </div>
      <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
        <div>
          <dt className="text-xs text-stone-600">{t("grantRate")}</dt>
          <dd className="text-lg font-semibold" data-testid="credit-grant-rate">
            {u.rate(c.figures.grantRate)}
          </dd>
          <dd className="text-xs text-stone-500">
            {t("grantDef", { rated: count(c.figures.rated), eligible: count(c.figures.eligible) })}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-stone-600">{t("useRate")}</dt>
          <dd className="text-lg font-semibold" data-testid="credit-use-rate">
            {u.rate(c.figures.useRate)}
          </dd>
          <dd className="text-xs text-stone-500">
            {t("useDef", { borrowed: count(c.figures.borrowed), rated: count(c.figures.rated) })}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-stone-600">{t("creditVillages")}</dt>
          <dd className="text-lg font-semibold" data-testid="credit-village-count">
            {c.creditVillages}
          </dd>
          <dd className="text-xs text-stone-500">{t("withCount", { count: c.villagesWithCount })}</dd>
        </div>
      </dl>
      {c.children.length > 0 && (
        <table className="mt-3 w-full text-sm" aria-label={t("byChild")}>
          <thead className="text-left text-xs text-stone-600">
            <tr>
              <th>{t("region")}</th>
              <th className="text-right">{t("eligible")}</th>
              <th className="text-right">{t("rated")}</th>
              <th className="text-right">{t("grantRate")}</th>
              <th className="text-right">{t("useRate")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {c.children.map((r) => (
              <tr key={r.code}>
                <td className="py-1">{r.name}</td>
                <td className="num">{count(r.eligible)}</td>
                <td className="num">{count(r.rated)}</td>
                <td className="num">{u.rate(r.grantRate)}</td>
                <td className="num">{u.rate(r.useRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
