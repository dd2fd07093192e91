import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatYuan } from "@/domain";
import type { LoanRow } from "@/server/services/loans";

export async function LoanTable({ rows }: { rows: LoanRow[] }) {
  const t = await getTranslations();
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
      <table className="min-w-full text-sm" data-testid="loans-table">
        <caption className="sr-only">{t("loans.inYuan", { label: t("loans.title") })}</caption>
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            <th className="px-3 py-2">{t("loans.applicationNo")}</th>
            <th className="px-3 py-2">{t("loans.borrower")}</th>
            <th className="px-3 py-2">{t("loans.idNumber")}</th>
            <th className="px-3 py-2">{t("loans.village")}</th>
            <th className="px-3 py-2">{t("loans.bank")}</th>
            <th className="px-3 py-2 text-right">{t("loans.principal")}</th>
            <th className="px-3 py-2 text-right">{t("loans.outstanding")}</th>
            <th className="px-3 py-2">{t("loans.disbursedDate")}</th>
            <th className="px-3 py-2">{t("loans.maturityDate")}</th>
            <th className="px-3 py-2">{t("loans.status")}</th>
            <th className="px-3 py-2 text-right">{t("loans.dpd")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((l) => (
            <tr key={l.id} className="hover:bg-brand-50/40">
              <td className="px-3 py-2 font-mono text-xs">
                <Link href={`/loans/${l.id}`} className="text-brand-700 hover:underline">
                  {l.applicationNo}
                </Link>
              </td>
              <td className="px-3 py-2">{l.borrowerName}</td>
              <td className="px-3 py-2 font-mono text-xs">{l.borrowerIdMasked}</td>
              <td className="px-3 py-2">{l.villageName}</td>
              <td className="px-3 py-2">{l.bankName}</td>
              <td className="num px-3 py-2">{formatYuan(l.principalFen, false)}</td>
              <td className="num px-3 py-2">{formatYuan(l.outstandingFen, false)}</td>
              <td className="px-3 py-2">{l.disbursedDate ?? "—"}</td>
              <td className="px-3 py-2">{l.maturityDate ?? "—"}</td>
              <td className="px-3 py-2">{t(`status.${l.status}`)}</td>
              <td
                className={`num px-3 py-2 ${l.daysPastDue > 0 ? "font-medium text-red-700" : ""}`}
                title={t(`bucket.${l.bucket}`)}
              >
                {l.daysPastDue || "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="p-6 text-center text-stone-500">{t("loans.empty")}</p>}
    </div>
  );
}
