import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getActor } from "@/server/session";
import { LoginForm } from "@/ui/shell/LoginForm";
import { LocaleSwitch } from "@/ui/shell/LocaleSwitch";
import { loginAction } from "./actions";

export default async function LoginPage() {
  if (await getActor()) redirect("/");
  const t = await getTranslations();
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-brand-50 to-stone-100 px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow-sm ring-1 ring-stone-200">
        <div className="mb-6 text-center">
          <h1 className="text-2xl font-semibold text-brand-700">{t("app.name")}</h1>
          <p className="mt-1 text-sm text-stone-500">{t("app.tagline")}</p>
        </div>
        <h2 className="mb-4 text-lg font-medium">{t("login.title")}</h2>
        <LoginForm action={loginAction} />
        <div className="mt-6 text-center text-sm">
          <LocaleSwitch />
        </div>
      </div>
    </main>
  );
}
