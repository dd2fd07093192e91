import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan, regionLevel, CLAIM_STATUS } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listClaims } from "@/server/services/claims";
import { applicationOptions } from "@/server/services/lifecycle";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { generateClaimAction } from "./actions";

export default async function ClaimsPage() {
  const actor = await pageActor();
  const ts = await getTranslations("settlement");
  const res = await attempt(async () => ({
    claims: await listClaims(actor),
    options: await applicationOptions(),
  }));
  if (!res.ok) return <PageError message={res.message} />;
  const { claims, options } = res.data;
  const canGenerate = can(actor.role, "claim.write") && regionLevel(actor.regionCode) === "COUNTY";
  const year = new Date().getFullYear();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">贴息申请</h1>
        <Link
          href="/claims/settlement"
          className="text-sm text-brand-700 underline"
          data-testid="claims-settlement-link"
        >
          {ts("link")}
        </Link>
      </div>
      {canGenerate && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">按季度生成贴息申请（按季结息：上季末月21日至本季末月20日）</h2>
          <ActionForm
            testId="generate-claim"
            action={generateClaimAction}
            submitLabel="生成"
            columns={4}
            fields={[
              {
                name: "bankId",
                label: "贷款银行",
                type: "select",
                options: options.banks.map((b) => ({ value: String(b.id), label: b.name })),
              },
              { name: "year", label: "年度", type: "number", defaultValue: String(year) },
              {
                name: "quarter",
                label: "季度",
                type: "select",
                options: [1, 2, 3, 4].map((q) => ({ value: String(q), label: `第${q}季度` })),
              },
            ]}
          />
        </section>
      )}
      <table
        className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
        data-testid="claims-table"
      >
        <caption className="sr-only">贴息申请（元）</caption>
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            <th className="px-3 py-2">季度</th>
            <th className="px-3 py-2">县</th>
            <th className="px-3 py-2">银行</th>
            <th className="px-3 py-2 text-right">笔数</th>
            <th className="px-3 py-2 text-right">利息（元）</th>
            <th className="px-3 py-2 text-right">财政贴息（元）</th>
            <th className="px-3 py-2 text-right">个人承担（元）</th>
            <th className="px-3 py-2">状态</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {claims.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-1.5">
                <Link href={`/claims/${c.id}`} className="text-brand-700 hover:underline">
                  {c.year}年第{c.quarter}季度
                </Link>
              </td>
              <td className="px-3 py-1.5 font-mono text-xs">{c.countyCode}</td>
              <td className="px-3 py-1.5">{c.bankName}</td>
              <td className="num px-3 py-1.5">{c.lines}</td>
              <td className="num px-3 py-1.5">{formatYuan(c.interestFen, false)}</td>
              <td className="num px-3 py-1.5">{formatYuan(c.subsidyFen, false)}</td>
              <td className="num px-3 py-1.5">{formatYuan(c.borrowerFen, false)}</td>
              <td className="px-3 py-1.5">{CLAIM_STATUS[c.status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
