import { getTranslations } from "next-intl/server";
import { formatRate } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listSuspensions } from "@/server/services/rectifications";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { decideRectificationAction, recordRectificationAction } from "../actions";

/** 暂停放款与整改 (DOMAIN §13): each township's and village's suspensions, rectifications and their approval. */
export default async function SuspensionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("rules.suspensions");
  const w = await getTranslations("rules.window");
  const county = sp.county && /^\d{6}$/.test(sp.county) ? sp.county : actor.regionCode.slice(0, 6);
  const res = await attempt(() => listSuspensions(actor, county, undefined, sp.all === "1"));
  if (!res.ok) return <PageError message={res.message} />;
  const v = res.data;
  const pct = (bp: number | null) => (bp === null ? t("noData") : formatRate(bp / 10_000));
  const suspended = v.rows.filter((r) => r.suspended);
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-stone-600">
        {t("rule", { window: w(v.rateWindow), threshold: pct(v.thresholdBp), months: v.months })}
      </p>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="suspensions">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("region")}</th>
              <th className="px-3 py-2">{t("state")}</th>
              <th className="px-3 py-2">{t("latest")}</th>
              <th className="px-3 py-2">{t("episodes")}</th>
              <th className="px-3 py-2">{t("rectifications")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {v.rows.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-4 text-stone-500">
                  {t("none")}
                </td>
              </tr>
            )}
            {v.rows.map((r) => (
              <tr key={r.regionCode} data-region={r.regionCode}>
                <td className="px-3 py-2">
                  {r.regionName}
                  <span className="ml-1 font-mono text-xs text-stone-500">{r.regionCode}</span>
                </td>
                <td className="px-3 py-2">
                  {r.suspended ? (
                    <span className="rounded bg-red-50 px-2 py-0.5 text-red-800">{t("suspended")}</span>
                  ) : (
                    <span className="text-stone-600">{t("lending")}</span>
                  )}
                </td>
                <td className="px-3 py-2">
                  {r.latest ? `${r.latest.monthEnd.slice(0, 7)} ${pct(r.latest.rateBp)}` : t("noData")}
                </td>
                <td className="px-3 py-2">
                  <ul className="space-y-1">
                    {r.episodes.map((e) => (
                      <li key={e.start}>
                        {t("episode", {
                          start: e.start.slice(0, 7),
                          end: e.end ?? t("ongoing"),
                          months: e.cause.map((c) => `${c.monthEnd.slice(0, 7)} ${pct(c.rateBp)}`).join("、"),
                        })}
                        {e.rectification && ` ${t("liftedBy", { by: e.rectification.doneBy })}`}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="px-3 py-2">
                  <ul className="space-y-2">
                    {r.rectifications.map((x) => (
                      <li key={x.id}>
                        <p>
                          {t(`status.${x.status}`)} · {x.doneOn} · {x.doneBy}
                        </p>
                        <p className="text-stone-600">{x.measures}</p>
                        {x.decisionNote && <p className="text-stone-500">{x.decisionNote}</p>}
                        {x.status === "PENDING" && v.canDecide && !x.mine && (
                          <div className="mt-1 flex flex-wrap gap-3">
                            <ActionForm
                              testId={`approve-rect-${x.id}`}
                              action={decideRectificationAction}
                              hidden={{ id: String(x.id), decision: "APPROVE" }}
                              submitLabel={t("approve")}
                              successMessage={t("approved")}
                              fields={[]}
                              columns={1}
                            />
                            <ActionForm
                              testId={`reject-rect-${x.id}`}
                              action={decideRectificationAction}
                              hidden={{ id: String(x.id), decision: "REJECT" }}
                              submitLabel={t("reject")}
                              successMessage={t("rejected")}
                              fields={[{ name: "note", label: t("note") }]}
                              columns={2}
                            />
                          </div>
                        )}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.canRecord && suspended.length > 0 && (
        <section className="max-w-3xl rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="mb-3 font-medium">{t("record")}</h2>
          <ActionForm
            testId="rectification"
            action={recordRectificationAction}
            submitLabel={t("submit")}
            successMessage={t("recorded")}
            columns={2}
            fields={[
              {
                name: "regionCode",
                label: t("region"),
                type: "select",
                options: suspended.map((r) => ({ value: r.regionCode, label: r.regionName })),
              },
              { name: "doneBy", label: t("doneBy") },
              { name: "doneOn", label: t("doneOn"), type: "date" },
              { name: "measures", label: t("measures"), maxLength: 1000 },
            ]}
          />
        </section>
      )}
    </div>
  );
}
