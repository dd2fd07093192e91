import { notFound } from "next/navigation";
import { recordId } from "@/server/params";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { getBorrower } from "@/server/services/borrowers";
import { listLoans } from "@/server/services/loans";
import { borrowerApplyState } from "@/server/services/eligibility";
import { attempt } from "@/server/errors";
import { PageError } from "@/ui/shell/PageError";
import { LoanTable } from "@/ui/loans/LoanTable";
import { RevealId } from "@/ui/borrowers/RevealId";
import { Attachments } from "@/ui/borrowers/Attachments";
import { listAttachments } from "@/server/services/attachments";
import { ATTACHMENT_LIMITS } from "@/config/limits";
import { can } from "@/domain";
import { revealIdAction } from "../actions";
import { BorrowerCredit } from "@/ui/credit/BorrowerCredit";
import { borrowerCredit } from "@/server/services/credit";
import { todayShanghai } from "@/server/clock";
import { decideRatingAction, rateBorrowerAction } from "../../credit/actions";

export default async function BorrowerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations();
  const n = recordId(id);
  if (n === null) notFound();
  const res = await attempt(() => getBorrower(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const b = res.data;
  const applyState = b.canEdit ? await borrowerApplyState(actor, b.id) : null;
  const loans = can(actor.role, "loan.read")
    ? (await listLoans(actor, { borrowerId: b.id, limit: 50 })).rows
    : [];
  const attachments = can(actor.role, "attachment.read") ? await listAttachments(actor, b.id) : null;
  const credit = await borrowerCredit(actor, b.id);
  const row = (label: string, value: React.ReactNode) => (
    <div className="grid grid-cols-3 gap-2 py-2">
      <dt className="text-stone-500">{label}</dt>
      <dd className="col-span-2">{value}</dd>
    </div>
  );
  return (
    <div className="space-y-6">
      {sp.created && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-green-800">
          {t("borrowers.created")}
        </p>
      )}
      {sp.saved && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-green-800">
          {t("borrowers.saved")}
        </p>
      )}
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold" data-testid="borrower-name">
          {b.name}
        </h1>
        <Link
          href={`/borrowers/${b.id}/print`}
          target="_blank"
          className="ml-auto mr-3 text-sm text-brand-700 hover:underline"
        >
          {t("documents.links.summary")}
        </Link>
        {b.canEdit && applyState?.canApply && (
          <Link
            href={`/loans/new?borrower=${b.id}`}
            className="ml-auto mr-2 rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700"
          >
            {t("borrowers.apply")}
          </Link>
        )}
        {b.canEdit && applyState && !applyState.canApply && (
          <button
            type="button"
            disabled
            aria-describedby="apply-blocked"
            className="ml-auto mr-2 cursor-not-allowed rounded-md bg-stone-300 px-3 py-1.5 text-stone-600"
          >
            {t("borrowers.apply")}
          </button>
        )}
        {b.canEdit && (
          <Link
            href={`/borrowers/${b.id}/edit`}
            className="rounded-md border border-stone-300 px-3 py-1.5 hover:bg-stone-100"
          >
            {t("borrowers.edit")}
          </Link>
        )}
      </div>
      {applyState && applyState.programmes.some((p) => p.reasons.length > 0) && (
        <div
          id="apply-blocked"
          data-testid="apply-blocked"
          className="max-w-2xl rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
        >
          <p className="font-medium">
            {applyState.canApply ? t("rules.apply.somePrograms") : t("rules.apply.cannot")}
          </p>
          <ul className="mt-1 list-disc pl-5">
            {applyState.programmes
              .filter((p) => p.reasons.length > 0)
              .map((p) => (
                <li key={p.code}>
                  {p.name}：{p.reasons.join("；")}
                </li>
              ))}
          </ul>
        </div>
      )}
      <dl className="max-w-2xl divide-y divide-stone-100 rounded-lg bg-white px-4 text-sm ring-1 ring-stone-200">
        {row(
          t("borrowers.idNumber"),
          b.canReveal ? (
            <RevealId
              id={b.id}
              masked={b.idNumberMasked}
              reveal={revealIdAction}
              label={t("borrowers.reveal")}
              showPhone={b.phoneMasked}
            />
          ) : (
            <span className="font-mono" data-testid="id-number">
              {b.idNumberMasked}
            </span>
          ),
        )}
        {b.birthDate
          ? row(
              t("borrowers.sexBirthAge"),
              `${b.sex === "F" ? t("borrowers.female") : t("borrowers.male")} · ${b.birthDate} · ${b.age === null ? "—" : t("borrowers.years", { age: b.age })}`,
            )
          : row(
              t("borrowers.sexBirthYear"),
              `${b.sex === "F" ? t("borrowers.female") : t("borrowers.male")} · ${b.birthYear === null ? "—" : t("borrowers.bornIn", { year: b.birthYear })}`,
            )}
        {row(t("borrowers.village"), `${b.townshipName} · ${b.villageName}`)}
        {row(
          t("borrowers.phoneFull"),
          <span className={b.phoneMasked ? "font-mono" : undefined} data-testid="phone">
            {b.phone}
          </span>,
        )}
        {row(t("borrowers.household"), t(`household.${b.householdType}`))}
        {row(t("borrowers.creditRated"), b.creditRated ? t("borrowers.yes") : t("borrowers.no"))}
        {row(t("borrowers.industryFull"), b.industry)}
        {row(t("borrowers.address"), b.address ?? "—")}
      </dl>
      {loans.length > 0 && (
        <section>
          <h2 className="mb-2 font-medium">{t("borrowers.loans")}</h2>
          <LoanTable rows={loans} />
        </section>
      )}
      <BorrowerCredit
        borrowerId={b.id}
        view={credit}
        today={todayShanghai()}
        rate={rateBorrowerAction}
        decide={decideRatingAction}
      />
      {attachments && (
        <Attachments
          borrowerId={b.id}
          list={attachments}
          maxMb={ATTACHMENT_LIMITS.maxFileBytes / 1024 / 1024}
        />
      )}
    </div>
  );
}
