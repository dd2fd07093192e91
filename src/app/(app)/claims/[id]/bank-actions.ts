"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { giveDifferenceReason } from "@/server/services/interest-statements";

export const differenceReasonAction = defineFormAction(
  "interestStatement.reason",
  "claim.write",
  async (actor, input) => {
    const res = await giveDifferenceReason(actor, input);
    revalidatePath("/claims");
    return res;
  },
);
