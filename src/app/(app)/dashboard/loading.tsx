/**
 * Shown at once while a region's figures are computed (a city's take ~0.5–1 s): the page frame arrives in
 * the first bytes, then the figures replace this placeholder.
 */
import { useTranslations } from "next-intl";

export default function DashboardLoading() {
  const t = useTranslations("dashboard");
  return (
    <div className="space-y-6" role="status" aria-live="polite" data-testid="dashboard-loading">
      <p className="text-sm text-stone-600">{t("loading")}</p>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-5">
        {Array.from({ length: 9 }, (_, i) => (
          <div key={i} className="h-20 animate-pulse rounded-lg bg-stone-100" />
        ))}
      </div>
    </div>
  );
}
