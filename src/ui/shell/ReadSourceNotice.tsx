import { getTranslations } from "next-intl/server";
import { readRoute, type ReadSource } from "@/server/read-db";

/**
 * A small line on a reporting page when a read replica is configured but the figures were read from the
 * primary (the replica is down or too far behind): they are live, not a replica's copy. Nothing without a
 * replica, and nothing while the replica serves. `source`: where the page's figures came from, when known
 * (a cached dashboard view); else the current route.
 */
export async function ReadSourceNotice({ source }: { source?: ReadSource }) {
  const route = await readRoute();
  if (!route.configured) return null;
  if ((source ?? route.source) === "replica") return null;
  const t = await getTranslations("readSource");
  return (
    <p className="text-xs text-amber-800" data-testid="read-source-notice" role="status">
      {t("livePrimary")}
    </p>
  );
}
