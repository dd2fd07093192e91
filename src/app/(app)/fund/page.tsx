import Link from "next/link";
import { randomUUID } from "node:crypto";
import {
  can,
  formatMultiple,
  formatRate,
  formatHeadroom,
  formatWan,
  formatYuan,
  CLAIM_STATUS,
  FUND_KIND,
  LEVEL_LABELS,
} from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listFunds } from "@/server/services/fund";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createFundAction, decideCompensationAction, depositAction } from "./actions";
import { applicationOptions } from "@/server/services/lifecycle";

export default async function FundPage() {
  const actor = await pageActor();
  const res = await attempt(() => listFunds(actor));
  const { banks } = await applicationOptions();
  if (!res.ok) return <PageError message={res.message} />;
  const staff = can(actor.role, "fund.write");
  const checker = can(actor.role, "claim.approve");
  return (
    <div className="space-y-8">
      <h1 className="text-xl font-semibold">风险补偿金</h1>
      {res.data.length === 0 && <p className="text-stone-500">您的管辖范围内没有风险补偿金</p>}
      {staff && /^\d{6}$/.test(actor.regionCode) && (
        <details className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <summary className="cursor-pointer text-sm text-brand-700">
            设立风险补偿金（全县或按合作银行）
          </summary>
          <ActionForm
            testId="create-fund"
            action={createFundAction}
            submitLabel="设立"
            successMessage="已设立"
            columns={3}
            fields={[
              { name: "name", label: "名称", defaultValue: `${actor.regionName}妇女创业担保贷款风险补偿金` },
              {
                name: "bankId",
                label: "合作银行（选填）",
                type: "select",
                options: [
                  { value: "", label: "全县统一" },
                  ...banks.map((b) => ({ value: String(b.id), label: b.name })),
                ],
              },
            ]}
          />
        </details>
      )}
      {res.data.map((f) => (
        <section
          key={f.id}
          className="space-y-4 rounded-lg bg-white p-4 ring-1 ring-stone-200"
          data-testid={`fund-${f.countyCode}`}
        >
          <h2 className="font-medium">{f.name}</h2>
          {f.position.overCap && (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
              data-testid="fund-over-cap"
            >
              警告：在贷余额已超过风险补偿金 {f.leverageCap} 倍放大上限，超出{" "}
              {formatWan(-f.position.headroomFen)}，应暂停新增放款或补充资金
            </p>
          )}
          <dl className="grid grid-cols-2 gap-4 text-sm md:grid-cols-5">
            <div>
              <dt className="text-xs text-stone-500">余额</dt>
              <dd className="text-lg" data-testid="fund-balance">
                {formatWan(f.balanceFen)}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500">在贷余额</dt>
              <dd className="text-lg">{formatWan(f.outstandingFen)}</dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500" title="余额 ÷ 在贷余额">
                覆盖率
              </dt>
              <dd className="text-lg">{formatRate(f.position.coverage)}</dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500" title="在贷余额 ÷ 余额，对照政策放大上限">
                放大倍数 / 上限
              </dt>
              <dd className="text-lg">
                {formatMultiple(f.position.leverage)} / {f.leverageCap}×
              </dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500" title="上限 × 余额 − 在贷余额">
                可新增放款空间
              </dt>
              <dd className={`text-lg ${f.position.headroomFen < 0 ? "text-red-700" : ""}`}>
                {formatHeadroom(f.position.headroomFen)}
              </dd>
            </div>
          </dl>
          {staff && (
            <details>
              <summary className="cursor-pointer text-sm text-brand-700">登记注资</summary>
              <ActionForm
                testId={`deposit-${f.countyCode}`}
                action={depositAction}
                hidden={{ fundId: String(f.id), idempotencyKey: randomUUID() }}
                submitLabel="登记"
                successMessage="已登记"
                columns={4}
                fields={[
                  {
                    name: "fundingLevel",
                    label: "出资层级",
                    type: "select",
                    options: ["COUNTY", "CITY", "PROVINCIAL", "CENTRAL", "BANK", "OTHER"].map((v) => ({
                      value: v,
                      label: LEVEL_LABELS[v]!,
                    })),
                  },
                  { name: "amount", label: "金额（元）", type: "yuan" },
                  { name: "valueDate", label: "到账日期", type: "date", defaultValue: todayShanghai() },
                  { name: "memo", label: "摘要（选填）" },
                ]}
              />
            </details>
          )}
          <div className="grid gap-4 lg:grid-cols-2">
            <div>
              <h3 className="mb-1 text-sm font-medium">代偿申请</h3>
              <table className="min-w-full text-sm" data-testid="compensation-claims">
                <thead className="bg-stone-100 text-left text-xs text-stone-600">
                  <tr>
                    <th className="px-2 py-1">贷款</th>
                    <th className="px-2 py-1 text-right">逾期天数</th>
                    <th className="px-2 py-1 text-right">未还本金</th>
                    <th className="px-2 py-1 text-right">代偿金额</th>
                    <th className="px-2 py-1">状态</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100 align-top">
                  {f.claims.map((c) => (
                    <tr key={c.id} id={`comp-${c.id}`}>
                      <td className="px-2 py-1">
                        <Link href={`/loans/${c.loanId}`} className="text-brand-700 hover:underline">
                          {c.borrowerName}
                        </Link>
                      </td>
                      <td className="num px-2 py-1">{c.daysPastDue}</td>
                      <td className="num px-2 py-1">{formatYuan(c.unpaidPrincipalFen, false)}</td>
                      <td className="num px-2 py-1">{formatYuan(c.amountFen, false)}</td>
                      <td className="px-2 py-1">
                        {CLAIM_STATUS[c.status]}
                        {checker && c.status === "SUBMITTED" && c.makerId !== actor.id && (
                          <ActionForm
                            testId={`approve-comp-${c.id}`}
                            action={decideCompensationAction}
                            hidden={{ claimId: String(c.id), action: "APPROVE", version: String(c.version) }}
                            submitLabel="审核通过"
                            fields={[]}
                            columns={1}
                          />
                        )}
                        {staff && c.status === "APPROVED" && (
                          <ActionForm
                            testId={`pay-comp-${c.id}`}
                            action={decideCompensationAction}
                            hidden={{ claimId: String(c.id), action: "PAY", version: String(c.version) }}
                            submitLabel="拨付代偿"
                            fields={[
                              {
                                name: "paidDate",
                                label: "拨付日期",
                                type: "date",
                                defaultValue: todayShanghai(),
                              },
                            ]}
                            columns={1}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3 className="mb-1 text-sm font-medium">资金台账（按日期，最近50笔，只增不改）</h3>
              <table className="min-w-full text-sm" data-testid="fund-ledger">
                <thead className="bg-stone-100 text-left text-xs text-stone-600">
                  <tr>
                    <th className="px-2 py-1">日期</th>
                    <th className="px-2 py-1">类型</th>
                    <th className="px-2 py-1 text-right">金额（元）</th>
                    <th className="px-2 py-1 text-right">余额（元）</th>
                    <th className="px-2 py-1">摘要</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100">
                  {f.ledger.map((e) => (
                    <tr key={e.id}>
                      <td className="px-2 py-1">{e.valueDate}</td>
                      <td className="px-2 py-1">
                        {FUND_KIND[e.kind]}
                        {e.fundingLevel ? ` · ${LEVEL_LABELS[e.fundingLevel]}` : ""}
                      </td>
                      <td className={`num px-2 py-1 ${e.amountFen < 0 ? "text-red-700" : ""}`}>
                        {formatYuan(e.amountFen, false)}
                      </td>
                      <td className="num px-2 py-1">{formatYuan(e.balanceFen, false)}</td>
                      <td className="px-2 py-1">{e.memo}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </section>
      ))}
    </div>
  );
}
