import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PageError } from "@/ui/shell/PageError";

/** A page the user's role or level may not open (HTTP 403), inside the app's frame (decision 015). */
export default async function Forbidden() {
  const t = await getTranslations("common");
  return (
    <div className="space-y-4">
      <PageError message={t("forbidden")} />
      <Link href="/" className="text-sm text-rose-700 underline">
        {t("back")}
      </Link>
    </div>
  );
}
