-- CreateEnum
CREATE TYPE "PremiumPayer" AS ENUM ('BORROWER', 'GOVERNMENT', 'BANK', 'OTHER');

-- CreateEnum
CREATE TYPE "InsuranceClaimStatus" AS ENUM ('FILED', 'PAID', 'REJECTED');

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('COOPERATIVE', 'FAMILY_FARM', 'COMPANY', 'OTHER');

-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "orgBenefitShareBp" INTEGER NOT NULL DEFAULT 1000,
ADD COLUMN     "orgBenefitYears" INTEGER NOT NULL DEFAULT 3;

-- CreateTable
CREATE TABLE "InsurancePolicy" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "loanId" INTEGER NOT NULL,
    "policyNo" VARCHAR(64) NOT NULL,
    "insurer" VARCHAR(64) NOT NULL,
    "premium" DECIMAL(16,2) NOT NULL,
    "premiumPaidBy" "PremiumPayer" NOT NULL,
    "coverFrom" DATE NOT NULL,
    "coverTo" DATE NOT NULL,
    "attachmentId" INTEGER,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InsurancePolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InsuranceClaim" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "loanId" INTEGER NOT NULL,
    "policyId" INTEGER NOT NULL,
    "claimDate" DATE NOT NULL,
    "amount" DECIMAL(16,2) NOT NULL,
    "status" "InsuranceClaimStatus" NOT NULL DEFAULT 'FILED',
    "paidAmount" DECIMAL(16,2),
    "paidDate" DATE,
    "note" VARCHAR(256),
    "createdById" INTEGER NOT NULL,
    "decidedById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "InsuranceClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EconomicOrganisation" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "creditCode" CHAR(18) NOT NULL,
    "kind" "OrganisationKind" NOT NULL,
    "legalRep" VARCHAR(32),
    "phone" VARCHAR(20),
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EconomicOrganisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationMember" (
    "id" SERIAL NOT NULL,
    "organisationId" INTEGER NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "joinedOn" DATE NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganisationMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationLoan" (
    "id" SERIAL NOT NULL,
    "organisationId" INTEGER NOT NULL,
    "loanId" INTEGER NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganisationLoan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationBenefitDue" (
    "id" SERIAL NOT NULL,
    "organisationId" INTEGER NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "year" INTEGER NOT NULL,
    "dueDate" DATE NOT NULL,
    "credit" DECIMAL(16,2) NOT NULL,
    "amount" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "OrganisationBenefitDue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationBenefitPayment" (
    "id" SERIAL NOT NULL,
    "organisationId" INTEGER NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "year" INTEGER NOT NULL,
    "paidDate" DATE NOT NULL,
    "amount" DECIMAL(16,2) NOT NULL,
    "memo" VARCHAR(128),
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganisationBenefitPayment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InsurancePolicy_loanId_idx" ON "InsurancePolicy"("loanId");

-- CreateIndex
CREATE INDEX "InsurancePolicy_countyCode_idx" ON "InsurancePolicy"("countyCode");

-- CreateIndex
CREATE UNIQUE INDEX "InsurancePolicy_insurer_policyNo_key" ON "InsurancePolicy"("insurer", "policyNo");

-- CreateIndex
CREATE INDEX "InsuranceClaim_loanId_idx" ON "InsuranceClaim"("loanId");

-- CreateIndex
CREATE INDEX "InsuranceClaim_countyCode_idx" ON "InsuranceClaim"("countyCode");

-- CreateIndex
CREATE UNIQUE INDEX "EconomicOrganisation_creditCode_key" ON "EconomicOrganisation"("creditCode");

-- CreateIndex
CREATE INDEX "EconomicOrganisation_countyCode_idx" ON "EconomicOrganisation"("countyCode");

-- CreateIndex
CREATE INDEX "OrganisationMember_borrowerId_idx" ON "OrganisationMember"("borrowerId");

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationMember_organisationId_borrowerId_key" ON "OrganisationMember"("organisationId", "borrowerId");

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationLoan_loanId_key" ON "OrganisationLoan"("loanId");

-- CreateIndex
CREATE INDEX "OrganisationLoan_organisationId_idx" ON "OrganisationLoan"("organisationId");

-- CreateIndex
CREATE INDEX "OrganisationBenefitDue_countyCode_dueDate_idx" ON "OrganisationBenefitDue"("countyCode", "dueDate");

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationBenefitDue_organisationId_borrowerId_year_key" ON "OrganisationBenefitDue"("organisationId", "borrowerId", "year");

-- CreateIndex
CREATE INDEX "OrganisationBenefitPayment_organisationId_borrowerId_year_idx" ON "OrganisationBenefitPayment"("organisationId", "borrowerId", "year");

-- CreateIndex
CREATE INDEX "OrganisationBenefitPayment_countyCode_idx" ON "OrganisationBenefitPayment"("countyCode");

-- AddForeignKey
ALTER TABLE "InsurancePolicy" ADD CONSTRAINT "InsurancePolicy_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InsuranceClaim" ADD CONSTRAINT "InsuranceClaim_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InsuranceClaim" ADD CONSTRAINT "InsuranceClaim_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "InsurancePolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationMember" ADD CONSTRAINT "OrganisationMember_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "EconomicOrganisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationMember" ADD CONSTRAINT "OrganisationMember_borrowerId_fkey" FOREIGN KEY ("borrowerId") REFERENCES "Borrower"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationLoan" ADD CONSTRAINT "OrganisationLoan_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "EconomicOrganisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationLoan" ADD CONSTRAINT "OrganisationLoan_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationBenefitDue" ADD CONSTRAINT "OrganisationBenefitDue_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "EconomicOrganisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationBenefitPayment" ADD CONSTRAINT "OrganisationBenefitPayment_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "EconomicOrganisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- Amounts are positive; a recorded benefit payment is evidence, never changed or deleted (append-only).
ALTER TABLE "InsurancePolicy" ADD CONSTRAINT "InsurancePolicy_premium_nonneg" CHECK ("premium" >= 0);
ALTER TABLE "InsurancePolicy" ADD CONSTRAINT "InsurancePolicy_cover_order" CHECK ("coverTo" >= "coverFrom");
ALTER TABLE "InsuranceClaim" ADD CONSTRAINT "InsuranceClaim_amount_pos" CHECK ("amount" > 0);
ALTER TABLE "OrganisationBenefitPayment" ADD CONSTRAINT "OrganisationBenefitPayment_amount_pos" CHECK ("amount" > 0);
ALTER TABLE "OrganisationBenefitPayment" ADD CONSTRAINT "OrganisationBenefitPayment_year_pos" CHECK ("year" >= 1);
CREATE TRIGGER "OrganisationBenefitPayment_append_only" BEFORE UPDATE OR DELETE ON "OrganisationBenefitPayment" FOR EACH ROW EXECUTE FUNCTION halfsky_refuse_change();
