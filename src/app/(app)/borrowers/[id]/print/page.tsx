import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { formatDateTime, formatYuan, sumFen } from "@/domain";
import { attempt } from "@/server/errors";
import { recordId } from "@/server/params";
import { pageActor } from "@/server/session";
import { getBorrower } from "@/server/services/borrowers";
import { listLoans } from "@/server/services/loans";
import { DocumentFrame, FieldGrid } from "@/ui/documents/DocumentFrame";
import { PageError } from "@/ui/shell/PageError";

/** The borrower's loan summary (借款人贷款情况表) for signing: who she is and every loan she has had. */
export default async function BorrowerSummaryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const n = recordId(id);
  if (n === null) notFound();
  const actor = await pageActor();
  const t = await getTranslations("documents");
  const ts = await getTranslations();
  const res = await attempt(async () => {
    const borrower = await getBorrower(actor, n);
    return { borrower, loans: (await listLoans(actor, { borrowerId: borrower.id, limit: 100 })).rows };
  });
  if (!res.ok) return <PageError message={res.message} />;
  const { borrower: b, loans } = res.data;
  const cell = "border border-stone-400 px-2 py-1";
  const num = `${cell} text-right tabular-nums`;
  const yuan = (fen: number) => formatYuan(fen, false);
  return (
    <DocumentFrame
      federation={t("federation", { county: b.countyName })}
      title={t("summary.title")}
      subtitle={t("unitYuan")}
      hint={t("printHint")}
      printLabel={t("print")}
      printedAt={t("printedAt", { at: formatDateTime(new Date()) })}
      signatures={[t("summary.sigMaker"), t("summary.sigChecker"), t("summary.sigDate")]}
    >
      <FieldGrid
        fields={[
          [t("approval.borrower"), b.name],
          [t("approval.idNumber"), b.idNumberMasked],
          [t("approval.village"), `${b.townshipName} · ${b.villageName}`],
          [t("summary.householdType"), ts(`household.${b.householdType}` as never)],
        ]}
      />
      <h2 className="font-medium">
        {t("summary.loans")}（{t("summary.count", { count: loans.length })}）
      </h2>
      {loans.length === 0 ? (
        <p>{t("summary.none")}</p>
      ) : (
        <table className="w-full border-collapse" data-testid="summary-loans">
          <thead>
            <tr>
              {(
                [
                  "applicationNo",
                  "bank",
                  "principal",
                  "disbursedDate",
                  "maturityDate",
                  "status",
                  "outstanding",
                  "dpd",
                ] as const
              ).map((k) => (
                <th key={k} className={cell}>
                  {t(`summary.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {loans.map((l) => (
              <tr key={l.id} className="break-inside-avoid">
                <td className={cell}>{l.applicationNo}</td>
                <td className={cell}>{l.bankName}</td>
                <td className={num}>{yuan(l.principalFen)}</td>
                <td className={cell}>{l.disbursedDate ?? "—"}</td>
                <td className={cell}>{l.maturityDate ?? "—"}</td>
                <td className={cell}>{ts(`status.${l.status}` as never)}</td>
                <td className={num}>{yuan(l.outstandingFen)}</td>
                <td className={num}>{l.daysPastDue}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="font-semibold">
              <td className={cell} colSpan={2}>
                {t("summary.total")}
              </td>
              <td className={num}>{yuan(sumFen(loans.map((l) => l.principalFen)))}</td>
              <td className={cell} colSpan={3} />
              <td className={num}>{yuan(sumFen(loans.map((l) => l.outstandingFen)))}</td>
              <td className={cell} />
            </tr>
          </tfoot>
        </table>
      )}
    </DocumentFrame>
  );
}
