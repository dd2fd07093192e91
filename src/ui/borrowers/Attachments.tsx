"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { ATTACHMENT_KINDS, formatDateTime, type AttachmentKind } from "@/domain";
import type { AttachmentListDto } from "@/server/services/attachments";

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The borrower's attachments (decision 041): the list (kind, name, size, date, uploader, download — audited),
 * and for the county's staff the upload form, which sends the file itself as the request body (streamed).
 */
export function Attachments({
  borrowerId,
  list,
  maxMb,
}: {
  borrowerId: number;
  list: AttachmentListDto;
  maxMb: number;
}) {
  const t = useTranslations("attachments");
  const router = useRouter();
  const [kind, setKind] = useState<AttachmentKind | "">("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function upload(e: React.FormEvent) {
    e.preventDefault();
    if (!file || !kind) return;
    if (file.size > maxMb * 1024 * 1024) {
      setMessage({ ok: false, text: t("tooLarge", { mb: maxMb }) });
      return;
    }
    setBusy(true);
    setMessage(null);
    const q = new URLSearchParams({ borrower: String(borrowerId), kind, name: file.name });
    try {
      const res = await fetch(`/attachments/upload?${q}`, { method: "POST", body: file });
      const json = (await res.json()) as { message?: string; fieldErrors?: Record<string, string[]> };
      if (!res.ok) {
        setMessage({ ok: false, text: json.fieldErrors?.file?.[0] ?? json.message ?? t("failed") });
        return;
      }
      setMessage({ ok: true, text: t("uploaded", { name: file.name }) });
      setFile(null);
      (e.target as HTMLFormElement).reset();
      router.refresh();
    } catch {
      setMessage({ ok: false, text: t("networkError") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section data-testid="attachments">
      <h2 className="mb-2 font-medium">{t("title")}</h2>
      {list.items.length === 0 ? (
        <p className="text-sm text-stone-500">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
          <table className="min-w-full text-sm" data-testid="attachments-table">
            <thead className="bg-stone-50 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{t("kind")}</th>
                <th className="px-3 py-2">{t("fileName")}</th>
                <th className="px-3 py-2 text-right">{t("size")}</th>
                <th className="px-3 py-2">{t("uploadedAt")}</th>
                <th className="px-3 py-2">{t("uploadedBy")}</th>
                <th className="px-3 py-2">
                  <span className="sr-only">{t("download")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {list.items.map((a) => (
                <tr key={a.id}>
                  <td className="px-3 py-2">{t(`kinds.${a.kind}`)}</td>
                  <td className="px-3 py-2" title={`SHA-256 ${a.sha256}`}>
                    {a.fileName}
                  </td>
                  <td className="num px-3 py-2">{sizeText(a.sizeBytes)}</td>
                  <td className="px-3 py-2">{formatDateTime(a.uploadedAt)}</td>
                  <td className="px-3 py-2">{a.uploadedBy}</td>
                  <td className="px-3 py-2">
                    {a.mayDownload ? (
                      <a
                        href={`/attachments/${a.id}`}
                        download={a.fileName}
                        className="text-brand-700 hover:underline"
                      >
                        {t("download")}
                      </a>
                    ) : (
                      <span className="text-xs text-stone-500">{t("idCopyRestricted")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.total > list.items.length && (
            <p className="px-3 py-2 text-xs text-stone-500">
              {t("more", { n: list.total - list.items.length })}
            </p>
          )}
        </div>
      )}
      {list.mayUpload && (
        <form
          onSubmit={upload}
          className="mt-3 flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 text-sm ring-1 ring-stone-200"
        >
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">{t("kind")}</span>
            <select
              required
              value={kind}
              onChange={(e) => setKind(e.target.value as AttachmentKind)}
              className="rounded-md border border-stone-300 px-2 py-1.5"
            >
              <option value="">{t("chooseKind")}</option>
              {ATTACHMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col">
            <span className="text-xs text-stone-600">{t("file")}</span>
            <input
              type="file"
              required
              accept=".pdf,.jpg,.jpeg,.png,.webp,application/pdf,image/jpeg,image/png,image/webp"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <button
            type="submit"
            disabled={busy || !file || !kind}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700 disabled:bg-stone-300"
          >
            {busy ? t("uploading") : t("upload")}
          </button>
          <p className="w-full text-xs text-stone-500">{t("accept", { mb: maxMb })}</p>
          {message && (
            <p
              role={message.ok ? "status" : "alert"}
              className={`w-full ${message.ok ? "text-green-800" : "text-red-700"}`}
            >
              {message.text}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
