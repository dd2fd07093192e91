import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatRate, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { regionLift } from "@/server/services/lift";
import { PageError } from "@/ui/shell/PageError";

/** "If these N loans pay, the rate goes from X% to Y%": the smallest set for a township or village. */
export default async function LiftPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("collection.lift");
  const tc = await getTranslations("collection");
  const tf = await getTranslations("worklists.due");
  const region = typeof sp.region === "string" && /^\d{9}(\d{3})?$/.test(sp.region) ? sp.region : null;
  if (!region)
    return (
      <form className="flex items-end gap-3" role="search">
        <div>
          <label htmlFor="region" className="block text-xs text-stone-600">
            {t("region")}
          </label>
          <input
            id="region"
            name="region"
            maxLength={12}
            className="rounded-md border border-stone-300 px-2 py-1.5"
          />
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white">
          {tf("filter")}
        </button>
      </form>
    );
  const res = await attempt(() => regionLift(actor, region));
  if (!res.ok) return <PageError message={res.message} />;
  const l = res.data;
  const threshold = formatRate(l.thresholdBp / 10_000);
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold">{t("title", { region: l.region.name })}</h1>
      <p className="text-sm text-stone-600">{t("intro", { from: l.window.from, to: l.window.to })}</p>
      <p data-testid="lift-summary" className="font-medium">
        {l.fromRate === null
          ? t("noData")
          : l.loans.length === 0
            ? t("already", { rate: formatRate(l.fromRate), threshold })
            : t("plan", {
                count: l.loans.length,
                from: formatRate(l.fromRate),
                to: formatRate(l.toRate),
                threshold,
              })}
      </p>
      {l.loans.length > 0 && (
        <>
          <p className="text-sm">{t("needed", { amount: formatYuan(l.neededFen, false) })}</p>
          <table
            className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
            data-testid="lift-loans"
          >
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">#</th>
                <th className="px-3 py-2">{tc("borrower")}</th>
                <th className="px-3 py-2">{tc("village")}</th>
                <th className="px-3 py-2 text-right">{t("unpaid")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {l.loans.map((x, i) => (
                <tr key={x.id}>
                  <td className="px-3 py-2">{i + 1}</td>
                  <td className="px-3 py-2">
                    <Link href={`/loans/${x.id}`} className="text-brand-700 hover:underline">
                      {x.borrowerName}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{x.villageName}</td>
                  <td className="num px-3 py-2">{formatYuan(x.unpaidFen, false)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
