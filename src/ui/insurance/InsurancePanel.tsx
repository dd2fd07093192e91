import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { fenToYuan, formatYuan } from "@/domain";
import type { Actor } from "@/server/authz";
import { attempt } from "@/server/errors";
import { loanInsurance, PREMIUM_PAYERS } from "@/server/services/insurance";
import { todayShanghai } from "@/server/clock";
import { ActionForm } from "@/ui/forms/ActionForm";
import { PageError } from "@/ui/shell/PageError";
import { addPolicyAction, fileClaimAction, settleClaimAction } from "@/app/(app)/insurance/actions";

const cell = "px-3 py-1.5";
const head = "px-3 py-2";

/** The loan page's insurance section (issue 23 item 4): policies, claims, and the county staff's forms. */
export async function InsurancePanel({ actor, loanId }: { actor: Actor; loanId: number }) {
  const t = await getTranslations("insurance");
  const res = await attempt(() => loanInsurance(actor, loanId));
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const y = (fen: number | null) => (fen === null ? "—" : formatYuan(fen, false));
  const open = v.claims.filter((c) => c.status === "FILED");
  return (
    <section id="insurance" className="space-y-3" data-testid="insurance">
      <h2 className="font-medium">{t("title")}</h2>
      <p className="text-sm text-stone-600">{t("intro")}</p>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="insurance-policies" aria-label={t("policies")}>
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className={head}>{t("policyNo")}</th>
              <th className={head}>{t("insurer")}</th>
              <th className={`${head} text-right`}>{t("premium")}</th>
              <th className={head}>{t("paidBy")}</th>
              <th className={head}>{t("cover")}</th>
              <th className={head}>{t("document")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {v.policies.length === 0 && (
              <tr>
                <td className={`${cell} text-stone-500`} colSpan={6}>
                  {t("noPolicies")}
                </td>
              </tr>
            )}
            {v.policies.map((p) => (
              <tr key={p.id}>
                <td className={cell}>{p.policyNo}</td>
                <td className={cell}>{p.insurer}</td>
                <td className={`num ${cell}`}>{y(p.premiumFen)}</td>
                <td className={cell}>{t(`payer.${p.premiumPaidBy}`)}</td>
                <td className={`${cell} whitespace-nowrap`}>
                  {p.coverFrom} – {p.coverTo}
                </td>
                <td className={cell}>
                  {p.attachment ? (
                    <Link href={`/attachments/${p.attachment.id}`} className="text-brand-700 hover:underline">
                      {p.attachment.fileName}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="insurance-claims" aria-label={t("claims")}>
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className={head}>{t("claimDate")}</th>
              <th className={head}>{t("policyNo")}</th>
              <th className={`${head} text-right`}>{t("claimAmount")}</th>
              <th className={head}>{t("status")}</th>
              <th className={`${head} text-right`}>{t("paidAmount")}</th>
              <th className={head}>{t("paidDate")}</th>
              <th className={head}>{t("note")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {v.claims.length === 0 && (
              <tr>
                <td className={`${cell} text-stone-500`} colSpan={7}>
                  {t("noClaims")}
                </td>
              </tr>
            )}
            {v.claims.map((c) => (
              <tr key={c.id}>
                <td className={cell}>{c.claimDate}</td>
                <td className={cell}>{c.policyNo}</td>
                <td className={`num ${cell}`}>{y(c.amountFen)}</td>
                <td className={cell}>{t(`claimStatus.${c.status}`)}</td>
                <td className={`num ${cell}`}>{y(c.paidFen)}</td>
                <td className={cell}>{c.paidDate ?? "—"}</td>
                <td className={cell}>{c.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.canWrite && (
        <div className="grid gap-3 lg:grid-cols-3">
          <details className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
            <summary className="cursor-pointer font-medium">{t("addPolicy")}</summary>
            <div className="mt-3">
              <ActionForm
                testId="insurance-add-policy"
                action={addPolicyAction}
                hidden={{ loanId: String(v.loanId) }}
                submitLabel={t("addPolicySubmit")}
                successMessage={t("policySaved")}
                columns={1}
                fields={[
                  { name: "policyNo", label: t("policyNo"), required: true },
                  { name: "insurer", label: t("insurer"), required: true },
                  { name: "premium", label: t("premium"), type: "yuan", required: true },
                  {
                    name: "premiumPaidBy",
                    label: t("paidBy"),
                    type: "select",
                    options: PREMIUM_PAYERS.map((p) => ({ value: p, label: t(`payer.${p}`) })),
                  },
                  { name: "coverFrom", label: t("coverFrom"), type: "date", required: true },
                  { name: "coverTo", label: t("coverTo"), type: "date", required: true },
                  {
                    name: "attachmentId",
                    label: t("document"),
                    type: "select",
                    options: [
                      { value: "", label: t("noDocument") },
                      ...v.documents.map((d) => ({ value: String(d.id), label: d.fileName })),
                    ],
                  },
                ]}
              />
            </div>
          </details>
          {v.policies.length > 0 && (
            <details className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
              <summary className="cursor-pointer font-medium">{t("fileClaim")}</summary>
              <div className="mt-3">
                <ActionForm
                  testId="insurance-file-claim"
                  action={fileClaimAction}
                  submitLabel={t("fileClaimSubmit")}
                  successMessage={t("claimFiled")}
                  columns={1}
                  fields={[
                    {
                      name: "policyId",
                      label: t("policyNo"),
                      type: "select",
                      options: v.policies.map((p) => ({ value: String(p.id), label: p.policyNo })),
                    },
                    {
                      name: "claimDate",
                      label: t("claimDate"),
                      type: "date",
                      defaultValue: todayShanghai(),
                    },
                    { name: "amount", label: t("claimAmount"), type: "yuan", required: true },
                    { name: "note", label: t("note"), maxLength: 256 },
                  ]}
                />
              </div>
            </details>
          )}
          {open.map((c) => (
            <details key={c.id} className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
              <summary className="cursor-pointer font-medium">
                {t("settleClaim")} · {c.claimDate} · {y(c.amountFen)}
              </summary>
              <div className="mt-3">
                <ActionForm
                  testId={`insurance-settle-${c.id}`}
                  action={settleClaimAction}
                  hidden={{ claimId: String(c.id), version: String(c.version) }}
                  submitLabel={t("settleSubmit")}
                  successMessage={t("claimSettled")}
                  columns={1}
                  fields={[
                    {
                      name: "outcome",
                      label: t("outcome"),
                      type: "select",
                      options: (["PAID", "REJECTED"] as const).map((s) => ({
                        value: s,
                        label: t(`claimStatus.${s}`),
                      })),
                    },
                    {
                      name: "paidAmount",
                      label: t("paidAmount"),
                      type: "yuan",
                      defaultValue: fenToYuan(c.amountFen),
                      capFen: c.amountFen,
                    },
                    { name: "paidDate", label: t("paidDate"), type: "date", defaultValue: todayShanghai() },
                    { name: "note", label: t("note"), maxLength: 256 },
                  ]}
                />
              </div>
            </details>
          ))}
        </div>
      )}
    </section>
  );
}
