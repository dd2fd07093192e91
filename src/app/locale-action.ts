"use server";

import { cookies } from "next/headers";
import { LOCALE_COOKIE } from "@/i18n/request";

/** Switches the interface language (no data touched, so no session is needed). */
export async function switchLocale(formData: FormData): Promise<void> {
  const locale = formData.get("locale") === "en" ? "en" : "zh-CN";
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600 });
}
