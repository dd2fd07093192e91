import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { fenToYuan, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { recordId } from "@/server/params";
import { attempt } from "@/server/errors";
import { todayShanghai } from "@/server/clock";
import { getOrganisation } from "@/server/services/organisations";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { codeLabel } from "@/ui/units";
import { addMemberAction, linkLoanAction, recordBenefitPaymentAction } from "../actions";

const head = "px-3 py-2";
const cell = "px-3 py-1.5";
const STATUS_CLASS = { PAID: "text-stone-700", OPEN: "text-stone-500", MISSED: "font-medium text-red-700" };

function Table({
  testId,
  cols,
  rows,
  empty,
}: {
  testId: string;
  cols: { label: string; num?: boolean }[];
  rows: { key: string; cells: React.ReactNode[]; className?: string }[];
  empty: string;
}) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
      <table className="min-w-full text-sm" data-testid={testId}>
        <thead className="bg-stone-100 text-left text-xs text-stone-600">
          <tr>
            {cols.map((c) => (
              <th key={c.label} className={`${head} ${c.num ? "text-right" : ""}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.length === 0 && (
            <tr>
              <td className={`${cell} text-stone-500`} colSpan={cols.length}>
                {empty}
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.key} className={r.className}>
              {r.cells.map((c, i) => (
                <td key={i} className={`${cell} ${cols[i]!.num ? "num" : ""}`}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One 分贷统还 organisation: members, linked loans, each household's benefit schedule and payments. */
export default async function OrganisationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await pageActor();
  const t = await getTranslations("organisations");
  const root = await getTranslations();
  const n = recordId(id);
  if (n === null) notFound();
  const res = await attempt(() => getOrganisation(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const o = res.data;
  const y = (fen: number) => formatYuan(fen, false);
  return (
    <div className="space-y-5">
      <Link href="/organisations" className="text-sm text-brand-700 hover:underline">
        {t("back")}
      </Link>
      <div>
        <h1 className="text-xl font-semibold">{o.name}</h1>
        <p className="text-sm text-stone-600">
          {t(`kinds.${o.kind}`)} · {t("creditCode")} <span className="font-mono">{o.creditCode}</span> ·{" "}
          {o.villageName}
          {o.legalRep ? ` · ${t("legalRep")} ${o.legalRep}` : ""}
          {o.phone ? ` · ${o.phone}` : ""}
        </p>
      </div>
      {o.missed > 0 && (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          data-testid="organisation-missed"
        >
          {t("missedAlert", { count: o.missed })}
        </p>
      )}

      <section className="space-y-2">
        <h2 className="font-medium">{t("members")}</h2>
        <Table
          testId="organisation-members"
          cols={[
            { label: t("borrower") },
            { label: t("idNumber") },
            { label: t("village") },
            { label: t("joinedOn") },
          ]}
          rows={o.membersList.map((m) => ({
            key: String(m.borrowerId),
            cells: [
              <Link key="b" href={`/borrowers/${m.borrowerId}`} className="text-brand-700 hover:underline">
                {m.name}
              </Link>,
              <span key="i" className="font-mono text-xs">
                {m.idNumber}
              </span>,
              m.villageName,
              m.joinedOn,
            ],
          }))}
          empty={t("none")}
        />
      </section>

      <section className="space-y-2">
        <h2 className="font-medium">{t("loans")}</h2>
        <Table
          testId="organisation-loans"
          cols={[
            { label: t("borrower") },
            { label: t("applicationNo") },
            { label: t("principal"), num: true },
            { label: t("disbursedDate") },
            { label: t("loanStatus") },
          ]}
          rows={o.loanList.map((l) => ({
            key: String(l.loanId),
            cells: [
              l.borrowerName,
              <Link key="l" href={`/loans/${l.loanId}`} className="text-brand-700 hover:underline">
                {l.applicationNo}
              </Link>,
              y(l.principalFen),
              l.disbursedDate ?? "—",
              codeLabel(root, "status", l.status),
            ],
          }))}
          empty={t("none")}
        />
      </section>

      <section className="space-y-2">
        <h2 className="font-medium">{t("schedule")}</h2>
        <p className="text-xs text-stone-600">{t("scheduleRule")}</p>
        <Table
          testId="organisation-schedule"
          cols={[
            { label: t("borrower") },
            { label: t("year") },
            { label: t("dueDate") },
            { label: t("credit"), num: true },
            { label: t("due"), num: true },
            { label: t("paid"), num: true },
            { label: t("short"), num: true },
            { label: t("status") },
          ]}
          rows={o.schedule.map((s) => ({
            key: `${s.borrowerId}:${s.year}`,
            cells: [
              s.borrowerName,
              t("yearN", { n: s.year }),
              s.dueDate,
              y(s.creditFen),
              y(s.dueFen),
              y(s.paidFen),
              y(s.shortFen),
              <span key="s" className={STATUS_CLASS[s.status]}>
                {t(`status.${s.status}`)}
              </span>,
            ],
          }))}
          empty={t("none")}
        />
      </section>

      <section className="space-y-2">
        <h2 className="font-medium">{t("payments")}</h2>
        <Table
          testId="organisation-payments"
          cols={[
            { label: t("borrower") },
            { label: t("year") },
            { label: t("paidDate") },
            { label: t("amount"), num: true },
            { label: t("memo") },
          ]}
          rows={o.payments.map((p) => ({
            key: String(p.id),
            cells: [p.borrowerName, t("yearN", { n: p.year }), p.paidDate, y(p.amountFen), p.memo ?? ""],
          }))}
          empty={t("noPayments")}
        />
      </section>

      {o.canWrite && (
        <div className="grid gap-3 lg:grid-cols-3">
          <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
            <h2 className="mb-3 font-medium">{t("recordPayment")}</h2>
            {o.schedule.length === 0 ? (
              <p className="text-sm text-stone-500">{t("none")}</p>
            ) : (
              <ActionForm
                testId="record-benefit-payment"
                action={recordBenefitPaymentAction}
                hidden={{ organisationId: String(o.id) }}
                submitLabel={t("paySubmit")}
                successMessage={t("paymentSaved")}
                columns={1}
                fields={[
                  {
                    name: "line",
                    label: t("line"),
                    type: "select",
                    options: o.schedule
                      .filter((s) => s.status !== "PAID")
                      .concat(o.schedule.filter((s) => s.status === "PAID"))
                      .map((s) => ({
                        value: `${s.borrowerId}:${s.year}`,
                        label: `${s.borrowerName} · ${t("yearN", { n: s.year })} · ${s.dueDate} · ${t(`status.${s.status}`)}`,
                      })),
                  },
                  { name: "paidDate", label: t("paidDate"), type: "date", defaultValue: todayShanghai() },
                  {
                    name: "amount",
                    label: t("amount"),
                    type: "yuan",
                    defaultValue: fenToYuan(o.schedule.find((s) => s.status !== "PAID")?.shortFen ?? 0),
                  },
                  { name: "memo", label: t("memo"), maxLength: 128 },
                ]}
              />
            )}
          </section>
          <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
            <h2 className="mb-3 font-medium">{t("addMember")}</h2>
            <ActionForm
              testId="add-member"
              action={addMemberAction}
              hidden={{ organisationId: String(o.id) }}
              submitLabel={t("addMemberSubmit")}
              successMessage={t("memberAdded")}
              columns={1}
              fields={[
                { name: "idNumber", label: t("idNumber"), required: true, maxLength: 18 },
                { name: "joinedOn", label: t("joinedOn"), type: "date", defaultValue: todayShanghai() },
              ]}
            />
          </section>
          <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
            <h2 className="mb-3 font-medium">{t("linkLoan")}</h2>
            {o.linkable.length === 0 ? (
              <p className="text-sm text-stone-500">{t("noLinkable")}</p>
            ) : (
              <ActionForm
                testId="link-loan"
                action={linkLoanAction}
                hidden={{ organisationId: String(o.id) }}
                submitLabel={t("linkSubmit")}
                successMessage={t("linked")}
                columns={1}
                fields={[
                  {
                    name: "loanId",
                    label: t("loan"),
                    type: "select",
                    options: o.linkable.map((l) => ({ value: String(l.loanId), label: l.label })),
                  },
                ]}
              />
            )}
          </section>
        </div>
      )}
    </div>
  );
}
