import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { HomeSection } from "@/server/services/home";

/** The home page's sections: a title with its count, the first items (one click each), a link to the whole list. */
export async function HomeSections({ sections, days }: { sections: HomeSection[]; days: number }) {
  const t = await getTranslations();
  // Keys built from codes: checked by t.has where a code may be unknown.
  const tx = t as unknown as (key: string, values?: Record<string, string | number>) => string;
  const tag = (s: HomeSection, code: string | null) => {
    if (!code) return null;
    const key =
      s.key === "inbox"
        ? `worklists.kinds.${code}`
        : s.key === "lateClaims"
          ? `settlement.steps.waiting.${code}`
          : `home.tags.${code}`;
    return t.has(key) ? tx(key) : code;
  };
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {sections.map((s) => (
        <section
          key={s.key}
          className="rounded-lg bg-white p-4 ring-1 ring-stone-200"
          data-testid={`home-${s.key}`}
          aria-labelledby={`home-${s.key}-title`}
        >
          <h2 id={`home-${s.key}-title`} className="mb-2 flex items-baseline justify-between font-medium">
            <span>
              {tx(`${s.messages ?? "home"}.sections.${s.key}`, { days })}{" "}
              <span className="text-brand-700" data-testid={`home-${s.key}-count`}>
                {s.count}
              </span>
            </span>
            <Link href={s.href} className="text-sm text-brand-700 hover:underline">
              {t("home.all", { count: s.count })}
            </Link>
          </h2>
          {s.items.length === 0 ? (
            <p className="text-sm text-stone-500">{t("home.empty")}</p>
          ) : (
            <ul className="divide-y divide-stone-100 text-sm">
              {s.items.map((i) => (
                <li key={i.key} className="py-1.5">
                  <Link href={i.href} className="flex flex-wrap gap-x-2 hover:text-brand-700">
                    {tag(s, i.tag) && (
                      <span
                        className={`rounded px-1.5 text-xs ${i.flagged || i.tag === "BELOW_NEW" || i.tag === "SUSPENSION" ? "bg-red-50 text-red-700" : "bg-stone-100 text-stone-700"}`}
                      >
                        {tag(s, i.tag)}
                      </span>
                    )}
                    <span className="font-medium">{i.title}</span>
                    {Object.keys(i.facts).length > 0 && (
                      <span className="text-stone-500">
                        {tx(`${s.messages ?? "home"}.facts.${s.key}`, i.facts)}
                      </span>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
