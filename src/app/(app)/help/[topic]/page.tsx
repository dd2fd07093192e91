import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { formatYuan } from "@/domain";
import { todayShanghai } from "@/server/clock";
import { pageActor } from "@/server/session";
import { policiesInForce, type PolicyInForce } from "@/server/services/help";
import { HELP_TOPICS, type HelpTopic } from "@/ui/help/topics";

const pct = (bp: number) => `${bp / 100}`;

/** 说明: what a screen is for, the rules behind its figures, and the policy values in force in the reader's region. */
export default async function HelpPage({ params }: { params: Promise<{ topic: string }> }) {
  const { topic } = await params;
  if (!(HELP_TOPICS as readonly string[]).includes(topic)) notFound();
  const actor = await pageActor();
  const t = await getTranslations("help");
  const en = (await getLocale()) === "en";
  const today = todayShanghai();
  const policies = await policiesInForce(actor, today);
  const rules = t.raw(`screens.${topic}.rules`) as string[];
  const rows = (p: PolicyInForce): [string, string][] => [
    [t("policy.programme"), en ? p.programmeEn : p.programme],
    [t("policy.name"), `${p.name}（${p.regionCode}）`],
    [t("policy.validFrom"), p.validFrom],
    [t("policy.maxPrincipal"), formatYuan(p.maxPrincipalFen)],
    [t("policy.maxTerm"), t("policy.months", { n: p.maxTermMonths })],
    [t("policy.maxExtension"), t("policy.months", { n: p.maxExtensionMonths })],
    [t("policy.maxSubsidised"), t("policy.loans", { n: p.maxSubsidisedLoans })],
    [
      t("policy.rate"),
      p.rateRule === "LPR_1Y_PLUS_SPREAD"
        ? t("policy.rateLpr1y", { spread: pct(p.rateCapSpreadBp) })
        : t("policy.rateByTerm"),
    ],
    [
      t("policy.subsidy"),
      t(`policy.${p.subsidyMode as "LPR_MINUS_SPREAD" | "SHARE_OF_INTEREST"}`, {
        spread: pct(p.borrowerSpreadBp),
        share: pct(p.subsidyShareBp),
      } as { spread: string; share: string }),
    ],
    [t("policy.basis"), t("policy.days", { n: p.dayCountBasis })],
    [t("policy.leverage"), t("policy.times", { n: p.leverageCap })],
    [
      t("policy.compensation"),
      t("policy.compensationRule", { days: p.compensationAfterDays, share: pct(p.compensationShareBp) }),
    ],
    [
      t("policy.reward"),
      t("policy.rewardRule", {
        threshold: pct(p.rewardThresholdBp),
        rate: pct(p.rewardRateBp),
        shares: p.rewardShares.join(":"),
      }),
    ],
    [
      t("policy.suspension"),
      t("policy.suspensionRule", { months: p.suspensionMonths, threshold: pct(p.suspensionThresholdBp) }),
    ],
    [
      t("policy.eligibility"),
      t("policy.eligibilityRule", {
        sex: p.womenOnly ? t("policy.womenOnly") : t("policy.anySex"),
        min: p.minAge,
        max: p.maxAge,
      }),
    ],
  ];
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_16rem]" data-testid="help">
      <div className="space-y-6">
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h1 className="mb-2 text-xl font-semibold">
            {t("title")} · {t(`screens.${topic as HelpTopic}.title`)}
          </h1>
          <p className="mb-3">{t(`screens.${topic as HelpTopic}.purpose`)}</p>
          <ul className="list-disc space-y-1 pl-5 text-sm text-stone-700">
            {rules.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </section>
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="policy-in-force">
          <h2 className="mb-2 font-medium">{t("inForce", { region: actor.regionName, date: today })}</h2>
          {policies.length === 0 && <p className="text-sm">{t("noPolicy")}</p>}
          {policies.map((p) => (
            <table key={p.name + p.programme} className="mb-4 w-full text-sm">
              <tbody className="divide-y divide-stone-100">
                {rows(p).map(([k, v]) => (
                  <tr key={k}>
                    <th className="w-48 py-1 pr-3 text-left font-normal text-stone-600">{k}</th>
                    <td className="py-1">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </section>
      </div>
      <nav aria-label={t("topics")} className="space-y-1 text-sm">
        <h2 className="mb-1 font-medium">{t("topics")}</h2>
        {HELP_TOPICS.map((k) => (
          <Link
            key={k}
            href={`/help/${k}`}
            aria-current={k === topic ? "page" : undefined}
            className={`block rounded px-2 py-1 ${k === topic ? "bg-brand-50 text-brand-800" : "hover:bg-stone-100"}`}
          >
            {t(`screens.${k}.title`)}
          </Link>
        ))}
      </nav>
    </div>
  );
}
