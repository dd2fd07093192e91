import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listOrganisations, ORGANISATION_KINDS, organisationVillages } from "@/server/services/organisations";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { registerOrganisationAction } from "./actions";

const head = "px-3 py-2";
const cell = "px-3 py-1.5";

/** 分贷统还 organisations of the user's region (issue 23 item 5), and the county staff's registration form. */
export default async function OrganisationsPage() {
  const actor = await pageActor();
  const t = await getTranslations("organisations");
  const res = await attempt(async () => ({
    rows: await listOrganisations(actor),
    villages: can(actor.role, "organisation.write") ? await organisationVillages(actor) : null,
  }));
  if (!res.ok) return <PageError message={res.message} />;
  const { rows, villages } = res.data;
  const missed = rows.reduce((s, r) => s + r.missed, 0);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-stone-600">{t("intro")}</p>
      {missed > 0 && (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          data-testid="organisations-missed"
        >
          {t("missedAlert", { count: missed })}
        </p>
      )}
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="organisations-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className={head}>{t("name")}</th>
              <th className={head}>{t("creditCode")}</th>
              <th className={head}>{t("kind")}</th>
              <th className={head}>{t("village")}</th>
              <th className={`${head} text-right`}>{t("members")}</th>
              <th className={`${head} text-right`}>{t("loans")}</th>
              <th className={`${head} text-right`}>{t("credit")}</th>
              <th className={`${head} text-right`}>{t("missed")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {rows.length === 0 && (
              <tr>
                <td className={`${cell} text-stone-500`} colSpan={8}>
                  {t("none")}
                </td>
              </tr>
            )}
            {rows.map((o) => (
              <tr key={o.id}>
                <td className={cell}>
                  <Link href={`/organisations/${o.id}`} className="text-brand-700 hover:underline">
                    {o.name}
                  </Link>
                </td>
                <td className={`${cell} font-mono text-xs`}>{o.creditCode}</td>
                <td className={cell}>{t(`kinds.${o.kind}`)}</td>
                <td className={cell}>{o.villageName}</td>
                <td className={`num ${cell}`}>{o.members}</td>
                <td className={`num ${cell}`}>{o.loans}</td>
                <td className={`num ${cell}`}>{formatYuan(o.creditFen, false)}</td>
                <td className={`num ${cell} ${o.missed > 0 ? "font-medium text-red-700" : ""}`}>
                  {o.missed}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {villages && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">{t("register")}</h2>
          <ActionForm
            testId="register-organisation"
            action={registerOrganisationAction}
            submitLabel={t("registerSubmit")}
            successMessage={t("registered")}
            columns={3}
            fields={[
              { name: "name", label: t("name"), required: true, maxLength: 64 },
              { name: "creditCode", label: t("creditCode"), required: true, maxLength: 18 },
              {
                name: "kind",
                label: t("kind"),
                type: "select",
                options: ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) })),
              },
              {
                name: "villageCode",
                label: t("village"),
                type: "select",
                options: villages.map((v) => ({ value: v.code, label: v.label })),
              },
              { name: "legalRep", label: t("legalRep"), maxLength: 32 },
              { name: "phone", label: t("phone"), maxLength: 20 },
            ]}
          />
        </section>
      )}
    </div>
  );
}
