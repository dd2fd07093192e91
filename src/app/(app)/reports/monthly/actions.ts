"use server";

import { defineFormAction } from "@/server/action";
import {
  acknowledgeMonthlyReport,
  prepareMonthlyReport,
  reportInput,
  submitMonthlyReport,
} from "@/server/services/monthly-report";

export const prepareReportAction = defineFormAction("monthlyReport.prepare", reportInput, (actor, input) =>
  prepareMonthlyReport(actor, input),
);
export const submitReportAction = defineFormAction("monthlyReport.submit", reportInput, (actor, input) =>
  submitMonthlyReport(actor, input),
);
export const acknowledgeReportAction = defineFormAction(
  "monthlyReport.acknowledge",
  reportInput,
  (actor, input) => acknowledgeMonthlyReport(actor, input),
);
