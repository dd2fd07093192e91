"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import { assignCase, recordCaseNote } from "@/server/services/collection";

export const recordCaseNoteAction = defineFormAction(
  "collection.note",
  "loan.write",
  async (actor, input) => {
    const res = await recordCaseNote(actor, input);
    revalidatePath("/collection/[id]", "page");
    return res;
  },
);

export const assignCaseAction = defineFormAction("collection.assign", "loan.write", async (actor, input) => {
  const res = await assignCase(actor, input);
  revalidatePath("/collection/[id]", "page");
  return res;
});
