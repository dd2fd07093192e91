import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { ledgerPage } from "@/server/services/ledgers";
import { db } from "@/server/db";
import { withHeavy } from "@/server/heavy";
import { todayShanghai } from "@/server/money";
import { PageError } from "@/ui/shell/PageError";
import { PrintButton } from "@/ui/ledgers/PrintButton";

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
  // A print view of thousands of rows is heavy work: one per user at a time, a few for everyone.
  const res = await attempt(() =>
    withHeavy(actor, "print", async () => {
      const rows: string[][] = [];
      let after = 0;
      let def;
      for (;;) {
        const p = await ledgerPage(actor, "loans", q, after, 1000);
        def = p.def;
        rows.push(...p.rows);
        if (!p.nextAfter || rows.length >= MAX_ROWS)
          return { def, rows: rows.slice(0, MAX_ROWS), truncated: Boolean(p.nextAfter) };
        after = p.nextAfter;
      }
    }),
  );
  if (!res.ok) return <PageError message={res.message} />;
  const region = await db.region.findUnique({ where: { code: q.region }, select: { name: true } });
  const { def, rows, truncated } = res.data;
  return (
    <div className="space-y-3 bg-white p-4 text-xs print:p-0" data-testid="print-ledger">
      <div className="flex items-start justify-between print:hidden">
        <p className="text-sm text-stone-600">打印预览：请使用浏览器的“打印”，横向 A4。</p>
        <PrintButton />
      </div>
      <h1 className="text-center text-lg font-semibold">
        {region?.name ?? q.region} 妇女创业担保贷款{def.title}
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
          {rows.map((r) => (
            <tr key={r[0]} className="break-inside-avoid">
              {r.map((v, i) => (
                <td
                  key={i}
                  className={`border border-stone-300 px-1 py-0.5 ${def.columns[i]!.type === "money" ? "text-right" : ""}`}
                >
                  {v}
                </td>
              ))}
            </tr>
          ))}
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
