import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatRate } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { todayShanghai } from "@/server/clock";
import { creditVillages } from "@/server/services/credit";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { unitFormatters } from "@/ui/units";
import { setHouseholdsAction } from "./actions";

/** 信用村 (DOMAIN §18): every village's eligible households, rated share and 到期还款率, and which qualify. */
export default async function CreditVillagesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("creditRating.villages");
  const u = unitFormatters(await getTranslations("units"));
  const today = todayShanghai();
  const asOf = sp.asOf && /^\d{4}-\d{2}-\d{2}$/.test(sp.asOf) && sp.asOf <= today ? sp.asOf : today;
  const regionCode = sp.region && /^\d{6}(\d{3}){0,2}$/.test(sp.region) ? sp.region : actor.regionCode;
  const only = sp.only === "1";
  const res = await attempt(() => creditVillages(actor, regionCode, asOf, only));
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const pct = (bp: number) => formatRate(bp / 10_000);
  const qualifying = v.rows.filter((r) => r.qualifies).length;
  const query = (extra: Record<string, string>) =>
    `/credit?${new URLSearchParams({ region: regionCode, asOf, ...extra }).toString()}`;
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">{t("title", { region: v.regionName })}</h1>
      <p className="text-sm text-stone-600" data-testid="credit-village-rule">
        {t("rule", {
          rated: pct(v.rule.ratedBp),
          repay: pct(v.rule.repayBp),
          window: v.rule.windowName,
          asOf,
        })}
      </p>
      <p className="text-sm">
        {only
          ? t("countOnly", { count: qualifying })
          : t("count", { count: qualifying, villages: v.rows.length })}{" "}
        <Link href={query(only ? {} : { only: "1" })} className="text-brand-700 hover:underline">
          {only ? t("showAll") : t("showOnly")}
        </Link>
      </p>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="credit-villages">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("village")}</th>
              <th className="px-3 py-2 text-right">{t("eligible")}</th>
              <th className="px-3 py-2 text-right">{t("rated")}</th>
              <th className="px-3 py-2 text-right">{t("grantRate")}</th>
              <th className="px-3 py-2 text-right">{t("repayment")}</th>
              <th className="px-3 py-2">{t("verdict")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {v.rows.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-stone-500">
                  {t("none")}
                </td>
              </tr>
            )}
            {v.rows.map((r) => (
              <tr key={r.code} data-village={r.code} data-qualifies={r.qualifies ? "1" : "0"}>
                <td className="px-3 py-2">
                  {r.townshipName} · {r.name}
                  <span className="ml-1 font-mono text-xs text-stone-500">{r.code}</span>
                </td>
                <td className="num px-3 py-2">{r.eligible ?? "—"}</td>
                <td className="num px-3 py-2">{r.rated}</td>
                <td className="num px-3 py-2">{u.rate(r.grantRate)}</td>
                <td className="num px-3 py-2">{u.rate(r.maturityRepayment)}</td>
                <td className="px-3 py-2">
                  {r.qualifies ? (
                    <span className="rounded bg-green-50 px-2 py-0.5 text-green-800">{t("qualifies")}</span>
                  ) : (
                    <span className="text-xs text-stone-600">
                      {r.shortfalls.map((s) => t(`shortfall.${s.code}`)).join("；")}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.canEdit && (
        <section className="max-w-2xl rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">{t("householdsTitle")}</h2>
          <p className="mb-2 text-xs text-stone-500">{t("householdsHint")}</p>
          <ActionForm
            testId="village-households"
            action={setHouseholdsAction}
            submitLabel={t("save")}
            successMessage={t("saved")}
            columns={2}
            fields={[
              {
                name: "villageCode",
                label: t("village"),
                type: "select",
                required: true,
                options: v.rows.map((r) => ({ value: r.code, label: `${r.townshipName} · ${r.name}` })),
              },
              { name: "eligible", label: t("eligible"), type: "number", required: true },
            ]}
          />
        </section>
      )}
    </div>
  );
}
