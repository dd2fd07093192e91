import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ENTERED_COLLECTION_STATUSES, formatDateTime, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { recordId } from "@/server/params";
import { getCase } from "@/server/services/collection";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { assignCaseAction, recordCaseNoteAction } from "../actions";

/** One collection case: its state (from the journal), history, the next step and the person in charge. */
export default async function CasePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const n = recordId(id);
  if (n === null) notFound();
  const actor = await pageActor();
  const t = await getTranslations();
  const res = await attempt(() => getCase(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const c = res.data;
  const y = (fen: number) => formatYuan(fen, false);
  const p = c.state.promise;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">{t("collection.case", { name: c.borrowerName })}</h1>
        <span className="rounded bg-brand-50 px-2 py-0.5 text-sm text-brand-800" data-testid="case-status">
          {t(`collection.statuses.${c.state.status}`)}
        </span>
        {c.state.flagged && (
          <span className="rounded bg-red-50 px-2 py-0.5 text-sm text-red-700" data-testid="case-flagged">
            {t("collection.flagged")}
          </span>
        )}
        <Link href={`/loans/${c.loanId}`} className="text-brand-700 hover:underline">
          {t("collection.loan", { no: c.applicationNo })}
        </Link>
      </div>
      <dl className="grid grid-cols-2 gap-4 rounded-lg bg-white p-4 text-sm ring-1 ring-stone-200 md:grid-cols-4">
        <div>
          <dt className="text-xs text-stone-500">{t("collection.village")}</dt>
          <dd>{c.villageName}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">{t("collection.phone")}</dt>
          <dd className="font-mono">{c.phone}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">{t("collection.dpd")}</dt>
          <dd data-testid="case-dpd">{c.daysPastDue}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">{t("collection.outstanding")}</dt>
          <dd>{y(c.outstandingFen)}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">{t("collection.assignee")}</dt>
          <dd data-testid="case-assignee">{c.assigneeName ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">{t("collection.nextAction")}</dt>
          <dd>{c.nextActionDate ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">{t("collection.lastActivity")}</dt>
          <dd>{c.lastActivity ?? "—"}</dd>
        </div>
      </dl>
      {!c.state.open && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-green-800">
          {t("collection.closed")}
        </p>
      )}
      {p && (
        <p className="text-sm" data-testid="case-promise">
          {t("collection.promise", { date: p.date, amount: y(p.amountFen), paid: y(p.paidFen) })}
          {p.kept === true && t("collection.promiseKept")}
          {p.kept === false && t("collection.promiseBroken")}
        </p>
      )}
      <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-2 font-medium">{t("collection.actions")}</h2>
        <div className="flex flex-wrap gap-3 text-sm">
          {c.can.requestChange && (
            <Link
              href={`/loans/${c.loanId}#requests`}
              className="rounded border border-stone-300 px-3 py-1.5"
            >
              {t("collection.requestExtension")}
            </Link>
          )}
          {c.can.requestCompensation && (
            <Link
              href={`/loans/${c.loanId}#compensation`}
              className="rounded border border-stone-300 px-3 py-1.5"
            >
              {t("collection.requestCompensation")}
            </Link>
          )}
          {c.pendingRequest && (
            <span>
              {t("collection.pendingRequest", {
                kind: t(`worklists.kinds.${c.pendingRequest.kind}` as never),
              })}
            </span>
          )}
          {c.compensation && (
            <span>{t("collection.compensationStatus", { status: c.compensation.status })}</span>
          )}
        </div>
      </section>
      {c.can.record && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">{t("collection.recordTitle")}</h2>
          <ActionForm
            testId="case-note"
            action={recordCaseNoteAction}
            hidden={{ caseId: String(c.id) }}
            submitLabel={t("collection.save")}
            successMessage={t("collection.saved")}
            fields={[
              {
                name: "status",
                label: t("collection.fields.status"),
                type: "select",
                options: [
                  { value: "", label: t("collection.keep") },
                  ...ENTERED_COLLECTION_STATUSES.map((s) => ({
                    value: s,
                    label: t(`collection.statuses.${s}`),
                  })),
                ],
              },
              { name: "promiseDate", label: t("collection.fields.promiseDate"), type: "date" },
              { name: "promiseAmount", label: t("collection.fields.promiseAmount"), type: "yuan" },
              { name: "nextActionDate", label: t("collection.fields.nextActionDate"), type: "date" },
              { name: "note", label: t("collection.fields.note"), maxLength: 500 },
            ]}
          />
        </section>
      )}
      {c.can.assign && (
        <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">{t("collection.assignTitle")}</h2>
          <ActionForm
            testId="case-assign"
            action={assignCaseAction}
            hidden={{ caseId: String(c.id) }}
            submitLabel={t("collection.assign")}
            successMessage={t("collection.assigned")}
            columns={1}
            fields={[
              {
                name: "assigneeId",
                label: t("collection.fields.assignee"),
                type: "select",
                defaultValue: c.assigneeId ? String(c.assigneeId) : "",
                options: [
                  { value: "", label: "—" },
                  ...c.assignable.map((u) => ({ value: String(u.id), label: u.name })),
                ],
              },
            ]}
          />
        </section>
      )}
      <section>
        <h2 className="mb-2 font-medium">{t("collection.history")}</h2>
        {c.events.length === 0 ? (
          <p className="text-sm text-stone-500">{t("collection.noHistory")}</p>
        ) : (
          <ol className="space-y-2 text-sm" data-testid="case-history">
            {c.events.map((e) => (
              <li key={e.id} className="rounded bg-white p-3 ring-1 ring-stone-200">
                <div className="text-xs text-stone-500">
                  {formatDateTime(e.at)} · {e.authorName}
                </div>
                <div>
                  {e.kind === "ASSIGN"
                    ? t("collection.event.ASSIGN", { name: e.assigneeName ?? "" })
                    : t("collection.event.NOTE")}
                  {e.status && ` · ${t(`collection.statuses.${e.status}` as never)}`}
                  {e.promiseDate &&
                    ` · ${t("collection.promiseShort", { date: e.promiseDate, amount: y(e.promiseAmountFen ?? 0) })}`}
                  {e.nextActionDate && ` · ${t("collection.nextAction")} ${e.nextActionDate}`}
                </div>
                {e.note && <p className="mt-1">{e.note}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
