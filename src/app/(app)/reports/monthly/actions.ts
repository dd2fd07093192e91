"use server";

import { defineFormAction } from "@/server/action";
import {
  acknowledgeMonthlyReport,
  prepareMonthlyReport,
  submitMonthlyReport,
} from "@/server/services/monthly-report";

export const prepareReportAction = defineFormAction(
  "monthlyReport.prepare",
  "report.prepare",
  (actor, input) => prepareMonthlyReport(actor, input),
);
export const submitReportAction = defineFormAction("monthlyReport.submit", "report.approve", (actor, input) =>
  submitMonthlyReport(actor, input),
);
export const acknowledgeReportAction = defineFormAction(
  "monthlyReport.acknowledge",
  "report.acknowledge",
  (actor, input) => acknowledgeMonthlyReport(actor, input),
);
