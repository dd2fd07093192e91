"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { decideReward, payReward, prepareReward } from "@/server/services/rewards";

export const prepareRewardAction = defineFormAction("reward.prepare", "claim.write", async (actor, input) => {
  const res = await prepareReward(actor, input);
  revalidatePath("/rewards");
  return res;
});

export const decideRewardAction = defineFormAction("reward.decide", "claim.approve", async (actor, input) => {
  const res = await decideReward(actor, input);
  revalidatePath("/rewards");
  return res;
});

export const payRewardAction = defineFormAction("reward.pay", "claim.write", async (actor, input) => {
  const res = await payReward(actor, input);
  revalidatePath("/rewards");
  return res;
});
