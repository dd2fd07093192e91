import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatDateTime, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { interestSamples, listStatementFiles } from "@/server/services/bank-statements";
import { bankOptions } from "@/server/services/coming-due";
import { PageError } from "@/ui/shell/PageError";

const y = (fen: number) => formatYuan(fen, false);

/** Reconciliation records of the banks' statements, per bank and month (clerks, approvers, auditors). */
export default async function BankFilesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("bankFiles");
  if (!can(actor.role, "ledger.export")) return <PageError message={t("noAccess")} />;
  const res = await attempt(() => listStatementFiles(actor, { bankId: sp.bankId, month: sp.month }));
  if (!res.ok) return <PageError message={res.message} />;
  const banks = await bankOptions();
  // The demo's sample interest statements, for the clerk who checks claims (none outside the demo).
  const samples = can(actor.role, "claim.write") ? await attempt(() => interestSamples(actor)) : null;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">{t("records")}</h1>
        {can(actor.role, "repayment.post") && (
          <Link href="/imports/bank" className="text-sm text-brand-700 underline">
            {t("title")}
          </Link>
        )}
        <Link href="/bank-files/worklist" className="text-sm text-brand-700 underline">
          {t("worklist")}
        </Link>
      </div>
      <p className="text-sm text-stone-700">{t("recordsIntro")}</p>
      {samples?.ok && samples.data.length > 0 && (
        <section
          className="space-y-1 rounded bg-white p-3 text-sm ring-1 ring-stone-200"
          data-testid="interest-samples"
        >
          <h2 className="font-medium">{t("interestSamplesTitle")}</h2>
          <p className="text-stone-700">{t("interestSamplesIntro")}</p>
          <ul className="space-y-1">
            {samples.data.map((s) => (
              <li key={s.bankId} className="flex flex-wrap items-baseline gap-3">
                <span>
                  {s.bankName} ·{" "}
                  {t("quarterLabel", { year: s.quarter.slice(0, 4), quarter: s.quarter.slice(6) })}
                </span>
                <a
                  href={`/imports/bank/sample?bankId=${s.bankId}&kind=INTEREST`}
                  className="text-brand-700 underline"
                >
                  {t("downloadSample")}
                </a>
                {s.claimId ? (
                  <Link href={`/claims/${s.claimId}`} className="text-brand-700 underline">
                    {t("openClaim")}
                  </Link>
                ) : (
                  <span className="text-xs text-stone-500">{t("noClaim")}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <form className="flex flex-wrap items-end gap-2 text-sm">
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("filterBank")}</span>
          <select
            name="bankId"
            defaultValue={sp.bankId ?? ""}
            className="rounded border border-stone-300 px-2 py-1"
          >
            <option value="">{t("allBanks")}</option>
            {banks.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("filterMonth")}</span>
          <input
            type="month"
            name="month"
            defaultValue={sp.month ?? ""}
            className="rounded border border-stone-300 px-2 py-1"
          />
        </label>
        <button type="submit" className="rounded bg-brand-600 px-3 py-1.5 text-white">
          {t("filter")}
        </button>
      </form>
      {res.data.length === 0 ? (
        <p className="text-sm text-stone-600">{t("noRecords")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full rounded bg-white text-sm ring-1 ring-stone-200" data-testid="bank-files">
            <thead className="text-left text-xs text-stone-600">
              <tr>
                <th className="px-2 py-1">{t("month")}</th>
                <th>{t("bank")}</th>
                <th>{t("fileName")}</th>
                <th>{t("who")}</th>
                <th>{t("when")}</th>
                <th className="text-right">{t("rows")}</th>
                <th className="text-right">{t("category.POSTED")}</th>
                <th className="text-right">{t("category.ALREADY_POSTED")}</th>
                <th className="text-right">{t("category.UNMATCHED")}</th>
                <th className="text-right">{t("category.FILE")}</th>
                <th className="px-2 text-right">{t("open")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {res.data.map((f) => (
                <tr key={f.id}>
                  <td className="px-2 py-1">{f.month}</td>
                  <td>{f.bankName}</td>
                  <td>
                    <Link href={`/bank-files/${f.id}`} className="text-brand-700 underline">
                      {f.fileName}
                    </Link>
                    <div className="font-mono text-xs text-stone-500">{f.sha256.slice(0, 16)}…</div>
                  </td>
                  <td>{f.createdBy}</td>
                  <td>{formatDateTime(f.createdAt)}</td>
                  <td className="num">{f.rowCount}</td>
                  <td className="num">
                    {f.postedCount} · {y(f.postedFen)}
                  </td>
                  <td className="num">
                    {f.alreadyCount} · {y(f.alreadyFen)}
                  </td>
                  <td className="num">
                    {f.unmatchedCount} · {y(f.unmatchedFen)}
                  </td>
                  <td className="num">{y(f.fileFen)}</td>
                  <td className="num px-2">{f.openCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
