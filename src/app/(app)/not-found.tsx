import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PageError } from "@/ui/shell/PageError";

/** A record that does not exist (or is outside the user's region: the same answer), inside the app's frame. */
export default async function NotFound() {
  const t = await getTranslations("common");
  return (
    <div className="space-y-4">
      <PageError message={t("notFound")} />
      <Link href="/" className="text-sm text-rose-700 underline">
        {t("back")}
      </Link>
    </div>
  );
}
