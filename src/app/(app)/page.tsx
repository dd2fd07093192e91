import { redirect } from "next/navigation";
import { can } from "@/domain";
import { getActor } from "@/server/session";

/** Each role lands where its work is. */
export default async function Home() {
  const actor = await getActor();
  if (!actor) redirect("/login");
  if (actor.role === "CITY_OFFICIAL") redirect("/dashboard");
  if (can(actor.role, "loan.read")) redirect("/loans");
  if (can(actor.role, "admin.manage")) redirect("/admin/users");
  redirect("/audit");
}
