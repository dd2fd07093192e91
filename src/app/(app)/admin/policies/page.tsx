import { formatWan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { regionOptions } from "@/server/services/admin";
import { listPolicies, listProgrammes } from "@/server/services/policies";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createPolicyAction } from "../actions";

const MODE: Record<string, string> = { LPR_MINUS_SPREAD: "LPR减点（借款人承担LPR−150bp）", FULL: "全额贴息", SHARE_OF_INTEREST: "按比例贴息", YEAR_FACTORS: "逐年递减（1、2/3、1/3）" };
const RULE: Record<string, string> = { LPR_1Y_PLUS_SPREAD: "1年期LPR加点", LPR_BY_TERM: "按期限对应LPR" };

export default async function PoliciesPage() {
  const actor = await pageActor();
  const res = await attempt(async () => ({ policies: await listPolicies(actor), programmes: await listProgrammes(), regions: await regionOptions(actor) }));
  if (!res.ok) return <PageError message={res.message} />;
  const { policies, programmes, regions } = res.data;
  return (
    <div>
      <h1 className="mb-2 text-xl font-semibold">系统管理</h1>
      <AdminTabs current="/admin/policies" />
      <div className="mb-6 overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="policies-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">项目</th>
              <th className="px-3 py-2">名称</th>
              <th className="px-3 py-2">地区</th>
              <th className="px-3 py-2">有效期</th>
              <th className="px-3 py-2 text-right">额度上限</th>
              <th className="px-3 py-2">期限</th>
              <th className="px-3 py-2">利率规则</th>
              <th className="px-3 py-2">贴息方式</th>
              <th className="px-3 py-2">中央:省:市:县</th>
              <th className="px-3 py-2">放大倍数</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {policies.map((p) => (
              <tr key={p.id}>
                <td className="px-3 py-2">{p.programme}</td>
                <td className="px-3 py-2">{p.name}</td>
                <td className="px-3 py-2 font-mono text-xs">{p.regionCode}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  {p.validFrom} 至 {p.validTo ?? "长期"}
                </td>
                <td className="num px-3 py-2">{formatWan(p.maxPrincipalFen)}</td>
                <td className="px-3 py-2">{p.maxTermMonths}个月</td>
                <td className="px-3 py-2">{RULE[p.rateRule]}</td>
                <td className="px-3 py-2">
                  {MODE[p.subsidyMode]}
                  {p.subsidyMode === "SHARE_OF_INTEREST" ? ` ${p.subsidyShareBp / 100}%` : ""}
                </td>
                <td className="px-3 py-2">{p.shares.join(":")}</td>
                <td className="px-3 py-2">{p.leverageCap}×</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">新增政策版本</h2>
        <ActionForm
          testId="add-policy"
          action={createPolicyAction}
          submitLabel="保存"
          successMessage="政策版本已保存"
          columns={4}
          fields={[
            { name: "programmeId", label: "项目", type: "select", options: programmes.map((p) => ({ value: String(p.id), label: p.name })) },
            { name: "regionCode", label: "适用地区", type: "select", options: [{ value: "000000", label: "000000 全国" }, ...regions.filter((r) => r.code !== "000000").map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }))] },
            { name: "name", label: "名称" },
            { name: "validFrom", label: "生效日期", type: "date" },
            { name: "validTo", label: "失效日期（不含，选填）", type: "date" },
            { name: "maxPrincipal", label: "单户额度上限（元）", defaultValue: "300000" },
            { name: "maxTermMonths", label: "最长期限（月）", type: "number", defaultValue: "36" },
            { name: "rateRule", label: "利率规则", type: "select", options: Object.entries(RULE).map(([value, label]) => ({ value, label })) },
            { name: "rateCapSpreadBp", label: "利率上限加点（bp）", type: "number", defaultValue: "300" },
            { name: "subsidyMode", label: "贴息方式", type: "select", options: Object.entries(MODE).map(([value, label]) => ({ value, label })) },
            { name: "borrowerSpreadBp", label: "借款人利率=LPR减（bp）", type: "number", defaultValue: "150" },
            { name: "subsidyShareBp", label: "贴息比例（bp，按比例时）", type: "number", defaultValue: "10000" },
            { name: "shareCentral", label: "中央分担", type: "number", defaultValue: "0" },
            { name: "shareProvincial", label: "省级分担", type: "number", defaultValue: "50" },
            { name: "shareCity", label: "市级分担", type: "number", defaultValue: "0" },
            { name: "shareCounty", label: "县级分担", type: "number", defaultValue: "50" },
            { name: "dayCountBasis", label: "计息基数", type: "select", options: [{ value: "360", label: "360天" }, { value: "365", label: "365天" }] },
            { name: "leverageCap", label: "担保基金放大倍数", type: "number", defaultValue: "5" },
            { name: "compensationShareBp", label: "代偿比例（bp）", type: "number", defaultValue: "8000" },
          ]}
        />
      </section>
    </div>
  );
}
