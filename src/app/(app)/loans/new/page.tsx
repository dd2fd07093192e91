import { getTranslations } from "next-intl/server";
import { can, GUARANTEE_LABELS, REPAYMENT_METHODS } from "@/domain";
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
import { codeLabel, unitFormatters } from "@/ui/units";
import { borrowerCredit } from "@/server/services/credit";

export default async function NewLoanPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("loanNew");
  const tr = await getTranslations();
  const sv = await getTranslations("survey");
  if (!can(actor.role, "loan.write")) return <PageError message={t("forbidden")} />;
  // Applications start from a borrower (her page's 申请贷款): without one, say so and show the way.
  const borrowerId = recordId(sp.borrower ?? "");
  if (borrowerId === null) return <PageError message={t("noBorrower")} />;
  const res = await attempt(async () => {
    const borrower = await getBorrower(actor, borrowerId);
    return {
      borrower,
      options: await applicationOptions(borrower.villageCode),
      basis: await decisionBasis(actor, borrower.id),
      credit: await borrowerCredit(actor, borrower.id),
    };
  });
  if (!res.ok) return <PageError message={res.message} />;
  const { borrower, options, basis, credit } = res.data;
  // The household's credit limit in force (issue 23): an amount above it is refused.
  const tc = await getTranslations("creditRating");
  const u = unitFormatters(await getTranslations("units"));
  const creditHint = credit.current
    ? tc("limitHint", { limit: u.yuan(credit.current.creditLimitFen), to: credit.current.validTo })
    : tc("noLimitHint");
  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">{t("title")}</h1>
      <p className="mb-4 text-sm text-stone-600">
        {t("borrower", {
          name: borrower.name,
          id: borrower.idNumberMasked,
          township: borrower.townshipName,
          village: borrower.villageName,
        })}
      </p>
      <div className="mb-4 max-w-4xl">
        <DecisionBasisPanel basis={basis} />
      </div>
      <div className="max-w-4xl rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <ActionForm
          testId="apply"
          action={applyAction}
          submitLabel={t("submit")}
          columns={3}
          hidden={{ borrowerId: String(borrower.id) }}
          fields={[
            {
              name: "programmeCode",
              label: t("programme"),
              type: "select",
              options: options.programmes.map((p) => ({ value: p.code, label: p.name })),
            },
            {
              name: "amount",
              label: t("amount"),
              type: "yuan",
              hint: creditHint,
              capBy: {
                field: "programmeCode",
                caps: Object.fromEntries(
                  options.programmes.flatMap((p) => (p.capFen === null ? [] : [[p.code, p.capFen]])),
                ),
              },
            },
            { name: "termMonths", label: t("term"), type: "number", defaultValue: "24" },
            {
              name: "method",
              label: t("method"),
              type: "select",
              options: REPAYMENT_METHODS.map((m) => ({ value: m, label: codeLabel(tr, "method", m) })),
            },
            {
              name: "bankId",
              label: t("bank"),
              type: "select",
              options: options.banks.map((b) => ({ value: String(b.id), label: b.name })),
            },
            {
              name: "guaranteeType",
              label: t("guarantee"),
              type: "select",
              // The codes in the domain's order; their labels from the messages.
              options: Object.keys(GUARANTEE_LABELS).map((value) => ({
                value,
                label: codeLabel(tr, "guarantee", value),
              })),
            },
            { name: "purpose", label: t("purpose") },
            { name: "industry", label: t("industry"), defaultValue: borrower.industry },
            {
              name: "applicationDate",
              label: t("applicationDate"),
              type: "date",
              defaultValue: todayShanghai(),
            },
            // 贷前摸底调查 (issue 23 item 2): the household survey is part of the application.
            {
              name: "surveyDate",
              label: sv("surveyDateField"),
              type: "date",
              defaultValue: todayShanghai(),
              required: true,
            },
            { name: "householdSize", label: sv("householdSize"), type: "number", required: true },
            { name: "labourers", label: sv("labourers"), type: "number", required: true },
            { name: "annualIncome", label: sv("annualIncomeField"), type: "yuan", required: true },
            { name: "incomeSource", label: sv("incomeSource"), maxLength: 128, required: true },
            { name: "projectInvestment", label: sv("projectInvestmentField"), type: "yuan", required: true },
            {
              name: "household",
              label: sv("household"),
              maxLength: 256,
              hint: sv("householdHint"),
              required: true,
            },
            {
              name: "project",
              label: sv("project"),
              maxLength: 256,
              hint: sv("projectHint"),
              required: true,
            },
          ]}
        />
      </div>
    </div>
  );
}
