import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { formatDateTime, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { getStatementFile } from "@/server/services/bank-statements";
import { PageError } from "@/ui/shell/PageError";
import { SummaryTable } from "@/ui/bank-files/SummaryTable";

const y = (fen: number) => formatYuan(fen, false);
const SHOWN = 2000;

/** One reconciliation record: who, when, the file and its SHA-256, sums per category, every row behind them. */
export default async function BankFilePage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const actor = await pageActor();
  const t = await getTranslations("bankFiles");
  const res = await attempt(() => getStatementFile(actor, id));
  if (!res.ok) return <PageError message={res.message} />;
  const f = res.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">
          {t("recordTitle", { id: f.id, bank: f.bankName, month: f.month })}
        </h1>
        <a
          href={`/bank-files/${f.id}/export`}
          className="text-sm text-brand-700 underline"
          data-testid="bank-file-export"
        >
          {t("download")}
        </a>
        <Link href="/bank-files" className="text-sm text-brand-700 underline">
          {t("records")}
        </Link>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-4">
        <dt className="text-stone-600">{t("fileName")}</dt>
        <dd>{f.fileName}</dd>
        <dt className="text-stone-600">{t("sha256")}</dt>
        <dd className="break-all font-mono text-xs">{f.sha256}</dd>
        <dt className="text-stone-600">{t("who")}</dt>
        <dd>{f.createdBy}</dd>
        <dt className="text-stone-600">{t("when")}</dt>
        <dd>{formatDateTime(f.createdAt)}</dd>
      </dl>
      <SummaryTable summary={f.summary} posted />
      <h2 className="font-medium">{t("allRows")}</h2>
      {f.rows.length > SHOWN && <p className="text-xs text-stone-600">{t("rowsCapped", { n: SHOWN })}</p>}
      <table className="w-full rounded bg-white text-sm ring-1 ring-stone-200" data-testid="bank-file-rows">
        <thead className="text-left text-xs text-stone-600">
          <tr>
            <th className="px-2 py-1">{t("col.row")}</th>
            <th>{t("col.contractNo")}</th>
            <th>{t("col.borrower")}</th>
            <th>{t("col.idNumber")}</th>
            <th>{t("col.valueDate")}</th>
            <th className="text-right">{t("principal")}</th>
            <th className="text-right">{t("interest")}</th>
            <th className="text-right">{t("penalty")}</th>
            <th className="px-2">{t("col.category")}</th>
            <th>{t("col.loan")}</th>
            <th>{t("col.resolution")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {f.rows.slice(0, SHOWN).map((r) => (
            <tr key={r.id} data-category={r.category}>
              <td className="px-2 py-1">{r.row}</td>
              <td>{r.contractNo}</td>
              <td>{r.borrowerName}</td>
              <td>{r.idNumberMasked}</td>
              <td>{r.valueDate}</td>
              <td className="num">{y(r.principalFen)}</td>
              <td className="num">{y(r.interestFen)}</td>
              <td className="num">{y(r.penaltyFen)}</td>
              <td className="px-2">
                {r.category === "UNMATCHED"
                  ? r.reason === "AMBIGUOUS" && r.candidates
                    ? t("ambiguous", { n: r.candidates })
                    : t(`reason.${r.reason!}`)
                  : t(`category.${r.category}`)}
              </td>
              <td>
                {r.loanId && (
                  <Link href={`/loans/${r.loanId}`} className="text-brand-700 underline">
                    #{r.loanId}
                  </Link>
                )}
              </td>
              <td>
                {r.resolution === "RESOLVED"
                  ? t("resolved")
                  : r.resolution === "DISMISSED"
                    ? t("dismissed", { reason: r.dismissReason ?? "" })
                    : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
