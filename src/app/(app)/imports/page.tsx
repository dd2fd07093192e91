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
  const ti = await getTranslations("imports");
  if (!can(actor.role, "loan.write")) return <PageError message={ti("forbidden")} />;
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{ti("title")}</h1>
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
          {ti("step1Before")}
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a file from a route handler, not a page */}
          <a href="/imports/template" className="mx-1 text-brand-700 underline">
            {ti("template")}
          </a>
          {ti("step1After")}
        </li>
        <li>{ti("step2")}</li>
        <li>{ti("step3")}</li>
      </ol>
      <ImportPanel />
    </div>
  );
}
