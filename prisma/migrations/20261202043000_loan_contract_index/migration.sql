-- CreateIndex
-- Banks' repayment statements and the ledger import look loans up by contract number (bench:statement: the
-- lookup scanned every loan of the province).
CREATE INDEX "Loan_contractNo_idx" ON "Loan"("contractNo");
