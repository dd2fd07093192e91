"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import type { ActionResult } from "@/server/action";
import type { LoanVisitsDto } from "@/server/services/visits";
import { Field, inputClass } from "../forms/Field";

type Action = (
  prev: ActionResult<{ id: number }> | null,
  fd: FormData,
) => Promise<ActionResult<{ id: number }>>;

/**
 * 贷后回访 on the loan page (issue 23 item 2): when the next visit is due (overdue in red), the visits (date,
 * visitor, how the money is used, whether it matches the purpose, the photo), and for the county's staff the
 * form. A photo is uploaded first as the loan's VISIT_PHOTO attachment (streamed, checked like any attachment),
 * then the visit names it; a visit refused at a field keeps the uploaded photo for the next try.
 */
export function VisitsPanel({
  loanId,
  borrowerId,
  visits,
  action,
  visitorName,
  maxMb,
}: {
  loanId: number;
  borrowerId: number;
  visits: LoanVisitsDto;
  action: Action;
  visitorName: string;
  maxMb: number;
}) {
  const t = useTranslations("visits");
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [photo, setPhoto] = useState<{ id: number; name: string } | null>(null);
  const [matches, setMatches] = useState("YES");
  const s = visits.state;

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const file = fd.get("photoFile");
    fd.delete("photoFile");
    setBusy(true);
    setMessage(null);
    setErrors({});
    try {
      let uploaded = photo;
      if (file instanceof File && file.size > 0 && uploaded?.name !== file.name) {
        if (file.size > maxMb * 1024 * 1024) {
          setErrors({ photo: [t("tooLarge", { mb: maxMb })] });
          return;
        }
        const q = new URLSearchParams({
          borrower: String(borrowerId),
          loan: String(loanId),
          kind: "VISIT_PHOTO",
          name: file.name,
        });
        const res = await fetch(`/attachments/upload?${q}`, { method: "POST", body: file });
        const json = (await res.json()) as {
          attachment?: { id: number };
          message?: string;
          fieldErrors?: Record<string, string[]>;
        };
        if (!res.ok || !json.attachment) {
          setErrors({ photo: [json.fieldErrors?.file?.[0] ?? json.message ?? t("uploadFailed")] });
          return;
        }
        uploaded = { id: json.attachment.id, name: file.name };
        setPhoto(uploaded);
      }
      if (uploaded) fd.set("photoId", String(uploaded.id));
      const r = await action(null, fd);
      if (!r.ok) {
        setErrors(r.fieldErrors ?? {});
        setMessage({ ok: false, text: r.message });
        return;
      }
      setPhoto(null);
      form.reset();
      setMatches("YES");
      setMessage({ ok: true, text: t("recorded") });
      router.refresh();
    } catch {
      setMessage({ ok: false, text: t("networkError") });
    } finally {
      setBusy(false);
    }
  }

  const input = (name: string) => ({
    id: `visit-${name}`,
    name,
    "aria-invalid": errors[name]?.length ? true : undefined,
    "aria-describedby": errors[name]?.length ? `visit-${name}-error` : undefined,
    className: inputClass,
  });

  return (
    <section id="visits" className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="visits">
      <h2 className="mb-1 font-medium">{t("title")}</h2>
      <p className="mb-3 text-sm text-stone-600">
        {t("rule", { first: visits.rule.firstVisitDays, every: visits.rule.visitEveryMonths })}
        {s && (
          <>
            {" "}
            <span
              data-testid="visit-due"
              className={s.overdue ? "rounded bg-red-50 px-1.5 text-red-700" : "text-stone-800"}
            >
              {s.overdue
                ? t("overdue", { date: s.dueDate, days: s.daysOverdue })
                : t("nextDue", { date: s.dueDate })}
            </span>
          </>
        )}
      </p>
      {visits.items.length === 0 ? (
        <p className="text-sm text-stone-500">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="visits-table">
            <thead className="bg-stone-50 text-left text-xs text-stone-600">
              <tr>
                <th className="px-3 py-2">{t("visitDate")}</th>
                <th className="px-3 py-2">{t("visitor")}</th>
                <th className="px-3 py-2">{t("usage")}</th>
                <th className="px-3 py-2">{t("matches")}</th>
                <th className="px-3 py-2">{t("photo")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {visits.items.map((v) => (
                <tr key={v.id}>
                  <td className="px-3 py-1.5">{v.visitDate}</td>
                  <td className="px-3 py-1.5">{v.visitor}</td>
                  <td className="px-3 py-1.5">{v.usage}</td>
                  <td className="px-3 py-1.5">
                    <span className={v.matchesPurpose ? "text-green-800" : "text-red-700"}>
                      {v.matchesPurpose ? t("yes") : t("no")}
                    </span>
                    {v.matchNote && <span className="text-stone-600"> · {v.matchNote}</span>}
                  </td>
                  <td className="px-3 py-1.5">
                    {v.photo ? (
                      visits.mayViewPhotos ? (
                        <a
                          href={`/attachments/${v.photo.id}`}
                          download={v.photo.fileName}
                          title={`SHA-256 ${v.photo.sha256}`}
                          className="text-brand-700 hover:underline"
                        >
                          {v.photo.fileName}
                        </a>
                      ) : (
                        v.photo.fileName
                      )
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {visits.mayRecord && (
        <form
          onSubmit={submit}
          noValidate
          className="mt-4 grid grid-cols-1 gap-3 md:grid-cols-3"
          data-testid="visit-form"
        >
          <input type="hidden" name="loanId" value={loanId} />
          <Field id="visit-visitDate" label={t("visitDate")} errors={errors.visitDate} required>
            <input
              {...input("visitDate")}
              type="date"
              defaultValue={visits.today}
              min={visits.from ?? undefined}
              max={visits.today}
              aria-required
            />
          </Field>
          <Field id="visit-visitor" label={t("visitor")} errors={errors.visitor} required limit={64}>
            <input {...input("visitor")} defaultValue={visitorName} aria-required />
          </Field>
          <Field id="visit-matchesPurpose" label={t("matches")} errors={errors.matchesPurpose} required>
            <select {...input("matchesPurpose")} value={matches} onChange={(e) => setMatches(e.target.value)}>
              <option value="YES">{t("yes")}</option>
              <option value="NO">{t("no")}</option>
            </select>
          </Field>
          <div className="md:col-span-3">
            <Field
              id="visit-usage"
              label={t("usage")}
              errors={errors.usage}
              required
              limit={256}
              hint={t("usageHint")}
            >
              <textarea {...input("usage")} rows={2} aria-required />
            </Field>
          </div>
          <div className="md:col-span-2">
            <Field
              id="visit-matchNote"
              label={t("matchNote")}
              errors={errors.matchNote}
              required={matches === "NO"}
              limit={256}
              hint={t("matchNoteHint")}
            >
              <input {...input("matchNote")} />
            </Field>
          </div>
          <Field
            id="visit-photo"
            label={t("photo")}
            errors={errors.photo}
            hint={photo ? t("photoKept", { name: photo.name }) : t("photoHint", { mb: maxMb })}
          >
            <input
              id="visit-photo"
              name="photoFile"
              type="file"
              accept=".jpg,.jpeg,.png,.webp,image/jpeg,image/png,image/webp"
              className="mt-1 block text-sm"
              aria-invalid={errors.photo?.length ? true : undefined}
            />
          </Field>
          <div className="md:col-span-3">
            <button
              type="submit"
              disabled={busy}
              className="rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700 disabled:bg-stone-300"
            >
              {busy ? t("saving") : t("submit")}
            </button>
            {message && (
              <p
                role={message.ok ? "status" : "alert"}
                className={`mt-2 text-sm ${message.ok ? "text-green-800" : "text-red-700"}`}
              >
                {message.text}
              </p>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
