-- Dashboard aggregation at provincial scale (issue 6). Hand-written: Prisma's schema language has no
-- INCLUDE columns or partial indexes. See src/server/services/figures.ts for the queries they serve.

-- A region's loans read from the index alone (index-only scan): scope, status, amounts, dates.
CREATE INDEX "Loan_figures_idx" ON "Loan" ("villageCode") INCLUDE ("id", "status", "principal", "principalRepaid", "disbursedDate", "maturityDate");

-- Instalments unpaid or paid late: the only ones that can make a loan past due on any date (small).
CREATE INDEX "Instalment_late_idx" ON "Instalment" ("countyCode", "dueDate") INCLUDE ("loanId", "paidDate")
  WHERE "paidDate" IS NULL OR "paidDate" > "dueDate";

-- Instalments due in a window with their amounts (按时还款率) without visiting the table.
CREATE INDEX "Instalment_due_idx" ON "Instalment" ("countyCode", "dueDate") INCLUDE ("loanId", "principalDue", "interestDue", "paidDate");
DROP INDEX "Instalment_countyCode_dueDate_idx";

-- The journal by region and value date with its amounts (monthly flows; entries after an as-of date).
CREATE INDEX "RepaymentEntry_flow_idx" ON "RepaymentEntry" ("countyCode", "valueDate") INCLUDE ("loanId", "principal", "interest");
DROP INDEX "RepaymentEntry_countyCode_valueDate_idx";
