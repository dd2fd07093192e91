import { can, REPAYMENT_METHODS, METHOD_LABELS, GUARANTEE_LABELS } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { recordId } from "@/server/params";
import { getBorrower } from "@/server/services/borrowers";
import { applicationOptions } from "@/server/services/lifecycle";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { applyAction } from "../actions";
import { decisionBasis } from "@/server/services/decision-basis";
import { DecisionBasisPanel } from "@/ui/worklists/DecisionBasis";

export default async function NewLoanPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  if (!can(actor.role, "loan.write")) return <PageError message="您没有录入贷款申请的权限" />;
  // Applications start from a borrower (her page's 申请贷款): without one, say so and show the way.
  const borrowerId = recordId(sp.borrower ?? "");
  if (borrowerId === null)
    return <PageError message="请先在“借款人”中找到借款人，再从她的页面点“申请贷款”" />;
  const res = await attempt(async () => {
    const borrower = await getBorrower(actor, borrowerId);
    return {
      borrower,
      options: await applicationOptions(borrower.villageCode),
      basis: await decisionBasis(actor, borrower.id),
    };
  });
  if (!res.ok) return <PageError message={res.message} />;
  const { borrower, options, basis } = res.data;
  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">录入贷款申请</h1>
      <p className="mb-4 text-sm text-stone-600">
        借款人：{borrower.name}（{borrower.idNumberMasked}，{borrower.townshipName} · {borrower.villageName}）
      </p>
      <div className="mb-4 max-w-4xl">
        <DecisionBasisPanel basis={basis} />
      </div>
      <div className="max-w-4xl rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <ActionForm
          testId="apply"
          action={applyAction}
          submitLabel="提交审核"
          columns={3}
          hidden={{ borrowerId: String(borrower.id) }}
          fields={[
            {
              name: "programmeCode",
              label: "贷款项目",
              type: "select",
              options: options.programmes.map((p) => ({ value: p.code, label: p.name })),
            },
            {
              name: "amount",
              label: "申请金额（元）",
              type: "yuan",
              capBy: {
                field: "programmeCode",
                caps: Object.fromEntries(
                  options.programmes.flatMap((p) => (p.capFen === null ? [] : [[p.code, p.capFen]])),
                ),
              },
            },
            { name: "termMonths", label: "期限（月）", type: "number", defaultValue: "24" },
            {
              name: "method",
              label: "还款方式",
              type: "select",
              options: REPAYMENT_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] })),
            },
            {
              name: "bankId",
              label: "贷款银行",
              type: "select",
              options: options.banks.map((b) => ({ value: String(b.id), label: b.name })),
            },
            {
              name: "guaranteeType",
              label: "担保方式",
              type: "select",
              options: Object.entries(GUARANTEE_LABELS).map(([value, label]) => ({ value, label })),
            },
            { name: "purpose", label: "贷款用途" },
            { name: "industry", label: "产业", defaultValue: borrower.industry },
            { name: "applicationDate", label: "申请日期", type: "date", defaultValue: todayShanghai() },
          ]}
        />
      </div>
    </div>
  );
}
