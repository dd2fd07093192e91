import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { ledgerPrint } from "@/server/services/ledgers";
import { todayShanghai } from "@/server/money";
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
  const today = todayShanghai();
  const q = {
    region: sp.region ?? actor.regionCode,
    from: sp.from ?? `${today.slice(0, 4)}-01-01`,
    to: sp.to ?? today,
  };
  const res = await attempt(() => ledgerPrint(actor, q, MAX_ROWS));
  if (!res.ok) return <PageError message={res.message} />;
  const { def, rows, truncated, regionName } = res.data;
  return (
    <div className="space-y-3 bg-white p-4 text-xs print:p-0" data-testid="print-ledger">
      <div className="flex items-start justify-between print:hidden">
        <p className="text-sm text-stone-600">打印预览：请使用浏览器的“打印”，横向 A4。</p>
        <PrintButton />
      </div>
      <h1 className="text-center text-lg font-semibold">
        {regionName} 妇女创业担保贷款{def.title}
      </h1>
      <p className="text-center">
        截至 {q.to} · 共 {rows.length} 笔{truncated && `（仅打印前 ${MAX_ROWS} 笔，完整台账请导出）`}
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
            cell={(v, i) => (
              <td
                key={i}
                className={`border border-stone-300 px-1 py-0.5 ${def.columns[i]!.type === "money" ? "text-right" : ""}`}
              >
                {v}
              </td>
            )}
          />
        </tbody>
      </table>
      <div className="mt-8 grid grid-cols-4 gap-6 text-sm">
        <span>制表人：____________</span>
        <span>审核人：____________</span>
        <span>负责人（盖章）：____________</span>
        <span>日期：____年__月__日</span>
      </div>
    </div>
  );
}
