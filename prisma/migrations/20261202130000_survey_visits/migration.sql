-- Survey, review and visits (issue 23 item 2).

-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "firstVisitDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "visitEveryMonths" INTEGER NOT NULL DEFAULT 3;

-- AlterTable
ALTER TABLE "Loan" ADD COLUMN     "reviewNote" VARCHAR(512);

-- CreateTable
CREATE TABLE "LoanSurvey" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "surveyDate" DATE NOT NULL,
    "householdSize" INTEGER NOT NULL,
    "labourers" INTEGER NOT NULL,
    "household" VARCHAR(256) NOT NULL,
    "annualIncome" DECIMAL(16,2) NOT NULL,
    "incomeSource" VARCHAR(128) NOT NULL,
    "project" VARCHAR(256) NOT NULL,
    "projectInvestment" DECIMAL(16,2) NOT NULL,
    "surveyedById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoanSurvey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoanVisit" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "visitDate" DATE NOT NULL,
    "visitor" VARCHAR(64) NOT NULL,
    "usage" VARCHAR(256) NOT NULL,
    "matchesPurpose" BOOLEAN NOT NULL,
    "matchNote" VARCHAR(256),
    "photoId" INTEGER,
    "recordedById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoanVisit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LoanSurvey_loanId_key" ON "LoanSurvey"("loanId");

-- CreateIndex
CREATE UNIQUE INDEX "LoanVisit_photoId_key" ON "LoanVisit"("photoId");

-- CreateIndex
CREATE INDEX "LoanVisit_loanId_visitDate_idx" ON "LoanVisit"("loanId", "visitDate");

-- CreateIndex
CREATE INDEX "LoanVisit_countyCode_idx" ON "LoanVisit"("countyCode");

-- AddForeignKey
ALTER TABLE "LoanSurvey" ADD CONSTRAINT "LoanSurvey_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoanVisit" ADD CONSTRAINT "LoanVisit_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoanVisit" ADD CONSTRAINT "LoanVisit_photoId_fkey" FOREIGN KEY ("photoId") REFERENCES "Attachment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The policy's visit intervals are whole, positive numbers (the admin form checks the same bounds).
ALTER TABLE "PolicyVersion" ADD CONSTRAINT "PolicyVersion_visit_intervals" CHECK ("firstVisitDays" BETWEEN 1 AND 365 AND "visitEveryMonths" BETWEEN 1 AND 24);
ALTER TABLE "LoanVisit" ADD CONSTRAINT "LoanVisit_mismatch_noted" CHECK ("matchesPurpose" OR "matchNote" IS NOT NULL);
