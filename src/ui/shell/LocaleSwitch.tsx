import { getLocale, getTranslations } from "next-intl/server";
import { switchLocale } from "@/app/locale-action";

export async function LocaleSwitch() {
  const locale = await getLocale();
  const t = await getTranslations("nav");
  return (
    <form action={switchLocale}>
      <input type="hidden" name="locale" value={locale === "en" ? "zh-CN" : "en"} />
      <button
        type="submit"
        className="text-stone-500 underline-offset-2 hover:text-brand-700 hover:underline"
      >
        {t("language")}
      </button>
    </form>
  );
}
