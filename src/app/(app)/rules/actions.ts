"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { decideRectification, recordRectification } from "@/server/services/rectifications";

export const recordRectificationAction = defineFormAction(
  "rectification.record",
  "loan.write",
  async (actor, input) => {
    const res = await recordRectification(actor, input);
    revalidatePath("/rules/suspensions");
    return res;
  },
);

export const decideRectificationAction = defineFormAction(
  "rectification.decide",
  "loan.approve",
  async (actor, input) => {
    const res = await decideRectification(actor, input);
    revalidatePath("/rules/suspensions");
    return res;
  },
);
