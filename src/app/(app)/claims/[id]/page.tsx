import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { recordId } from "@/server/params";
import Link from "next/link";
import { can, formatYuan, bpToPercent } from "@/domain";
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
import { codeLabel } from "@/ui/units";

const y = (fen: number) => formatYuan(fen, false);

export default async function ClaimPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await pageActor();
  const tb = await getTranslations("bankFiles");
  const t = await getTranslations("claims");
  const tr = await getTranslations();
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
          {t("heading", { year: c.year, q: c.quarter, bank: c.bankName })}
        </h1>
        <span className="rounded bg-brand-50 px-2 py-0.5 text-sm text-brand-800" data-testid="claim-status">
          {codeLabel(tr, "claimStatus", c.status)}
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
        {t("summaryStart", { from: c.periodStart, to: c.periodEnd, interest: y(c.interestFen) })}{" "}
        <strong data-testid="claim-subsidy">{y(c.subsidyFen)}</strong>{" "}
        {t("summaryEnd", { borrower: y(c.borrowerFen) })}
        {c.paidDate &&
          ` · ${t("paidTo", { date: c.paidDate, payee: t(c.payee === "BANK" ? "payeeBank" : "payeeBorrower") })}`}
        {c.note && ` · ${c.note}`}
      </p>
      <div className="flex flex-wrap gap-4">
        {editable && (
          <ActionForm
            testId="submit-claim"
            action={transitionClaimAction}
            hidden={hidden("SUBMIT")}
            submitLabel={t("submit")}
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
              submitLabel={t("approve")}
              fields={[]}
              columns={1}
            />
            <ActionForm
              testId="reject-claim"
              action={transitionClaimAction}
              hidden={hidden("REJECT")}
              submitLabel={t("reject")}
              fields={[{ name: "note", label: t("rejectReason") }]}
              columns={2}
            />
          </>
        )}
        {staff && c.status === "APPROVED" && (
          <ActionForm
            testId="pay-claim"
            action={transitionClaimAction}
            hidden={hidden("PAY")}
            submitLabel={t("pay")}
            columns={3}
            fields={[
              {
                name: "payee",
                label: t("payee"),
                type: "select",
                options: [
                  { value: "BANK", label: t("payBank") },
                  { value: "BORROWER", label: t("payBorrower") },
                ],
              },
              { name: "paidDate", label: t("paidDate"), type: "date", defaultValue: todayShanghai() },
            ]}
          />
        )}
      </div>
      <ClaimSteps steps={c.steps} />
      <section>
        <h2 className="mb-2 font-medium">{t("splits")}</h2>
        <table className="rounded-lg bg-white text-sm ring-1 ring-stone-200" data-testid="claim-splits">
          <tbody className="divide-y divide-stone-100">
            {c.splits.map((s) => (
              <tr key={s.level}>
                <th className="px-3 py-1.5 text-left font-normal text-stone-600">
                  {codeLabel(tr, "level", s.level)}
                </th>
                <td className="num px-3 py-1.5">{y(s.amountFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2 className="mb-2 font-medium">{t("detail")}</h2>
        <table
          className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
          data-testid="claim-lines"
        >
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("loan")}</th>
              <th className="px-3 py-2">{t("borrowerName")}</th>
              <th className="px-3 py-2 text-right">{t("principal")}</th>
              <th className="px-3 py-2">{t("rates")}</th>
              <th className="px-3 py-2 text-right">{t("days")}</th>
              <th className="px-3 py-2 text-right" title={tb("balanceDaysHint")}>
                {tb("balanceDays")}
              </th>
              <th className="px-3 py-2 text-right">{t("lineInterest")}</th>
              <th className="px-3 py-2 text-right">{t("lineSubsidy")}</th>
              <th className="px-3 py-2 text-right">{t("lineBorrower")}</th>
              <th className="px-3 py-2">{t("excluded")}</th>
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
                {t("total", { count: c.lines.length })}
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
