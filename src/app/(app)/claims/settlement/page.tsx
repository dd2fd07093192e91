import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { hasSettlementDifference } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { todayShanghai } from "@/server/clock";
import { annualSettlementView } from "@/server/services/settlement";
import { PageError } from "@/ui/shell/PageError";
import { SettlementFilter, settlementQuery } from "@/ui/claims/SettlementFilter";
import { SettlementTables } from "@/ui/claims/SettlementTables";

/**
 * 清算 (DOMAIN §15, issue 18 item 8): the year's claims of a county (one bank or all) against the year
 * recomputed, per loan, quarter and finance level. Read-only; the print view is the sheet people sign.
 */
export default async function SettlementPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("settlement");
  const year = sp.year ?? String(Number(todayShanghai().slice(0, 4)) - 1);
  const res = await attempt(() =>
    annualSettlementView(actor, { year, bankId: sp.bankId, county: sp.county }),
  );
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const all = sp.all === "1";
  const query = settlementQuery(v);
  const r = v.result;
  const flagged = r ? r.loans.filter(hasSettlementDifference) : [];
  const bankName = v.banks.find((b) => b.id === v.bankId)?.name ?? t("filter.allBanks");
  const notDue = [1, 2, 3, 4].filter((q) => !v.dueQuarters.includes(q as 1 | 2 | 3 | 4));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">{t("title", { year: v.year })}</h1>
        <Link href="/claims" className="text-sm text-brand-700 underline">
          {t("back")}
        </Link>
        {r && (
          <Link
            href={`/claims/settlement/print?${query}`}
            className="text-sm text-brand-700 underline"
            data-testid="settlement-print"
          >
            {t("print")}
          </Link>
        )}
      </div>
      <p className="max-w-4xl text-sm text-stone-600">{t("intro")}</p>
      <SettlementFilter view={v} />
      {!v.county && <p className="text-stone-600">{t("chooseCountyHint")}</p>}
      {v.county && r && (
        <>
          <p className="font-medium" data-testid="settlement-summary">
            {t("summary", {
              county: v.county.name,
              bank: bankName,
              loans: r.totals.loans,
              diff: r.totals.loansWithDifference,
              missing: r.totals.missingQuarters,
            })}
          </p>
          {notDue.length > 0 && (
            <p className="text-sm text-stone-600">{t("notDueYet", { quarters: notDue.join("、") })}</p>
          )}
          {r.totals.loans === 0 && r.quarters.length === 0 ? (
            <p className="text-stone-600">{t("noData")}</p>
          ) : (
            <>
              {r.totals.loansWithDifference === 0 && r.totals.missingQuarters === 0 && (
                <p className="text-green-800" data-testid="settlement-agree">
                  {t("agree")}
                </p>
              )}
              <SettlementTables result={r} allBanks={v.bankId === null} loans={all ? r.loans : flagged} />
              {!all && r.loans.length > flagged.length && (
                <p className="text-sm text-stone-600">
                  {t("loans.hiddenAgree", { n: r.loans.length - flagged.length })}{" "}
                  <Link href={`/claims/settlement?${query}&all=1`} className="text-brand-700 underline">
                    {t("loans.showAll", { n: r.loans.length })}
                  </Link>
                </p>
              )}
              {all && flagged.length > 0 && (
                <Link href={`/claims/settlement?${query}`} className="text-sm text-brand-700 underline">
                  {t("loans.onlyDifferences")}
                </Link>
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}
