"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/server/action";
import { applicationInput, applyForLoan, decideApplication, decisionInput, disburseLoan, disbursementInput, postRepayment, repaymentInput, reverseRepayment, reversalInput } from "@/server/services/lifecycle";

export const applyAction = defineFormAction("loan.apply", applicationInput, async (actor, input): Promise<void> => {
  const loan = await applyForLoan(actor, input);
  redirect(`/loans/${loan.id}?applied=1`);
});

export const decideAction = defineFormAction("loan.decide", decisionInput, async (actor, input) => {
  const res = await decideApplication(actor, input);
  revalidatePath(`/loans/${input.loanId}`);
  return res;
});

export const disburseAction = defineFormAction("loan.disburse", disbursementInput, async (actor, input) => {
  const res = await disburseLoan(actor, input);
  revalidatePath(`/loans/${input.loanId}`);
  return res;
});

export const postRepaymentAction = defineFormAction("repayment.post", repaymentInput, async (actor, input) => {
  const res = await postRepayment(actor, input);
  revalidatePath(`/loans/${input.loanId}`);
  return res;
});

export const reverseAction = defineFormAction("repayment.reverse", reversalInput, async (actor, input) => {
  const res = await reverseRepayment(actor, input);
  revalidatePath("/loans/[id]", "page");
  return res;
});
