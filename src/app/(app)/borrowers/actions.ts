"use server";

import { redirect } from "next/navigation";

import { defineAction, defineFormAction } from "@/server/action";
import { createBorrower, revealPersonalData, updateBorrower } from "@/server/services/borrowers";

export const createBorrowerAction = defineFormAction(
  "borrower.create",
  "borrower.write",
  async (actor, input): Promise<void> => {
    const b = await createBorrower(actor, input);
    redirect(`/borrowers/${b.id}?created=1`);
  },
);

export const updateBorrowerAction = defineFormAction(
  "borrower.update",
  "borrower.write",
  async (actor, input): Promise<void> => {
    const b = await updateBorrower(actor, input);
    redirect(`/borrowers/${b.id}?saved=1`);
  },
);

export const revealIdAction = defineAction("borrower.revealId", "borrower.revealId", (actor, input) =>
  revealPersonalData(actor, input),
);
