-- CreateEnum
CREATE TYPE "StatementRowCategory" AS ENUM ('POSTED', 'ALREADY_POSTED', 'UNMATCHED');

-- CreateEnum
CREATE TYPE "StatementRowResolution" AS ENUM ('RESOLVED', 'DISMISSED');

-- CreateEnum
CREATE TYPE "DifferenceCause" AS ENUM ('BALANCE', 'DAYS', 'RATE', 'EXCLUDED', 'NOT_IN_CLAIM', 'NOT_IN_STATEMENT', 'UNKNOWN');

-- AlterTable
ALTER TABLE "SubsidyClaimLine" ADD COLUMN     "balanceDays" DECIMAL(20,2),
ADD COLUMN     "excludedBalanceDays" DECIMAL(20,2);

-- CreateTable
CREATE TABLE "BankStatementMapping" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "bankId" INTEGER NOT NULL,
    "columns" JSONB NOT NULL,
    "kind" VARCHAR(16) NOT NULL DEFAULT 'REPAYMENT',
    "updatedById" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "BankStatementMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BankStatementFile" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "bankId" INTEGER NOT NULL,
    "fileName" VARCHAR(255) NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "month" CHAR(7) NOT NULL,
    "encoding" VARCHAR(16) NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "postedCount" INTEGER NOT NULL,
    "postedTotal" DECIMAL(16,2) NOT NULL,
    "alreadyCount" INTEGER NOT NULL,
    "alreadyTotal" DECIMAL(16,2) NOT NULL,
    "unmatchedCount" INTEGER NOT NULL,
    "unmatchedTotal" DECIMAL(16,2) NOT NULL,
    "fileTotal" DECIMAL(16,2) NOT NULL,
    "summary" JSONB NOT NULL,
    "mapping" JSONB NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BankStatementFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BankStatementRow" (
    "id" SERIAL NOT NULL,
    "fileId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "rowNo" INTEGER NOT NULL,
    "contractNo" VARCHAR(64),
    "borrowerName" VARCHAR(64),
    "idNumber" VARCHAR(18),
    "valueDate" DATE NOT NULL,
    "principal" DECIMAL(16,2) NOT NULL,
    "interest" DECIMAL(16,2) NOT NULL,
    "penalty" DECIMAL(16,2) NOT NULL,
    "category" "StatementRowCategory" NOT NULL,
    "reason" VARCHAR(32),
    "candidates" INTEGER,
    "loanId" INTEGER,
    "entryId" INTEGER,
    "resolution" "StatementRowResolution",
    "resolvedById" INTEGER,
    "resolvedAt" TIMESTAMPTZ(3),
    "dismissReason" VARCHAR(256),

    CONSTRAINT "BankStatementRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BankStatementSample" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "bankId" INTEGER NOT NULL,
    "month" CHAR(7) NOT NULL,
    "fileName" VARCHAR(255) NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BankStatementSample_pkey" PRIMARY KEY ("id")
);

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
CREATE UNIQUE INDEX "BankStatementMapping_countyCode_bankId_kind_key" ON "BankStatementMapping"("countyCode", "bankId", "kind");

-- CreateIndex
CREATE INDEX "BankStatementFile_countyCode_bankId_month_idx" ON "BankStatementFile"("countyCode", "bankId", "month");

-- CreateIndex
CREATE UNIQUE INDEX "BankStatementFile_countyCode_bankId_sha256_key" ON "BankStatementFile"("countyCode", "bankId", "sha256");

-- CreateIndex
CREATE INDEX "BankStatementRow_countyCode_category_resolution_idx" ON "BankStatementRow"("countyCode", "category", "resolution");

-- CreateIndex
CREATE UNIQUE INDEX "BankStatementRow_fileId_rowNo_key" ON "BankStatementRow"("fileId", "rowNo");

-- CreateIndex
CREATE UNIQUE INDEX "BankStatementSample_countyCode_bankId_key" ON "BankStatementSample"("countyCode", "bankId");

-- CreateIndex
CREATE INDEX "ClaimBankLine_claimId_idx" ON "ClaimBankLine"("claimId");

-- AddForeignKey
ALTER TABLE "BankStatementMapping" ADD CONSTRAINT "BankStatementMapping_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "Bank"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankStatementFile" ADD CONSTRAINT "BankStatementFile_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "Bank"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankStatementRow" ADD CONSTRAINT "BankStatementRow_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "BankStatementFile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClaimBankLine" ADD CONSTRAINT "ClaimBankLine_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
