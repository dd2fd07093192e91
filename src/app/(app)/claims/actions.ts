"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/server/action";
import {
  claimTransitionInput,
  generateClaim,
  generateClaimInput,
  transitionClaim,
} from "@/server/services/claims";

export const generateClaimAction = defineFormAction(
  "claim.generate",
  "claim.write",
  generateClaimInput,
  async (actor, input): Promise<void> => {
    const claim = await generateClaim(actor, input);
    redirect(`/claims/${claim.id}`);
  },
);

export const transitionClaimAction = defineFormAction(
  "claim.transition",
  ["claim.write", "claim.approve"],
  claimTransitionInput,
  async (actor, input) => {
    const res = await transitionClaim(actor, input);
    revalidatePath(`/claims/${input.claimId}`);
    return res;
  },
);
