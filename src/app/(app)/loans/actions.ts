"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/server/action";
import {
  applyForLoan,
  decideApplication,
  decideLoanChange,
  disburseLoan,
  postRepayment,
  requestLoanChange,
  reverseRepayment,
} from "@/server/services/lifecycle";
import { recordVisit } from "@/server/services/visits";

export const applyAction = defineFormAction(
  "loan.apply",
  "loan.write",
  async (actor, input): Promise<void> => {
    const loan = await applyForLoan(actor, input);
    redirect(`/loans/${loan.id}?applied=1`);
  },
);

export const decideAction = defineFormAction("loan.decide", "loan.approve", async (actor, input) => {
  const res = await decideApplication(actor, input);
  revalidatePath("/loans/[id]", "page");
  return res;
});

export const disburseAction = defineFormAction("loan.disburse", "loan.write", async (actor, input) => {
  const res = await disburseLoan(actor, input);
  revalidatePath("/loans/[id]", "page");
  return res;
});

// Answers as soon as the posting is committed; the form then refreshes the page (ActionForm
// refreshAfterSuccess). Re-rendering the loan page inside the answer doubled a posting's time (issue 8).
export const postRepaymentAction = defineFormAction("repayment.post", "repayment.post", (actor, input) =>
  postRepayment(actor, input),
);

export const reverseAction = defineFormAction("repayment.reverse", "repayment.post", async (actor, input) => {
  const res = await reverseRepayment(actor, input);
  revalidatePath("/loans/[id]", "page");
  return res;
});

export const requestChangeAction = defineFormAction("loan.request", "loan.write", async (actor, input) => {
  const res = await requestLoanChange(actor, input);
  revalidatePath("/loans/[id]", "page");
  return res;
});

export const decideChangeAction = defineFormAction(
  "loan.request.decide",
  "loan.approve",
  async (actor, input) => {
    const res = await decideLoanChange(actor, input);
    revalidatePath("/loans/[id]", "page");
    return res;
  },
);

// 贷后回访 (issue 23 item 2): the photo is uploaded first (/attachments/upload, kind VISIT_PHOTO) and named here.
export const recordVisitAction = defineFormAction("visit.record", "visit.write", async (actor, input) => {
  const res = await recordVisit(actor, input);
  revalidatePath("/loans/[id]", "page");
  return res;
});
