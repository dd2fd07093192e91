"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/server/action";
import {
  addMember,
  linkLoan,
  recordBenefitPayment,
  registerOrganisation,
} from "@/server/services/organisations";

/** 分贷统还 organisations (issue 23 item 5): registration, members, linked loans, benefit payments. */
export const registerOrganisationAction = defineFormAction(
  "organisation.create",
  "organisation.write",
  async (actor, input): Promise<void> => {
    const { id } = await registerOrganisation(actor, input);
    redirect(`/organisations/${id}`);
  },
);

export const addMemberAction = defineFormAction(
  "organisation.member.add",
  "organisation.write",
  async (actor, input) => {
    const res = await addMember(actor, input);
    revalidatePath("/organisations/[id]", "page");
    return res;
  },
);

export const linkLoanAction = defineFormAction(
  "organisation.loan.link",
  "organisation.write",
  async (actor, input) => {
    const res = await linkLoan(actor, input);
    revalidatePath("/organisations/[id]", "page");
    return res;
  },
);

export const recordBenefitPaymentAction = defineFormAction(
  "organisation.benefit.pay",
  "organisation.write",
  async (actor, input) => {
    const res = await recordBenefitPayment(actor, input);
    revalidatePath("/organisations/[id]", "page");
    return res;
  },
);
