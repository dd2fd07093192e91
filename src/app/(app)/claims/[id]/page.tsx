import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { recordId } from "@/server/params";
import Link from "next/link";
import { can, formatYuan, bpToPercent, CLAIM_STATUS, LEVEL_LABELS } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { getClaim } from "@/server/services/claims";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { transitionClaimAction } from "../actions";
import { claimComparison } from "@/server/services/interest-statements";
import { interestSamples } from "@/server/services/bank-statements";
import { ClaimComparison } from "@/ui/bank-files/ClaimComparison";
import { differenceReasonAction } from "./bank-actions";
import { ClaimSteps } from "@/ui/claims/ClaimSteps";

const y = (fen: number) => formatYuan(fen, false);

export default async function ClaimPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await pageActor();
  const tb = await getTranslations("bankFiles");
  const n = recordId(id);
  if (n === null) notFound();
  const res = await attempt(() => getClaim(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const c = res.data;
  const comparison = await claimComparison(actor, c.id);
  const hidden = (action: string) => ({ claimId: String(c.id), version: String(c.version), action });
  const staff = can(actor.role, "claim.write");
  const checker = can(actor.role, "claim.approve") && c.makerId !== actor.id;
  const editable = staff && (c.status === "DRAFT" || c.status === "REJECTED");
  // The demo's sample interest statement of this bank and quarter (none outside the demo).
  const samples = editable ? await attempt(() => interestSamples(actor)) : null;
  const sample = samples?.ok
    ? samples.data.find((s) => s.bankId === c.bankId && s.quarter === `${c.year}-Q${c.quarter}`)
    : undefined;
  return (
    <div className="space-y-6">
      <div className="flex items-baseline gap-4">
        <h1 className="text-xl font-semibold">
          贴息申请 · {c.year}年第{c.quarter}季度 · {c.bankName}
        </h1>
        <span className="rounded bg-brand-50 px-2 py-0.5 text-sm text-brand-800" data-testid="claim-status">
          {CLAIM_STATUS[c.status]}
        </span>
        <Link
          href={`/claims/${c.id}/print`}
          className="text-sm text-brand-700 underline"
          data-testid="claim-print"
        >
          {tb("form.print")}
        </Link>
      </div>
      <p className="text-sm text-stone-600">
        计息期 {c.periodStart} 至 {c.periodEnd}（含） · 利息 {y(c.interestFen)} 元 = 财政贴息{" "}
        <strong data-testid="claim-subsidy">{y(c.subsidyFen)}</strong> 元 + 个人承担 {y(c.borrowerFen)} 元
        {c.paidDate && ` · 已于 ${c.paidDate} 拨付${c.payee === "BANK" ? "银行" : "借款人"}`}
        {c.note && ` · ${c.note}`}
      </p>
      <div className="flex flex-wrap gap-4">
        {editable && (
          <ActionForm
            testId="submit-claim"
            action={transitionClaimAction}
            hidden={hidden("SUBMIT")}
            submitLabel="提交审核"
            fields={[]}
            columns={1}
          />
        )}
        {checker && c.status === "SUBMITTED" && (
          <>
            <ActionForm
              testId="approve-claim"
              action={transitionClaimAction}
              hidden={hidden("APPROVE")}
              submitLabel="审核通过"
              fields={[]}
              columns={1}
            />
            <ActionForm
              testId="reject-claim"
              action={transitionClaimAction}
              hidden={hidden("REJECT")}
              submitLabel="驳回"
              fields={[{ name: "note", label: "驳回理由" }]}
              columns={2}
            />
          </>
        )}
        {staff && c.status === "APPROVED" && (
          <ActionForm
            testId="pay-claim"
            action={transitionClaimAction}
            hidden={hidden("PAY")}
            submitLabel="登记拨付"
            columns={3}
            fields={[
              {
                name: "payee",
                label: "拨付对象",
                type: "select",
                options: [
                  { value: "BANK", label: "贷款银行" },
                  { value: "BORROWER", label: "直补借款人" },
                ],
              },
              { name: "paidDate", label: "拨付日期", type: "date", defaultValue: todayShanghai() },
            ]}
          />
        )}
      </div>
      <ClaimSteps steps={c.steps} />
      <section>
        <h2 className="mb-2 font-medium">分级承担（元）</h2>
        <table className="rounded-lg bg-white text-sm ring-1 ring-stone-200" data-testid="claim-splits">
          <tbody className="divide-y divide-stone-100">
            {c.splits.map((s) => (
              <tr key={s.level}>
                <th className="px-3 py-1.5 text-left font-normal text-stone-600">{LEVEL_LABELS[s.level]}</th>
                <td className="num px-3 py-1.5">{y(s.amountFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2 className="mb-2 font-medium">逐笔明细（元）</h2>
        <table
          className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
          data-testid="claim-lines"
        >
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">贷款</th>
              <th className="px-3 py-2">借款人</th>
              <th className="px-3 py-2 text-right">本金</th>
              <th className="px-3 py-2">合同利率 · 个人承担利率</th>
              <th className="px-3 py-2 text-right">天数</th>
              <th className="px-3 py-2 text-right" title={tb("balanceDaysHint")}>
                {tb("balanceDays")}
              </th>
              <th className="px-3 py-2 text-right">利息</th>
              <th className="px-3 py-2 text-right">财政贴息</th>
              <th className="px-3 py-2 text-right">个人承担</th>
              <th className="px-3 py-2">不贴息天数 · 原因</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {c.lines.map((l) => (
              <tr key={l.loanId}>
                <td className="px-3 py-1.5 font-mono text-xs">
                  <Link href={`/loans/${l.loanId}`} className="text-brand-700 hover:underline">
                    {l.applicationNo}
                  </Link>
                </td>
                <td className="px-3 py-1.5">{l.borrowerName}</td>
                <td className="num px-3 py-1.5">{y(l.principalFen)}</td>
                <td className="px-3 py-1.5">
                  {bpToPercent(l.contractRateBp)} · {bpToPercent(l.borrowerRateBp)}
                </td>
                <td className="num px-3 py-1.5">{l.days}</td>
                <td className="num px-3 py-1.5" data-testid="claim-line-balance-days">
                  {l.balanceFenDays === null ? "—" : y(l.balanceFenDays)}
                  {l.excludedBalanceFenDays ? (
                    <div className="text-xs text-stone-500">
                      {tb("balanceDaysExcluded", { amount: y(l.excludedBalanceFenDays) })}
                    </div>
                  ) : null}
                </td>
                <td className="num px-3 py-1.5">{y(l.interestFen)}</td>
                <td className="num px-3 py-1.5">{y(l.subsidyFen)}</td>
                <td className="num px-3 py-1.5">{y(l.borrowerFen)}</td>
                <td className="px-3 py-1.5">
                  {l.excludedDays ? `${l.excludedDays} · ${l.excludedReason ?? ""}` : "—"}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="bg-stone-50 font-medium">
            <tr>
              <td className="px-3 py-1.5" colSpan={6}>
                合计 {c.lines.length} 笔
              </td>
              <td className="num px-3 py-1.5">{y(c.interestFen)}</td>
              <td className="num px-3 py-1.5">{y(c.subsidyFen)}</td>
              <td className="num px-3 py-1.5">{y(c.borrowerFen)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </section>
      <ClaimComparison
        claimId={c.id}
        lines={comparison}
        editable={editable}
        sampleHref={sample && `/imports/bank/sample?bankId=${sample.bankId}&kind=INTEREST`}
        reasonAction={differenceReasonAction}
      />
    </div>
  );
}
