import { getTranslations } from "next-intl/server";
import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { villageOptions } from "@/server/services/borrowers";
import { BorrowerForm } from "@/ui/borrowers/BorrowerForm";
import { PageError } from "@/ui/shell/PageError";
import { createBorrowerAction } from "../actions";

export default async function NewBorrowerPage() {
  const actor = await pageActor();
  const t = await getTranslations("borrowers");
  if (!can(actor.role, "borrower.write")) return <PageError message={t("noWrite")} />;
  const villages = await villageOptions(actor);
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">{t("new")}</h1>
      <BorrowerForm
        action={createBorrowerAction}
        villages={villages}
        submitLabel={t("save")}
        initial={{
          name: "",
          idNumber: "",
          phone: "",
          villageCode: "",
          householdType: "GENERAL",
          creditRated: false,
          industry: "",
          address: "",
        }}
      />
    </div>
  );
}
