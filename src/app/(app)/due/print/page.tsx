import { getTranslations } from "next-intl/server";
import { formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { withHeavy } from "@/server/heavy";
import { todayShanghai } from "@/server/clock";
import { dueNotices } from "@/server/services/coming-due";
import { PageError } from "@/ui/shell/PageError";
import { PrintButton } from "@/ui/ledgers/PrintButton";

const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);

/** 到期通知书, one per A4 page, for the chosen loans (ids) or all of the filter (all=1). Recorded when shown. */
export default async function DueNoticesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("worklists.due");
  const raw = sp.ids === undefined ? [] : Array.isArray(sp.ids) ? sp.ids : [sp.ids];
  const ids = raw.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  const all = sp.all === "1";
  const q = { region: one(sp.region), bankId: one(sp.bankId), days: one(sp.days) };
  const res = await attempt(() => withHeavy(actor, "print", () => dueNotices(actor, q, all ? null : ids)));
  if (!res.ok) return <PageError message={res.message} />;
  const { notices } = res.data;
  const today = todayShanghai();
  const y = (fen: number) => formatYuan(fen, false);
  return (
    <div className="space-y-4" data-testid="due-notices">
      <div className="flex items-start justify-between print:hidden">
        <p className="text-sm text-stone-600">{t("printHint")}</p>
        <PrintButton label={(await getTranslations("documents"))("print")} />
      </div>
      {notices.length === 0 && <p className="text-stone-600">{t("noticesNone")}</p>}
      {notices.map((n) => (
        <article
          key={n.loanId}
          className="due-notice mx-auto max-w-[180mm] space-y-5 bg-white p-10 text-base leading-8 ring-1 ring-stone-200 print:p-0 print:ring-0"
          data-testid={`notice-${n.loanId}`}
        >
          <h1 className="text-center text-2xl font-semibold tracking-widest">{t("noticeTitle")}</h1>
          <p>{t("noticeTo", { name: n.borrowerName })}</p>
          <p className="indent-8">
            {t("noticeBody", {
              bank: n.bankName,
              contract: n.contractNo ?? "—",
              date: n.dueDate,
              principal: y(n.principalFen),
              interest: y(n.interestFen),
              total: y(n.principalFen + n.interestFen),
            })}
          </p>
          <p>{t("noticeContact", { name: n.contactName, office: n.contactOffice })}</p>
          <p className="text-sm text-stone-600">
            {n.townshipName} {n.villageName} · {n.applicationNo}
          </p>
          <div className="pt-8 text-right">
            <p>{t("noticeFooter", { office: n.contactOffice })}</p>
            <p>{t("noticeDate", { date: today })}</p>
          </div>
          <p className="pt-8">{t("noticeReceipt")}</p>
        </article>
      ))}
    </div>
  );
}
