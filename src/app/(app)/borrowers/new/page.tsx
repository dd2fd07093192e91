import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { villageOptions } from "@/server/services/borrowers";
import { BorrowerForm } from "@/ui/borrowers/BorrowerForm";
import { PageError } from "@/ui/shell/PageError";
import { createBorrowerAction } from "../actions";

export default async function NewBorrowerPage() {
  const actor = await pageActor();
  if (!can(actor.role, "borrower.write")) return <PageError message="您没有登记借款人的权限" />;
  const villages = await villageOptions(actor);
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">登记借款人</h1>
      <BorrowerForm
        action={createBorrowerAction}
        villages={villages}
        submitLabel="保存"
        initial={{ name: "", idNumber: "", phone: "", villageCode: "", householdType: "GENERAL", creditRated: false, industry: "", address: "" }}
      />
    </div>
  );
}
