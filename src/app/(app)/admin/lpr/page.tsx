import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listLpr } from "@/server/services/admin";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { addLprAction } from "../actions";

const bp = (n: number) => `${(n / 100).toFixed(2)}%`;

export default async function LprPage() {
  const actor = await pageActor();
  const res = await attempt(() => listLpr(actor));
  if (!res.ok) return <PageError message={res.message} />;
  return (
    <div>
      <h1 className="mb-2 text-xl font-semibold">系统管理</h1>
      <AdminTabs current="/admin/lpr" />
      <section className="mb-6 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">录入LPR（贷款市场报价利率）</h2>
        <ActionForm
          testId="add-lpr"
          action={addLprAction}
          submitLabel="保存"
          successMessage="已保存"
          columns={4}
          fields={[
            { name: "effectiveDate", label: "生效日期", type: "date" },
            { name: "term", label: "期限品种", type: "select", options: [{ value: "ONE_YEAR", label: "1年期" }, { value: "FIVE_YEAR", label: "5年期以上" }] },
            { name: "rateBp", label: "利率（基点）", type: "number", hint: "如 3.00% 填 300" },
          ]}
        />
      </section>
      <table className="min-w-96 rounded-lg bg-white text-sm ring-1 ring-stone-200">
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            <th className="px-3 py-2">生效日期</th>
            <th className="px-3 py-2">期限品种</th>
            <th className="px-3 py-2 text-right">利率</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {res.data.map((r) => (
            <tr key={r.id}>
              <td className="px-3 py-1.5">{r.effectiveDate}</td>
              <td className="px-3 py-1.5">{r.term === "ONE_YEAR" ? "1年期" : "5年期以上"}</td>
              <td className="num px-3 py-1.5">{bp(r.rateBp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
