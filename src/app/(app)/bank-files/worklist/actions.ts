"use server";

import { revalidatePath } from "next/cache";
import { defineAction, defineFormAction } from "@/server/action";
import {
  dismissStatementRow,
  resolveStatementRow,
  searchLoansForStatement,
} from "@/server/services/bank-statements";

export const searchLoansAction = defineAction("bankStatement.search", "repayment.post", (actor, input) =>
  searchLoansForStatement(actor, input),
);

export const resolveRowAction = defineFormAction(
  "bankStatement.resolve",
  "repayment.post",
  async (actor, input) => {
    const res = await resolveStatementRow(actor, input);
    revalidatePath("/bank-files/worklist");
    return res;
  },
);

export const dismissRowAction = defineFormAction(
  "bankStatement.dismiss",
  "repayment.post",
  async (actor, input) => {
    const res = await dismissStatementRow(actor, input);
    revalidatePath("/bank-files/worklist");
    return res;
  },
);
