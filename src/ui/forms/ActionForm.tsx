"use client";

import { useActionState, useEffect, useMemo } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import type { ActionResult } from "@/server/action";
import { Field, inputClass } from "./Field";
import { useFocusFirstInvalid } from "./focus";
import { PercentInput, YuanInput, type CapByField } from "./EntryInput";

export interface FieldSpec {
  name: string;
  label: string;
  /** "yuan": an amount as people type it, echoed in 万元; "percent": a rate in percent. */
  type?: "text" | "password" | "date" | "number" | "select" | "yuan" | "percent";
  options?: { value: string; label: string }[];
  hint?: string;
  defaultValue?: string;
  maxLength?: number;
  /** Marked * on the label and aria-required on the input. */
  required?: boolean;
  /** yuan: the cap in fen, or caps by the value of another field (e.g. the programme). */
  capFen?: number;
  capBy?: CapByField;
  capIsApproved?: boolean;
  /** percent: the cap in basis points. */
  capBp?: number;
}

/**
 * A form bound to a server action through useActionState: errors at their fields, the typed values kept
 * after an error (React resets uncontrolled inputs otherwise), a pending state against double submits.
 *
 * `refreshAfterSuccess`: for actions that answer as soon as their write is committed (postings) instead of
 * re-rendering the page in the same answer — the page is refreshed right after, and the hidden
 * `idempotencyKey` is replaced at once with a new one (a double click or retry keeps the key and posts once;
 * the next, different posting gets its own key even before the refreshed page arrives).
 */
export function ActionForm<T>({
  action,
  fields,
  submitLabel,
  hidden,
  successMessage,
  columns = 2,
  testId,
  refreshAfterSuccess = false,
}: {
  action: (prev: ActionResult<T> | null, fd: FormData) => Promise<ActionResult<T>>;
  fields: FieldSpec[];
  submitLabel: string;
  hidden?: Record<string, string>;
  successMessage?: string;
  columns?: 1 | 2 | 3 | 4;
  testId?: string;
  refreshAfterSuccess?: boolean;
}) {
  const t = useTranslations("forms");
  const router = useRouter();
  const [state, formAction, pending] = useActionState(action, null);
  // A new key for each acknowledged answer (state is a new object per answer).
  const freshKey = useMemo(
    () => (refreshAfterSuccess && state?.ok ? crypto.randomUUID() : null),
    [state, refreshAfterSuccess],
  );
  useEffect(() => {
    if (refreshAfterSuccess && state?.ok) router.refresh();
  }, [state, refreshAfterSuccess, router]);
  const failed = state && !state.ok ? state : null;
  const formRef = useFocusFirstInvalid(state);
  const grid = { 1: "md:grid-cols-1", 2: "md:grid-cols-2", 3: "md:grid-cols-3", 4: "md:grid-cols-4" }[
    columns
  ];
  return (
    <form
      ref={formRef}
      action={formAction}
      noValidate
      className={`grid grid-cols-1 gap-3 ${grid}`}
      data-testid={testId}
      key={state && !state.ok ? JSON.stringify(failed?.values) : state ? "done" : "new"}
    >
      {Object.entries(hidden ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={k === "idempotencyKey" && freshKey ? freshKey : v} />
      ))}
      {Object.keys(hidden ?? {}).map((k) =>
        failed?.fieldErrors?.[k]?.length ? (
          // A refusal about a fixed part of the form (the borrower of an application) is said at the top.
          <div
            key={`${k}-error`}
            role="alert"
            data-field-error={`${testId ?? "f"}-${k}`}
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 md:col-span-full"
          >
            {failed.fieldErrors[k].map((e) => (
              <p key={e}>{e}</p>
            ))}
          </div>
        ) : null,
      )}
      {fields.map((f) => {
        const id = `${testId ?? "f"}-${f.name}`;
        const errors = failed?.fieldErrors?.[f.name];
        const value = failed?.values?.[f.name] ?? f.defaultValue ?? "";
        return (
          <Field
            key={f.name}
            id={id}
            label={f.label}
            errors={errors}
            hint={f.hint}
            required={f.required}
            limit={f.maxLength}
          >
            {f.type === "yuan" ? (
              <YuanInput
                id={id}
                name={f.name}
                defaultValue={value}
                invalid={!!errors}
                capFen={f.capFen}
                capBy={f.capBy}
                capIsApproved={f.capIsApproved}
              />
            ) : f.type === "percent" ? (
              <PercentInput id={id} name={f.name} defaultValue={value} invalid={!!errors} capBp={f.capBp} />
            ) : f.type === "select" ? (
              <select
                id={id}
                name={f.name}
                defaultValue={value}
                aria-invalid={!!errors}
                aria-required={f.required}
                className={inputClass}
              >
                {f.options?.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={f.name}
                type={f.type ?? "text"}
                defaultValue={f.type === "password" ? "" : value}
                maxLength={f.maxLength ? undefined : 128}
                aria-invalid={!!errors}
                aria-required={f.required}
                autoComplete={f.type === "password" ? "new-password" : "off"}
                className={inputClass}
              />
            )}
          </Field>
        );
      })}
      <div className="flex items-end gap-3">
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? t("saving") : submitLabel}
        </button>
      </div>
      {failed && (
        <p
          role="alert"
          data-testid="form-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 md:col-span-full"
        >
          {failed.message}
        </p>
      )}
      {state?.ok && successMessage && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 md:col-span-full">
          {successMessage}
        </p>
      )}
    </form>
  );
}
