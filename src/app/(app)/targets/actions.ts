"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { setTarget } from "@/server/services/targets";

export const setTargetAction = defineFormAction("target.set", "loan.write", async (actor, input) => {
  const res = await setTarget(actor, input);
  revalidatePath("/targets");
  return res;
});
