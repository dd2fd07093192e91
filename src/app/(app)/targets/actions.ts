"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { setTarget, targetInput } from "@/server/services/targets";

export const setTargetAction = defineFormAction(
  "target.set",
  "loan.write",
  targetInput,
  async (actor, input) => {
    const res = await setTarget(actor, input);
    revalidatePath("/targets");
    return res;
  },
);
