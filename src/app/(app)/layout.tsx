import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { can, type Permission } from "@/domain";
import { getActor } from "@/server/session";
import { signOut } from "@/server/auth";
import { logout } from "@/server/services/login";
import { LocaleSwitch } from "@/ui/shell/LocaleSwitch";

const NAV: {
  href: string;
  key:
    | "loans"
    | "borrowers"
    | "claims"
    | "fund"
    | "rules"
    | "targets"
    | "rewards"
    | "dashboard"
    | "ledgers"
    | "imports"
    | "audit"
    | "admin";
  permission: Permission;
}[] = [
  { href: "/dashboard", key: "dashboard", permission: "dashboard.read" },
  { href: "/loans", key: "loans", permission: "loan.read" },
  { href: "/borrowers", key: "borrowers", permission: "borrower.read" },
  { href: "/claims", key: "claims", permission: "loan.read" },
  { href: "/fund", key: "fund", permission: "dashboard.read" },
  { href: "/rules/suspensions", key: "rules", permission: "loan.read" },
  { href: "/targets", key: "targets", permission: "dashboard.read" },
  { href: "/rewards", key: "rewards", permission: "loan.read" },
  { href: "/ledgers", key: "ledgers", permission: "ledger.export" },
  { href: "/imports", key: "imports", permission: "loan.write" },
  { href: "/audit", key: "audit", permission: "audit.read" },
  { href: "/admin/users", key: "admin", permission: "admin.manage" },
];

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const actor = await getActor();
  if (!actor) redirect("/login");
  const t = await getTranslations();
  async function logoutAction() {
    "use server";
    const current = await getActor();
    if (current) await logout(current);
    await signOut({ redirectTo: "/login" });
  }
  return (
    <div className="min-h-screen">
      <header className="border-b border-stone-200 bg-white print:hidden">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-brand-700">
            {t("app.name")}
          </Link>
          <nav aria-label="主导航" className="flex gap-4 text-sm">
            {NAV.filter((n) => can(actor.role, n.permission)).map((n) => (
              <Link
                key={n.href}
                href={n.href}
                className="rounded px-2 py-1 text-stone-700 hover:bg-brand-50 hover:text-brand-700"
              >
                {t(`nav.${n.key}`)}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-4 text-sm">
            <span className="text-stone-600" data-testid="whoami">
              {actor.displayName} · {t(`role.${actor.role}`)} · {actor.regionName}
            </span>
            <LocaleSwitch />
            <form action={logoutAction}>
              <button type="submit" className="rounded border border-stone-300 px-2 py-1 hover:bg-stone-100">
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
