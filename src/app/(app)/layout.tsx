import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { can, type Permission, type Role } from "@/domain";
import { getActor } from "@/server/session";
import { signOut } from "@/server/auth";
import { logout } from "@/server/services/login";
import { ensureSnapshotJob } from "@/server/services/snapshots";
import { LocaleSwitch } from "@/ui/shell/LocaleSwitch";
import { HelpLink } from "@/ui/help/HelpLink";
import { navCounts } from "@/server/services/home";
import { hasInbox } from "@/server/services/inbox";

/** Work lists (issue 20) with their counts: the same lists the pages show (src/server/services/home.ts). */
const WORK_NAV: { href: string; key: "inbox" | "due" | "collection"; show: (role: Role) => boolean }[] = [
  { href: "/inbox", key: "inbox", show: (role) => hasInbox({ role }) },
  { href: "/due", key: "due", show: (role) => can(role, "loan.read") && role !== "ADMIN" },
  { href: "/collection", key: "collection", show: (role) => can(role, "loan.read") && role !== "ADMIN" },
];

const NAV: {
  href: string;
  key:
    | "loans"
    | "borrowers"
    | "organisations"
    | "claims"
    | "fund"
    | "rules"
    | "targets"
    | "rewards"
    | "dashboard"
    | "ledgers"
    | "imports"
    | "bankFiles"
    | "audit"
    | "admin";
  permission: Permission;
}[] = [
  { href: "/dashboard", key: "dashboard", permission: "dashboard.read" },
  { href: "/loans", key: "loans", permission: "loan.read" },
  { href: "/borrowers", key: "borrowers", permission: "borrower.read" },
  { href: "/organisations", key: "organisations", permission: "borrower.read" },
  { href: "/claims", key: "claims", permission: "loan.read" },
  { href: "/fund", key: "fund", permission: "dashboard.read" },
  { href: "/rules/suspensions", key: "rules", permission: "loan.read" },
  { href: "/targets", key: "targets", permission: "dashboard.read" },
  { href: "/rewards", key: "rewards", permission: "loan.read" },
  { href: "/ledgers", key: "ledgers", permission: "ledger.export" },
  { href: "/imports", key: "imports", permission: "loan.write" },
  { href: "/bank-files", key: "bankFiles", permission: "ledger.export" },
  { href: "/audit", key: "audit", permission: "audit.read" },
  { href: "/admin/users", key: "admin", permission: "admin.manage" },
];

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const actor = await getActor();
  if (!actor) redirect("/login");
  ensureSnapshotJob(); // month-end snapshots: built on the first start, then kept current (issue 22)
  const t = await getTranslations();
  const counts = await navCounts(actor);
  async function logoutAction() {
    "use server";
    const current = await getActor();
    if (current) await logout(current);
    await signOut({ redirectTo: "/login" });
  }
  const whoami = `${actor.displayName} · ${t(`role.${actor.role}`)} · ${actor.regionName}`;
  // Rendered twice (the one-line navigation and the menu); test ids only on the first, so they stay unique.
  const links = (inMenu: boolean) => [
    ...WORK_NAV.filter((n) => n.show(actor.role)).map((n) => (
      <Link
        key={n.href}
        href={n.href}
        data-testid={inMenu ? undefined : `nav-${n.key}`}
        className="rounded px-2 py-1 whitespace-nowrap text-stone-700 hover:bg-brand-50 hover:text-brand-700"
      >
        {counts[n.key] === undefined
          ? t(`worklists.nav.${n.key}`)
          : t("worklists.navCount", { label: t(`worklists.nav.${n.key}`), count: counts[n.key]! })}
      </Link>
    )),
    ...NAV.filter((n) => can(actor.role, n.permission)).map((n) => (
      <Link
        key={n.href}
        href={n.href}
        className="rounded px-2 py-1 whitespace-nowrap text-stone-700 hover:bg-brand-50 hover:text-brand-700"
      >
        {n.key === "organisations" ? t("organisations.nav") : t(`nav.${n.key}`)}
      </Link>
    )),
    ...(can(actor.role, "dashboard.read")
      ? [
          <Link
            key="/reports/monthly"
            href="/reports/monthly"
            className="rounded px-2 py-1 whitespace-nowrap text-stone-700 hover:bg-brand-50 hover:text-brand-700"
          >
            {t("monthlyReport.nav")}
          </Link>,
        ]
      : []),
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-stone-200 bg-white print:hidden">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold whitespace-nowrap text-brand-700">
            {t("app.name")}
          </Link>
          {/* Wide screens: the navigation in one line. Wide screens: the navigation on a line of its own under the title (two at most; no entry breaks). Narrower (≤ 1279 px): a menu. */}
          <nav
            aria-label={t("nav.main")}
            className="order-last hidden basis-full flex-wrap items-center gap-1 text-sm xl:flex"
          >
            {links(false)}
          </nav>
          <details className="group relative xl:hidden" data-testid="nav-menu">
            <summary className="cursor-pointer list-none rounded border border-stone-300 px-2 py-1 text-sm whitespace-nowrap hover:bg-stone-100">
              ☰ {t("nav.menu")}
            </summary>
            <nav
              aria-label={t("nav.main")}
              className="absolute left-0 z-20 mt-1 flex w-56 flex-col gap-0.5 rounded-md bg-white p-2 text-sm shadow-lg ring-1 ring-stone-200"
            >
              {links(true)}
            </nav>
          </details>
          <div className="ml-auto flex min-w-0 items-center gap-3 text-sm">
            <span className="truncate text-stone-600" data-testid="whoami" title={whoami}>
              {whoami}
            </span>
            <HelpLink label={t("help.link")} />
            <LocaleSwitch />
            <form action={logoutAction}>
              <button
                type="submit"
                className="rounded border border-stone-300 px-2 py-1 whitespace-nowrap hover:bg-stone-100"
              >
                {t("nav.logout")}
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
