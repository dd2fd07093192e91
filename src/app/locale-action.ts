"use server";

import { cookies } from "next/headers";
import { LOCALE_COOKIE } from "@/i18n/request";

/** Switches the interface language (no data touched, so no session is needed). */
export async function switchLocale(formData: unknown): Promise<void> {
  // A public endpoint: anything may arrive, not only the form.
  const locale = formData instanceof FormData && formData.get("locale") === "en" ? "en" : "zh-CN";
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600 });
}
