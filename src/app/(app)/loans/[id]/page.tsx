import { notFound } from "next/navigation";
import { recordId } from "@/server/params";
import Link from "next/link";
import { randomUUID } from "node:crypto";
import { getTranslations } from "next-intl/server";
import {
  bucketOf,
  dueNow,
  fenToYuan,
  codeKey,
  formatDateTime,
  formatYuan,
  bpToPercent,
  GUARANTEE_LABELS,
  METHOD_LABELS,
} from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { getLoanDetail } from "@/server/services/lifecycle";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { LoanRulesPanel } from "@/ui/rules/LoanRulesPanel";
import { ActionForm } from "@/ui/forms/ActionForm";
import {
  decideAction,
  decideChangeAction,
  disburseAction,
  postRepaymentAction,
  requestChangeAction,
  reverseAction,
} from "../actions";
import { requestCompensationAction } from "../../fund/actions";
import { decisionBasis } from "@/server/services/decision-basis";
import { caseOfLoan } from "@/server/services/collection";
import { DecisionBasisPanel } from "@/ui/worklists/DecisionBasis";

const y = (fen: number | null) => (fen === null ? "—" : formatYuan(fen, false));

export default async function LoanPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations();
  const actionLabel = (code: string) => {
    const key = codeKey(code, (k) => t.has(`codes.actions.${k}`));
    return key ? t(`codes.actions.${key}` as never) : code;
  };
  const n = recordId(id);
  if (n === null) notFound();
  const res = await attempt(() => getLoanDetail(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const l = res.data;
  // At approval: the basis for the decision (read-only; the decision stays with decideApplication).
  const basis = l.status === "APPLIED" ? await decisionBasis(actor, l.borrower.id, undefined, l.id) : null;
  const caseId = l.daysPastDue > 0 ? await caseOfLoan(actor, l.id) : null;
  // One key per rendered form: a double click or a retry of this submission posts once.
  const postingKey = randomUUID();
  const due = dueNow(l.schedule, todayShanghai());
  const reversible = l.journal.filter((e) => e.kind === "REPAYMENT" && !e.reversed).reverse(); // newest first
  const info = (label: string, value: React.ReactNode) => (
    <div>
      <dt className="text-xs text-stone-500">{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <div className="space-y-6">
      {sp.applied && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-green-800">
          贷款申请已提交，等待另一位审核人审批
        </p>
      )}
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">贷款 {l.applicationNo}</h1>
        <span className="rounded bg-brand-50 px-2 py-0.5 text-sm text-brand-800" data-testid="loan-status">
          {t(`status.${l.status}`)}
        </span>
        {l.daysPastDue > 0 && (
          <span className="rounded bg-red-50 px-2 py-0.5 text-sm text-red-700" data-testid="loan-dpd">
            逾期 {l.daysPastDue} 天 · {t(`bucket.${bucketOf(l.daysPastDue)}`)}
          </span>
        )}
        <nav className="ml-auto flex gap-3 text-sm" aria-label={t("documents.print")}>
          <Link
            href={`/loans/${l.id}/print/approval`}
            target="_blank"
            className="text-brand-700 hover:underline"
          >
            {t("documents.links.approval")}
          </Link>
          {l.schedule.length > 0 && (
            <Link
              href={`/loans/${l.id}/print/schedule`}
              target="_blank"
              className="text-brand-700 hover:underline"
            >
              {t("documents.links.schedule")}
            </Link>
          )}
        </nav>
        {caseId && (
          <Link
            href={`/collection/${caseId}`}
            className="text-sm text-brand-700 hover:underline"
            data-testid="loan-case"
          >
            {t("collection.title")}
          </Link>
        )}
      </div>
      <dl className="grid grid-cols-2 gap-4 rounded-lg bg-white p-4 text-sm ring-1 ring-stone-200 md:grid-cols-4">
        {info(
          "借款人",
          <Link
            href={`/borrowers/${l.borrower.id}`}
            className="text-brand-700 hover:underline"
          >{`${l.borrower.name}（${l.borrower.idNumberMasked}）`}</Link>,
        )}
        {info("项目 · 政策", `${l.programme} · ${l.policyName}`)}
        {info("贷款银行 · 合同号", `${l.bankName} · ${l.contractNo ?? "—"}`)}
        {info("申请金额（元）", y(l.requestedFen))}
        {info("放款金额（元）", y(l.principalFen))}
        {info("贷款余额（元）", <span data-testid="loan-outstanding">{y(l.outstandingFen)}</span>)}
        {info("已还本金 · 利息（元）", `${y(l.principalRepaidFen)} · ${y(l.interestRepaidFen)}`)}
        {info(
          "期限 · 还款方式",
          `${l.termMonths}个月 · ${METHOD_LABELS[l.method as keyof typeof METHOD_LABELS]}`,
        )}
        {info("合同利率 · 借款人承担", `${bpToPercent(l.contractRateBp)} · ${bpToPercent(l.borrowerRateBp)}`)}
        {info(
          "申请 · 放款 · 到期",
          `${l.applicationDate} · ${l.disbursedDate ?? "—"} · ${l.extendedMaturityDate ?? l.maturityDate ?? "—"}`,
        )}
        {info("用途 · 产业", `${l.purpose} · ${l.industry}`)}
        {info("担保方式", GUARANTEE_LABELS[l.guaranteeType])}
        {l.rejectReason && info("驳回理由", l.rejectReason)}
      </dl>

      <LoanRulesPanel loan={l} />
      {basis && <DecisionBasisPanel basis={basis} />}
      {l.can.approve && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">审批</h2>
          <div className="flex flex-wrap gap-6">
            <ActionForm
              testId="approve"
              action={decideAction}
              hidden={{ loanId: String(l.id), version: String(l.version), decision: "APPROVE" }}
              submitLabel="审核通过"
              successMessage="已审核通过"
              fields={[]}
              columns={1}
            />
            <ActionForm
              testId="reject"
              action={decideAction}
              hidden={{ loanId: String(l.id), version: String(l.version), decision: "REJECT" }}
              submitLabel="驳回"
              successMessage="已驳回"
              fields={[{ name: "reason", label: "驳回理由" }]}
              columns={2}
            />
          </div>
        </section>
      )}
      {l.can.disburse && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">放款登记</h2>
          <ActionForm
            testId="disburse"
            action={disburseAction}
            hidden={{ loanId: String(l.id), version: String(l.version) }}
            submitLabel="登记放款并生成还款计划"
            successMessage="已登记放款"
            columns={4}
            fields={[
              { name: "contractNo", label: "借款合同号" },
              { name: "disbursedDate", label: "放款日期", type: "date", defaultValue: todayShanghai() },
              {
                name: "amount",
                label: "放款金额（元）",
                type: "yuan",
                defaultValue: fenToYuan(l.requestedFen),
                capFen: l.requestedFen,
                capIsApproved: true,
              },
              {
                name: "contractRate",
                label: "合同年利率（%）",
                type: "percent",
                capBp: l.disburseRateCapBp ?? undefined,
              },
            ]}
          />
        </section>
      )}
      {l.can.post && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-1 font-medium">登记还款（依据银行流水）</h2>
          {due && (
            <p className="mb-3 text-sm text-stone-700" data-testid="due-now">
              {t(due.overdue ? "loanPage.dueOverdue" : "loanPage.dueNext", {
                seqs: due.seqs.length > 1 ? `${due.seqs[0]}–${due.seqs.at(-1)}` : String(due.seqs[0]),
                date: due.dueDate,
                principal: formatYuan(due.principalFen),
                interest: formatYuan(due.interestFen),
              })}
            </p>
          )}
          <ActionForm
            testId="repay"
            action={postRepaymentAction}
            refreshAfterSuccess
            hidden={{ loanId: String(l.id), idempotencyKey: postingKey }}
            submitLabel="登记还款"
            successMessage="还款已登记"
            columns={4}
            fields={[
              { name: "valueDate", label: "还款日期", type: "date", defaultValue: todayShanghai() },
              // What is due now, as the bank's statement would usually show it; the clerk types what was paid.
              {
                name: "principal",
                label: "本金（元）",
                type: "yuan",
                defaultValue: fenToYuan(due?.principalFen ?? 0),
              },
              {
                name: "interest",
                label: "利息（元）",
                type: "yuan",
                defaultValue: fenToYuan(due?.interestFen ?? 0),
              },
              { name: "penalty", label: "罚息（元）", type: "yuan", defaultValue: "0" },
            ]}
          />
        </section>
      )}

      {l.can.requestCompensation && (
        <section id="compensation" className="rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200">
          <h2 className="mb-2 font-medium">逾期 {l.daysPastDue} 天，已达代偿条件</h2>
          <ActionForm
            testId="request-compensation"
            action={requestCompensationAction}
            hidden={{ loanId: String(l.id) }}
            submitLabel="申请风险补偿金代偿"
            successMessage="代偿申请已提交，等待审核"
            fields={[]}
            columns={1}
          />
        </section>
      )}

      {(l.requests.length > 0 || l.can.requestChange) && (
        <section id="requests" className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">展期 · 核销 · 取消贴息</h2>
          <ul className="mb-3 space-y-2 text-sm" data-testid="loan-requests">
            {l.requests.map((r) => (
              <li key={r.id}>
                {r.kind === "EXTENSION" ? `展期 ${r.months} 个月` : r.kind === "VOID" ? "取消贴息" : "核销"} ·{" "}
                {r.reason} · {{ PENDING: "待审批", APPROVED: "已批准", REJECTED: "已驳回" }[r.status]}
                {r.decisionNote ? `（${r.decisionNote}）` : ""}
                {r.status === "PENDING" && l.can.decideChange && !r.mine && (
                  <div className="mt-1 flex flex-wrap gap-4">
                    <ActionForm
                      testId={`approve-request-${r.id}`}
                      action={decideChangeAction}
                      hidden={{ requestId: String(r.id), decision: "APPROVE" }}
                      submitLabel="批准"
                      fields={[]}
                      columns={1}
                    />
                    <ActionForm
                      testId={`reject-request-${r.id}`}
                      action={decideChangeAction}
                      hidden={{ requestId: String(r.id), decision: "REJECT" }}
                      submitLabel="驳回"
                      fields={[{ name: "note", label: "驳回理由" }]}
                      columns={2}
                    />
                  </div>
                )}
              </li>
            ))}
          </ul>
          {l.can.requestChange && (
            <details>
              <summary className="cursor-pointer text-sm text-brand-700">申请展期或核销</summary>
              <ActionForm
                testId="request-change"
                action={requestChangeAction}
                hidden={{ loanId: String(l.id) }}
                submitLabel="提交审批"
                successMessage="已提交，等待另一位审核人审批"
                columns={3}
                fields={[
                  {
                    name: "kind",
                    label: "类型",
                    type: "select",
                    options: [
                      { value: "EXTENSION", label: "展期（一次，展期期间不贴息）" },
                      { value: "WRITE_OFF", label: "核销" },
                      { value: "VOID", label: "取消贴息（挪用资金、提供虚假信息）" },
                    ],
                  },
                  {
                    name: "months",
                    label: t("rules.loan.extensionMonths", { n: l.maxExtensionMonths }),
                    type: "number",
                    defaultValue: String(l.maxExtensionMonths),
                  },
                  { name: "reason", label: "理由" },
                ]}
              />
            </details>
          )}
        </section>
      )}

      {l.schedule.length > 0 && (
        <section>
          <h2 className="mb-2 font-medium">还款计划（元）</h2>
          <table
            className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
            data-testid="schedule"
          >
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">期次</th>
                <th className="px-3 py-2">应还日期</th>
                <th className="px-3 py-2 text-right">应还本金</th>
                <th className="px-3 py-2 text-right">应还利息</th>
                <th className="px-3 py-2 text-right">已还本金</th>
                <th className="px-3 py-2 text-right">已还利息</th>
                <th className="px-3 py-2">结清日期</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {l.schedule.map((s) => (
                <tr key={s.seq}>
                  <td className="px-3 py-1.5">{s.seq}</td>
                  <td className="px-3 py-1.5">{s.dueDate}</td>
                  <td className="num px-3 py-1.5">{y(s.principalDueFen)}</td>
                  <td className="num px-3 py-1.5">{y(s.interestDueFen)}</td>
                  <td className="num px-3 py-1.5">{y(s.principalPaidFen)}</td>
                  <td className="num px-3 py-1.5">{y(s.interestPaidFen)}</td>
                  <td className="px-3 py-1.5">{s.paidDate ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section>
        <h2 className="mb-2 font-medium">还款流水（只增不改，更正以冲正记录）</h2>
        <table className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200" data-testid="journal">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">流水号</th>
              <th className="px-3 py-2">类型</th>
              <th className="px-3 py-2">还款日期</th>
              <th className="px-3 py-2 text-right">本金</th>
              <th className="px-3 py-2 text-right">利息</th>
              <th className="px-3 py-2 text-right">罚息</th>
              <th className="px-3 py-2">说明</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {l.journal.map((e) => (
              <tr key={e.id} className={e.reversed ? "text-stone-400 line-through" : ""}>
                <td className="px-3 py-1.5 font-mono text-xs">{e.id}</td>
                <td className="px-3 py-1.5">{e.kind === "REVERSAL" ? `冲正 #${e.reversesId}` : "还款"}</td>
                <td className="px-3 py-1.5">{e.valueDate}</td>
                <td className="num px-3 py-1.5">{y(e.principalFen)}</td>
                <td className="num px-3 py-1.5">{y(e.interestFen)}</td>
                <td className="num px-3 py-1.5">{y(e.penaltyFen)}</td>
                <td className="px-3 py-1.5">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {l.journal.length === 0 && <p className="p-3 text-sm text-stone-500">暂无还款</p>}
        {/* One reversal form for the whole journal (a form per row made every posting's page re-render heavy). */}
        {l.can.post && reversible.length > 0 && (
          <details className="mt-2 rounded-lg bg-white p-3 ring-1 ring-stone-200">
            <summary className="cursor-pointer text-sm text-brand-700">冲正一笔流水</summary>
            <ActionForm
              testId="reverse"
              action={reverseAction}
              hidden={{ idempotencyKey: `${postingKey}-r` }}
              submitLabel="确认冲正"
              successMessage="已冲正"
              columns={2}
              fields={[
                {
                  name: "entryId",
                  label: "要冲正的流水",
                  type: "select",
                  options: reversible.map((e) => ({
                    value: String(e.id),
                    label: `#${e.id} · ${e.valueDate} · 本金 ${y(e.principalFen)} · 利息 ${y(e.interestFen)}`,
                  })),
                },
                { name: "reason", label: "冲正原因" },
              ]}
            />
          </details>
        )}
      </section>

      {l.subsidyLines.length > 0 && (
        <section>
          <h2 className="mb-2 font-medium">贴息（元）</h2>
          <table className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200">
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">季度</th>
                <th className="px-3 py-2">天数</th>
                <th className="px-3 py-2 text-right">利息</th>
                <th className="px-3 py-2 text-right">财政贴息</th>
                <th className="px-3 py-2 text-right">个人承担</th>
                <th className="px-3 py-2">不贴息天数 · 原因</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {l.subsidyLines.map((s, i) => (
                <tr key={i}>
                  <td className="px-3 py-1.5">{s.claim}</td>
                  <td className="px-3 py-1.5">{s.days}</td>
                  <td className="num px-3 py-1.5">{y(s.interestFen)}</td>
                  <td className="num px-3 py-1.5">{y(s.subsidyFen)}</td>
                  <td className="num px-3 py-1.5">{y(s.borrowerFen)}</td>
                  <td className="px-3 py-1.5">
                    {s.excludedDays ? `${s.excludedDays} · ${s.excludedReason ?? ""}` : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section>
        <h2 className="mb-2 font-medium">操作记录（北京时间）</h2>
        <ul className="text-sm text-stone-600">
          {l.history.map((h, i) => (
            <li key={i}>
              {formatDateTime(h.at)} · {h.username} · {actionLabel(h.action)}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
