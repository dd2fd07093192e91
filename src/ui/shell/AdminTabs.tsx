import Link from "next/link";
import { getTranslations } from "next-intl/server";

const TABS = [
  ["/admin/users", "tabUsers"],
  ["/admin/regions", "tabRegions"],
  ["/admin/policies", "tabPolicies"],
  ["/admin/lpr", "tabLpr"],
] as const;

export async function AdminTabs({ current }: { current: string }) {
  const t = await getTranslations("admin");
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold">{t("title")}</h1>
      <nav aria-label={t("title")} className="mb-4 flex gap-2 border-b border-stone-200 text-sm">
        {TABS.map(([href, key]) => (
          <Link
            key={href}
            href={href}
            aria-current={href === current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 ${href === current ? "border-brand-600 text-brand-700" : "border-transparent text-stone-600 hover:text-brand-700"}`}
          >
            {t(key)}
          </Link>
        ))}
      </nav>
    </>
  );
}
