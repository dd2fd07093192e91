"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { assignCase, caseAssignInput, caseNoteInput, recordCaseNote } from "@/server/services/collection";

export const recordCaseNoteAction = defineFormAction(
  "collection.note",
  "loan.write",
  caseNoteInput,
  async (actor, input) => {
    const res = await recordCaseNote(actor, input);
    revalidatePath(`/collection/${input.caseId}`);
    return res;
  },
);

export const assignCaseAction = defineFormAction(
  "collection.assign",
  "loan.write",
  caseAssignInput,
  async (actor, input) => {
    const res = await assignCase(actor, input);
    revalidatePath(`/collection/${input.caseId}`);
    return res;
  },
);
