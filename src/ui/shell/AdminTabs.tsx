import Link from "next/link";

const TABS = [
  ["/admin/users", "用户"],
  ["/admin/regions", "地区"],
  ["/admin/policies", "项目与政策版本"],
  ["/admin/lpr", "LPR利率"],
] as const;

export function AdminTabs({ current }: { current: string }) {
  return (
    <nav aria-label="系统管理" className="mb-4 flex gap-2 border-b border-stone-200 text-sm">
      {TABS.map(([href, label]) => (
        <Link key={href} href={href} aria-current={href === current ? "page" : undefined} className={`-mb-px border-b-2 px-3 py-2 ${href === current ? "border-brand-600 text-brand-700" : "border-transparent text-stone-600 hover:text-brand-700"}`}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
