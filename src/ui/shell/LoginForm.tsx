"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import type { ActionResult } from "@/server/action";

export function LoginForm({
  action,
}: {
  action: (prev: ActionResult | null, fd: FormData) => Promise<ActionResult>;
}) {
  const t = useTranslations("login");
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : null;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <div>
        <label htmlFor="username" className="block text-sm font-medium text-stone-700">
          {t("username")}
        </label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoFocus
          required
          maxLength={64}
          defaultValue={failed?.values?.username ?? ""}
          className="mt-1 w-full rounded-md border border-stone-300 px-3 py-2 focus:border-brand-600"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-stone-700">
          {t("password")}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={256}
          className="mt-1 w-full rounded-md border border-stone-300 px-3 py-2 focus:border-brand-600"
        />
      </div>
      {failed && (
        <p id="login-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {failed.message}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {pending ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
