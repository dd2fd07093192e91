import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatRate, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listRewards } from "@/server/services/rewards";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { decideRewardAction, payRewardAction, prepareRewardAction } from "./actions";
import { unitFormatters } from "@/ui/units";

/** 奖励资金分配 (DOMAIN §12): prepared, approved by a second person, paid; the ledger is on /ledgers?kind=reward. */
export default async function RewardsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("rewards");
  const u = unitFormatters(await getTranslations("units"));
  const res = await attempt(() => listRewards(actor, sp.county));
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const pct = (bp: number | null) => (bp === null ? t("noData") : formatRate(bp / 10_000));
  const lastYear = String(Number(todayShanghai().slice(0, 4)) - 1);
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        <Link href="/ledgers?kind=reward" className="text-brand-700 hover:underline">
          {t("ledger")}
        </Link>
      </div>
      {v.canPrepare && (
        <section className="max-w-xl rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <ActionForm
            testId="prepare-reward"
            action={prepareRewardAction}
            submitLabel={t("prepare")}
            successMessage={t("prepared")}
            columns={2}
            fields={[{ name: "year", label: t("year"), type: "number", defaultValue: lastYear }]}
          />
        </section>
      )}
      {v.rows.length === 0 && <p className="text-stone-500">{t("none")}</p>}
      {v.rows.map((a) => (
        <section
          key={a.id}
          className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-stone-200"
          data-testid={`reward-${a.year}`}
        >
          <h2 className="font-medium">
            {t("heading", { year: a.year, total: u.wan(a.totalFen), status: t(`status.${a.status}`) })}
          </h2>
          <p className="text-sm text-stone-600">
            {t("basis", {
              lent: u.wan(a.countyLentFen),
              rate: pct(a.countyRateBp),
              threshold: pct(a.thresholdBp),
              rewardRate: pct(a.rewardRateBp),
              shares: a.shares.join(":"),
            })}
          </p>
          <table className="min-w-full text-sm">
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{t("kind")}</th>
                <th className="px-3 py-2">{t("unit")}</th>
                <th className="px-3 py-2 text-right">{t("lent")}</th>
                <th className="px-3 py-2 text-right">{t("rate")}</th>
                <th className="px-3 py-2 text-right">{t("amount")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {a.lines.map((l) => (
                <tr key={l.id}>
                  <td className="px-3 py-2">{t(`line.${l.kind}`)}</td>
                  <td className="px-3 py-2">{l.name}</td>
                  <td className="num px-3 py-2">{u.wan(l.lentFen)}</td>
                  <td className="num px-3 py-2">{l.kind === "BANK" ? "—" : pct(l.rateBp)}</td>
                  <td className="num px-3 py-2">{formatYuan(l.amountFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {a.decisionNote && <p className="text-sm text-stone-600">{a.decisionNote}</p>}
          {a.status === "SUBMITTED" && v.canDecide && !a.mine && (
            <div className="flex flex-wrap gap-4">
              <ActionForm
                testId={`approve-reward-${a.id}`}
                action={decideRewardAction}
                hidden={{ id: String(a.id), decision: "APPROVE" }}
                submitLabel={t("approve")}
                successMessage={t("approved")}
                fields={[]}
                columns={1}
              />
              <ActionForm
                testId={`reject-reward-${a.id}`}
                action={decideRewardAction}
                hidden={{ id: String(a.id), decision: "REJECT" }}
                submitLabel={t("reject")}
                successMessage={t("rejected")}
                fields={[{ name: "note", label: t("note") }]}
                columns={2}
              />
            </div>
          )}
          {a.status === "APPROVED" && v.canPrepare && (
            <ActionForm
              testId={`pay-reward-${a.id}`}
              action={payRewardAction}
              hidden={{ id: String(a.id) }}
              submitLabel={t("pay")}
              successMessage={t("paid")}
              fields={[
                { name: "paidDate", label: t("paidDate"), type: "date", defaultValue: todayShanghai() },
              ]}
              columns={2}
            />
          )}
        </section>
      ))}
    </div>
  );
}
