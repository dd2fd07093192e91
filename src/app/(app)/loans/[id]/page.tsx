import { notFound } from "next/navigation";
import { recordId } from "@/server/params";
import Link from "next/link";
import { randomUUID } from "node:crypto";
import { getTranslations } from "next-intl/server";
import { bucketOf, dueNow, fenToYuan, codeKey, formatDateTime, formatYuan, bpToPercent } from "@/domain";
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
  recordVisitAction,
  requestChangeAction,
  reverseAction,
} from "../actions";
import { requestCompensationAction } from "../../fund/actions";
import { decisionBasis } from "@/server/services/decision-basis";
import { caseOfLoan } from "@/server/services/collection";
import { DecisionBasisPanel } from "@/ui/worklists/DecisionBasis";
import { codeLabel } from "@/ui/units";
import { ATTACHMENT_LIMITS } from "@/config/limits";
import { listVisits } from "@/server/services/visits";
import { SurveyPanel } from "@/ui/visits/SurveyPanel";
import { VisitsPanel } from "@/ui/visits/VisitsPanel";
import { InsurancePanel } from "@/ui/insurance/InsurancePanel";

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
  const p = await getTranslations("loanPage");
  const yuan = (fen: number) => t("units.yuan", { amount: formatYuan(fen, false) });
  /** A code's label when the messages have one (method, guarantee), else the code itself. */
  const label = (section: string, code: string) => codeLabel(t, section, code);
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
  // 贷后回访 (issue 23 item 2): from disbursement on.
  const visits = l.disbursedDate ? await listVisits(actor, l.id) : null;
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
          {p("applied")}
        </p>
      )}
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">{p("title", { no: l.applicationNo })}</h1>
        <span className="rounded bg-brand-50 px-2 py-0.5 text-sm text-brand-800" data-testid="loan-status">
          {t(`status.${l.status}`)}
        </span>
        {l.daysPastDue > 0 && (
          <span className="rounded bg-red-50 px-2 py-0.5 text-sm text-red-700" data-testid="loan-dpd">
            {p("dpd", { days: l.daysPastDue, bucket: t(`bucket.${bucketOf(l.daysPastDue)}`) })}
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
          p("borrower"),
          <Link href={`/borrowers/${l.borrower.id}`} className="text-brand-700 hover:underline">
            {p("borrowerValue", { name: l.borrower.name, id: l.borrower.idNumberMasked })}
          </Link>,
        )}
        {info(p("programme"), `${l.programme} · ${l.policyName}`)}
        {info(p("bank"), `${l.bankName} · ${l.contractNo ?? "—"}`)}
        {info(p("requested"), y(l.requestedFen))}
        {info(p("principal"), y(l.principalFen))}
        {info(p("outstanding"), <span data-testid="loan-outstanding">{y(l.outstandingFen)}</span>)}
        {info(p("repaid"), `${y(l.principalRepaidFen)} · ${y(l.interestRepaidFen)}`)}
        {info(p("term"), p("termValue", { months: l.termMonths, method: label("method", l.method) }))}
        {info(p("rate"), `${bpToPercent(l.contractRateBp)} · ${bpToPercent(l.borrowerRateBp)}`)}
        {info(
          p("dates"),
          `${l.applicationDate} · ${l.disbursedDate ?? "—"} · ${l.extendedMaturityDate ?? l.maturityDate ?? "—"}`,
        )}
        {info(p("purpose"), `${l.purpose} · ${l.industry}`)}
        {info(p("guarantee"), label("guarantee", l.guaranteeType))}
        {l.rejectReason && info(p("rejectReason"), l.rejectReason)}
      </dl>

      <SurveyPanel survey={l.survey} review={l.review} />
      <LoanRulesPanel loan={l} />
      {basis && <DecisionBasisPanel basis={basis} />}
      {l.can.approve && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">{p("approval")}</h2>
          <div className="flex flex-wrap gap-6">
            <ActionForm
              testId="approve"
              action={decideAction}
              hidden={{ loanId: String(l.id), version: String(l.version), decision: "APPROVE" }}
              submitLabel={p("approve")}
              successMessage={p("approved")}
              fields={[{ name: "reviewNote", label: t("survey.reviewNote"), maxLength: 512 }]}
              columns={1}
            />
            <ActionForm
              testId="reject"
              action={decideAction}
              hidden={{ loanId: String(l.id), version: String(l.version), decision: "REJECT" }}
              submitLabel={p("reject")}
              successMessage={p("rejected")}
              fields={[{ name: "reason", label: p("rejectReason") }]}
              columns={2}
            />
          </div>
        </section>
      )}
      {l.can.disburse && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">{p("disburse")}</h2>
          <ActionForm
            testId="disburse"
            action={disburseAction}
            hidden={{ loanId: String(l.id), version: String(l.version) }}
            submitLabel={p("disburseSubmit")}
            successMessage={p("disbursed")}
            columns={4}
            fields={[
              { name: "contractNo", label: p("contractNo") },
              {
                name: "disbursedDate",
                label: p("disbursedDate"),
                type: "date",
                defaultValue: todayShanghai(),
              },
              {
                name: "amount",
                label: p("amount"),
                type: "yuan",
                defaultValue: fenToYuan(l.requestedFen),
                capFen: l.requestedFen,
                capIsApproved: true,
              },
              {
                name: "contractRate",
                label: p("contractRate"),
                type: "percent",
                capBp: l.disburseRateCapBp ?? undefined,
              },
            ]}
          />
        </section>
      )}
      {l.can.post && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-1 font-medium">{p("repay")}</h2>
          {due && (
            <p className="mb-3 text-sm text-stone-700" data-testid="due-now">
              {t(due.overdue ? "loanPage.dueOverdue" : "loanPage.dueNext", {
                seqs: due.seqs.length > 1 ? `${due.seqs[0]}–${due.seqs.at(-1)}` : String(due.seqs[0]),
                date: due.dueDate,
                principal: yuan(due.principalFen),
                interest: yuan(due.interestFen),
              })}
            </p>
          )}
          <ActionForm
            testId="repay"
            action={postRepaymentAction}
            refreshAfterSuccess
            hidden={{ loanId: String(l.id), idempotencyKey: postingKey }}
            submitLabel={p("repaySubmit")}
            successMessage={p("repayPosted")}
            columns={4}
            fields={[
              { name: "valueDate", label: p("valueDate"), type: "date", defaultValue: todayShanghai() },
              // What is due now, as the bank's statement would usually show it; the clerk types what was paid.
              {
                name: "principal",
                label: p("principalYuan"),
                type: "yuan",
                defaultValue: fenToYuan(due?.principalFen ?? 0),
              },
              {
                name: "interest",
                label: p("interestYuan"),
                type: "yuan",
                defaultValue: fenToYuan(due?.interestFen ?? 0),
              },
              { name: "penalty", label: p("penaltyYuan"), type: "yuan", defaultValue: "0" },
            ]}
          />
        </section>
      )}

      {l.can.requestCompensation && (
        <section id="compensation" className="rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200">
          <h2 className="mb-2 font-medium">{p("compensation", { days: l.daysPastDue })}</h2>
          <ActionForm
            testId="request-compensation"
            action={requestCompensationAction}
            hidden={{ loanId: String(l.id) }}
            submitLabel={p("compensationSubmit")}
            successMessage={p("compensationRequested")}
            fields={[]}
            columns={1}
          />
        </section>
      )}

      {(l.requests.length > 0 || l.can.requestChange) && (
        <section id="requests" className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-2 font-medium">{p("requests")}</h2>
          <ul className="mb-3 space-y-2 text-sm" data-testid="loan-requests">
            {l.requests.map((r) => (
              <li key={r.id}>
                {r.kind === "EXTENSION"
                  ? p("requestExtension", { months: r.months ?? "" })
                  : r.kind === "VOID"
                    ? p("requestVoid")
                    : p("requestWriteOff")}{" "}
                · {r.reason} · {p(`requestStatus.${r.status}`)}
                {r.decisionNote ? p("decisionNote", { note: r.decisionNote }) : ""}
                {r.status === "PENDING" && l.can.decideChange && !r.mine && (
                  <div className="mt-1 flex flex-wrap gap-4">
                    <ActionForm
                      testId={`approve-request-${r.id}`}
                      action={decideChangeAction}
                      hidden={{ requestId: String(r.id), decision: "APPROVE" }}
                      submitLabel={p("approveRequest")}
                      fields={[]}
                      columns={1}
                    />
                    <ActionForm
                      testId={`reject-request-${r.id}`}
                      action={decideChangeAction}
                      hidden={{ requestId: String(r.id), decision: "REJECT" }}
                      submitLabel={p("rejectRequest")}
                      fields={[{ name: "note", label: p("rejectReason") }]}
                      columns={2}
                    />
                  </div>
                )}
              </li>
            ))}
          </ul>
          {l.can.requestChange && (
            <details>
              <summary className="cursor-pointer text-sm text-brand-700">{p("requestChange")}</summary>
              <ActionForm
                testId="request-change"
                action={requestChangeAction}
                hidden={{ loanId: String(l.id) }}
                submitLabel={p("requestSubmit")}
                successMessage={p("requestSubmitted")}
                columns={3}
                fields={[
                  {
                    name: "kind",
                    label: p("kind"),
                    type: "select",
                    options: [
                      { value: "EXTENSION", label: p("kindExtension") },
                      { value: "WRITE_OFF", label: p("kindWriteOff") },
                      { value: "VOID", label: p("kindVoid") },
                    ],
                  },
                  {
                    name: "months",
                    label: t("rules.loan.extensionMonths", { n: l.maxExtensionMonths }),
                    type: "number",
                    defaultValue: String(l.maxExtensionMonths),
                  },
                  { name: "reason", label: p("reason") },
                ]}
              />
            </details>
          )}
        </section>
      )}

      {l.schedule.length > 0 && (
        <section>
          <h2 className="mb-2 font-medium">{p("schedule")}</h2>
          <table
            className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
            data-testid="schedule"
          >
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{p("seq")}</th>
                <th className="px-3 py-2">{p("dueDate")}</th>
                <th className="px-3 py-2 text-right">{p("principalDue")}</th>
                <th className="px-3 py-2 text-right">{p("interestDue")}</th>
                <th className="px-3 py-2 text-right">{p("principalPaid")}</th>
                <th className="px-3 py-2 text-right">{p("interestPaid")}</th>
                <th className="px-3 py-2">{p("paidDate")}</th>
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
        <h2 className="mb-2 font-medium">{p("journal")}</h2>
        <table className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200" data-testid="journal">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{p("entryId")}</th>
              <th className="px-3 py-2">{p("entryKind")}</th>
              <th className="px-3 py-2">{p("valueDate")}</th>
              <th className="px-3 py-2 text-right">{p("entryPrincipal")}</th>
              <th className="px-3 py-2 text-right">{p("entryInterest")}</th>
              <th className="px-3 py-2 text-right">{p("entryPenalty")}</th>
              <th className="px-3 py-2">{p("entryNote")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {l.journal.map((e) => (
              <tr key={e.id} className={e.reversed ? "text-stone-400 line-through" : ""}>
                <td className="px-3 py-1.5 font-mono text-xs">{e.id}</td>
                <td className="px-3 py-1.5">
                  {e.kind === "REVERSAL" ? p("reversalOf", { id: e.reversesId ?? "" }) : p("repayment")}
                </td>
                <td className="px-3 py-1.5">{e.valueDate}</td>
                <td className="num px-3 py-1.5">{y(e.principalFen)}</td>
                <td className="num px-3 py-1.5">{y(e.interestFen)}</td>
                <td className="num px-3 py-1.5">{y(e.penaltyFen)}</td>
                <td className="px-3 py-1.5">{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {l.journal.length === 0 && <p className="p-3 text-sm text-stone-500">{p("noRepayments")}</p>}
        {/* One reversal form for the whole journal (a form per row made every posting's page re-render heavy). */}
        {l.can.post && reversible.length > 0 && (
          <details className="mt-2 rounded-lg bg-white p-3 ring-1 ring-stone-200">
            <summary className="cursor-pointer text-sm text-brand-700">{p("reverse")}</summary>
            <ActionForm
              testId="reverse"
              action={reverseAction}
              hidden={{ idempotencyKey: `${postingKey}-r` }}
              submitLabel={p("reverseSubmit")}
              successMessage={p("reversed")}
              columns={2}
              fields={[
                {
                  name: "entryId",
                  label: p("reverseEntry"),
                  type: "select",
                  options: reversible.map((e) => ({
                    value: String(e.id),
                    label: p("reverseOption", {
                      id: e.id,
                      date: e.valueDate,
                      principal: y(e.principalFen),
                      interest: y(e.interestFen),
                    }),
                  })),
                },
                { name: "reason", label: p("reverseReason") },
              ]}
            />
          </details>
        )}
      </section>

      {l.subsidyLines.length > 0 && (
        <section>
          <h2 className="mb-2 font-medium">{p("subsidy")}</h2>
          <table className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200">
            <thead className="bg-stone-100 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{p("quarter")}</th>
                <th className="px-3 py-2">{p("days")}</th>
                <th className="px-3 py-2 text-right">{p("entryInterest")}</th>
                <th className="px-3 py-2 text-right">{p("subsidyAmount")}</th>
                <th className="px-3 py-2 text-right">{p("borrowerShare")}</th>
                <th className="px-3 py-2">{p("excluded")}</th>
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

      {visits && (
        <VisitsPanel
          loanId={l.id}
          borrowerId={l.borrower.id}
          visits={visits}
          action={recordVisitAction}
          visitorName={actor.displayName}
          maxMb={ATTACHMENT_LIMITS.maxFileBytes / 1024 / 1024}
        />
      )}
      <InsurancePanel actor={actor} loanId={l.id} />

      <section>
        <h2 className="mb-2 font-medium">{p("history")}</h2>
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
