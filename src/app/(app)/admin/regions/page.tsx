import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { regionOptions } from "@/server/services/admin";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createRegionAction } from "../actions";

const LEVEL: Record<string, string> = { PROVINCE: "省", CITY: "市", COUNTY: "县", TOWNSHIP: "乡镇", VILLAGE: "村" };
const INDENT: Record<string, string> = { PROVINCE: "pl-2", CITY: "pl-6", COUNTY: "pl-10", TOWNSHIP: "pl-14", VILLAGE: "pl-18" };

export default async function RegionsPage() {
  const actor = await pageActor();
  const res = await attempt(() => regionOptions(actor, "VILLAGE"));
  if (!res.ok) return <PageError message={res.message} />;
  const parents = res.data.filter((r) => r.level !== "VILLAGE").map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }));
  return (
    <div>
      <h1 className="mb-2 text-xl font-semibold">系统管理</h1>
      <AdminTabs current="/admin/regions" />
      <section className="mb-6 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">新增地区（GB/T 2260 县级及以上6位，乡镇9位，村12位）</h2>
        <ActionForm
          testId="add-region"
          action={createRegionAction}
          submitLabel="新增"
          successMessage="已新增"
          columns={4}
          fields={[
            { name: "parentCode", label: "上级地区", type: "select", options: parents },
            { name: "code", label: "代码" },
            { name: "name", label: "名称" },
          ]}
        />
      </section>
      <ul className="rounded-lg bg-white py-2 text-sm ring-1 ring-stone-200">
        {res.data.map((r) => (
          <li key={r.code} className={`${INDENT[r.level]} py-0.5`}>
            <span className="font-mono text-xs text-stone-500">{r.code}</span> {r.name} <span className="text-xs text-stone-400">{LEVEL[r.level]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
