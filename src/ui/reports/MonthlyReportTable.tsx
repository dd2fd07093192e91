import {
  fenToWanText,
  formatMultiple,
  formatRate,
  REPORT_COLUMNS,
  type ColumnKind,
  type ReportTable,
} from "@/domain";

export interface ReportTableLabels {
  region: string;
  total: string;
  groups: Record<string, string>;
  columns: Record<string, string>;
}

export function formatCell(kind: ColumnKind, v: number | null): string {
  if (v === null) return "—";
  if (kind === "money") {
    // Exact 万元 text with thousands separators (no float on the way).
    const [whole, frac] = fenToWanText(v, 2).split(".");
    return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
  }
  if (kind === "count") return v.toLocaleString("zh-CN");
  if (kind === "rate") return formatRate(v);
  return formatMultiple(v);
}

/** The 统计月报 table: grouped column headers, one row per child region, the total (amounts in 万元). */
export function MonthlyReportTable({
  table,
  labels,
  caption,
  testId,
  print = false,
}: {
  table: ReportTable;
  labels: ReportTableLabels;
  caption: string;
  testId?: string;
  print?: boolean;
}) {
  const groups: { group: string; span: number }[] = [];
  for (const c of REPORT_COLUMNS) {
    const last = groups.at(-1);
    if (last && last.group === c.group) last.span++;
    else groups.push({ group: c.group, span: 1 });
  }
  const cell = print ? "border border-stone-400 px-1 py-0.5" : "border border-stone-200 px-2 py-1";
  return (
    <div className="overflow-x-auto">
      <table className={`w-full border-collapse ${print ? "text-[10px]" : "text-xs"}`} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-stone-50">
          <tr>
            <th rowSpan={2} scope="col" className={cell}>
              {labels.region}
            </th>
            {groups.map((g) => (
              <th key={g.group} colSpan={g.span} scope="colgroup" className={cell}>
                {labels.groups[g.group]}
              </th>
            ))}
          </tr>
          <tr>
            {REPORT_COLUMNS.map((c) => (
              <th key={c.key} scope="col" className={`${cell} font-normal`}>
                {labels.columns[c.key]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.code} className="break-inside-avoid">
              <th scope="row" className={`${cell} text-left font-normal`}>
                {r.name}
              </th>
              {REPORT_COLUMNS.map((c) => (
                <td key={c.key} className={`${cell} text-right tabular-nums`}>
                  {formatCell(c.kind, c.value(r.figures))}
                </td>
              ))}
            </tr>
          ))}
          <tr className="font-semibold">
            <th scope="row" className={`${cell} text-left`}>
              {labels.total}
            </th>
            {REPORT_COLUMNS.map((c) => (
              <td key={c.key} className={`${cell} text-right tabular-nums`} data-column={c.key}>
                {formatCell(c.kind, c.value(table.total))}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
