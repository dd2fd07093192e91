"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { createFund, decideCompensation, depositToFund, requestCompensation } from "@/server/services/fund";

export const depositAction = defineFormAction("fund.deposit", "fund.write", async (actor, input) => {
  const res = await depositToFund(actor, input);
  revalidatePath("/fund");
  return res;
});

export const requestCompensationAction = defineFormAction(
  "compensation.request",
  "fund.write",
  async (actor, input) => {
    const res = await requestCompensation(actor, input);
    revalidatePath("/loans/[id]", "page");
    revalidatePath("/fund");
    return res;
  },
);

export const decideCompensationAction = defineFormAction(
  "compensation.decide",
  ["fund.write", "claim.approve"],
  async (actor, input) => {
    const res = await decideCompensation(actor, input);
    revalidatePath("/fund");
    return res;
  },
);

export const createFundAction = defineFormAction("fund.create", "fund.write", async (actor, input) => {
  const res = await createFund(actor, input);
  revalidatePath("/fund");
  return res;
});
