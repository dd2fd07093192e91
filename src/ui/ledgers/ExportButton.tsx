"use client";

import { useTranslations } from "next-intl";
import { useRef, useState } from "react";

/**
 * Downloads a ledger export with progress (rows for CSV, bytes for .xlsx) and a cancel button; cancelling
 * aborts the request, which stops the server's database cursor.
 */
export function ExportButton({ href, label }: { href: string; label: string }) {
  const t = useTranslations("ledgers");
  const [state, setState] = useState<{
    busy: boolean;
    rows: number;
    total: number;
    bytes: number;
    error?: string;
  }>({ busy: false, rows: 0, total: 0, bytes: 0 });
  const controller = useRef<AbortController | null>(null);

  async function start() {
    const ac = new AbortController();
    controller.current = ac;
    setState({ busy: true, rows: 0, total: 0, bytes: 0 });
    try {
      const res = await fetch(href, { signal: ac.signal });
      if (!res.ok || !res.body)
        throw new Error(
          ((await res.json().catch(() => null)) as { message?: string } | null)?.message ??
            t("exportFailed", { status: res.status }),
        );
      const total = Number(res.headers.get("X-Row-Estimate") ?? 0); // the planner's estimate
      const reader = res.body.getReader();
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      let rows = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value as Uint8Array<ArrayBuffer>);
        bytes += value.length;
        if (href.includes("format=csv")) for (const b of value) if (b === 10) rows++;
        setState({ busy: true, rows: Math.max(0, rows - 1), total, bytes });
      }
      const disposition = res.headers.get("Content-Disposition") ?? "";
      const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? "ledger");
      const url = URL.createObjectURL(
        new Blob(parts, { type: res.headers.get("Content-Type") ?? "application/octet-stream" }),
      );
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ busy: false, rows: 0, total: 0, bytes: 0 });
    } catch (e) {
      setState({
        busy: false,
        rows: 0,
        total: 0,
        bytes: 0,
        error: ac.signal.aborted ? t("exportCancelled") : String((e as Error).message ?? e),
      });
    }
  }

  // An estimate: the bar stops at 99% until the file is complete.
  const pct = state.total ? Math.min(99, Math.round((state.rows / state.total) * 100)) : null;
  return (
    <span className="inline-flex items-center gap-2">
      {!state.busy ? (
        <button
          type="button"
          onClick={start}
          className="rounded border border-stone-300 bg-white px-3 py-1.5 text-sm hover:bg-stone-50"
        >
          {label}
        </button>
      ) : (
        <>
          <span
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct ?? undefined}
            className="text-sm text-stone-700"
            data-testid="export-progress"
          >
            {t("exporting")}{" "}
            {pct !== null && href.includes("format=csv")
              ? t("exportRows", {
                  pct,
                  rows: state.rows.toLocaleString("zh-CN"),
                  total: state.total.toLocaleString("zh-CN"),
                })
              : `${(state.bytes / 1024).toFixed(0)} KB`}
          </span>
          <button
            type="button"
            onClick={() => controller.current?.abort()}
            className="rounded border border-red-300 px-2 py-1 text-sm text-red-700"
          >
            {t("exportCancel")}
          </button>
        </>
      )}
      {state.error && <span className="text-sm text-red-700">{state.error}</span>}
    </span>
  );
}
