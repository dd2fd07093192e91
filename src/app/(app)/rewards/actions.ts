"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import {
  decideReward,
  payReward,
  prepareReward,
  prepareRewardInput,
  rewardDecisionInput,
  rewardPaymentInput,
} from "@/server/services/rewards";

export const prepareRewardAction = defineFormAction(
  "reward.prepare",
  "claim.write",
  prepareRewardInput,
  async (actor, input) => {
    const res = await prepareReward(actor, input);
    revalidatePath("/rewards");
    return res;
  },
);

export const decideRewardAction = defineFormAction(
  "reward.decide",
  "claim.approve",
  rewardDecisionInput,
  async (actor, input) => {
    const res = await decideReward(actor, input);
    revalidatePath("/rewards");
    return res;
  },
);

export const payRewardAction = defineFormAction(
  "reward.pay",
  "claim.write",
  rewardPaymentInput,
  async (actor, input) => {
    const res = await payReward(actor, input);
    revalidatePath("/rewards");
    return res;
  },
);
