/** The table behind a chart (accessible alternative): collapsed under the chart, open for screen readers and print. */
export function DataTable({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: readonly string[];
  rows: readonly (readonly string[])[];
}) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-stone-600">{caption}</summary>
      <table className="mt-1 w-full" aria-label={caption}>
        <thead className="text-left text-xs text-stone-600">
          <tr>
            {head.map((h, i) => (
              <th key={h} className={i === 0 ? "" : "text-right"}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((r) => (
            <tr key={r[0]}>
              {r.map((c, i) => (
                <td key={i} className={i === 0 ? "py-0.5" : "num"}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
