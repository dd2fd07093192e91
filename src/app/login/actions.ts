"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { getTranslations } from "next-intl/server";
import { signIn } from "@/server/auth";
import { loginSchema } from "@/server/services/login";
import { fieldErrorsOf, type ActionResult } from "@/server/action";

/** Logging in is the one action without a session; it is throttled per account and per IP in checkLogin. */
export async function loginAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const t = await getTranslations("login");
  const values = { username: String(formData.get("username") ?? "").slice(0, 64) };
  const parsed = loginSchema.safeParse({
    username: formData.get("username"),
    password: formData.get("password"),
  });
  if (!parsed.success)
    return { ok: false, message: t("invalid"), fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: "/" });
    return { ok: true, data: null };
  } catch (e) {
    if (e instanceof AuthError) {
      const locked = e instanceof CredentialsSignin && e.code === "locked";
      return { ok: false, message: locked ? t("locked") : t("invalid"), values };
    }
    throw e; // the redirect after a successful login
  }
}
