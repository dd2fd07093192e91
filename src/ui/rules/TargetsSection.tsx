import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatRate } from "@/domain";
import type { TargetProgress } from "@/server/services/targets";
import { unitFormatters } from "@/ui/units";

/** The dashboard's lending-target section (DOMAIN §11): the top of the ranking, points and the fund required. */
export async function TargetsSection({ load }: { load: () => Promise<TargetProgress | null> }) {
  const p = await load();
  if (!p || p.total.targetFen === 0) return null;
  const t = await getTranslations("targets");
  const u = unitFormatters(await getTranslations("units"));
  const pct = (bp: number | null) => (bp === null ? t("noTarget") : formatRate(bp / 10_000, 1));
  return (
    <section className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="dashboard-targets">
      <div className="mb-2 flex items-center justify-between">
        <h2 className="font-medium">{t("title", { region: p.regionName, year: p.year })}</h2>
        <Link
          href={`/targets?region=${p.regionCode}&year=${p.year}`}
          className="text-sm text-brand-700 hover:underline"
        >
          {t("bulletin")}
        </Link>
      </div>
      <p className="mb-2 text-sm text-stone-600">
        {t("summary", {
          target: u.wan(p.total.targetFen),
          lent: u.wan(p.total.lentFen),
          completion: pct(p.total.completionBp),
          required: u.wan(p.total.requiredFundFen),
          balance: u.wan(p.fundBalanceFen),
        })}
      </p>
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-stone-600">
          <tr>
            <th>{t("rank")}</th>
            <th>{t("unit")}</th>
            <th className="text-right">{t("completion")}</th>
            <th className="text-right">{t("change")}</th>
            <th className="text-right">{t("points")}</th>
            <th className="text-right">{t("fundRequired")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {p.rows.map((r) => (
            <tr key={r.regionCode}>
              <td className="py-1">{r.rank ?? "—"}</td>
              <td>{r.regionName}</td>
              <td className="num">{pct(r.completionBp)}</td>
              <td className="num">{r.changeBp === null ? "—" : formatRate(r.changeBp / 10_000, 1)}</td>
              <td className="num">
                {r.points}
                {r.awardsBarred && <span className="ml-1 text-xs text-red-700">{t("barred")}</span>}
              </td>
              <td className="num">{u.wan(r.requiredFundFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
