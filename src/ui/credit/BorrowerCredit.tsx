import { getTranslations } from "next-intl/server";
import type { RatingDto } from "@/server/services/credit";
import type { ActionResult } from "@/server/action";
import { ActionForm } from "@/ui/forms/ActionForm";
import { unitFormatters } from "@/ui/units";

type FormAction<T> = (prev: ActionResult<T> | null, fd: FormData) => Promise<ActionResult<T>>;

/** The borrower page's credit rating (评级授信, DOMAIN §18): the rating in force, the history, rate and approve. */
export async function BorrowerCredit({
  borrowerId,
  view,
  today,
  rate,
  decide,
}: {
  borrowerId: number;
  view: { ratings: RatingDto[]; current: RatingDto | null; canRate: boolean; canDecide: boolean };
  today: string;
  rate: FormAction<{ id: number }>;
  decide: FormAction<{ status: string }>;
}) {
  const t = await getTranslations("creditRating");
  const u = unitFormatters(await getTranslations("units"));
  const pending = view.ratings.some((r) => r.status === "PENDING");
  const validity = (r: RatingDto) =>
    r.status !== "APPROVED"
      ? t(`status.${r.status}`)
      : r.validTo < today
        ? t("expired")
        : r.validFrom > today
          ? t("notYet")
          : r.id === view.current?.id
            ? t("inForce")
            : t("superseded");
  return (
    <section id="credit" className="max-w-4xl space-y-3" data-testid="credit-rating">
      <h2 className="font-medium">{t("title")}</h2>
      <p className="text-sm" data-testid="credit-current">
        {view.current
          ? t("current", {
              grade: t(`grade.${view.current.grade}`),
              limit: u.yuan(view.current.creditLimitFen),
              to: view.current.validTo,
            })
          : t("none")}
      </p>
      {view.ratings.length > 0 && (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-stone-600">
            <tr>
              <th className="py-1">{t("grade.label")}</th>
              <th className="text-right">{t("limit")}</th>
              <th>{t("validity")}</th>
              <th>{t("ratedOnBy")}</th>
              <th>{t("committee")}</th>
              <th>{t("state")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {view.ratings.map((r) => (
              <tr key={r.id} data-testid={`rating-${r.id}`}>
                <td className="py-1">{t(`grade.${r.grade}`)}</td>
                <td className="num">{u.yuan(r.creditLimitFen)}</td>
                <td>
                  {r.validFrom} – {r.validTo}
                </td>
                <td>
                  {r.ratedOn} · {r.ratedBy}
                </td>
                <td>
                  {r.committeeOn} · {r.committeeRef}
                  {r.committeeNotes && (
                    <span className="block text-xs text-stone-500">{r.committeeNotes}</span>
                  )}
                </td>
                <td>
                  {validity(r)}
                  {r.decisionNote && <span className="block text-xs text-stone-500">{r.decisionNote}</span>}
                  {r.status === "PENDING" && view.canDecide && !r.mine && (
                    <div className="mt-1 space-y-1">
                      <ActionForm
                        testId={`approve-rating-${r.id}`}
                        action={decide}
                        hidden={{ id: String(r.id), decision: "APPROVE" }}
                        submitLabel={t("approve")}
                        successMessage={t("approved")}
                        fields={[]}
                        columns={1}
                      />
                      <ActionForm
                        testId={`reject-rating-${r.id}`}
                        action={decide}
                        hidden={{ id: String(r.id), decision: "REJECT" }}
                        submitLabel={t("reject")}
                        successMessage={t("rejected")}
                        fields={[{ name: "note", label: t("note"), maxLength: 256 }]}
                        columns={1}
                      />
                    </div>
                  )}
                  {r.status === "PENDING" && r.mine && (
                    <span className="block text-xs text-stone-500">{t("waitsForOther")}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view.canRate && !pending && (
        <details className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <summary className="cursor-pointer text-sm font-medium text-brand-700">{t("rate")}</summary>
          <div className="mt-3">
            <ActionForm
              testId="rate-borrower"
              action={rate}
              hidden={{ borrowerId: String(borrowerId) }}
              submitLabel={t("submit")}
              successMessage={t("recorded")}
              columns={2}
              fields={[
                {
                  name: "grade",
                  label: t("grade.label"),
                  type: "select",
                  required: true,
                  options: (["AAA", "AA", "A"] as const).map((g) => ({ value: g, label: t(`grade.${g}`) })),
                },
                { name: "creditLimit", label: t("limit"), type: "yuan", required: true },
                { name: "validFrom", label: t("validFrom"), type: "date", required: true },
                { name: "validTo", label: t("validTo"), type: "date", required: true },
                { name: "ratedOn", label: t("ratedOn"), type: "date", required: true, defaultValue: today },
                { name: "ratedBy", label: t("ratedBy"), required: true, maxLength: 128 },
                { name: "committeeOn", label: t("committeeOn"), type: "date", required: true },
                { name: "committeeRef", label: t("committeeRef"), required: true, maxLength: 128 },
                { name: "committeeNotes", label: t("committeeNotes"), maxLength: 500 },
              ]}
            />
          </div>
        </details>
      )}
      {view.canRate && pending && <p className="text-xs text-stone-500">{t("pendingExists")}</p>}
    </section>
  );
}
