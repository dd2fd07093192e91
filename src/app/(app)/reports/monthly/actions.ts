"use server";

import { defineFormAction } from "@/server/action";
import {
  acknowledgeMonthlyReport,
  prepareMonthlyReport,
  reportInput,
  submitMonthlyReport,
} from "@/server/services/monthly-report";

export const prepareReportAction = defineFormAction(
  "monthlyReport.prepare",
  "report.prepare",
  reportInput,
  (actor, input) => prepareMonthlyReport(actor, input),
);
export const submitReportAction = defineFormAction(
  "monthlyReport.submit",
  "report.approve",
  reportInput,
  (actor, input) => submitMonthlyReport(actor, input),
);
export const acknowledgeReportAction = defineFormAction(
  "monthlyReport.acknowledge",
  "report.acknowledge",
  reportInput,
  (actor, input) => acknowledgeMonthlyReport(actor, input),
);
