"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { addInsurancePolicy, fileInsuranceClaim, settleInsuranceClaim } from "@/server/services/insurance";

/** A loan's insurance (issue 23 item 4): the forms of the loan page's insurance section. */
export const addPolicyAction = defineFormAction(
  "insurance.policy.create",
  "insurance.write",
  async (actor, input) => {
    const res = await addInsurancePolicy(actor, input);
    revalidatePath("/loans/[id]", "page");
    return res;
  },
);

export const fileClaimAction = defineFormAction(
  "insurance.claim.file",
  "insurance.write",
  async (actor, input) => {
    const res = await fileInsuranceClaim(actor, input);
    revalidatePath("/loans/[id]", "page");
    return res;
  },
);

export const settleClaimAction = defineFormAction(
  "insurance.claim.settle",
  "insurance.write",
  async (actor, input) => {
    const res = await settleInsuranceClaim(actor, input);
    revalidatePath("/loans/[id]", "page");
    return res;
  },
);
