import { getTranslations } from "next-intl/server";

/** The filter of a work list: township/village, bank and (optionally) days — a plain GET form. */
export async function RegionBankFilter({
  regions,
  banks,
  region,
  bankId,
  days,
  extra,
}: {
  regions: { code: string; name: string; level: string }[];
  banks: { id: number; name: string }[];
  region?: string;
  bankId?: number;
  days?: number;
  extra?: Record<string, string>;
}) {
  const t = await getTranslations("worklists.due");
  return (
    <form className="flex flex-wrap items-end gap-3 print:hidden" role="search">
      {extra && Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <div>
        <label htmlFor="f-region" className="block text-xs text-stone-600">
          {t("region")}
        </label>
        <select
          id="f-region"
          name="region"
          defaultValue={region ?? ""}
          className="rounded-md border border-stone-300 px-2 py-1.5"
        >
          <option value="">{t("allRegions")}</option>
          {regions.map((r) => (
            <option key={r.code} value={r.code}>
              {r.level === "VILLAGE" ? `　${r.name}` : r.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-bank" className="block text-xs text-stone-600">
          {t("bank")}
        </label>
        <select
          id="f-bank"
          name="bankId"
          defaultValue={bankId ? String(bankId) : ""}
          className="rounded-md border border-stone-300 px-2 py-1.5"
        >
          <option value="">{t("allBanks")}</option>
          {banks.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </div>
      {days !== undefined && (
        <div>
          <label htmlFor="f-days" className="block text-xs text-stone-600">
            {t("days")}
          </label>
          <input
            id="f-days"
            name="days"
            type="number"
            min={0}
            max={366}
            defaultValue={days}
            className="w-20 rounded-md border border-stone-300 px-2 py-1.5"
          />
        </div>
      )}
      <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
        {t("filter")}
      </button>
    </form>
  );
}
