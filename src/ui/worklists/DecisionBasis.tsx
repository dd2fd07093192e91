import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatRate, formatYuan } from "@/domain";
import type { DecisionBasis } from "@/server/services/decision-basis";

/** The basis for a decision at application and approval: read-only facts, no decision here. */
export async function DecisionBasisPanel({ basis }: { basis: DecisionBasis }) {
  const t = await getTranslations();
  const rate = (r: number | null) => (r === null ? t("basis.noData") : formatRate(r));
  return (
    <section
      className="rounded-lg bg-stone-50 p-4 text-sm ring-1 ring-stone-200"
      aria-labelledby="basis-title"
      data-testid="decision-basis"
    >
      <h2 id="basis-title" className="mb-2 font-medium">
        {t("basis.title")}
      </h2>
      <ul className="space-y-1">
        <li>
          {t("basis.previous")}：
          {basis.previous.length === 0
            ? t("basis.none")
            : basis.previous.map((p, i) => (
                <span key={p.id}>
                  {i > 0 && "；"}
                  <Link href={`/loans/${p.id}`} className="text-brand-700 hover:underline">
                    {t("basis.ended", {
                      no: p.applicationNo,
                      status: t(`status.${p.status}` as never),
                      amount: formatYuan(p.principalFen, false),
                    })}
                  </Link>
                </span>
              ))}
        </li>
        <li data-testid="basis-subsidised">
          {t("basis.subsidised", { count: basis.subsidised, cap: basis.subsidisedCap ?? "—" })}
        </li>
        <li>{t("basis.open", { count: basis.open })}</li>
        <li>{t("basis.villageRate", { rate: rate(basis.villageRate) })}</li>
        <li>{t("basis.townshipRate", { rate: rate(basis.townshipRate) })}</li>
        {basis.suspensions.length === 0 ? (
          <li>{t("basis.notSuspended")}</li>
        ) : (
          basis.suspensions.map((m) => (
            <li key={m} className="text-red-700">
              {t("basis.suspended", { message: m })}
            </li>
          ))
        )}
        <li>
          {basis.fund
            ? t("basis.headroom", {
                amount: formatYuan(basis.fund.headroomFen, false),
                leverage: basis.fund.leverage === null ? "—" : basis.fund.leverage.toFixed(2),
                cap: basis.fund.cap,
              })
            : t("basis.noFund")}
        </li>
        <li>{basis.rated ? t("basis.rating", { rating: t("basis.rated") }) : t("basis.notRated")}</li>
      </ul>
    </section>
  );
}
