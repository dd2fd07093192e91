import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatYuan } from "@/domain";
import type { SettlementView } from "@/server/services/settlement";

type Result = NonNullable<SettlementView["result"]>;

const y = (fen: number) => formatYuan(fen, false);
/** A difference with its sign: + still to pay, − to recover. */
const signed = (fen: number) => (fen > 0 ? `+${y(fen)}` : y(fen));
const diffClass = (fen: number) => (fen === 0 ? "" : "font-medium text-red-700");

/**
 * The tables of the annual settlement (清算): by bank and quarter, by finance level, by loan. The screen and
 * the printed sheet show the same tables; `print` drops the links and uses ruled cells.
 */
export async function SettlementTables({
  result,
  allBanks,
  print = false,
  loans,
}: {
  result: Result;
  allBanks: boolean;
  print?: boolean;
  /** The loan rows to list (the page may list only those with a difference). */
  loans: Result["loans"];
}) {
  const t = await getTranslations("settlement");
  const th = print ? "border border-stone-400 px-2 py-1 text-left" : "px-3 py-2";
  const td = print ? "border border-stone-400 px-2 py-1" : "px-3 py-1.5";
  const table = print
    ? "w-full border-collapse text-xs"
    : "min-w-full rounded-lg bg-white text-sm ring-1 ring-stone-200";
  const head = print ? "" : "bg-stone-100 text-left text-xs text-stone-600";
  const body = print ? "" : "divide-y divide-stone-100";
  const foot = print ? "font-medium" : "bg-stone-50 font-medium";
  const quarterList = (qs: number[]) => qs.join("、");
  const totals = result.totals;
  return (
    <div className="space-y-6">
      <section className={print ? undefined : "overflow-x-auto"}>
        <table className={table} data-testid="settlement-quarters">
          <caption className="mb-1 text-left font-medium">{t("quarters.caption")}</caption>
          <thead className={head}>
            <tr>
              <th scope="col" className={th}>
                {t("quarters.bank")}
              </th>
              <th scope="col" className={th}>
                {t("quarters.quarterColumn")}
              </th>
              <th scope="col" className={th}>
                {t("quarters.status")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("quarters.claimed")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("quarters.recomputed")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("quarters.difference")}
              </th>
            </tr>
          </thead>
          <tbody className={body}>
            {result.quarters.map((q) => {
              const status = t(`status.${q.status ?? "NONE"}`);
              return (
                <tr
                  key={`${q.bankId}-${q.quarter}`}
                  data-testid={`settlement-quarter-${q.bankId}-${q.quarter}`}
                  className={q.missing ? "bg-red-50" : undefined}
                >
                  <td className={td}>{q.bankName}</td>
                  <td className={td}>{t("quarters.quarter", { q: q.quarter })}</td>
                  <td className={td}>
                    {!q.due && q.claimId === null ? (
                      <span className="text-stone-500">{t("quarters.notDue")}</span>
                    ) : q.claimId !== null && !print ? (
                      <Link
                        href={`/claims/${q.claimId}`}
                        className="text-brand-700 hover:underline"
                        aria-label={`${t("quarters.open")} ${q.bankName} ${t("quarters.quarter", { q: q.quarter })}`}
                      >
                        {status}
                      </Link>
                    ) : (
                      status
                    )}
                    {q.missing && (
                      <span className="ml-2 rounded bg-red-100 px-1.5 text-xs text-red-800">
                        {t("quarters.missing")}
                      </span>
                    )}
                  </td>
                  <td className={`${td} num`}>{y(q.claimedFen)}</td>
                  <td className={`${td} num`}>{y(q.recomputedFen)}</td>
                  <td className={`${td} num ${diffClass(q.differenceFen)}`}>{signed(q.differenceFen)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section className={print ? undefined : "overflow-x-auto"}>
        <table className={table} data-testid="settlement-levels">
          <caption className="mb-1 text-left font-medium">{t("levels.caption")}</caption>
          <thead className={head}>
            <tr>
              <th scope="col" className={th}>
                {t("levels.level")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("levels.claimed")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("levels.recomputed")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("levels.difference")}
              </th>
            </tr>
          </thead>
          <tbody className={body}>
            {result.levels.map((l) => (
              <tr key={l.level} data-testid={`settlement-level-${l.level}`}>
                <th scope="row" className={`${td} text-left font-normal`}>
                  {t(`levels.${l.level}`)}
                </th>
                <td className={`${td} num`}>{y(l.claimedFen)}</td>
                <td className={`${td} num`}>{y(l.recomputedFen)}</td>
                <td className={`${td} num ${diffClass(l.differenceFen)}`}>{signed(l.differenceFen)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot className={foot}>
            <tr>
              <th scope="row" className={`${td} text-left`}>
                {t("levels.total")}
              </th>
              <td className={`${td} num`}>{y(totals.claimedTotalFen)}</td>
              <td className={`${td} num`}>{y(totals.recomputedFen)}</td>
              <td
                className={`${td} num ${diffClass(totals.differenceFen)}`}
                data-testid="settlement-difference"
              >
                {signed(totals.differenceFen)}
              </td>
            </tr>
          </tfoot>
        </table>
      </section>

      <section className={print ? undefined : "overflow-x-auto"}>
        <table className={table} data-testid="settlement-loans">
          <caption className="mb-1 text-left font-medium">{t("loans.caption")}</caption>
          <thead className={head}>
            <tr>
              <th scope="col" className={th}>
                {t("loans.loan")}
              </th>
              <th scope="col" className={th}>
                {t("loans.borrower")}
              </th>
              {allBanks && (
                <th scope="col" className={th}>
                  {t("loans.bank")}
                </th>
              )}
              <th scope="col" className={`${th} text-right`}>
                {t("loans.submitted")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("loans.approved")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("loans.paid")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("loans.claimed")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("loans.recomputed")}
              </th>
              <th scope="col" className={`${th} text-right`}>
                {t("loans.difference")}
              </th>
              <th scope="col" className={th}>
                {t("loans.note")}
              </th>
            </tr>
          </thead>
          <tbody className={body}>
            {loans.map((l) => (
              <tr key={l.loanId} data-testid={`settlement-loan-${l.loanId}`}>
                <td className={`${td} font-mono text-xs`}>
                  {print ? (
                    (l.contractNo ?? l.applicationNo)
                  ) : (
                    <Link href={`/loans/${l.loanId}`} className="text-brand-700 hover:underline">
                      {l.contractNo ?? l.applicationNo}
                    </Link>
                  )}
                </td>
                <td className={td}>{l.borrowerName}</td>
                {allBanks && <td className={td}>{l.bankName}</td>}
                <td className={`${td} num`}>{y(l.claimedFen.SUBMITTED)}</td>
                <td className={`${td} num`}>{y(l.claimedFen.APPROVED)}</td>
                <td className={`${td} num`}>{y(l.claimedFen.PAID)}</td>
                <td className={`${td} num`}>{y(l.claimedTotalFen)}</td>
                <td className={`${td} num`}>{y(l.recomputedFen)}</td>
                <td className={`${td} num ${diffClass(l.differenceFen)}`}>{signed(l.differenceFen)}</td>
                <td className={`${td} text-xs`}>
                  {[
                    l.missingQuarters.length > 0 &&
                      t("loans.missingQuarters", { quarters: quarterList(l.missingQuarters) }),
                    l.differentQuarters.length > 0 &&
                      t("loans.differentQuarters", { quarters: quarterList(l.differentQuarters) }),
                  ]
                    .filter(Boolean)
                    .join("；")}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className={foot}>
            <tr>
              <td className={td} colSpan={allBanks ? 3 : 2}>
                {t("loans.total", { n: totals.loans })}
              </td>
              <td className={`${td} num`}>{y(totals.claimedFen.SUBMITTED)}</td>
              <td className={`${td} num`}>{y(totals.claimedFen.APPROVED)}</td>
              <td className={`${td} num`}>{y(totals.claimedFen.PAID)}</td>
              <td className={`${td} num`}>{y(totals.claimedTotalFen)}</td>
              <td className={`${td} num`}>{y(totals.recomputedFen)}</td>
              <td className={`${td} num ${diffClass(totals.differenceFen)}`}>
                {signed(totals.differenceFen)}
              </td>
              <td className={td} />
            </tr>
          </tfoot>
        </table>
      </section>
    </div>
  );
}
