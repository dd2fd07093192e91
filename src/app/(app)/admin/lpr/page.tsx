import { getTranslations } from "next-intl/server";
import { bpToPercentEntry } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listLpr } from "@/server/services/admin";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { addLprAction } from "../actions";

export default async function LprPage() {
  const actor = await pageActor();
  const t = await getTranslations("admin");
  const res = await attempt(() => listLpr(actor));
  if (!res.ok) return <PageError message={res.message} />;
  return (
    <div>
      <AdminTabs current="/admin/lpr" />
      <section className="mb-6 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">{t("lprTitle")}</h2>
        <ActionForm
          testId="add-lpr"
          action={addLprAction}
          submitLabel={t("save")}
          successMessage={t("saved")}
          columns={4}
          fields={[
            { name: "effectiveDate", label: t("effectiveDate"), type: "date" },
            {
              name: "term",
              label: t("term"),
              type: "select",
              options: [
                { value: "ONE_YEAR", label: t("oneYear") },
                { value: "FIVE_YEAR", label: t("fiveYear") },
              ],
            },
            { name: "rate", label: t("ratePercent"), type: "percent", hint: t("rateHint") },
          ]}
        />
      </section>
      <table className="min-w-96 rounded-lg bg-white text-sm ring-1 ring-stone-200">
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            <th className="px-3 py-2">{t("effectiveDate")}</th>
            <th className="px-3 py-2">{t("term")}</th>
            <th className="px-3 py-2 text-right">{t("rate")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {res.data.map((r) => (
            <tr key={r.id}>
              <td className="px-3 py-1.5">{r.effectiveDate}</td>
              <td className="px-3 py-1.5">{r.term === "ONE_YEAR" ? t("oneYear") : t("fiveYear")}</td>
              <td className="num px-3 py-1.5">{bpToPercentEntry(r.rateBp)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
