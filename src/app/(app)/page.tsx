import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { can } from "@/domain";
import { getActor } from "@/server/session";
import { todayShanghai } from "@/server/clock";
import { homeSections } from "@/server/services/home";
import { policyDays } from "@/server/services/coming-due";
import { HomeSections } from "@/ui/worklists/HomeSections";

/** The page after login: what this person has to act on (issue 20). Approvers land on 待我审核. */
export default async function Home() {
  const actor = await getActor();
  if (!actor) redirect("/login");
  if (actor.role === "COUNTY_APPROVER") redirect("/inbox");
  if (can(actor.role, "admin.manage")) redirect("/admin/users");
  const t = await getTranslations();
  const today = todayShanghai();
  const [sections, days] = await Promise.all([
    homeSections(actor, today),
    policyDays(actor.regionCode, today),
  ]);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">{t("home.title")}</h1>
        <p className="text-sm text-stone-600">{t("home.subtitle", { name: actor.displayName })}</p>
      </div>
      <HomeSections sections={sections} days={days.dueNoticeDays} />
    </div>
  );
}
