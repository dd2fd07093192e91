import { notFound } from "next/navigation";
import { recordId } from "@/server/params";
import { getTranslations } from "next-intl/server";
import { pageActor } from "@/server/session";
import { getBorrower, revealIdNumber, villageOptions } from "@/server/services/borrowers";
import { attempt } from "@/server/errors";
import { PageError } from "@/ui/shell/PageError";
import { BorrowerForm } from "@/ui/borrowers/BorrowerForm";
import { updateBorrowerAction } from "../../actions";

export default async function EditBorrowerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await pageActor();
  const t = await getTranslations("borrowers");
  const n = recordId(id);
  if (n === null) notFound();
  const res = await attempt(async () => {
    const b = await getBorrower(actor, n);
    if (!b.canEdit) return null;
    // Editing needs the full number in the form: the owning county's staff only, and audited.
    return { b, idNumber: await revealIdNumber(actor, b.id), villages: await villageOptions(actor) };
  });
  if (!res.ok) return <PageError message={res.message} />;
  if (!res.data) return <PageError message={t("noEdit")} />;
  const { b, idNumber, villages } = res.data;
  return (
    <div>
      <h1 className="mb-4 text-xl font-semibold">{t("editTitle", { name: b.name })}</h1>
      <BorrowerForm
        action={updateBorrowerAction}
        villages={villages}
        submitLabel={t("saveChanges")}
        initial={{
          id: b.id,
          version: b.version,
          name: b.name,
          idNumber,
          phone: b.phone,
          villageCode: b.villageCode,
          householdType: b.householdType,
          creditRated: b.creditRated,
          industry: b.industry,
          address: b.address ?? "",
        }}
      />
    </div>
  );
}
