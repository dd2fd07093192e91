import { getTranslations } from "next-intl/server";
import type { SettlementView } from "@/server/services/settlement";

/** The query string of a settlement view (year, bank, county), for its links and its print view. */
export function settlementQuery(v: Pick<SettlementView, "year" | "bankId" | "county" | "counties">): string {
  const q = new URLSearchParams({ year: String(v.year) });
  if (v.bankId) q.set("bankId", String(v.bankId));
  // A county's own staff need not name it; a city or province names the county it chose.
  if (v.county && v.counties.length > 0) q.set("county", v.county.code);
  return q.toString();
}

/** The settlement's filter: county (for a city or province), bank and year — a plain GET form. */
export async function SettlementFilter({ view }: { view: SettlementView }) {
  const t = await getTranslations("settlement.filter");
  const field = "rounded-md border border-stone-300 px-2 py-1.5";
  return (
    <form
      className="flex flex-wrap items-end gap-3 print:hidden"
      role="search"
      aria-label={t("search")}
      action="/claims/settlement"
    >
      {view.counties.length > 0 && (
        <div>
          <label htmlFor="s-county" className="block text-xs text-stone-600">
            {t("county")}
          </label>
          <select id="s-county" name="county" defaultValue={view.county?.code ?? ""} className={field}>
            <option value="">{t("chooseCounty")}</option>
            {view.counties.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div>
        <label htmlFor="s-bank" className="block text-xs text-stone-600">
          {t("bank")}
        </label>
        <select
          id="s-bank"
          name="bankId"
          defaultValue={view.bankId ? String(view.bankId) : ""}
          className={field}
        >
          <option value="">{t("allBanks")}</option>
          {view.banks.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="s-year" className="block text-xs text-stone-600">
          {t("year")}
        </label>
        <input
          id="s-year"
          name="year"
          type="number"
          min={2009}
          max={2100}
          defaultValue={view.year}
          className={`w-24 ${field}`}
        />
      </div>
      <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
        {t("show")}
      </button>
    </form>
  );
}
