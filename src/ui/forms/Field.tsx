import { useTranslations } from "next-intl";

/**
 * A labelled field with its hint and its errors next to it (errors replace the hint). `required` marks the
 * label (*, and the input should carry aria-required); `limit` shows the length the server accepts ("最多 32
 * 个字"), so a longer text is refused with that message rather than cut silently by the browser.
 */
export function Field({
  id,
  label,
  errors,
  children,
  hint,
  required,
  limit,
}: {
  id: string;
  label: string;
  errors?: string[];
  children: React.ReactNode;
  hint?: string;
  required?: boolean;
  limit?: number;
}) {
  const t = useTranslations("forms");
  return (
    <div>
      {/* The marks sit beside the label, not in it: the field's accessible name stays its label. */}
      <div className="flex items-baseline gap-2">
        <label htmlFor={id} className="block text-sm font-medium text-stone-700">
          {label}
        </label>
        {required && (
          <span className="-ml-1.5 text-sm text-red-600" title={t("required")} aria-hidden>
            *
          </span>
        )}
        {limit && <span className="text-xs text-stone-500">{t("limit", { max: limit })}</span>}
      </div>
      {children}
      {hint && !errors?.length && <p className="mt-1 text-xs text-stone-500">{hint}</p>}
      {!!errors?.length && (
        <div id={`${id}-error`} className="mt-1 text-sm text-red-700" data-field-error={id}>
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      )}
    </div>
  );
}

export const inputClass =
  "mt-1 w-full rounded-md border border-stone-300 px-3 py-2 aria-[invalid=true]:border-red-500";
