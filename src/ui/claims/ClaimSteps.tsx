import { getTranslations } from "next-intl/server";
import type { ClaimDeadlines, ClaimStep } from "@/domain";

const LATE = new Set(["LATE", "OVERDUE"]);

/**
 * A claim's steps (generated → submitted → approved → paid): the day each was done, how many days it took,
 * its deadline from the claim's policy and whether it was late (src/domain claimSteps).
 */
export async function ClaimSteps({
  steps,
}: {
  steps: { steps: ClaimStep[]; late: boolean; deadlines: ClaimDeadlines };
}) {
  const t = await getTranslations("settlement.steps");
  const d = steps.deadlines;
  return (
    <section aria-labelledby="claim-steps-title">
      <h2 id="claim-steps-title" className="mb-2 font-medium">
        {t("title")}
      </h2>
      <p className="mb-2 text-sm text-stone-600">
        {t("rule", { submit: d.claimSubmitDays, approve: d.claimApproveDays, pay: d.claimPayDays })}
      </p>
      {steps.late && (
        <p className="mb-2 text-sm font-medium text-red-700" data-testid="claim-steps-late">
          {t("late")}
        </p>
      )}
      <table className="rounded-lg bg-white text-sm ring-1 ring-stone-200" data-testid="claim-steps">
        <caption className="sr-only">{t("caption")}</caption>
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              {t("step")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("date")}
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              {t("days")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("deadline")}
            </th>
            <th scope="col" className="px-3 py-2">
              {t("state")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {steps.steps.map((s) => (
            <tr key={s.step} data-testid={`claim-step-${s.step}`}>
              <th scope="row" className="px-3 py-1.5 text-left font-normal">
                {t(`name.${s.step}`)}
              </th>
              <td className="px-3 py-1.5">{s.date ?? "—"}</td>
              <td className="num px-3 py-1.5">
                {s.days === null
                  ? "—"
                  : s.step === "GENERATED"
                    ? t("sinceSettlement", { n: s.days })
                    : t("daysValue", { n: s.days })}
              </td>
              <td className="px-3 py-1.5">{s.deadline ?? "—"}</td>
              <td className={`px-3 py-1.5 ${LATE.has(s.state) ? "font-medium text-red-700" : ""}`}>
                {t(`stateName.${s.state}`, { n: s.daysLate })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
