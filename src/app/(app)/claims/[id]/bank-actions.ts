"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { differenceReasonInput, giveDifferenceReason } from "@/server/services/interest-statements";

export const differenceReasonAction = defineFormAction(
  "interestStatement.reason",
  "claim.write",
  differenceReasonInput,
  async (actor, input) => {
    const res = await giveDifferenceReason(actor, input);
    revalidatePath("/claims");
    return res;
  },
);
