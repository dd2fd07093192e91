"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { decideRating, rateBorrower, setEligibleHouseholds } from "@/server/services/credit";

export const rateBorrowerAction = defineFormAction("credit.rate", "credit.write", async (actor, input) => {
  const res = await rateBorrower(actor, input);
  revalidatePath("/borrowers/[id]", "page");
  return res;
});

export const decideRatingAction = defineFormAction(
  "credit.decide",
  "credit.approve",
  async (actor, input) => {
    const res = await decideRating(actor, input);
    revalidatePath("/borrowers/[id]", "page");
    revalidatePath("/credit");
    return res;
  },
);

export const setHouseholdsAction = defineFormAction(
  "credit.households",
  "credit.write",
  async (actor, input) => {
    const res = await setEligibleHouseholds(actor, input);
    revalidatePath("/credit");
    return res;
  },
);
