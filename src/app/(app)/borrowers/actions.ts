"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction, defineFormAction } from "@/server/action";
import {
  borrowerInput,
  borrowerUpdateInput,
  createBorrower,
  revealPersonalData,
  updateBorrower,
} from "@/server/services/borrowers";

export const createBorrowerAction = defineFormAction(
  "borrower.create",
  "borrower.write",
  borrowerInput,
  async (actor, input): Promise<void> => {
    const b = await createBorrower(actor, input);
    redirect(`/borrowers/${b.id}?created=1`);
  },
);

export const updateBorrowerAction = defineFormAction(
  "borrower.update",
  "borrower.write",
  borrowerUpdateInput,
  async (actor, input): Promise<void> => {
    const b = await updateBorrower(actor, input);
    redirect(`/borrowers/${b.id}?saved=1`);
  },
);

export const revealIdAction = defineAction(
  "borrower.revealId",
  "borrower.revealId",
  z.object({ id: z.number().int().positive() }),
  (actor, { id }) => revealPersonalData(actor, id),
);
