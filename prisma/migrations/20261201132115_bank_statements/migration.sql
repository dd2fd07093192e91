-- CreateEnum
CREATE TYPE "DifferenceCause" AS ENUM ('BALANCE', 'DAYS', 'RATE', 'EXCLUDED', 'NOT_IN_CLAIM', 'NOT_IN_STATEMENT', 'UNKNOWN');

-- DropIndex
DROP INDEX "BankStatementMapping_countyCode_bankId_key";

-- AlterTable
ALTER TABLE "SubsidyClaimLine" ADD COLUMN     "balanceDays" DECIMAL(20,2),
ADD COLUMN     "excludedBalanceDays" DECIMAL(20,2);

-- AlterTable
ALTER TABLE "BankStatementMapping" ADD COLUMN     "kind" VARCHAR(16) NOT NULL DEFAULT 'REPAYMENT';

-- CreateTable
CREATE TABLE "ClaimBankLine" (
    "id" SERIAL NOT NULL,
    "claimId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "loanId" INTEGER,
    "rowNo" INTEGER,
    "contractNo" VARCHAR(64),
    "bankInterest" DECIMAL(16,2),
    "bankSubsidy" DECIMAL(16,2),
    "interestDiff" DECIMAL(16,2) NOT NULL,
    "subsidyDiff" DECIMAL(16,2) NOT NULL,
    "cause" "DifferenceCause",
    "implied" INTEGER,
    "reason" VARCHAR(256),
    "reasonById" INTEGER,
    "reasonAt" TIMESTAMPTZ(3),
    "fileSha256" CHAR(64) NOT NULL,

    CONSTRAINT "ClaimBankLine_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ClaimBankLine_claimId_idx" ON "ClaimBankLine"("claimId");

-- CreateIndex
CREATE UNIQUE INDEX "BankStatementMapping_countyCode_bankId_kind_key" ON "BankStatementMapping"("countyCode", "bankId", "kind");

-- AddForeignKey
ALTER TABLE "ClaimBankLine" ADD CONSTRAINT "ClaimBankLine_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
