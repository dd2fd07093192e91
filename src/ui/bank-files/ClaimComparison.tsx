import { useTranslations } from "next-intl";
import Link from "next/link";
import { formatYuan } from "@/domain";
import type { ActionResult } from "@/server/action";
import type { ComparisonLine } from "@/server/services/interest-statements";
import { ActionForm } from "@/ui/forms/ActionForm";
import { InterestStatementPanel } from "./InterestStatementPanel";

const y = (fen: number | null) => (fen === null ? "—" : formatYuan(fen, false));

/** The claim beside the bank's interest statement: differences to the fen, likely cause, a reason each. */
export function ClaimComparison<T>({
  claimId,
  lines,
  editable,
  sampleHref,
  reasonAction,
}: {
  claimId: number;
  lines: ComparisonLine[];
  editable: boolean;
  /** The demo's sample interest statement of this claim's bank and quarter. */
  sampleHref?: string;
  reasonAction: (prev: ActionResult<T> | null, fd: FormData) => Promise<ActionResult<T>>;
}) {
  const t = useTranslations("bankFiles");
  const open = lines.filter((l) => l.cause !== null && !l.reason).length;
  return (
    <section className="space-y-2">
      <h2 className="font-medium">{t("interestTitle")}</h2>
      <p className="text-sm text-stone-600">{t("interestIntro")}</p>
      {editable && <InterestStatementPanel claimId={claimId} sampleHref={sampleHref} />}
      {open > 0 && <p className="text-sm font-medium text-red-800">{t("differencesOpen", { n: open })}</p>}
      {lines.length > 0 && (
        <table
          className="w-full rounded bg-white text-sm ring-1 ring-stone-200"
          data-testid="claim-comparison"
        >
          <thead className="text-left text-xs text-stone-600">
            <tr>
              <th className="px-2 py-1">{t("col.contractNo")}</th>
              <th className="text-right">{t("bankInterest")}</th>
              <th className="text-right">{t("bankSubsidy")}</th>
              <th className="text-right">{t("interestDiff")}</th>
              <th className="text-right">{t("subsidyDiff")}</th>
              <th className="px-2">{t("cause")}</th>
              <th>{t("differenceReason")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {lines.map((l) => (
              <tr key={l.id} data-cause={l.cause ?? "NONE"}>
                <td className="px-2 py-1">
                  {l.loanId ? (
                    <Link href={`/loans/${l.loanId}`} className="text-brand-700 underline">
                      {l.contractNo ?? `#${l.loanId}`}
                    </Link>
                  ) : (
                    l.contractNo
                  )}
                </td>
                <td className="num">{y(l.bankInterestFen)}</td>
                <td className="num">{y(l.bankSubsidyFen)}</td>
                <td className={`num ${l.interestDiffFen ? "text-red-800" : ""}`}>{y(l.interestDiffFen)}</td>
                <td className={`num ${l.subsidyDiffFen ? "text-red-800" : ""}`}>{y(l.subsidyDiffFen)}</td>
                <td className="px-2">
                  {l.cause === null ? (
                    <span className="text-emerald-800">{t("noDifference")}</span>
                  ) : (
                    <>
                      {t(`causeText.${l.cause}`)}
                      {l.implied !== null && (
                        <span className="ml-1 text-xs text-stone-500">
                          {l.cause === "RATE"
                            ? t("impliedRate", { rate: (l.implied / 100).toFixed(2) })
                            : t("impliedDays", { n: l.implied })}
                        </span>
                      )}
                    </>
                  )}
                </td>
                <td>
                  {l.cause === null ? null : editable ? (
                    <ActionForm
                      action={reasonAction}
                      hidden={{ lineId: String(l.id) }}
                      submitLabel={t("saveReason")}
                      fields={[
                        { name: "reason", label: t("differenceReason"), defaultValue: l.reason ?? "" },
                      ]}
                      columns={1}
                      testId={`difference-${l.id}`}
                    />
                  ) : (
                    (l.reason ?? "")
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
