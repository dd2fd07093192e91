import type { ReactNode } from "react";
import { PrintButton } from "@/ui/ledgers/PrintButton";

/**
 * A document people print and sign (审批表, 还款计划表, 贷款情况表): the federation's header, a title, the body,
 * the signature lines, and the time it was printed. On screen a hint and a print button; on paper only the
 * document.
 */
export function DocumentFrame({
  federation,
  title,
  subtitle,
  hint,
  printLabel,
  printedAt,
  signatures,
  children,
}: {
  federation: string;
  title: string;
  subtitle?: ReactNode;
  hint: string;
  printLabel: string;
  printedAt: string;
  signatures: string[];
  children: ReactNode;
}) {
  return (
    <article
      className="mx-auto max-w-3xl space-y-4 bg-white p-6 text-sm print:max-w-none print:p-0"
      data-testid="document"
    >
      <div className="flex items-start justify-between print:hidden">
        <p className="text-stone-600">{hint}</p>
        <PrintButton label={printLabel} />
      </div>
      <header className="space-y-1 text-center">
        <p className="text-base">{federation}</p>
        <h1 className="text-xl font-semibold tracking-wide">{title}</h1>
        {subtitle && <p className="text-stone-700">{subtitle}</p>}
      </header>
      {children}
      <footer className="grid grid-cols-2 gap-x-10 gap-y-8 pt-8 sm:grid-cols-3" data-testid="signatures">
        {signatures.map((s) => (
          <span key={s} className="border-b border-stone-500 pb-1">
            {s}
          </span>
        ))}
      </footer>
      <p className="text-right text-xs text-stone-500">{printedAt}</p>
    </article>
  );
}

/** A two-column grid of labelled fields, bordered like a paper form. */
export function FieldGrid({ fields }: { fields: [label: string, value: ReactNode][] }) {
  return (
    <table className="w-full border-collapse">
      <tbody>
        {Array.from({ length: Math.ceil(fields.length / 2) }, (_, row) => (
          <tr key={row}>
            {fields.slice(row * 2, row * 2 + 2).map(([label, value]) => (
              <FieldCells key={label} label={label} value={value} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FieldCells({ label, value }: { label: string; value: ReactNode }) {
  return (
    <>
      <th className="w-1/6 border border-stone-400 bg-stone-50 px-2 py-1.5 text-left font-normal whitespace-nowrap print:bg-white">
        {label}
      </th>
      <td className="w-1/3 border border-stone-400 px-2 py-1.5">{value}</td>
    </>
  );
}
