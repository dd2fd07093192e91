"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { INTEREST_FIELDS, type InterestMapping } from "@/domain";

interface Headers {
  encoding: string;
  headers: string[];
  saved: InterestMapping | null;
  suggested: InterestMapping;
}

/**
 * Upload the bank's interest statement for this claim: read the headers, check the mapping, compare. In the demo,
 * `sampleHref` downloads the bank's sample statement of this quarter (with a difference of each kind).
 */
export function InterestStatementPanel({ claimId, sampleHref }: { claimId: number; sampleHref?: string }) {
  const t = useTranslations("bankFiles");
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<Headers | null>(null);
  const [mapping, setMapping] = useState<InterestMapping>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function send(mode: "headers" | "upload") {
    if (!file) return;
    setBusy(true);
    setMessage(null);
    const fd = new FormData();
    fd.set("file", file);
    fd.set("mode", mode);
    if (mode === "upload") fd.set("mapping", JSON.stringify(mapping));
    try {
      const res = await fetch(`/claims/${claimId}/bank-statement`, { method: "POST", body: fd });
      const json = await res.json();
      if (!res.ok)
        setMessage({
          ok: false,
          text: [...(json.fieldErrors?.mapping ?? json.fieldErrors?.file ?? []), json.message].join("；"),
        });
      else if (mode === "headers") {
        setHeaders(json as Headers);
        setMapping((json as Headers).saved ?? (json as Headers).suggested);
      } else {
        setMessage({
          ok: true,
          text: t("interestDone", { lines: json.lines, differences: json.differences }),
        });
        setHeaders(null);
        router.refresh();
      }
    } catch {
      setMessage({ ok: false, text: t("networkError") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-2 rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="interest-statement">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm">
          <span className="text-xs text-stone-600">{t("interestFile")}</span>
          <input
            type="file"
            aria-label={t("interestFile")}
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setHeaders(null);
            }}
          />
        </label>
        <button
          type="button"
          disabled={!file || busy}
          onClick={() => send("headers")}
          className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white disabled:opacity-50"
        >
          {t("readHeaders")}
        </button>
        {sampleHref && (
          <a href={sampleHref} className="text-sm text-brand-700 underline" data-testid="interest-sample">
            {t("interestSample")}
          </a>
        )}
      </div>
      {headers && (
        <div className="space-y-2">
          <p className="text-sm text-stone-700">
            {headers.saved ? t("mappingSaved") : t("mappingSuggested")}
          </p>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
            {INTEREST_FIELDS.map((f) => (
              <label key={f} className="flex flex-col text-sm">
                <span className="text-xs text-stone-600">{t(`interestField.${f}`)}</span>
                <select
                  aria-label={t(`interestField.${f}`)}
                  value={mapping[f] ?? ""}
                  onChange={(e) => setMapping({ ...mapping, [f]: e.target.value || undefined })}
                  className="rounded border border-stone-300 px-2 py-1"
                >
                  <option value="">{t("notMapped")}</option>
                  {headers.headers.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <button
            type="button"
            disabled={busy}
            onClick={() => send("upload")}
            className="rounded bg-emerald-700 px-3 py-1.5 text-sm text-white disabled:opacity-50"
          >
            {t("interestCompare")}
          </button>
        </div>
      )}
      {message && (
        <p
          role="status"
          className={`rounded px-3 py-2 text-sm ${message.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
