"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { formatYuan } from "@/domain";
import type { ActionResult } from "@/server/action";
import type { LoanCandidate } from "@/server/services/bank-statements";
import { ActionForm } from "@/ui/forms/ActionForm";

/** Find a loan of the county and post the row to it, or dismiss the row with a reason. */
export function WorklistActions<R, D>({
  rowId,
  initialQuery,
  search,
  resolve,
  dismiss,
}: {
  rowId: number;
  initialQuery: string;
  search: (input: { q: string }) => Promise<ActionResult<LoanCandidate[]>>;
  resolve: (prev: ActionResult<R> | null, fd: FormData) => Promise<ActionResult<R>>;
  dismiss: (prev: ActionResult<D> | null, fd: FormData) => Promise<ActionResult<D>>;
}) {
  const t = useTranslations("bankFiles");
  const [q, setQ] = useState(initialQuery);
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<LoanCandidate[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function find() {
    setBusy(true);
    setError(null);
    const res = await search({ q });
    setBusy(false);
    if (res.ok) setFound(res.data);
    else setError(res.fieldErrors?.q?.[0] ?? res.message);
  }

  return (
    <div className="grid gap-3 md:grid-cols-2">
      <div className="space-y-2">
        <form
          className="flex gap-2 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            void find();
          }}
        >
          <input
            aria-label={t("searchPlaceholder")}
            placeholder={t("searchPlaceholder")}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="w-64 rounded border border-stone-300 px-2 py-1"
          />
          <button
            type="submit"
            disabled={busy}
            className="rounded bg-brand-600 px-3 py-1 text-white disabled:opacity-50"
          >
            {busy ? t("searching") : t("search")}
          </button>
        </form>
        {error && <p className="text-sm text-red-800">{error}</p>}
        {found && found.length === 0 && <p className="text-sm text-stone-600">{t("noLoans")}</p>}
        {found && found.length > 0 && (
          <ul className="space-y-1 text-sm" data-testid="worklist-candidates">
            {found.map((l) => (
              <li key={l.id} className="flex flex-wrap items-center gap-2">
                <span>
                  {l.contractNo} · {l.borrowerName} · {l.idNumberMasked} · {l.bankName} · {t("outstanding")}{" "}
                  {formatYuan(l.outstandingFen, false)}
                </span>
                <ActionForm
                  action={resolve}
                  hidden={{ rowId: String(rowId), loanId: String(l.id) }}
                  submitLabel={t("choose")}
                  fields={[]}
                  columns={1}
                  testId={`resolve-${rowId}-${l.id}`}
                />
              </li>
            ))}
          </ul>
        )}
      </div>
      <ActionForm
        action={dismiss}
        hidden={{ rowId: String(rowId) }}
        submitLabel={t("dismiss")}
        fields={[{ name: "reason", label: t("dismissReason") }]}
        columns={1}
        testId={`dismiss-${rowId}`}
      />
    </div>
  );
}
