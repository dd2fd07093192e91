-- CreateEnum
CREATE TYPE "RateWindow" AS ENUM ('YEAR_TO_DATE', 'ROLLING_12');

-- CreateEnum
CREATE TYPE "OverCapMode" AS ENUM ('REFUSE', 'FLAG');

-- CreateEnum
CREATE TYPE "RewardLineKind" AS ENUM ('TOWNSHIP', 'VILLAGE', 'BANK', 'LEADING_GROUP');

-- CreateEnum
CREATE TYPE "RewardEntryKind" AS ENUM ('ALLOCATED', 'PAID');

-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "assessmentBaseBp" INTEGER NOT NULL DEFAULT 10000,
ADD COLUMN     "assessmentBasePoints" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "assessmentMaxPoints" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "assessmentPointsPerStep" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "assessmentStepBp" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "leverageCapMinRateBp" INTEGER,
ADD COLUMN     "leverageCapReduced" INTEGER,
ADD COLUMN     "overCapMode" "OverCapMode" NOT NULL DEFAULT 'REFUSE',
ADD COLUMN     "rateWindow" "RateWindow" NOT NULL DEFAULT 'YEAR_TO_DATE',
ADD COLUMN     "requiredFundRatioBp" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "writeOffAfterDays" INTEGER NOT NULL DEFAULT 180;

-- AlterTable
ALTER TABLE "Loan" ADD COLUMN     "overCap" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Rectification" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "regionCode" VARCHAR(12) NOT NULL,
    "suspendedSince" DATE NOT NULL,
    "measures" VARCHAR(1000) NOT NULL,
    "doneBy" VARCHAR(128) NOT NULL,
    "doneOn" DATE NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "approvedOn" DATE,
    "decisionNote" VARCHAR(256),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rectification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LendingTarget" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "regionCode" VARCHAR(12) NOT NULL,
    "year" INTEGER NOT NULL,
    "target" DECIMAL(16,2) NOT NULL,
    "createdById" INTEGER NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LendingTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardAllocation" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "year" INTEGER NOT NULL,
    "status" "ClaimStatus" NOT NULL DEFAULT 'SUBMITTED',
    "policyVersionId" INTEGER NOT NULL,
    "rewardRateBp" INTEGER NOT NULL,
    "thresholdBp" INTEGER NOT NULL,
    "rewardShares" INTEGER[],
    "rateWindow" "RateWindow" NOT NULL,
    "countyLent" DECIMAL(16,2) NOT NULL,
    "countyRateBp" INTEGER,
    "total" DECIMAL(16,2) NOT NULL,
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "decisionNote" VARCHAR(256),
    "paidDate" DATE,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "RewardAllocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardLine" (
    "id" SERIAL NOT NULL,
    "allocationId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "kind" "RewardLineKind" NOT NULL,
    "regionCode" VARCHAR(12),
    "bankId" INTEGER,
    "lent" DECIMAL(16,2) NOT NULL,
    "rateBp" INTEGER,
    "amount" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "RewardLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardLedgerEntry" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "allocationId" INTEGER NOT NULL,
    "lineId" INTEGER NOT NULL,
    "kind" "RewardEntryKind" NOT NULL,
    "amount" DECIMAL(16,2) NOT NULL,
    "valueDate" DATE NOT NULL,
    "memo" VARCHAR(256),
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Rectification_countyCode_status_idx" ON "Rectification"("countyCode", "status");

-- CreateIndex
CREATE INDEX "Rectification_regionCode_idx" ON "Rectification"("regionCode");

-- CreateIndex
CREATE INDEX "LendingTarget_countyCode_year_idx" ON "LendingTarget"("countyCode", "year");

-- CreateIndex
CREATE UNIQUE INDEX "LendingTarget_regionCode_year_key" ON "LendingTarget"("regionCode", "year");

-- CreateIndex
CREATE INDEX "RewardAllocation_countyCode_year_idx" ON "RewardAllocation"("countyCode", "year");

-- CreateIndex
CREATE INDEX "RewardLine_allocationId_idx" ON "RewardLine"("allocationId");

-- CreateIndex
CREATE INDEX "RewardLedgerEntry_countyCode_valueDate_idx" ON "RewardLedgerEntry"("countyCode", "valueDate");

-- CreateIndex
CREATE UNIQUE INDEX "RewardLedgerEntry_lineId_kind_key" ON "RewardLedgerEntry"("lineId", "kind");

-- AddForeignKey
ALTER TABLE "RewardLine" ADD CONSTRAINT "RewardLine_allocationId_fkey" FOREIGN KEY ("allocationId") REFERENCES "RewardAllocation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The reward ledger is append-only like the other journals (the function is the init migration's).
CREATE TRIGGER "RewardLedgerEntry_append_only" BEFORE UPDATE OR DELETE ON "RewardLedgerEntry" FOR EACH ROW EXECUTE FUNCTION halfsky_refuse_change();
