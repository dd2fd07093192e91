import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { formatYuan, yuanToFen } from "@/domain";
import { columnIndex, ledgerPrint } from "@/server/services/ledgers";
import { todayShanghai } from "@/server/clock";
import { pacerFor } from "@/server/heavy";
import { PageError } from "@/ui/shell/PageError";
import { PrintButton } from "@/ui/ledgers/PrintButton";
import { PrintRows } from "@/ui/ledgers/PrintRows";

const MAX_ROWS = 5000;

/** The loan ledger laid out for printing and signing (制表 / 审核 / 负责人). */
export default async function PrintLedgerPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations();
  const tl = await getTranslations("ledgers");
  const today = todayShanghai();
  const q = {
    region: sp.region ?? actor.regionCode,
    from: sp.from ?? `${today.slice(0, 4)}-01-01`,
    to: sp.to ?? today,
    outstanding: sp.outstanding === "1",
  };
  const res = await attempt(() => ledgerPrint(actor, q, MAX_ROWS));
  if (!res.ok) return <PageError message={res.message} />;
  const { def, rows, truncated, regionName, totals } = res.data;
  const money = (i: number) => def.columns[i]!.type === "money";
  const shown = (v: string, i: number) => (money(i) && v !== "" ? formatYuan(yuanToFen(v), false) : v);
  // The totals row (sum of each amount column over the whole ledger), then each excluded part, labelled.
  const footer: string[][] = [
    def.columns.map((c, i) => {
      const total = def.totals.find((x) => x.column === c.header);
      if (i === 0) return tl("totalRow", { count: totals.rows });
      return total ? formatYuan(totals.sums[def.totals.indexOf(total)]!.fen, false) : "";
    }),
    ...totals.parts.flatMap((p) => {
      const at = columnIndex(def, p.column, "money");
      const line = (label: string, fen: number) =>
        def.columns.map((_, i) => (i === 0 ? label : i === at ? formatYuan(fen, false) : ""));
      return [line(tl("partRow", { label: p.label, count: p.rows }), p.fen), line(p.without, p.withoutFen)];
    }),
  ];
  return (
    <div className="space-y-3 bg-white p-4 text-xs print:p-0" data-testid="print-ledger">
      <div className="flex items-start justify-between print:hidden">
        <p className="text-sm text-stone-600">{tl("printHint")}</p>
        <PrintButton label={t("documents.print")} />
      </div>
      <h1 className="text-center text-lg font-semibold">
        {tl("printTitle", { region: regionName })}
        {q.outstanding && tl("printOutstanding")}
      </h1>
      <p className="text-center">
        {tl("printSubtitle", { to: q.to, count: totals.rows })}
        {truncated && tl("printTruncated", { shown: rows.length, count: totals.rows })}
      </p>
      <table className="w-full border-collapse">
        <thead>
          <tr>
            {def.columns.map((c) => (
              <th key={c.header} className="border border-stone-400 px-1 py-0.5">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <PrintRows
            rows={rows}
            pace={pacerFor(actor)}
            cell={(v, i) => (
              <td
                key={i}
                className={`border border-stone-300 px-1 py-0.5 ${money(i) ? "text-right tabular-nums" : ""}`}
              >
                {shown(v, i)}
              </td>
            )}
          />
        </tbody>
        <tfoot data-testid="print-totals">
          {footer.map((line, k) => (
            <tr key={k} className="break-inside-avoid font-semibold">
              {line.map((v, i) => (
                <td
                  key={i}
                  className={`border border-stone-400 px-1 py-0.5 ${money(i) ? "text-right tabular-nums" : ""}`}
                >
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tfoot>
      </table>
      <div className="mt-8 grid grid-cols-4 gap-6 text-sm">
        <span>{tl("sigPreparer")}</span>
        <span>{tl("sigReviewer")}</span>
        <span>{tl("sigHead")}</span>
        <span>{tl("sigDate")}</span>
      </div>
    </div>
  );
}
