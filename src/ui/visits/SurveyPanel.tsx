import { getTranslations } from "next-intl/server";
import { formatDateTime, formatYuan } from "@/domain";
import type { SurveyDto } from "@/server/services/survey";

/** 贷前摸底调查 and 贷中审查 on the loan page (issue 23 item 2): the household survey and the approver's notes. */
export async function SurveyPanel({
  survey,
  review,
}: {
  survey: SurveyDto | null;
  review: { note: string | null; approver: string | null; decidedAt: string | null };
}) {
  const t = await getTranslations("survey");
  const yuan = (fen: number) => t("yuan", { amount: formatYuan(fen, false) });
  const item = (label: string, value: React.ReactNode, wide = false) => (
    <div className={wide ? "col-span-2" : undefined}>
      <dt className="text-xs text-stone-500">{label}</dt>
      <dd className="whitespace-pre-wrap">{value}</dd>
    </div>
  );
  return (
    <section className="grid gap-4 md:grid-cols-3" data-testid="survey">
      <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200 md:col-span-2">
        <h2 className="mb-2 font-medium">{t("title")}</h2>
        {survey ? (
          <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
            {item(t("surveyDate"), `${survey.surveyDate} · ${survey.surveyedBy}`)}
            {item(t("people"), t("peopleValue", { size: survey.householdSize, labourers: survey.labourers }))}
            {item(t("annualIncome"), yuan(survey.annualIncomeFen))}
            {item(t("incomeSource"), survey.incomeSource)}
            {item(t("household"), survey.household, true)}
            {item(t("project"), survey.project)}
            {item(t("projectInvestment"), yuan(survey.projectInvestmentFen))}
          </dl>
        ) : (
          <p className="text-sm text-stone-500">{t("none")}</p>
        )}
      </div>
      <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="review">
        <h2 className="mb-2 font-medium">{t("reviewTitle")}</h2>
        {review.decidedAt ? (
          <dl className="space-y-2 text-sm">
            {item(t("reviewer"), `${review.approver ?? "—"} · ${formatDateTime(review.decidedAt)}`)}
            {item(t("reviewNote"), review.note ?? t("noNote"))}
          </dl>
        ) : (
          <p className="text-sm text-stone-500">{t("notDecided")}</p>
        )}
      </div>
    </section>
  );
}
