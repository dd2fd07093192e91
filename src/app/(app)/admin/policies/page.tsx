import { getTranslations } from "next-intl/server";
import { bpToPercentEntry, DEFAULT_ASSESSMENT_RULE as A, fenToYuan, RULE_DEFAULTS as D } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { regionOptions } from "@/server/services/admin";
import { listPolicies, listProgrammes } from "@/server/services/policies";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createPolicyAction } from "../actions";
import { unitFormatters } from "@/ui/units";

const MODES = ["LPR_MINUS_SPREAD", "FULL", "SHARE_OF_INTEREST", "YEAR_FACTORS"] as const;
const RULES = ["LPR_1Y_PLUS_SPREAD", "LPR_BY_TERM"] as const;

export default async function PoliciesPage() {
  const actor = await pageActor();
  const t = await getTranslations("admin");
  const u = unitFormatters(await getTranslations("units"));
  const r = await getTranslations("rules");
  const st = await getTranslations("settlement");
  const vt = await getTranslations("visits");
  const cr = await getTranslations("creditRating.policy");
  const og = await getTranslations("organisations");
  const pct = (bp: number) => `${bpToPercentEntry(bp)}%`;
  const int = (name: string, label: string) => ({ name, label, type: "number" as const });
  const percent = (name: string, label: string, defaultBp?: number) => ({
    name,
    label,
    type: "percent" as const,
    defaultValue: defaultBp === undefined ? undefined : bpToPercentEntry(defaultBp),
  });
  const whole = (name: string, label: string, value: number) => ({
    ...int(name, label),
    defaultValue: String(value),
  });
  const choice = (name: string, label: string, options: { value: string; label: string }[]) => ({
    name,
    label,
    type: "select" as const,
    options: [{ value: "", label: r("policy.default") }, ...options],
  });
  const res = await attempt(async () => ({
    policies: await listPolicies(actor),
    programmes: await listProgrammes(),
    regions: await regionOptions(actor),
  }));
  if (!res.ok) return <PageError message={res.message} />;
  const { policies, programmes, regions } = res.data;
  return (
    <div>
      <AdminTabs current="/admin/policies" />
      <div className="mb-6 overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="policies-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("programme")}</th>
              <th className="px-3 py-2">{t("policyName")}</th>
              <th className="px-3 py-2">{t("policyRegion")}</th>
              <th className="px-3 py-2">{t("validity")}</th>
              <th className="px-3 py-2 text-right">{t("maxPrincipal")}</th>
              <th className="px-3 py-2">{t("term2")}</th>
              <th className="px-3 py-2">{t("rateRule")}</th>
              <th className="px-3 py-2">{t("subsidyMode")}</th>
              <th className="px-3 py-2">{t("shares")}</th>
              <th className="px-3 py-2">{t("leverage")}</th>
              <th className="px-3 py-2">{r("policy.rulesColumn")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {policies.map((p) => (
              <tr key={p.id}>
                <td className="px-3 py-2">{p.programme}</td>
                <td className="px-3 py-2">{p.name}</td>
                <td className="px-3 py-2 font-mono text-xs">{p.regionCode}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  {p.validFrom} {t("validTo")} {p.validTo ?? t("longTerm")}
                </td>
                <td className="num px-3 py-2">{u.wan(p.maxPrincipalFen)}</td>
                <td className="px-3 py-2">{t("months", { n: p.maxTermMonths })}</td>
                <td className="px-3 py-2">{t(p.rateRule)}</td>
                <td className="px-3 py-2">
                  {t(p.subsidyMode)}
                  {p.subsidyMode === "SHARE_OF_INTEREST" ? ` ${pct(p.subsidyShareBp)}` : ""}
                </td>
                <td className="px-3 py-2">{p.shares.join(":")}</td>
                <td className="px-3 py-2">{p.leverageCap}×</td>
                <td className="min-w-96 px-3 py-2 text-xs text-stone-600">
                  {r("policy.summary", {
                    window: r(`window.${p.rules.rateWindow}`),
                    suspension: pct(p.rules.suspensionThresholdBp),
                    months: p.rules.suspensionMonths,
                    reward: pct(p.rules.rewardThresholdBp),
                    rewardRate: pct(p.rules.rewardRateBp),
                    shares: p.rules.rewardShares.join(":"),
                    comp: p.rules.compensationAfterDays,
                    writeOff: p.rules.writeOffAfterDays,
                    minAge: p.rules.minAge,
                    maxAge: p.rules.maxAge,
                    women: r(p.rules.womenOnly ? "policy.womenOnlyYes" : "policy.womenOnlyNo"),
                    maxLoans: p.rules.maxSubsidisedLoans,
                    overCap: r(`overCap.${p.rules.overCapMode}`),
                  })}
                  <br />
                  {st("policy.summary", {
                    submit: p.rules.claimSubmitDays,
                    approve: p.rules.claimApproveDays,
                    pay: p.rules.claimPayDays,
                  })}
                  <br />
                  {vt("policy.summary", {
                    first: p.rules.firstVisitDays,
                    every: p.rules.visitEveryMonths,
                  })}
                  <br />
                  {og("policy.summary", {
                    share: pct(p.rules.orgBenefitShareBp),
                    years: p.rules.orgBenefitYears,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">{t("newPolicy")}</h2>
        <ActionForm
          testId="add-policy"
          action={createPolicyAction}
          submitLabel={t("save")}
          successMessage={t("policySaved")}
          columns={4}
          fields={[
            {
              name: "programmeId",
              label: t("programme"),
              type: "select",
              options: programmes.map((p) => ({ value: String(p.id), label: p.name })),
            },
            {
              name: "regionCode",
              label: t("policyRegion"),
              type: "select",
              options: [
                { value: "000000", label: `000000 ${t("national")}` },
                ...regions
                  .filter((r) => r.code !== "000000")
                  .map((r) => ({ value: r.code, label: `${r.code} ${r.name}` })),
              ],
            },
            { name: "name", label: t("policyName") },
            { name: "validFrom", label: t("validFrom"), type: "date" },
            { name: "validTo", label: t("validToOpt"), type: "date" },
            // A new version starts from the programme's defaults (src/domain RULE_DEFAULTS).
            {
              name: "maxPrincipal",
              label: t("maxPrincipalYuan"),
              defaultValue: fenToYuan(D.maxPrincipalFen),
            },
            whole("maxTermMonths", t("maxTerm"), D.maxTermMonths),
            {
              name: "rateRule",
              label: t("rateRule"),
              type: "select",
              options: RULES.map((value) => ({ value, label: t(value) })),
            },
            percent("rateCapSpread", t("capSpread"), D.rateCapSpreadBp),
            {
              name: "subsidyMode",
              label: t("subsidyMode"),
              type: "select",
              options: MODES.map((value) => ({ value, label: t(value) })),
            },
            percent("borrowerSpread", t("borrowerSpread"), D.borrowerSpreadBp),
            percent("subsidyShare", t("subsidyShare"), D.subsidyShareBp),
            whole("shareCentral", t("shareCentral"), D.shareCentral),
            whole("shareProvincial", t("shareProvincial"), D.shareProvincial),
            whole("shareCity", t("shareCity"), D.shareCity),
            whole("shareCounty", t("shareCounty"), D.shareCounty),
            {
              name: "dayCountBasis",
              label: t("basis"),
              type: "select",
              defaultValue: String(D.dayCountBasis),
              options: [
                { value: "360", label: t("days", { n: 360 }) },
                { value: "365", label: t("days", { n: 365 }) },
              ],
            },
            whole("leverageCap", t("leverageCap"), D.leverageCap),
            percent("compensationShare", t("compShare"), D.compensationShareBp),
            // The programme's running rules (DOMAIN §11–§14): empty keeps the default named in the label.
            percent(
              "suspensionThreshold",
              r("policy.suspensionThreshold", { d: bpToPercentEntry(D.suspensionThresholdBp) }),
            ),
            int("suspensionMonths", r("policy.suspensionMonths", { d: D.suspensionMonths })),
            choice(
              "rateWindow",
              r("policy.rateWindow"),
              (["YEAR_TO_DATE", "ROLLING_12"] as const).map((w) => ({ value: w, label: r(`window.${w}`) })),
            ),
            percent(
              "rewardThreshold",
              r("policy.rewardThreshold", { d: bpToPercentEntry(D.rewardThresholdBp) }),
            ),
            percent("rewardRate", r("policy.rewardRate", { d: bpToPercentEntry(D.rewardRateBp) })),
            { name: "rewardShares", label: r("policy.rewardShares", { d: D.rewardShares.join(":") }) },
            int("compensationAfterDays", r("policy.compensationAfterDays", { d: D.compensationAfterDays })),
            percent("annualCompensationCap", r("policy.annualCompensationCap")),
            int("writeOffAfterDays", r("policy.writeOffAfterDays", { d: D.writeOffAfterDays })),
            int("dueNoticeDays", r("policy.dueNoticeDays", { d: D.dueNoticeDays })),
            int("followUpDays", r("policy.followUpDays", { d: D.followUpDays })),
            // The deadlines of a subsidy claim's steps (DOMAIN §15): shown on each claim with the days taken.
            int("claimSubmitDays", st("policy.claimSubmitDays", { d: D.claimSubmitDays })),
            int("claimApproveDays", st("policy.claimApproveDays", { d: D.claimApproveDays })),
            int("claimPayDays", st("policy.claimPayDays", { d: D.claimPayDays })),
            // Post-loan visits (issue 23 item 2): overdue visits appear in the clerk's work list.
            int("firstVisitDays", vt("policy.firstVisitDays", { d: D.firstVisitDays })),
            int("visitEveryMonths", vt("policy.visitEveryMonths", { d: D.visitEveryMonths })),
            // Credit rating and 信用村 (issue 23, DOMAIN §18).
            choice("creditRatingRequired", cr("required"), [
              { value: "YES", label: cr("requiredYes") },
              { value: "NO", label: cr("requiredNo") },
            ]),
            percent("creditVillageRated", cr("ratedShare", { d: bpToPercentEntry(D.creditVillageRatedBp) })),
            percent("creditVillageRepay", cr("repay", { d: bpToPercentEntry(D.creditVillageRepayBp) })),
            // 分贷统还 (DOMAIN §18): the organisation's least benefit to each household, a share of her credit a year.
            percent("orgBenefitShare", og("policy.share", { d: bpToPercentEntry(D.orgBenefitShareBp) })),
            int("orgBenefitYears", og("policy.years", { d: D.orgBenefitYears })),
            int("maxExtensionMonths", r("policy.maxExtensionMonths", { d: D.maxExtensionMonths })),
            int("minAge", r("policy.minAge", { d: D.minAge })),
            int("maxAge", r("policy.maxAge", { d: D.maxAge })),
            choice("womenOnly", r("policy.womenOnly"), [
              { value: "YES", label: r("policy.yes") },
              { value: "NO", label: r("policy.no") },
            ]),
            int("maxSubsidisedLoans", r("policy.maxSubsidisedLoans", { d: D.maxSubsidisedLoans })),
            choice(
              "settlement",
              r("policy.settlement"),
              (["QUARTERLY_20TH", "ANNUAL_DEC_20TH"] as const).map((v) => ({
                value: v,
                label: r(`settlement.${v}`),
              })),
            ),
            choice(
              "overCapMode",
              r("policy.overCapMode"),
              (["REFUSE", "FLAG"] as const).map((v) => ({ value: v, label: r(`overCap.${v}`) })),
            ),
            int("leverageCapReduced", r("policy.leverageCapReduced")),
            percent("leverageCapMinRate", r("policy.leverageCapMinRate")),
            percent(
              "requiredFundRatio",
              r("policy.requiredFundRatio", { d: bpToPercentEntry(D.requiredFundRatioBp) }),
            ),
            percent("assessmentBase", r("policy.assessmentBase", { d: bpToPercentEntry(A.baseBp) })),
            int("assessmentBasePoints", r("policy.assessmentBasePoints", { d: A.basePoints })),
            percent("assessmentStep", r("policy.assessmentStep", { d: bpToPercentEntry(A.stepBp) })),
            int("assessmentPointsPerStep", r("policy.assessmentPointsPerStep", { d: A.pointsPerStep })),
            int("assessmentMaxPoints", r("policy.assessmentMaxPoints", { d: A.maxPoints })),
          ]}
        />
      </section>
    </div>
  );
}
