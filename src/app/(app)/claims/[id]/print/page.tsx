import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { formatYuan } from "@/domain";
import { codeLabel } from "@/ui/units";
import { recordId } from "@/server/params";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { claimForm } from "@/server/services/claim-form";
import { PageError } from "@/ui/shell/PageError";
import { PrintButton } from "@/ui/ledgers/PrintButton";

const y = (fen: number) => formatYuan(fen, false);

/** 贴息资金申请表: the claim of one bank and quarter, laid out for printing and signing. */
export default async function ClaimFormPage({ params }: { params: Promise<{ id: string }> }) {
  const n = recordId((await params).id);
  if (n === null) notFound();
  const actor = await pageActor();
  const t = await getTranslations("bankFiles");
  const td = await getTranslations("documents");
  const tr = await getTranslations();
  const res = await attempt(() => claimForm(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const f = res.data;
  const cell = "border border-stone-400 px-2 py-1";
  return (
    <div className="mx-auto max-w-3xl space-y-4 bg-white p-6 text-sm print:p-0" data-testid="claim-form">
      <div className="flex justify-end print:hidden">
        <PrintButton label={td("print")} />
      </div>
      <h1 className="text-center text-lg font-semibold">{t("form.title")}</h1>
      <p className="text-center">
        {t("form.subtitle", { county: f.countyName, bank: f.bankName, year: f.year, quarter: f.quarter })}
      </p>
      <p>{t("form.period", { start: f.periodStart, end: f.periodEnd })}</p>
      <table className="w-full border-collapse">
        <tbody>
          <tr>
            <th className={cell}>{t("form.loans")}</th>
            <td className={`${cell} num`}>{f.loans}</td>
            <th className={cell}>{t("form.interest")}</th>
            <td className={`${cell} num`}>{y(f.interestFen)}</td>
          </tr>
          <tr>
            <th className={cell}>{t("form.balanceStart")}</th>
            <td className={`${cell} num`}>{y(f.balanceStartFen)}</td>
            <th className={cell}>{t("form.balanceEnd")}</th>
            <td className={`${cell} num`}>{y(f.balanceEndFen)}</td>
          </tr>
          <tr>
            <th className={cell}>{t("form.subsidy")}</th>
            <td className={`${cell} num`} data-testid="claim-form-subsidy">
              {y(f.subsidyFen)}
            </td>
            <th className={cell}>{t("form.borrower")}</th>
            <td className={`${cell} num`}>{y(f.borrowerFen)}</td>
          </tr>
          {f.levels.map((l) => (
            <tr key={l.level}>
              <th className={cell} colSpan={3}>
                {t("form.ofLevel", { level: codeLabel(tr, "level", l.level) })}
              </th>
              <td className={`${cell} num`}>{y(l.amountFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {f.differences.length > 0 && (
        <div>
          <h2 className="font-medium">{t("form.differences")}</h2>
          <ul className="list-disc pl-5">
            {f.differences.map((d, i) => (
              <li key={i}>
                {d.contractNo} · {d.cause ? t(`causeText.${d.cause}`) : ""} · {d.reason ?? "—"}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="grid grid-cols-3 gap-6 pt-10">
        {(["bankSign", "federationSign", "financeSign"] as const).map((k) => (
          <div key={k} className="space-y-8">
            <p>{t(`form.${k}`)}</p>
            <p className="border-b border-stone-500" />
            <p className="text-xs text-stone-600">{t("form.dateLine")}</p>
          </div>
        ))}
      </div>
    </div>
  );
}
