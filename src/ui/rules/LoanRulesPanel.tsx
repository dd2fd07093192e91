import { getTranslations } from "next-intl/server";
import { formatRate, formatWan } from "@/domain";
import type { LoanDetail } from "@/server/services/lifecycle";

/**
 * What the approver and the clerk see before approval and disbursement (DOMAIN §13–§14): the suspension of
 * the borrower's township or village with the month-end rates behind it, and the fund's headroom against the
 * leverage cap with this loan.
 */
export async function LoanRulesPanel({ loan }: { loan: LoanDetail }) {
  const t = await getTranslations("rules.loan");
  const w = await getTranslations("rules.window");
  const r = loan.rules;
  if (!r && !loan.overCap) return null;
  const pct = (bp: number | null) => (bp === null ? t("noData") : formatRate(bp / 10_000));
  return (
    <section
      className="rounded-lg bg-white p-4 text-sm ring-1 ring-stone-200"
      data-testid="loan-rules"
      aria-label={t("title")}
    >
      <h2 className="mb-2 font-medium">{t("title")}</h2>
      {loan.overCap && (
        <p className="mb-2 rounded bg-amber-50 px-2 py-1 text-amber-900" data-testid="over-cap">
          {t("overCap")}
        </p>
      )}
      {r && (
        <div className="space-y-2">
          {r.suspensions.length === 0 ? (
            <p className="text-stone-600">{t("notSuspended", { window: w(r.rateWindow) })}</p>
          ) : (
            r.suspensions.map((s) => (
              <p
                key={s.regionCode}
                className="rounded bg-red-50 px-2 py-1 text-red-800"
                data-testid="suspended"
              >
                {t("suspended", {
                  region: s.regionName,
                  since: s.since.slice(0, 7),
                  window: w(r.rateWindow),
                  months: s.cause.map((c) => `${c.monthEnd.slice(0, 7)} ${pct(c.rateBp)}`).join("、"),
                })}
              </p>
            ))
          )}
          {r.headroom ? (
            <p
              data-testid="headroom"
              className={r.headroom.overCap ? "rounded bg-red-50 px-2 py-1 text-red-800" : "text-stone-700"}
            >
              {t("headroom", {
                fund: r.headroom.fundName,
                balance: formatWan(r.headroom.balanceFen),
                cap: r.headroom.cap,
                outstanding: formatWan(r.headroom.outstandingFen),
                headroom: formatWan(r.headroom.headroomFen),
                after: formatWan(r.headroom.headroomAfterFen),
              })}
              {r.headroom.lastYearRateBp !== null &&
                ` ${t("capByRate", { rate: pct(r.headroom.lastYearRateBp) })}`}
              {r.headroom.overCap &&
                ` ${r.headroom.overCapMode === "REFUSE" ? t("willRefuse") : t("willFlag")}`}
            </p>
          ) : (
            <p className="text-stone-600">{t("noFund")}</p>
          )}
        </div>
      )}
    </section>
  );
}
