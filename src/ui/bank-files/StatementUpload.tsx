"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import {
  checkMapping,
  formatYuan,
  parseStatementRow,
  REQUIRED_FIELDS,
  STATEMENT_FIELDS,
  type StatementField,
  type StatementMapping,
} from "@/domain";
import type {
  StatementHeaders,
  StatementPreview,
  StatementCommitResult,
} from "@/server/services/bank-statements";
import { SummaryTable } from "./SummaryTable";

interface Bank {
  id: number;
  name: string;
  hasSample: boolean;
}

const AMOUNT_FIELDS: StatementField[] = ["principal", "interest", "penalty"];

/** Choose bank and file → map the columns (saved per bank) with a live preview → match preview → post. */
export function StatementUpload({ banks }: { banks: Bank[] }) {
  const t = useTranslations("bankFiles");
  const [bankId, setBankId] = useState<string>(banks.length === 1 ? String(banks[0]!.id) : "");
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<StatementHeaders | null>(null);
  const [mapping, setMapping] = useState<StatementMapping>({});
  const [preview, setPreview] = useState<StatementPreview | null>(null);
  const [busy, setBusy] = useState<"headers" | "preview" | "commit" | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string; fileId?: number } | null>(null);
  const bank = banks.find((b) => String(b.id) === bankId);

  const reset = () => {
    setHeaders(null);
    setPreview(null);
    setMessage(null);
  };

  function body(mode: string) {
    const fd = new FormData();
    fd.set("file", file!);
    fd.set("bankId", bankId);
    fd.set("mode", mode);
    if (mode !== "headers") fd.set("mapping", JSON.stringify(mapping));
    return fd;
  }

  async function readHeaders() {
    if (!file || !bankId) return;
    setBusy("headers");
    reset();
    try {
      const res = await fetch("/imports/bank/upload", { method: "POST", body: body("headers") });
      const json = await res.json();
      if (!res.ok)
        setMessage({
          ok: false,
          text: json.fieldErrors?.file?.[0] ?? json.fieldErrors?.bankId?.[0] ?? json.message,
        });
      else {
        const h = json as StatementHeaders;
        setHeaders(h);
        setMapping(h.saved ?? h.suggested);
      }
    } catch {
      setMessage({ ok: false, text: t("networkError") });
    } finally {
      setBusy(null);
    }
  }

  async function runPreview() {
    setBusy("preview");
    setPreview(null);
    setMessage(null);
    try {
      const res = await fetch("/imports/bank/upload", { method: "POST", body: body("preview") });
      const json = await res.json();
      if (!res.ok)
        setMessage({
          ok: false,
          text: (json.fieldErrors?.mapping ?? json.fieldErrors?.file ?? [json.message]).join("；"),
        });
      else setPreview(json as StatementPreview);
    } catch {
      setMessage({ ok: false, text: t("networkError") });
    } finally {
      setBusy(null);
    }
  }

  async function commit() {
    setBusy("commit");
    setMessage(null);
    try {
      const res = await fetch("/imports/bank/upload", { method: "POST", body: body("commit") });
      if (!res.ok || !res.body) {
        const json = await res.json();
        setMessage({ ok: false, text: json.fieldErrors?.file?.[0] ?? json.message });
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
            const r = m.result as StatementCommitResult;
            setMessage({
              ok: true,
              fileId: r.fileId,
              text: r.duplicate
                ? t("duplicate")
                : t("done", {
                    posted: r.summary.toPost.count,
                    already: r.summary.alreadyPosted.count,
                    unmatched: r.summary.unmatched.count,
                  }),
            });
            setPreview(null);
          } else setMessage({ ok: false, text: m.message });
        }
      }
    } catch {
      setMessage({ ok: false, text: t("networkError") });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  }

  const problems = headers ? checkMapping(mapping, headers.headers) : [];
  const live = useMemo(() => {
    if (!headers) return [];
    return headers.sample.map((r) => {
      const cells: Partial<Record<StatementField, string>> = {};
      for (const f of STATEMENT_FIELDS) {
        const h = mapping[f];
        if (h) cells[f] = r.cells[headers.headers.indexOf(h)] ?? "";
      }
      const parsed = parseStatementRow(r.row, cells);
      return {
        row: r.row,
        cells,
        bad: new Set(parsed.ok ? [] : parsed.problems.map((p) => p.field)),
        parsed,
      };
    });
  }, [headers, mapping]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <label className="flex flex-col text-sm">
          <span className="text-xs text-stone-600">{t("bank")}</span>
          <select
            name="bankId"
            aria-label={t("bank")}
            value={bankId}
            onChange={(e) => {
              setBankId(e.target.value);
              reset();
            }}
            className="rounded border border-stone-300 px-2 py-1"
          >
            <option value="">{t("chooseBank")}</option>
            {banks.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          <span className="text-xs text-stone-600">{t("file")}</span>
          <input
            type="file"
            name="file"
            aria-label={t("file")}
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              reset();
            }}
          />
        </label>
        <button
          type="button"
          disabled={!file || !bankId || busy !== null}
          onClick={readHeaders}
          className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white disabled:opacity-50"
        >
          {busy === "headers" ? t("reading") : t("readHeaders")}
        </button>
        {bank &&
          (bank.hasSample ? (
            <a
              href={`/imports/bank/sample?bankId=${bank.id}`}
              className="text-sm text-brand-700 underline"
              data-testid="statement-sample"
            >
              {t("sample")}
            </a>
          ) : (
            <span className="text-xs text-stone-500">{t("noSample")}</span>
          ))}
      </div>

      {headers && (
        <section
          className="space-y-2 rounded-lg bg-white p-4 ring-1 ring-stone-200"
          data-testid="statement-mapping"
        >
          <h2 className="font-medium">{t("mappingTitle")}</h2>
          <p className="text-xs text-stone-600">
            {t("encoding", { encoding: headers.encoding, rows: headers.rowCount })}
          </p>
          <p className="text-sm text-stone-700">
            {headers.saved ? t("mappingSaved") : t("mappingSuggested")}
          </p>
          <p className="text-xs text-stone-600">{t("keyHint")}</p>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
            {STATEMENT_FIELDS.map((f) => (
              <label key={f} className="flex flex-col text-sm">
                <span className="text-xs text-stone-600">
                  {t(`field.${f}`)}
                  {REQUIRED_FIELDS.includes(f) && <span className="text-red-700"> *{t("required")}</span>}
                </span>
                <select
                  name={`map-${f}`}
                  aria-label={t(`field.${f}`)}
                  value={mapping[f] ?? ""}
                  onChange={(e) => {
                    setMapping({ ...mapping, [f]: e.target.value || undefined });
                    setPreview(null);
                  }}
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
          <h3 className="pt-2 text-sm font-medium">{t("livePreview")}</h3>
          <table className="w-full text-sm" data-testid="statement-live-preview">
            <thead className="text-left text-xs text-stone-600">
              <tr>
                <th>{t("sourceRow")}</th>
                {STATEMENT_FIELDS.map((f) => (
                  <th key={f} className={AMOUNT_FIELDS.includes(f) ? "text-right" : ""}>
                    {t(`field.${f}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {live.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  {STATEMENT_FIELDS.map((f) => {
                    const v = r.parsed.ok ? r.parsed.value : null;
                    const shown =
                      v && f === "valueDate"
                        ? v.valueDate
                        : v && AMOUNT_FIELDS.includes(f)
                          ? formatYuan(v[`${f}Fen` as "principalFen"], false)
                          : (r.cells[f] ?? "");
                    return (
                      <td
                        key={f}
                        className={`${AMOUNT_FIELDS.includes(f) ? "num" : ""} ${r.bad.has(f) ? "bg-red-50 text-red-800" : ""}`}
                      >
                        {r.bad.has(f) ? `✗ ${r.cells[f] ?? ""}` : shown}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="flex gap-3 pt-2">
            <button
              type="button"
              disabled={busy !== null || problems.length > 0}
              onClick={runPreview}
              className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white disabled:opacity-50"
            >
              {busy === "preview" ? t("previewing") : t("preview")}
            </button>
            {preview &&
              preview.summary &&
              preview.committedFileId === null &&
              preview.summary.toPost.count +
                preview.summary.alreadyPosted.count +
                preview.summary.unmatched.count >
                0 && (
                <button
                  type="button"
                  disabled={busy !== null}
                  onClick={commit}
                  className="rounded bg-emerald-700 px-3 py-1.5 text-sm text-white disabled:opacity-50"
                >
                  {t("commit")}
                </button>
              )}
          </div>
        </section>
      )}

      {busy === "commit" && (
        <div className="space-y-1" data-testid="statement-progress">
          <div className="h-2 w-full overflow-hidden rounded bg-stone-200">
            <div
              className="h-2 bg-brand-600 transition-all"
              style={{
                width:
                  progress && progress.total
                    ? `${Math.round((progress.done / progress.total) * 100)}%`
                    : "5%",
              }}
            />
          </div>
          <p className="text-sm text-stone-600">
            {progress
              ? t("committing", { done: progress.done, total: progress.total })
              : t("committingStart")}
          </p>
        </div>
      )}
      {message && (
        <p
          role="status"
          className={`rounded px-3 py-2 text-sm ${message.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}
          data-testid="statement-message"
        >
          {message.text}{" "}
          {message.fileId && (
            <Link href={`/bank-files/${message.fileId}`} className="underline">
              {t("openRecord")}
            </Link>
          )}
        </p>
      )}

      {preview && (
        <section className="space-y-2" data-testid="statement-preview">
          {preview.committedFileId !== null && (
            <p className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {t("committedBefore", { id: preview.committedFileId })}{" "}
              <Link href={`/bank-files/${preview.committedFileId}`} className="underline">
                {t("openRecord")}
              </Link>
            </p>
          )}
          {preview.errors.length > 0 ? (
            <>
              <p className="text-sm font-medium text-red-800">
                {t("errorsTitle", { n: preview.errors.length })}
              </p>
              <ul className="list-disc pl-5 text-sm text-red-800" data-testid="statement-errors">
                {preview.errors.slice(0, 200).map((e, i) => (
                  <li key={i}>{e.message}</li>
                ))}
              </ul>
            </>
          ) : (
            preview.summary && (
              <>
                <SummaryTable summary={preview.summary} />
                <p className="text-xs text-stone-600">{t("rowsShown", { n: 200 })}</p>
                <PreviewRows rows={preview.rows} />
              </>
            )
          )}
        </section>
      )}
    </div>
  );
}

function PreviewRows({ rows }: { rows: StatementPreview["rows"] }) {
  const t = useTranslations("bankFiles");
  return (
    <table className="w-full rounded bg-white text-sm ring-1 ring-stone-200" data-testid="statement-rows">
      <thead className="text-left text-xs text-stone-600">
        <tr>
          <th className="px-2 py-1">{t("col.row")}</th>
          <th>{t("col.contractNo")}</th>
          <th>{t("col.borrower")}</th>
          <th>{t("col.idNumber")}</th>
          <th>{t("col.valueDate")}</th>
          <th className="text-right">{t("principal")}</th>
          <th className="text-right">{t("interest")}</th>
          <th className="text-right">{t("penalty")}</th>
          <th className="px-2">{t("col.category")}</th>
          <th>{t("col.loan")}</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {rows.map((r) => (
          <tr key={r.row} data-category={r.category}>
            <td className="px-2 py-1">{r.row}</td>
            <td>{r.contractNo}</td>
            <td>{r.borrowerName}</td>
            <td>{r.idNumberMasked}</td>
            <td>{r.valueDate}</td>
            <td className="num">{formatYuan(r.principalFen, false)}</td>
            <td className="num">{formatYuan(r.interestFen, false)}</td>
            <td className="num">{formatYuan(r.penaltyFen, false)}</td>
            <td
              className={`px-2 ${r.category === "UNMATCHED" ? "text-red-800" : r.category === "ALREADY_POSTED" ? "text-stone-600" : "text-emerald-800"}`}
            >
              {r.category === "UNMATCHED"
                ? r.reason === "AMBIGUOUS" && r.candidates
                  ? t("ambiguous", { n: r.candidates })
                  : t(`reason.${r.reason!}`)
                : t(`category.${r.category}`)}
            </td>
            <td>
              {r.loanId && (
                <Link href={`/loans/${r.loanId}`} className="text-brand-700 underline">
                  {r.loanContractNo ?? `#${r.loanId}`}
                </Link>
              )}{" "}
              {r.by && <span className="text-xs text-stone-500">{t(`by.${r.by}`)}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
