import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { regionOptions } from "@/server/services/admin";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createRegionAction } from "../actions";

const INDENT: Record<string, string> = {
  PROVINCE: "pl-2",
  CITY: "pl-6",
  COUNTY: "pl-10",
  TOWNSHIP: "pl-14",
  VILLAGE: "pl-18",
};

export default async function RegionsPage() {
  const actor = await pageActor();
  const t = await getTranslations("admin");
  const res = await attempt(() => regionOptions(actor, "VILLAGE"));
  if (!res.ok) return <PageError message={res.message} />;
  const parents = res.data
    .filter((r) => r.level !== "VILLAGE")
    .map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }));
  return (
    <div>
      <AdminTabs current="/admin/regions" />
      <section className="mb-6 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">{t("regionTitle")}</h2>
        <ActionForm
          testId="add-region"
          action={createRegionAction}
          submitLabel={t("add")}
          successMessage={t("added")}
          columns={4}
          fields={[
            { name: "parentCode", label: t("parent"), type: "select", options: parents },
            { name: "code", label: t("code") },
            { name: "name", label: t("name") },
          ]}
        />
      </section>
      <ul className="rounded-lg bg-white py-2 text-sm ring-1 ring-stone-200">
        {res.data.map((r) => (
          <li key={r.code} className={`${INDENT[r.level]} py-0.5`}>
            <span className="font-mono text-xs text-stone-500">{r.code}</span> {r.name}{" "}
            <span className="text-xs text-stone-400">{t(r.level)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
