import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { statementWorklist } from "@/server/services/bank-statements";
import { PageError } from "@/ui/shell/PageError";
import { WorklistActions } from "@/ui/bank-files/WorklistActions";
import { dismissRowAction, resolveRowAction, searchLoansAction } from "./actions";

const y = (fen: number) => formatYuan(fen, false);

/** The county's unmatched statement rows: choose the loan (posted by the loan page's rules) or dismiss. */
export default async function WorklistPage() {
  const actor = await pageActor();
  const t = await getTranslations("bankFiles");
  const res = await attempt(() => statementWorklist(actor));
  if (!res.ok) return <PageError message={res.message} />;
  const mayResolve = can(actor.role, "repayment.post");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">{t("worklist")}</h1>
        <Link href="/bank-files" className="text-sm text-brand-700 underline">
          {t("records")}
        </Link>
      </div>
      <p className="text-sm text-stone-700">{t("worklistIntro")}</p>
      {res.data.length === 0 && <p className="text-sm text-stone-600">{t("worklistEmpty")}</p>}
      <ul className="space-y-3" data-testid="worklist">
        {res.data.map((r) => (
          <li
            key={r.id}
            className="space-y-2 rounded-lg bg-white p-3 ring-1 ring-stone-200"
            data-row-id={r.id}
          >
            <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
              <span className="font-medium text-red-800">
                {r.reason === "AMBIGUOUS" && r.candidates
                  ? t("ambiguous", { n: r.candidates })
                  : t(`reason.${r.reason!}`)}
              </span>
              <span>
                {t("col.row")} {r.row}
              </span>
              <span>{r.contractNo}</span>
              <span>{r.borrowerName}</span>
              <span>{r.idNumberMasked}</span>
              <span>{r.valueDate}</span>
              <span>
                {t("principal")} {y(r.principalFen)} · {t("interest")} {y(r.interestFen)} · {t("penalty")}{" "}
                {y(r.penaltyFen)}
              </span>
              <Link href={`/bank-files/${r.fileId}`} className="text-xs text-stone-500 underline">
                {t("fromFile", { bank: r.bankName, file: r.fileName })}
              </Link>
            </div>
            {mayResolve && (
              <WorklistActions
                rowId={r.id}
                initialQuery={r.contractNo ?? r.borrowerName ?? ""}
                search={searchLoansAction}
                resolve={resolveRowAction}
                dismiss={dismissRowAction}
              />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
