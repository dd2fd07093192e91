import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { isLedgerKey, LEDGER_KEYS, LEDGERS, ledgerPage, type LedgerKey } from "@/server/services/ledgers";
import { todayShanghai } from "@/server/clock";
import { PageError } from "@/ui/shell/PageError";
import { ReadSourceNotice } from "@/ui/shell/ReadSourceNotice";
import { ExportButton } from "@/ui/ledgers/ExportButton";

const date = (v: string | undefined, fallback: string) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : fallback);

/** Ledgers (台账) on screen, a page at a time, with exports and a print view. */
export default async function LedgersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const sp = await searchParams;
  const actor = await pageActor();
  const t = await getTranslations("ledgers");
  const today = todayShanghai();
  const kind: LedgerKey = sp.kind && isLedgerKey(sp.kind) ? sp.kind : "loans";
  const q = {
    region: sp.region && /^\d{6}(\d{3}){0,2}$/.test(sp.region) ? sp.region : actor.regionCode,
    from: date(sp.from, `${today.slice(0, 4)}-01-01`),
    to: date(sp.to, today),
    outstanding: kind === "loans" && sp.outstanding === "1",
  };
  const after = Number(sp.after ?? 0) || 0;
  const res = await attempt(() => ledgerPage(actor, kind, q, after, 50));
  const tabs = LEDGER_KEYS.filter((k) => can(actor.role, LEDGERS[k].permission));
  const params = (extra: Record<string, string>) =>
    new URLSearchParams({
      kind,
      region: q.region,
      from: q.from,
      to: q.to,
      ...(q.outstanding ? { outstanding: "1" } : {}),
      ...extra,
    }).toString();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <ReadSourceNotice />
      <nav className="flex flex-wrap gap-2 text-sm" aria-label={t("kinds")}>
        {tabs.map((k) => (
          <Link
            key={k}
            href={`/ledgers?${new URLSearchParams({ kind: k, region: q.region, from: q.from, to: q.to }).toString()}`}
            className={`rounded px-3 py-1 ring-1 ring-stone-200 ${k === kind ? "bg-brand-600 text-white" : "bg-white"}`}
            aria-current={k === kind ? "page" : undefined}
          >
            {LEDGERS[k].title}
          </Link>
        ))}
      </nav>
      <form className="flex flex-wrap items-end gap-2 text-sm">
        <input type="hidden" name="kind" value={kind} />
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("region")}</span>
          <input
            name="region"
            defaultValue={q.region}
            className="w-36 rounded border border-stone-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("from")}</span>
          <input
            type="date"
            name="from"
            defaultValue={q.from}
            className="rounded border border-stone-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-stone-600">{t("to")}</span>
          <input
            type="date"
            name="to"
            defaultValue={q.to}
            className="rounded border border-stone-300 px-2 py-1"
          />
        </label>
        {kind === "loans" && (
          <label className="flex items-center gap-1 py-1.5">
            <input type="checkbox" name="outstanding" value="1" defaultChecked={q.outstanding} />
            <span>{t("outstandingOnly")}</span>
          </label>
        )}
        <button type="submit" className="rounded bg-brand-600 px-3 py-1.5 text-white">
          {t("search")}
        </button>
      </form>
      {!res.ok ? (
        <PageError message={res.message} />
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-3" data-testid="exports">
            <span className="text-sm text-stone-600">{res.data.def.periodNote}</span>
            <ExportButton
              href={`/ledgers/${kind}/export?${params({ format: "csv" })}`}
              label={t("exportCsv")}
            />
            <ExportButton
              href={`/ledgers/${kind}/export?${params({ format: "xlsx" })}`}
              label={t("exportXlsx")}
            />
            {kind === "loans" && (
              <Link
                href={`/ledgers/print?${params({})}`}
                className="text-sm text-brand-700 hover:underline"
                target="_blank"
              >
                {t("print")}
              </Link>
            )}
          </div>
          <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
            <table className="w-full text-sm" data-testid="ledger-table">
              <thead className="text-left text-xs text-stone-600">
                <tr>
                  {res.data.def.columns.map((c) => (
                    <th
                      key={c.header}
                      className={`px-2 py-1 whitespace-nowrap ${c.type === "money" || c.type === "int" ? "text-right" : ""}`}
                    >
                      {c.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {res.data.rows.map((r) => (
                  <tr key={r[0]}>
                    {r.map((v, i) => (
                      <td
                        key={i}
                        className={`px-2 py-1 whitespace-nowrap ${res.data.def.columns[i]!.type === "money" || res.data.def.columns[i]!.type === "int" ? "num" : ""}`}
                      >
                        {v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="flex gap-3 text-sm">
            {after > 0 && (
              <Link href={`/ledgers?${params({})}`} className="text-brand-700 hover:underline">
                {t("first")}
              </Link>
            )}
            {res.data.nextAfter && (
              <Link
                href={`/ledgers?${params({ after: String(res.data.nextAfter) })}`}
                className="text-brand-700 hover:underline"
              >
                {t("next")}
              </Link>
            )}
          </nav>
        </>
      )}
    </div>
  );
}
