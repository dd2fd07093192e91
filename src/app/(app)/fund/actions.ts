"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import {
  compensationDecisionInput,
  compensationRequestInput,
  createFund,
  createFundInput,
  decideCompensation,
  depositInput,
  depositToFund,
  requestCompensation,
} from "@/server/services/fund";

export const depositAction = defineFormAction(
  "fund.deposit",
  "fund.write",
  depositInput,
  async (actor, input) => {
    const res = await depositToFund(actor, input);
    revalidatePath("/fund");
    return res;
  },
);

export const requestCompensationAction = defineFormAction(
  "compensation.request",
  "fund.write",
  compensationRequestInput,
  async (actor, input) => {
    const res = await requestCompensation(actor, input);
    revalidatePath(`/loans/${input.loanId}`);
    revalidatePath("/fund");
    return res;
  },
);

export const decideCompensationAction = defineFormAction(
  "compensation.decide",
  ["fund.write", "claim.approve"],
  compensationDecisionInput,
  async (actor, input) => {
    const res = await decideCompensation(actor, input);
    revalidatePath("/fund");
    return res;
  },
);

export const createFundAction = defineFormAction(
  "fund.create",
  "fund.write",
  createFundInput,
  async (actor, input) => {
    const res = await createFund(actor, input);
    revalidatePath("/fund");
    return res;
  },
);
