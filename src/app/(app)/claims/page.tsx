import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan, regionLevel } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listClaims } from "@/server/services/claims";
import { applicationOptions } from "@/server/services/lifecycle";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { generateClaimAction } from "./actions";
import { codeLabel } from "@/ui/units";

export default async function ClaimsPage() {
  const actor = await pageActor();
  const ts = await getTranslations("settlement");
  const t = await getTranslations("claims");
  const tr = await getTranslations();
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
        <h1 className="text-xl font-semibold">{t("title")}</h1>
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
          <h2 className="mb-3 font-medium">{t("generate")}</h2>
          <ActionForm
            testId="generate-claim"
            action={generateClaimAction}
            submitLabel={t("generateSubmit")}
            columns={4}
            fields={[
              {
                name: "bankId",
                label: t("bank"),
                type: "select",
                options: options.banks.map((b) => ({ value: String(b.id), label: b.name })),
              },
              { name: "year", label: t("year"), type: "number", defaultValue: String(year) },
              {
                name: "quarter",
                label: t("quarter"),
                type: "select",
                options: [1, 2, 3, 4].map((q) => ({ value: String(q), label: t("quarterOption", { q }) })),
              },
            ]}
          />
        </section>
      )}
      <table
        className="min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200"
        data-testid="claims-table"
      >
        <caption className="sr-only">{t("caption")}</caption>
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            <th className="px-3 py-2">{t("quarter")}</th>
            <th className="px-3 py-2">{t("county")}</th>
            <th className="px-3 py-2">{t("bankColumn")}</th>
            <th className="px-3 py-2 text-right">{t("lines")}</th>
            <th className="px-3 py-2 text-right">{t("interest")}</th>
            <th className="px-3 py-2 text-right">{t("subsidy")}</th>
            <th className="px-3 py-2 text-right">{t("borrower")}</th>
            <th className="px-3 py-2">{t("status")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {claims.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-1.5">
                <Link href={`/claims/${c.id}`} className="text-brand-700 hover:underline">
                  {t("period", { year: c.year, q: c.quarter })}
                </Link>
              </td>
              <td className="px-3 py-1.5 font-mono text-xs">{c.countyCode}</td>
              <td className="px-3 py-1.5">{c.bankName}</td>
              <td className="num px-3 py-1.5">{c.lines}</td>
              <td className="num px-3 py-1.5">{formatYuan(c.interestFen, false)}</td>
              <td className="num px-3 py-1.5">{formatYuan(c.subsidyFen, false)}</td>
              <td className="num px-3 py-1.5">{formatYuan(c.borrowerFen, false)}</td>
              <td className="px-3 py-1.5">{codeLabel(tr, "claimStatus", c.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
