import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { statementBanks } from "@/server/services/bank-statements";
import { PageError } from "@/ui/shell/PageError";
import { StatementUpload } from "@/ui/bank-files/StatementUpload";

/** 银行还款明细: a bank's repayment statement uploaded, mapped, matched, posted (issue 18). */
export default async function BankStatementPage() {
  const actor = await pageActor();
  const t = await getTranslations("bankFiles");
  if (!can(actor.role, "repayment.post")) return <PageError message={t("onlyStaff")} />;
  const res = await attempt(() => statementBanks(actor));
  if (!res.ok) return <PageError message={res.message} />;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        <Link href="/bank-files" className="text-sm text-brand-700 underline">
          {t("records")}
        </Link>
        <Link href="/bank-files/worklist" className="text-sm text-brand-700 underline">
          {t("worklist")}
        </Link>
      </div>
      <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-700">
        <li>{t("intro1")}</li>
        <li>{t("intro2")}</li>
        <li>{t("intro3")}</li>
      </ol>
      <StatementUpload banks={res.data.map((b) => ({ id: b.id, name: b.name, hasSample: b.hasSample }))} />
    </div>
  );
}
