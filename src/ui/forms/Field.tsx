/** A labelled field with its hint and its errors next to it (errors replace the hint). */
export function Field({
  id,
  label,
  errors,
  children,
  hint,
}: {
  id: string;
  label: string;
  errors?: string[];
  children: React.ReactNode;
  hint?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-stone-700">
        {label}
      </label>
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
