-- "Loan_figures_idx" leads with villageCode (with INCLUDE columns) and serves every lookup by village; the
-- plain index duplicated it and cost every loan insert one more index update (issue 7: bulk import).
DROP INDEX "Loan_villageCode_idx";
