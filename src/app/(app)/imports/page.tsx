import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { PageError } from "@/ui/shell/PageError";
import { ImportPanel } from "@/ui/imports/ImportPanel";

/** County staff bring their existing Excel ledger in: template, upload, preview, confirm. */
export default async function ImportsPage() {
  const actor = await pageActor();
  const t = await getTranslations("bankFiles");
  if (!can(actor.role, "loan.write")) return <PageError message="只有县级经办人员可以导入台账" />;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">导入 Excel 台账</h1>
      <p className="text-sm">
        {t("importsLink")}
        <Link
          href="/imports/bank"
          className="ml-1 text-brand-700 underline"
          data-testid="bank-statement-link"
        >
          {t("title")}
        </Link>
      </p>
      <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-700">
        <li>
          下载
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a file from a route handler, not a page */}
          <a href="/imports/template" className="mx-1 text-brand-700 underline">
            导入模板
          </a>
          （含示例行、下拉列表和填写说明），把现有台账的借款人、已放款贷款和历史还款填入。
        </li>
        <li>上传文件，系统按录入表单的同样规则逐行校验，列出每个有问题的单元格。</li>
        <li>没有错误时确认导入：全部写入或全部不写入；重复上传同一文件不会重复导入。</li>
      </ol>
      <ImportPanel />
    </div>
  );
}
