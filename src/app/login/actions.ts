"use server";

import { AuthError } from "next-auth";
import { getTranslations } from "next-intl/server";
import { signIn } from "@/server/auth";
import { loginSchema } from "@/server/services/login";
import { fieldErrorsOf, type ActionResult } from "@/server/action";

/**
 * Logging in is the one action without a session; checkLogin throttles it (per address, per account and
 * address, per account). Every failure gets the same message, whatever its cause.
 */
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
    if (e instanceof AuthError) return { ok: false, message: t("invalid"), values };
    throw e; // the redirect after a successful login
  }
}
