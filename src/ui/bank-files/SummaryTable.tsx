import { useTranslations } from "next-intl";
import { formatYuan, identityHolds, type StatementSummary, type UnmatchedReason } from "@/domain";

const y = (fen: number) => formatYuan(fen, false);

/** Counts and sums per category, to the fen, and the identity file = posted + already posted + unmatched. */
export function SummaryTable({ summary, posted = false }: { summary: StatementSummary; posted?: boolean }) {
  const t = useTranslations("bankFiles");
  const lines: [string, StatementSummary["file"], boolean][] = [
    [t(`category.${posted ? "POSTED" : "TO_POST"}`), summary.toPost, false],
    [t("category.ALREADY_POSTED"), summary.alreadyPosted, false],
    [t("category.UNMATCHED"), summary.unmatched, false],
    ...Object.entries(summary.byReason).map(
      ([k, c]) =>
        [t("ofWhich", { reason: t(`reason.${k as UnmatchedReason}`) }), c, true] as [
          string,
          StatementSummary["file"],
          boolean,
        ],
    ),
    [t("category.FILE"), summary.file, false],
  ];
  return (
    <div className="space-y-1">
      <table
        className="w-full rounded bg-white text-sm ring-1 ring-stone-200"
        data-testid="statement-summary"
      >
        <thead className="text-left text-xs text-stone-600">
          <tr>
            <th className="px-2 py-1" />
            <th className="text-right">{t("count")}</th>
            <th className="text-right">{t("principal")}</th>
            <th className="text-right">{t("interest")}</th>
            <th className="text-right">{t("penalty")}</th>
            <th className="px-2 text-right">{t("total")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {lines.map(([label, c, sub]) => (
            <tr key={label} className={sub ? "text-stone-600" : ""}>
              <td className={`px-2 py-1 ${sub ? "pl-6" : "font-medium"}`}>{label}</td>
              <td className="num">{c.count}</td>
              <td className="num">{y(c.principalFen)}</td>
              <td className="num">{y(c.interestFen)}</td>
              <td className="num">{y(c.penaltyFen)}</td>
              <td className="num px-2">{y(c.totalFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-sm text-stone-700" data-testid="statement-identity">
        {t("identity", {
          file: y(summary.file.totalFen),
          toPost: y(summary.toPost.totalFen),
          already: y(summary.alreadyPosted.totalFen),
          unmatched: y(summary.unmatched.totalFen),
        })}{" "}
        {identityHolds(summary) && <span className="text-emerald-800">✓ {t("identityOk")}</span>}
      </p>
    </div>
  );
}
