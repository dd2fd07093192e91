"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import type { ActionResult } from "@/server/action";
import { Field, inputClass } from "@/ui/forms/Field";
import { useFocusFirstInvalid } from "@/ui/forms/focus";
import { VillageCombobox, type VillageChoice } from "@/ui/forms/VillageCombobox";

export type VillageGroup = VillageChoice;

export interface BorrowerFormValues {
  id?: number;
  version?: number;
  name: string;
  idNumber: string;
  phone: string;
  villageCode: string;
  householdType: string;
  creditRated: boolean;
  industry: string;
  address: string;
}

const HOUSEHOLD = ["POVERTY_ALLEVIATED", "MONITORED", "GENERAL"] as const;

/** Suggestions for the (free-text) industry field, worded in form.industries.*. */
const INDUSTRIES = [
  "beefCattle",
  "pigs",
  "sheep",
  "poultry",
  "aquaculture",
  "navelOranges",
  "grapes",
  "tea",
  "highlandVegetables",
  "herbs",
  "mushrooms",
  "farmStay",
  "embroidery",
  "bamboo",
  "ecommerce",
] as const;

export function BorrowerForm({
  action,
  villages,
  initial,
  submitLabel,
}: {
  action: (prev: ActionResult<void> | null, fd: FormData) => Promise<ActionResult<void>>;
  villages: VillageGroup[];
  initial: BorrowerFormValues;
  submitLabel: string;
}) {
  const t = useTranslations();
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useFocusFirstInvalid(state);
  const failed = state && !state.ok ? state : null;
  // React resets an uncontrolled form after an action: keep what the user typed.
  const v = (k: keyof BorrowerFormValues) => failed?.values?.[k] ?? String(initial[k] ?? "");
  const err = (k: string) => failed?.fieldErrors?.[k];
  const input = inputClass;
  const existingId = failed?.meta?.existingId as number | undefined;
  return (
    <form
      ref={formRef}
      action={formAction}
      className="grid max-w-3xl grid-cols-1 gap-4 md:grid-cols-2"
      noValidate
      key={JSON.stringify(failed?.values ?? {})}
    >
      {initial.id && <input type="hidden" name="id" value={initial.id} />}
      {initial.version && <input type="hidden" name="version" value={initial.version} />}
      <Field id="name" required limit={32} label={t("form.name")} errors={err("name")}>
        <input
          id="name"
          name="name"
          defaultValue={v("name")}
          required
          aria-invalid={!!err("name")}
          aria-describedby="name-error"
          className={input}
          autoFocus
        />
      </Field>
      <Field
        id="idNumber"
        required
        label={t("form.idNumber")}
        errors={err("idNumber")}
        hint={t("form.idHint")}
      >
        <input
          id="idNumber"
          name="idNumber"
          defaultValue={v("idNumber")}
          maxLength={18}
          required
          inputMode="text"
          autoComplete="off"
          aria-invalid={!!err("idNumber")}
          aria-describedby="idNumber-error"
          className={`${input} font-mono`}
        />
        {existingId && (
          <Link
            href={`/borrowers/${existingId}`}
            className="mt-1 inline-block text-sm text-brand-700 underline"
            data-testid="existing-borrower-link"
          >
            {t("form.existing")}
          </Link>
        )}
      </Field>
      <Field id="phone" required label={t("form.phone")} errors={err("phone")}>
        <input
          id="phone"
          name="phone"
          defaultValue={v("phone")}
          maxLength={20}
          required
          inputMode="tel"
          aria-invalid={!!err("phone")}
          aria-describedby="phone-error"
          className={input}
        />
      </Field>
      <Field id="villageCode" required label={t("form.village")} errors={err("villageCode")}>
        <VillageCombobox
          id="villageCode"
          name="villageCode"
          groups={villages}
          defaultValue={v("villageCode")}
          invalid={!!err("villageCode")}
          describedBy="villageCode-error"
          placeholder={t("form.villageSearch")}
          noMatch={t("form.noVillageMatch")}
        />
      </Field>
      <Field id="householdType" required label={t("form.household")} errors={err("householdType")}>
        <select
          id="householdType"
          name="householdType"
          defaultValue={v("householdType") || "GENERAL"}
          className={input}
        >
          {HOUSEHOLD.map((value) => (
            <option key={value} value={value}>
              {t(`household.${value}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="industry" required limit={64} label={t("form.industry")} errors={err("industry")}>
        <input
          id="industry"
          name="industry"
          list="industries"
          defaultValue={v("industry")}
          required
          aria-invalid={!!err("industry")}
          aria-describedby="industry-error"
          className={input}
        />
        <datalist id="industries">
          {INDUSTRIES.map((i) => (
            <option key={i} value={t(`form.industries.${i}`)} />
          ))}
        </datalist>
      </Field>
      <Field id="address" limit={128} label={t("form.address")} errors={err("address")}>
        <input id="address" name="address" defaultValue={v("address")} className={input} />
      </Field>
      <div className="flex items-center gap-2 pt-6">
        <input
          id="creditRated"
          name="creditRated"
          type="checkbox"
          defaultChecked={failed?.values ? failed.values.creditRated === "on" : initial.creditRated}
          className="h-4 w-4"
        />
        <label htmlFor="creditRated" className="text-sm">
          {t("form.creditRated")}
        </label>
      </div>
      {failed && (
        <p
          role="alert"
          data-testid="form-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 md:col-span-2"
        >
          {failed.message}
        </p>
      )}
      <div className="md:col-span-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-brand-600 px-5 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? t("form.saving") : submitLabel}
        </button>
      </div>
    </form>
  );
}
