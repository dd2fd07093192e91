import Link from "next/link";
import { getTranslations } from "next-intl/server";

/**
 * A work list's pages: which rows of how many this page shows, and the previous and next page with the same
 * filter (`href(page)`). Nothing when the whole list fits on one page.
 */
export async function Pager({
  page,
  pages,
  total,
  size,
  href,
}: {
  page: number;
  pages: number;
  total: number;
  size: number;
  href: (page: number) => string;
}) {
  if (pages <= 1 && page <= 1) return null;
  const t = await getTranslations("worklists.pager");
  const from = Math.min(total, (page - 1) * size + 1);
  const to = Math.min(total, page * size);
  return (
    <nav aria-label={t("label")} className="flex items-center gap-4 text-sm" data-testid="pager">
      <span className="text-stone-500">{t("rows", { from, to, total, page, pages })}</span>
      {page > 1 && (
        <Link href={href(Math.min(page - 1, pages))} className="text-brand-700 hover:underline">
          ← {t("prev")}
        </Link>
      )}
      {page < pages && (
        <Link href={href(page + 1)} className="text-brand-700 hover:underline">
          {t("next")} →
        </Link>
      )}
    </nav>
  );
}
