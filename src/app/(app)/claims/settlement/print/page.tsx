import { getTranslations } from "next-intl/server";
import { hasSettlementDifference } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { todayShanghai } from "@/server/clock";
import { annualSettlementView } from "@/server/services/settlement";
import { PageError } from "@/ui/shell/PageError";
import { PrintButton } from "@/ui/ledgers/PrintButton";
import { SettlementTables } from "@/ui/claims/SettlementTables";

/** The 清算 sheet laid out for printing and signing (bank, county women's federation, county finance); audited. */
export default async function PrintSettlementPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("settlement");
  const td = await getTranslations("documents");
  const year = sp.year ?? String(Number(todayShanghai().slice(0, 4)) - 1);
  const res = await attempt(() =>
    annualSettlementView(actor, { year, bankId: sp.bankId, county: sp.county }, { print: true }),
  );
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const r = v.result;
  if (!v.county || !r) return <PageError message={t("chooseCountyHint")} />;
  const bankName = v.banks.find((b) => b.id === v.bankId)?.name ?? t("filter.allBanks");
  // The sheet lists every loan with a difference; the totals are those of all loans.
  const flagged = r.loans.filter(hasSettlementDifference);
  return (
    <div
      className="mx-auto max-w-5xl space-y-4 bg-white p-6 text-sm print:p-0"
      data-testid="settlement-sheet"
    >
      <div className="flex items-start justify-between print:hidden">
        <p className="text-stone-600">{t("printHint")}</p>
        <PrintButton label={td("print")} />
      </div>
      <h1 className="text-center text-lg font-semibold">{t("title", { year: v.year })}</h1>
      <p className="text-center">
        {t("summary", {
          county: v.county.name,
          bank: bankName,
          loans: r.totals.loans,
          diff: r.totals.loansWithDifference,
          missing: r.totals.missingQuarters,
        })}
      </p>
      {r.totals.loansWithDifference === 0 && r.totals.missingQuarters === 0 && <p>{t("agree")}</p>}
      <SettlementTables result={r} allBanks={v.bankId === null} loans={flagged} print />
      {r.loans.length > flagged.length && (
        <p className="text-xs">{t("loans.hiddenAgree", { n: r.loans.length - flagged.length })}</p>
      )}
      <div className="grid grid-cols-4 gap-6 pt-10">
        {(["preparer", "bank", "federation", "finance"] as const).map((k) => (
          <div key={k} className="space-y-8">
            <p>{t(`sign.${k}`)}</p>
            <p className="border-b border-stone-500" />
            <p className="text-xs text-stone-600">{t("sign.date")}</p>
          </div>
        ))}
      </div>
    </div>
  );
}
