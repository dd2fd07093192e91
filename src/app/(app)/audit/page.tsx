import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listAuditEvents } from "@/server/services/audit-log";
import { PageError } from "@/ui/shell/PageError";
import { auditMessage, codeKey } from "@/domain";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("audit");
  const c = await getTranslations("codes");
  const action = (code: string) => {
    const key = codeKey(code, (k) => c.has(`actions.${k}`));
    return key ? c(`actions.${key}` as never) : code;
  };
  const entity = (code: string) => (c.has(`entities.${code}`) ? c(`entities.${code}` as never) : code);
  const role = (code: string) => (c.has(`roles.${code}`) ? c(`roles.${code}` as never) : code);
  const message = (text: string | null) => {
    const m = auditMessage(text);
    if (!m) return text;
    const values: Record<string, string> = { ...m.values };
    if ("role" in values) values.role = role(values.role!);
    return c(`auditMessages.${m.key}` as never, values as never);
  };
  const filters = Object.fromEntries(
    Object.entries(sp).filter(
      ([k, v]) => v && ["action", "username", "outcome", "from", "to", "after"].includes(k),
    ),
  );
  const res = await attempt(() => listAuditEvents(actor, filters));
  if (!res.ok) return <PageError message={res.message} />;
  const input = "rounded-md border border-stone-300 px-2 py-1.5";
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">{t("title")}</h1>
      <form className="mb-4 flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("action")}</span>
          <input
            name="action"
            defaultValue={sp.action ?? ""}
            maxLength={64}
            placeholder={t("actionHint")}
            className={input}
          />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("username")}</span>
          <input name="username" defaultValue={sp.username ?? ""} maxLength={64} className={input} />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("outcome")}</span>
          <select name="outcome" defaultValue={sp.outcome ?? ""} className={input}>
            <option value="">{t("all")}</option>
            <option value="OK">{t("OK")}</option>
            <option value="DENIED">{t("DENIED")}</option>
            <option value="FAILED">{t("FAILED")}</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("from")}</span>
          <input type="date" name="from" defaultValue={sp.from ?? ""} className={input} />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("to")}</span>
          <input type="date" name="to" defaultValue={sp.to ?? ""} className={input} />
        </label>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
          {t("filter")}
        </button>
      </form>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="audit-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("at")}</th>
              <th className="px-3 py-2">{t("user")}</th>
              <th className="px-3 py-2">{t("action")}</th>
              <th className="px-3 py-2">{t("entity")}</th>
              <th className="px-3 py-2">{t("county")}</th>
              <th className="px-3 py-2">{t("outcome")}</th>
              <th className="px-3 py-2">{t("ip")}</th>
              <th className="px-3 py-2">{t("details")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {res.data.rows.map((e) => (
              <tr key={e.id}>
                <td className="whitespace-nowrap px-3 py-2">{e.at}</td>
                <td className="px-3 py-2">
                  {e.username ?? "—"}
                  {e.role && <span className="block text-xs text-stone-500">{role(e.role)}</span>}
                </td>
                <td className="px-3 py-2" title={e.action}>
                  {action(e.action)}
                </td>
                <td className="px-3 py-2">
                  {e.entityId
                    ? c("auditMessages.entity", { entity: entity(e.entity), id: e.entityId })
                    : entity(e.entity)}
                </td>
                <td className="px-3 py-2">{e.countyCode ?? "—"}</td>
                <td className={`px-3 py-2 ${e.outcome === "OK" ? "" : "font-medium text-red-700"}`}>
                  {t(e.outcome as "OK" | "DENIED" | "FAILED")}
                </td>
                <td className="px-3 py-2 font-mono text-xs">{e.ip ?? "—"}</td>
                <td className="px-3 py-2 text-xs">
                  {message(e.message)}
                  {(e.before != null || e.after != null) && (
                    <details>
                      <summary className="cursor-pointer text-brand-700">{t("diff")}</summary>
                      <pre className="max-w-md overflow-x-auto whitespace-pre-wrap">
                        {JSON.stringify({ before: e.before, after: e.after }, null, 1)}
                      </pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {res.data.rows.length === 0 && <p className="p-6 text-center text-stone-500">{t("empty")}</p>}
      </div>
      {res.data.nextAfter && (
        <Link
          href={`/audit?${new URLSearchParams({ ...(filters as Record<string, string>), after: String(res.data.nextAfter) }).toString()}`}
          className="mt-3 inline-block text-sm text-brand-700 hover:underline"
        >
          {t("next")}
        </Link>
      )}
    </div>
  );
}
