import { getTranslations } from "next-intl/server";
import { formatRate, regionLevel } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { bulletinText, targetProgress } from "@/server/services/targets";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ActionForm } from "@/ui/forms/ActionForm";
import { CopyText } from "@/ui/rules/CopyText";
import { TargetUpload } from "@/ui/rules/TargetUpload";
import { setTargetAction } from "./actions";
import { unitFormatters } from "@/ui/units";

/** 任务数与考核 (DOMAIN §11): progress per township, points, the fund required, 今日通报. */
export default async function TargetsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("targets");
  const u = unitFormatters(await getTranslations("units"));
  const today = todayShanghai();
  const year = sp.year && /^\d{4}$/.test(sp.year) ? Number(sp.year) : Number(today.slice(0, 4));
  const own = regionLevel(actor.regionCode) === "CITY" ? actor.regionCode : actor.regionCode.slice(0, 6);
  const region = sp.region && /^\d{6}$/.test(sp.region) ? sp.region : own;
  const res = await attempt(() => targetProgress(actor, region, year, today));
  if (!res.ok) return <PageError message={res.message} />;
  const p = res.data;
  const pct = (bp: number | null) => (bp === null ? t("noTarget") : formatRate(bp / 10_000, 1));
  const table = (rows: typeof p.rows, testId: string) => (
    <table className="min-w-full text-sm" data-testid={testId}>
      <thead className="bg-stone-100 text-left text-xs text-stone-600">
        <tr>
          <th className="px-3 py-2">{t("rank")}</th>
          <th className="px-3 py-2">{t("unit")}</th>
          <th className="px-3 py-2 text-right">{t("target")}</th>
          <th className="px-3 py-2 text-right">{t("lent")}</th>
          <th className="px-3 py-2 text-right">{t("completion")}</th>
          <th className="px-3 py-2 text-right">{t("change")}</th>
          <th className="px-3 py-2 text-right">{t("points")}</th>
          <th className="px-3 py-2 text-right">{t("fundRequired")}</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {rows.map((r) => (
          <tr key={r.regionCode}>
            <td className="px-3 py-2">{r.rank ?? "—"}</td>
            <td className="px-3 py-2">{r.regionName}</td>
            <td className="num px-3 py-2">{u.wan(r.targetFen)}</td>
            <td className="num px-3 py-2">{u.wan(r.lentFen)}</td>
            <td className="num px-3 py-2">{pct(r.completionBp)}</td>
            <td className="num px-3 py-2">
              {r.changeBp === null ? "—" : formatRate(r.changeBp / 10_000, 1)}
            </td>
            <td className="num px-3 py-2">
              {r.points}
              {r.awardsBarred && <span className="ml-1 text-red-700">{t("barred")}</span>}
            </td>
            <td className="num px-3 py-2">{u.wan(r.requiredFundFen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">{t("title", { region: p.regionName, year })}</h1>
      <p className="text-sm text-stone-600">
        {t("summary", {
          target: u.wan(p.total.targetFen),
          lent: u.wan(p.total.lentFen),
          completion: pct(p.total.completionBp),
          required: u.wan(p.total.requiredFundFen),
          balance: u.wan(p.fundBalanceFen),
        })}
      </p>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        {table(p.rows, "targets")}
      </div>
      {p.villages.length > 0 && (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
          {table(p.villages, "village-targets")}
        </div>
      )}
      <section className="max-w-3xl rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-2 font-medium">{t("bulletin")}</h2>
        <CopyText text={bulletinText(p)} copyLabel={t("copy")} copiedLabel={t("copied")} />
      </section>
      {p.canEdit && (
        <section className="max-w-3xl space-y-4 rounded-lg bg-white p-4 ring-1 ring-stone-200">
          <h2 className="font-medium">{t("set")}</h2>
          <ActionForm
            testId="target"
            action={setTargetAction}
            submitLabel={t("save")}
            successMessage={t("saved")}
            columns={3}
            hidden={{ year: String(year) }}
            fields={[
              { name: "regionCode", label: t("regionCode"), hint: t("regionHint") },
              { name: "target", label: t("targetYuan"), type: "yuan" },
            ]}
          />
          <TargetUpload
            labels={{
              file: t("file"),
              upload: t("upload"),
              done: t.raw("imported") as string,
              failed: t("importFailed"),
            }}
          />
        </section>
      )}
    </div>
  );
}
