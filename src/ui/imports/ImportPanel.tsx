"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

interface CellError {
  sheet: string;
  row: number;
  column: string;
  message: string;
}
interface Preview {
  errors: CellError[];
  rows: number;
  borrowers: { new: number; existing: number };
  loans: { new: number; existing: number };
  repayments: { new: number; existing: number };
}

/** The counts of a preview or a result, as message values. */
function counts(r: Preview) {
  return {
    borrowers: r.borrowers.new,
    loans: r.loans.new,
    repayments: r.repayments.new,
    loansExisting: r.loans.existing,
    repaymentsExisting: r.repayments.existing,
  };
}

/** Upload → per-cell preview → confirm (only a file without errors) → progress → result. */
export function ImportPanel() {
  const t = useTranslations("imports");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState<"preview" | "commit" | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function send(mode: "preview" | "commit") {
    if (!file) return;
    setBusy(mode);
    setMessage(null);
    const body = new FormData();
    body.set("file", file);
    body.set("mode", mode);
    try {
      const res = await fetch("/imports/upload", { method: "POST", body });
      if (mode === "preview" || !res.ok || !res.body) {
        const json = await res.json();
        if (!res.ok) setMessage({ ok: false, text: json.fieldErrors?.file?.[0] ?? json.message });
        else setPreview(json as Preview);
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) {
          const m = JSON.parse(line);
          if ("done" in m) setProgress(m);
          else if (m.ok) {
            const r = m.result as Preview;
            setMessage({
              ok: true,
              text: t("done", counts(r)),
            });
            setPreview(null);
          } else setMessage({ ok: false, text: m.message });
        }
      }
    } catch {
      setMessage({ ok: false, text: t("network") });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <label className="flex flex-col text-sm">
          <span className="text-xs text-stone-600">{t("file")}</span>
          <input
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setPreview(null);
              setMessage(null);
            }}
          />
        </label>
        <button
          type="button"
          disabled={!file || busy !== null}
          onClick={() => send("preview")}
          className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white disabled:opacity-50"
        >
          {busy === "preview" ? t("checking") : t("check")}
        </button>
        {preview && preview.errors.length === 0 && preview.loans.new + preview.repayments.new > 0 && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => send("commit")}
            className="rounded bg-emerald-700 px-3 py-1.5 text-sm text-white disabled:opacity-50"
          >
            {t("confirm")}
          </button>
        )}
      </div>
      {busy === "commit" && (
        <div className="space-y-1" data-testid="import-progress">
          <div className="h-2 w-full overflow-hidden rounded bg-stone-200">
            <div
              className="h-2 bg-brand-600 transition-all"
              style={{ width: progress ? `${Math.round((progress.done / progress.total) * 100)}%` : "5%" }}
            />
          </div>
          <p className="text-sm text-stone-600">{progress ? t("writingProgress", progress) : t("writing")}</p>
        </div>
      )}
      {message && (
        <p
          role="status"
          className={`rounded px-3 py-2 text-sm ${message.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}
          data-testid="import-message"
        >
          {message.text}
        </p>
      )}
      {preview && (
        <div className="space-y-2" data-testid="import-preview">
          <p className="text-sm">{t("summary", { rows: preview.rows, ...counts(preview) })}</p>
          {preview.errors.length > 0 ? (
            <>
              <p className="text-sm font-medium text-red-800">
                {t("errors", { count: preview.errors.length })}
              </p>
              <table
                className="w-full rounded bg-white text-sm ring-1 ring-stone-200"
                data-testid="import-errors"
              >
                <thead className="text-left text-xs text-stone-600">
                  <tr>
                    <th className="px-2 py-1">{t("sheet")}</th>
                    <th>{t("row")}</th>
                    <th>{t("column")}</th>
                    <th>{t("problem")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100">
                  {preview.errors.slice(0, 500).map((e, i) => (
                    <tr key={i}>
                      <td className="px-2 py-1">{e.sheet}</td>
                      <td>{t("rowNo", { row: e.row })}</td>
                      <td>{e.column}</td>
                      <td className="text-red-800">{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p className="text-sm text-emerald-800">{t("passed")}</p>
          )}
        </div>
      )}
    </div>
  );
}
