import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { bpToPercent, formatDateTime, formatYuan, sumFen } from "@/domain";
import { attempt } from "@/server/errors";
import { recordId } from "@/server/params";
import { pageActor } from "@/server/session";
import { getBorrower } from "@/server/services/borrowers";
import { getLoanDetail } from "@/server/services/lifecycle";
import { DocumentFrame, FieldGrid } from "@/ui/documents/DocumentFrame";
import { PageError } from "@/ui/shell/PageError";

const DOCS = ["approval", "schedule"] as const;
type Doc = (typeof DOCS)[number];

const yuan = (fen: number | null) => (fen === null ? "—" : formatYuan(fen, false));

/** The loan's documents for signing: the approval form (审批表) and the repayment schedule (还款计划表). */
export default async function LoanDocumentPage({ params }: { params: Promise<{ id: string; doc: string }> }) {
  const { id, doc } = await params;
  const n = recordId(id);
  if (n === null || !(DOCS as readonly string[]).includes(doc)) notFound();
  const actor = await pageActor();
  const t = await getTranslations("documents");
  const ts = await getTranslations();
  const res = await attempt(async () => {
    const loan = await getLoanDetail(actor, n);
    return { loan, borrower: await getBorrower(actor, loan.borrower.id) };
  });
  if (!res.ok) return <PageError message={res.message} />;
  const { loan: l, borrower: b } = res.data;
  const frame = {
    federation: t("federation", { county: b.countyName }),
    hint: t("printHint"),
    printLabel: t("print"),
    printedAt: t("printedAt", { at: formatDateTime(new Date()) }),
  };
  const who = (action: string) => {
    const h = l.history.find((e) => e.action === action);
    return h ? t("approval.recordedBy", { user: h.username ?? "—", at: formatDateTime(h.at) }) : null;
  };
  if ((doc as Doc) === "approval")
    return (
      <DocumentFrame
        {...frame}
        title={t("approval.title")}
        subtitle={`${t("approval.applicationNo")}：${l.applicationNo}`}
        signatures={[
          t("approval.sigMaker"),
          t("approval.sigChecker"),
          t("approval.sigHead"),
          t("approval.sigDate"),
        ]}
      >
        <FieldGrid
          fields={[
            [t("approval.borrower"), l.borrower.name],
            [t("approval.idNumber"), l.borrower.idNumberMasked],
            [t("approval.village"), `${b.townshipName} · ${b.villageName}`],
            [t("approval.bank"), l.bankName],
            [t("approval.requested"), yuan(l.requestedFen)],
            [t("approval.principal"), yuan(l.principalFen)],
            [t("approval.term"), t("approval.termMonths", { months: l.termMonths })],
            [t("approval.method"), ts.has(`method.${l.method}`) ? ts(`method.${l.method}`) : l.method],
            [t("approval.rate"), bpToPercent(l.contractRateBp)],
            [
              t("approval.guarantee"),
              ts.has(`guarantee.${l.guaranteeType}`) ? ts(`guarantee.${l.guaranteeType}`) : l.guaranteeType,
            ],
            [t("approval.purpose"), l.purpose],
            [t("approval.industry"), l.industry],
            [t("approval.applicationDate"), l.applicationDate],
            [t("approval.disbursedDate"), l.disbursedDate ?? "—"],
            [t("approval.maturityDate"), l.extendedMaturityDate ?? l.maturityDate ?? "—"],
            [t("approval.contractNo"), l.contractNo ?? "—"],
            [t("approval.status"), ts(`status.${l.status}` as never)],
            [t("approval.policy"), l.policyName],
            [t("approval.maker"), who("loan.apply") ?? "—"],
            [t("approval.checker"), who("loan.approve") ?? t("approval.notYet")],
          ]}
        />
        <div className="grid grid-cols-1 gap-0">
          <p className="h-20 border border-t-0 border-stone-400 px-2 py-1.5">{t("approval.opinionMaker")}</p>
          <p className="h-20 border border-t-0 border-stone-400 px-2 py-1.5">
            {t("approval.opinionChecker")}
          </p>
        </div>
      </DocumentFrame>
    );
  const s = l.schedule;
  const cell = "border border-stone-400 px-2 py-1";
  const num = `${cell} text-right tabular-nums`;
  return (
    <DocumentFrame
      {...frame}
      title={t("schedule.title")}
      subtitle={`${l.borrower.name} · ${l.applicationNo} · ${l.bankName} · ${t("unitYuan")}`}
      signatures={[t("schedule.sigBorrower"), t("schedule.sigMaker"), t("schedule.sigDate")]}
    >
      {s.length === 0 ? (
        <p>{t("schedule.none")}</p>
      ) : (
        <table className="w-full border-collapse" data-testid="schedule">
          <thead>
            <tr>
              {(
                [
                  "seq",
                  "dueDate",
                  "principalDue",
                  "interestDue",
                  "principalPaid",
                  "interestPaid",
                  "paidDate",
                ] as const
              ).map((k) => (
                <th key={k} className={cell}>
                  {t(`schedule.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {s.map((i) => (
              <tr key={i.seq} className="break-inside-avoid">
                <td className={cell}>{i.seq}</td>
                <td className={cell}>{i.dueDate}</td>
                <td className={num}>{yuan(i.principalDueFen)}</td>
                <td className={num}>{yuan(i.interestDueFen)}</td>
                <td className={num}>{yuan(i.principalPaidFen)}</td>
                <td className={num}>{yuan(i.interestPaidFen)}</td>
                <td className={cell}>{i.paidDate ?? ""}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="font-semibold">
              <td className={cell} colSpan={2}>
                {t("schedule.total")}
              </td>
              <td className={num}>{yuan(sumFen(s.map((i) => i.principalDueFen)))}</td>
              <td className={num}>{yuan(sumFen(s.map((i) => i.interestDueFen)))}</td>
              <td className={num}>{yuan(sumFen(s.map((i) => i.principalPaidFen)))}</td>
              <td className={num}>{yuan(sumFen(s.map((i) => i.interestPaidFen)))}</td>
              <td className={cell} />
            </tr>
          </tfoot>
        </table>
      )}
    </DocumentFrame>
  );
}
