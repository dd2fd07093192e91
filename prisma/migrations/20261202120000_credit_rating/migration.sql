-- Credit rating (评级授信) and credit villages (信用村), issue 23 item 1.

-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "creditRatingRequired" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "creditVillageRatedBp" INTEGER NOT NULL DEFAULT 8000,
ADD COLUMN     "creditVillageRepayBp" INTEGER NOT NULL DEFAULT 9800;

-- CreateEnum
CREATE TYPE "CreditGrade" AS ENUM ('AAA', 'AA', 'A');

-- CreateTable
CREATE TABLE "CreditRating" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "grade" "CreditGrade" NOT NULL,
    "creditLimit" DECIMAL(16,2) NOT NULL,
    "validFrom" DATE NOT NULL,
    "validTo" DATE NOT NULL,
    "ratedOn" DATE NOT NULL,
    "ratedBy" VARCHAR(128) NOT NULL,
    "committeeOn" DATE NOT NULL,
    "committeeRef" VARCHAR(128) NOT NULL,
    "committeeNotes" VARCHAR(500),
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "decisionNote" VARCHAR(256),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditRating_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VillageHouseholds" (
    "villageCode" VARCHAR(12) NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "eligible" INTEGER NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "VillageHouseholds_pkey" PRIMARY KEY ("villageCode")
);

-- CreateIndex
CREATE INDEX "CreditRating_borrowerId_status_idx" ON "CreditRating"("borrowerId", "status");

-- CreateIndex
CREATE INDEX "CreditRating_villageCode_status_validFrom_idx" ON "CreditRating"("villageCode", "status", "validFrom");

-- CreateIndex
CREATE INDEX "CreditRating_countyCode_status_idx" ON "CreditRating"("countyCode", "status");

-- CreateIndex
CREATE INDEX "VillageHouseholds_countyCode_idx" ON "VillageHouseholds"("countyCode");

-- AddForeignKey
ALTER TABLE "CreditRating" ADD CONSTRAINT "CreditRating_borrowerId_fkey" FOREIGN KEY ("borrowerId") REFERENCES "Borrower"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
