-- DropIndex
DROP INDEX "BankStatementSample_countyCode_bankId_key";

-- AlterTable
ALTER TABLE "BankStatementSample" ADD COLUMN     "kind" VARCHAR(16) NOT NULL DEFAULT 'REPAYMENT';

-- CreateIndex
CREATE UNIQUE INDEX "BankStatementSample_countyCode_bankId_kind_key" ON "BankStatementSample"("countyCode", "bankId", "kind");
