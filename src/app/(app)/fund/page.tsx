import Link from "next/link";
import { randomUUID } from "node:crypto";
import { getTranslations } from "next-intl/server";
import { can, formatYuan } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listFunds } from "@/server/services/fund";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createFundAction, decideCompensationAction, depositAction } from "./actions";
import { applicationOptions } from "@/server/services/lifecycle";
import { codeLabel, unitFormatters } from "@/ui/units";

export default async function FundPage() {
  const actor = await pageActor();
  const res = await attempt(() => listFunds(actor));
  const { banks } = await applicationOptions();
  if (!res.ok) return <PageError message={res.message} />;
  const staff = can(actor.role, "fund.write");
  const checker = can(actor.role, "claim.approve");
  const t = await getTranslations("fund");
  const ts = await getTranslations();
  const u = unitFormatters(await getTranslations("units"));
  const label = (section: string, code: string) => codeLabel(ts, section, code);
  return (
    <div className="space-y-8">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      {res.data.length === 0 && <p className="text-stone-500">{t("none")}</p>}
      {staff && /^\d{6}$/.test(actor.regionCode) && (
        <details className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <summary className="cursor-pointer text-sm text-brand-700">{t("create")}</summary>
          <ActionForm
            testId="create-fund"
            action={createFundAction}
            submitLabel={t("createSubmit")}
            successMessage={t("created")}
            columns={3}
            fields={[
              {
                name: "name",
                label: t("name"),
                defaultValue: t("defaultName", { region: actor.regionName }),
              },
              {
                name: "bankId",
                label: t("bank"),
                type: "select",
                options: [
                  { value: "", label: t("wholeCounty") },
                  ...banks.map((b) => ({ value: String(b.id), label: b.name })),
                ],
              },
            ]}
          />
        </details>
      )}
      {res.data.map((f) => (
        <section
          key={f.id}
          className="space-y-4 rounded-lg bg-white p-4 ring-1 ring-stone-200"
          data-testid={`fund-${f.countyCode}`}
        >
          <h2 className="font-medium">{f.name}</h2>
          {f.position.overCap && (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
              data-testid="fund-over-cap"
            >
              {t("overCap", { cap: f.leverageCap, amount: u.wan(-f.position.headroomFen) })}
            </p>
          )}
          <dl className="grid grid-cols-2 gap-4 text-sm md:grid-cols-5">
            <div>
              <dt className="text-xs text-stone-500">{t("balance")}</dt>
              <dd className="text-lg" data-testid="fund-balance">
                {u.wan(f.balanceFen)}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500">{t("outstanding")}</dt>
              <dd className="text-lg">{u.wan(f.outstandingFen)}</dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500" title={t("coverageHint")}>
                {t("coverage")}
              </dt>
              <dd className="text-lg">{u.rate(f.position.coverage)}</dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500" title={t("leverageHint")}>
                {t("leverage")}
              </dt>
              <dd className="text-lg">
                {u.multiple(f.position.leverage)} / {f.leverageCap}×
              </dd>
            </div>
            <div>
              <dt className="text-xs text-stone-500" title={t("headroomHint")}>
                {t("headroom")}
              </dt>
              <dd className={`text-lg ${f.position.headroomFen < 0 ? "text-red-700" : ""}`}>
                {u.headroom(f.position.headroomFen)}
              </dd>
            </div>
          </dl>
          {staff && (
            <details>
              <summary className="cursor-pointer text-sm text-brand-700">{t("deposit")}</summary>
              <ActionForm
                testId={`deposit-${f.countyCode}`}
                action={depositAction}
                hidden={{ fundId: String(f.id), idempotencyKey: randomUUID() }}
                submitLabel={t("depositSubmit")}
                successMessage={t("deposited")}
                columns={4}
                fields={[
                  {
                    name: "fundingLevel",
                    label: t("fundingLevel"),
                    type: "select",
                    options: ["COUNTY", "CITY", "PROVINCIAL", "CENTRAL", "BANK", "OTHER"].map((v) => ({
                      value: v,
                      label: label("level", v),
                    })),
                  },
                  { name: "amount", label: t("amount"), type: "yuan" },
                  { name: "valueDate", label: t("valueDate"), type: "date", defaultValue: todayShanghai() },
                  { name: "memo", label: t("memo") },
                ]}
              />
            </details>
          )}
          <div className="grid gap-4 lg:grid-cols-2">
            <div>
              <h3 className="mb-1 text-sm font-medium">{t("claims")}</h3>
              <table className="min-w-full text-sm" data-testid="compensation-claims">
                <thead className="bg-stone-100 text-left text-xs text-stone-600">
                  <tr>
                    <th className="px-2 py-1">{t("loan")}</th>
                    <th className="px-2 py-1 text-right">{t("dpd")}</th>
                    <th className="px-2 py-1 text-right">{t("unpaid")}</th>
                    <th className="px-2 py-1 text-right">{t("compensation")}</th>
                    <th className="px-2 py-1">{t("status")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100 align-top">
                  {f.claims.map((c) => (
                    <tr key={c.id} id={`comp-${c.id}`}>
                      <td className="px-2 py-1">
                        <Link href={`/loans/${c.loanId}`} className="text-brand-700 hover:underline">
                          {c.borrowerName}
                        </Link>
                      </td>
                      <td className="num px-2 py-1">{c.daysPastDue}</td>
                      <td className="num px-2 py-1">{formatYuan(c.unpaidPrincipalFen, false)}</td>
                      <td className="num px-2 py-1">{formatYuan(c.amountFen, false)}</td>
                      <td className="px-2 py-1">
                        {label("claimStatus", c.status)}
                        {checker && c.status === "SUBMITTED" && c.makerId !== actor.id && (
                          <ActionForm
                            testId={`approve-comp-${c.id}`}
                            action={decideCompensationAction}
                            hidden={{ claimId: String(c.id), action: "APPROVE", version: String(c.version) }}
                            submitLabel={t("approve")}
                            fields={[]}
                            columns={1}
                          />
                        )}
                        {staff && c.status === "APPROVED" && (
                          <ActionForm
                            testId={`pay-comp-${c.id}`}
                            action={decideCompensationAction}
                            hidden={{ claimId: String(c.id), action: "PAY", version: String(c.version) }}
                            submitLabel={t("pay")}
                            fields={[
                              {
                                name: "paidDate",
                                label: t("paidDate"),
                                type: "date",
                                defaultValue: todayShanghai(),
                              },
                            ]}
                            columns={1}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3 className="mb-1 text-sm font-medium">{t("ledger")}</h3>
              <table className="min-w-full text-sm" data-testid="fund-ledger">
                <thead className="bg-stone-100 text-left text-xs text-stone-600">
                  <tr>
                    <th className="px-2 py-1">{t("date")}</th>
                    <th className="px-2 py-1">{t("kind")}</th>
                    <th className="px-2 py-1 text-right">{t("entryAmount")}</th>
                    <th className="px-2 py-1 text-right">{t("entryBalance")}</th>
                    <th className="px-2 py-1">{t("entryMemo")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100">
                  {f.ledger.map((e) => (
                    <tr key={e.id}>
                      <td className="px-2 py-1">{e.valueDate}</td>
                      <td className="px-2 py-1">
                        {label("fundKind", e.kind)}
                        {e.fundingLevel ? ` · ${label("level", e.fundingLevel)}` : ""}
                      </td>
                      <td className={`num px-2 py-1 ${e.amountFen < 0 ? "text-red-700" : ""}`}>
                        {formatYuan(e.amountFen, false)}
                      </td>
                      <td className="num px-2 py-1">{formatYuan(e.balanceFen, false)}</td>
                      <td className="px-2 py-1">{e.memo}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </section>
      ))}
    </div>
  );
}
