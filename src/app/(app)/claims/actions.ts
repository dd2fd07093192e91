"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/server/action";
import { generateClaim, transitionClaim } from "@/server/services/claims";

export const generateClaimAction = defineFormAction(
  "claim.generate",
  "claim.write",
  async (actor, input): Promise<void> => {
    const claim = await generateClaim(actor, input);
    redirect(`/claims/${claim.id}`);
  },
);

export const transitionClaimAction = defineFormAction(
  "claim.transition",
  ["claim.write", "claim.approve"],
  async (actor, input) => {
    const res = await transitionClaim(actor, input);
    revalidatePath("/claims/[id]", "page");
    return res;
  },
);
