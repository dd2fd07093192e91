-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RegionLevel" AS ENUM ('PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('COUNTY_STAFF', 'COUNTY_APPROVER', 'CITY_OFFICIAL', 'AUDITOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "RateRule" AS ENUM ('LPR_1Y_PLUS_SPREAD', 'LPR_BY_TERM');

-- CreateEnum
CREATE TYPE "SubsidyMode" AS ENUM ('LPR_MINUS_SPREAD', 'FULL', 'SHARE_OF_INTEREST', 'YEAR_FACTORS');

-- CreateEnum
CREATE TYPE "Settlement" AS ENUM ('QUARTERLY_20TH', 'ANNUAL_DEC_20TH');

-- CreateEnum
CREATE TYPE "LprTerm" AS ENUM ('ONE_YEAR', 'FIVE_YEAR');

-- CreateEnum
CREATE TYPE "HouseholdType" AS ENUM ('POVERTY_ALLEVIATED', 'MONITORED', 'GENERAL');

-- CreateEnum
CREATE TYPE "BorrowerKind" AS ENUM ('INDIVIDUAL', 'COOPERATIVE');

-- CreateEnum
CREATE TYPE "RepaymentMethod" AS ENUM ('INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY', 'EQUAL_INSTALMENT', 'EQUAL_PRINCIPAL', 'BULLET');

-- CreateEnum
CREATE TYPE "LoanStatus" AS ENUM ('APPLIED', 'APPROVED', 'REJECTED', 'REPAYING', 'CLOSED', 'COMPENSATED', 'WRITTEN_OFF', 'VOIDED');

-- CreateEnum
CREATE TYPE "GuaranteeType" AS ENUM ('NONE', 'GUARANTEE_FUND', 'PERSONAL', 'COLLATERAL');

-- CreateEnum
CREATE TYPE "LoanRequestKind" AS ENUM ('EXTENSION', 'WRITE_OFF', 'VOID');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "JournalKind" AS ENUM ('REPAYMENT', 'REVERSAL');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED', 'PAID');

-- CreateEnum
CREATE TYPE "SubsidyPayee" AS ENUM ('BANK', 'BORROWER');

-- CreateEnum
CREATE TYPE "FinanceLevel" AS ENUM ('CENTRAL', 'PROVINCIAL', 'CITY', 'COUNTY');

-- CreateEnum
CREATE TYPE "FundEntryKind" AS ENUM ('DEPOSIT', 'COMPENSATION', 'RECOVERY', 'INTEREST', 'WITHDRAWAL');

-- CreateEnum
CREATE TYPE "FundingLevel" AS ENUM ('CENTRAL', 'PROVINCIAL', 'CITY', 'COUNTY', 'BANK', 'OTHER');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('OK', 'DENIED', 'FAILED');

-- CreateTable
CREATE TABLE "Region" (
    "code" VARCHAR(12) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "level" "RegionLevel" NOT NULL,
    "parentCode" VARCHAR(12),

    CONSTRAINT "Region_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" VARCHAR(64) NOT NULL,
    "displayName" VARCHAR(64) NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "regionCode" VARCHAR(12) NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "sessionVersion" INTEGER NOT NULL DEFAULT 1,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastLoginAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "key" VARCHAR(128) NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "lockedUntil" TIMESTAMPTZ(3),

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Programme" (
    "id" SERIAL NOT NULL,
    "code" VARCHAR(32) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "nameEn" VARCHAR(128) NOT NULL,

    CONSTRAINT "Programme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" SERIAL NOT NULL,
    "programmeId" INTEGER NOT NULL,
    "regionCode" VARCHAR(12) NOT NULL,
    "validFrom" DATE NOT NULL,
    "validTo" DATE,
    "name" VARCHAR(128) NOT NULL,
    "maxPrincipal" DECIMAL(16,2) NOT NULL,
    "maxPartnershipPrincipal" DECIMAL(16,2),
    "maxTermMonths" INTEGER NOT NULL,
    "maxExtensionMonths" INTEGER NOT NULL DEFAULT 12,
    "maxSubsidisedLoans" INTEGER NOT NULL DEFAULT 3,
    "rateRule" "RateRule" NOT NULL,
    "rateCapSpreadBp" INTEGER NOT NULL DEFAULT 0,
    "subsidyMode" "SubsidyMode" NOT NULL,
    "borrowerSpreadBp" INTEGER NOT NULL DEFAULT 150,
    "subsidyShareBp" INTEGER NOT NULL DEFAULT 10000,
    "shareCentral" INTEGER NOT NULL DEFAULT 0,
    "shareProvincial" INTEGER NOT NULL DEFAULT 0,
    "shareCity" INTEGER NOT NULL DEFAULT 0,
    "shareCounty" INTEGER NOT NULL DEFAULT 1,
    "dayCountBasis" INTEGER NOT NULL DEFAULT 360,
    "settlement" "Settlement" NOT NULL DEFAULT 'QUARTERLY_20TH',
    "leverageCap" INTEGER NOT NULL DEFAULT 10,
    "compensationAfterDays" INTEGER NOT NULL DEFAULT 90,
    "compensationShareBp" INTEGER NOT NULL DEFAULT 8000,
    "annualCompensationCapBp" INTEGER,
    "rewardThresholdBp" INTEGER NOT NULL DEFAULT 9800,
    "rewardRateBp" INTEGER NOT NULL DEFAULT 200,
    "rewardShares" INTEGER[] DEFAULT ARRAY[3, 2, 4, 1]::INTEGER[],
    "suspensionThresholdBp" INTEGER NOT NULL DEFAULT 9800,
    "suspensionMonths" INTEGER NOT NULL DEFAULT 3,
    "womenOnly" BOOLEAN NOT NULL DEFAULT true,
    "minAge" INTEGER NOT NULL DEFAULT 18,
    "maxAge" INTEGER NOT NULL DEFAULT 65,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LprRate" (
    "id" SERIAL NOT NULL,
    "effectiveDate" DATE NOT NULL,
    "term" "LprTerm" NOT NULL,
    "rateBp" INTEGER NOT NULL,

    CONSTRAINT "LprRate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bank" (
    "id" SERIAL NOT NULL,
    "code" VARCHAR(32) NOT NULL,
    "name" VARCHAR(64) NOT NULL,

    CONSTRAINT "Bank_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Borrower" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "kind" "BorrowerKind" NOT NULL DEFAULT 'INDIVIDUAL',
    "name" VARCHAR(64) NOT NULL,
    "idNumber" VARCHAR(18) NOT NULL,
    "sex" CHAR(1) NOT NULL,
    "birthDate" DATE,
    "phone" VARCHAR(20) NOT NULL,
    "householdType" "HouseholdType" NOT NULL DEFAULT 'GENERAL',
    "creditRated" BOOLEAN NOT NULL DEFAULT false,
    "industry" VARCHAR(64) NOT NULL,
    "address" VARCHAR(128),
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Borrower_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Loan" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "programmeId" INTEGER NOT NULL,
    "policyVersionId" INTEGER NOT NULL,
    "bankId" INTEGER NOT NULL,
    "applicationNo" VARCHAR(32) NOT NULL,
    "contractNo" VARCHAR(64),
    "requestedPrincipal" DECIMAL(16,2) NOT NULL,
    "principal" DECIMAL(16,2),
    "termMonths" INTEGER NOT NULL,
    "method" "RepaymentMethod" NOT NULL,
    "purpose" VARCHAR(128) NOT NULL,
    "industry" VARCHAR(64) NOT NULL,
    "guaranteeType" "GuaranteeType" NOT NULL DEFAULT 'NONE',
    "contractRateBp" INTEGER,
    "borrowerRateBp" INTEGER,
    "status" "LoanStatus" NOT NULL DEFAULT 'APPLIED',
    "applicationDate" DATE NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),
    "rejectReason" VARCHAR(256),
    "disbursedDate" DATE,
    "maturityDate" DATE,
    "extendedMaturityDate" DATE,
    "closedDate" DATE,
    "voidedDate" DATE,
    "voidReason" VARCHAR(256),
    "principalRepaid" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "interestRepaid" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "disbursedById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Loan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Instalment" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "seq" INTEGER NOT NULL,
    "dueDate" DATE NOT NULL,
    "principalDue" DECIMAL(16,2) NOT NULL,
    "interestDue" DECIMAL(16,2) NOT NULL,
    "principalPaid" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "interestPaid" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "paidDate" DATE,

    CONSTRAINT "Instalment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoanRequest" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "kind" "LoanRequestKind" NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "months" INTEGER,
    "reason" VARCHAR(256) NOT NULL,
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "decisionNote" VARCHAR(256),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoanRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepaymentEntry" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "kind" "JournalKind" NOT NULL,
    "valueDate" DATE NOT NULL,
    "principal" DECIMAL(16,2) NOT NULL,
    "interest" DECIMAL(16,2) NOT NULL,
    "penalty" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "reversesId" INTEGER,
    "reason" VARCHAR(256),
    "idempotencyKey" VARCHAR(64) NOT NULL,
    "source" VARCHAR(16) NOT NULL DEFAULT 'MANUAL',
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RepaymentEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubsidyClaim" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "bankId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "quarter" INTEGER NOT NULL,
    "periodStart" DATE NOT NULL,
    "periodEnd" DATE NOT NULL,
    "status" "ClaimStatus" NOT NULL DEFAULT 'DRAFT',
    "payee" "SubsidyPayee" NOT NULL DEFAULT 'BANK',
    "interestTotal" DECIMAL(16,2) NOT NULL,
    "subsidyTotal" DECIMAL(16,2) NOT NULL,
    "borrowerTotal" DECIMAL(16,2) NOT NULL,
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "paidDate" DATE,
    "note" VARCHAR(256),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "SubsidyClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubsidyClaimLine" (
    "id" SERIAL NOT NULL,
    "claimId" INTEGER NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "days" INTEGER NOT NULL,
    "excludedDays" INTEGER NOT NULL DEFAULT 0,
    "excludedReason" VARCHAR(128),
    "principal" DECIMAL(16,2) NOT NULL,
    "contractRateBp" INTEGER NOT NULL,
    "borrowerRateBp" INTEGER NOT NULL,
    "interest" DECIMAL(16,2) NOT NULL,
    "subsidy" DECIMAL(16,2) NOT NULL,
    "borrowerShare" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "SubsidyClaimLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubsidyClaimSplit" (
    "id" SERIAL NOT NULL,
    "claimId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "level" "FinanceLevel" NOT NULL,
    "amount" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "SubsidyClaimSplit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskFund" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "bankId" INTEGER,
    "name" VARCHAR(128) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskFund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FundLedgerEntry" (
    "id" SERIAL NOT NULL,
    "fundId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "kind" "FundEntryKind" NOT NULL,
    "fundingLevel" "FundingLevel",
    "amount" DECIMAL(16,2) NOT NULL,
    "valueDate" DATE NOT NULL,
    "compensationClaimId" INTEGER,
    "memo" VARCHAR(256),
    "idempotencyKey" VARCHAR(64) NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FundLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CompensationClaim" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "fundId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "status" "ClaimStatus" NOT NULL DEFAULT 'SUBMITTED',
    "asOfDate" DATE NOT NULL,
    "daysPastDue" INTEGER NOT NULL,
    "unpaidPrincipal" DECIMAL(16,2) NOT NULL,
    "fundShareBp" INTEGER NOT NULL,
    "amount" DECIMAL(16,2) NOT NULL,
    "makerId" INTEGER NOT NULL,
    "approverId" INTEGER,
    "decidedAt" TIMESTAMPTZ(3),
    "paidDate" DATE,
    "note" VARCHAR(256),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "CompensationClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" INTEGER,
    "username" VARCHAR(64),
    "role" "Role",
    "action" VARCHAR(64) NOT NULL,
    "entity" VARCHAR(64) NOT NULL,
    "entityId" VARCHAR(64),
    "countyCode" VARCHAR(6),
    "before" JSONB,
    "after" JSONB,
    "ip" VARCHAR(64),
    "outcome" "AuditOutcome" NOT NULL,
    "message" VARCHAR(512),

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Region_parentCode_idx" ON "Region"("parentCode");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "User_regionCode_idx" ON "User"("regionCode");

-- CreateIndex
CREATE UNIQUE INDEX "Programme_code_key" ON "Programme"("code");

-- CreateIndex
CREATE INDEX "PolicyVersion_programmeId_regionCode_validFrom_idx" ON "PolicyVersion"("programmeId", "regionCode", "validFrom");

-- CreateIndex
CREATE UNIQUE INDEX "LprRate_effectiveDate_term_key" ON "LprRate"("effectiveDate", "term");

-- CreateIndex
CREATE UNIQUE INDEX "Bank_code_key" ON "Bank"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Borrower_idNumber_key" ON "Borrower"("idNumber");

-- CreateIndex
CREATE INDEX "Borrower_countyCode_name_idx" ON "Borrower"("countyCode", "name");

-- CreateIndex
CREATE INDEX "Borrower_countyCode_phone_idx" ON "Borrower"("countyCode", "phone");

-- CreateIndex
CREATE INDEX "Borrower_villageCode_idx" ON "Borrower"("villageCode");

-- CreateIndex
CREATE UNIQUE INDEX "Loan_applicationNo_key" ON "Loan"("applicationNo");

-- CreateIndex
CREATE INDEX "Loan_countyCode_status_idx" ON "Loan"("countyCode", "status");

-- CreateIndex
CREATE INDEX "Loan_countyCode_id_idx" ON "Loan"("countyCode", "id");

-- CreateIndex
CREATE INDEX "Loan_villageCode_idx" ON "Loan"("villageCode");

-- CreateIndex
CREATE INDEX "Loan_borrowerId_idx" ON "Loan"("borrowerId");

-- CreateIndex
CREATE INDEX "Loan_maturityDate_idx" ON "Loan"("maturityDate");

-- CreateIndex
CREATE INDEX "Instalment_countyCode_dueDate_idx" ON "Instalment"("countyCode", "dueDate");

-- CreateIndex
CREATE UNIQUE INDEX "Instalment_loanId_seq_key" ON "Instalment"("loanId", "seq");

-- CreateIndex
CREATE INDEX "LoanRequest_countyCode_status_idx" ON "LoanRequest"("countyCode", "status");

-- CreateIndex
CREATE INDEX "LoanRequest_loanId_idx" ON "LoanRequest"("loanId");

-- CreateIndex
CREATE UNIQUE INDEX "RepaymentEntry_reversesId_key" ON "RepaymentEntry"("reversesId");

-- CreateIndex
CREATE UNIQUE INDEX "RepaymentEntry_idempotencyKey_key" ON "RepaymentEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "RepaymentEntry_loanId_id_idx" ON "RepaymentEntry"("loanId", "id");

-- CreateIndex
CREATE INDEX "RepaymentEntry_countyCode_valueDate_idx" ON "RepaymentEntry"("countyCode", "valueDate");

-- CreateIndex
CREATE INDEX "SubsidyClaim_countyCode_status_idx" ON "SubsidyClaim"("countyCode", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SubsidyClaim_countyCode_bankId_year_quarter_key" ON "SubsidyClaim"("countyCode", "bankId", "year", "quarter");

-- CreateIndex
CREATE INDEX "SubsidyClaimLine_loanId_idx" ON "SubsidyClaimLine"("loanId");

-- CreateIndex
CREATE UNIQUE INDEX "SubsidyClaimLine_claimId_loanId_key" ON "SubsidyClaimLine"("claimId", "loanId");

-- CreateIndex
CREATE UNIQUE INDEX "SubsidyClaimSplit_claimId_level_key" ON "SubsidyClaimSplit"("claimId", "level");

-- CreateIndex
CREATE UNIQUE INDEX "RiskFund_countyCode_bankId_key" ON "RiskFund"("countyCode", "bankId");

-- CreateIndex
CREATE UNIQUE INDEX "FundLedgerEntry_idempotencyKey_key" ON "FundLedgerEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "FundLedgerEntry_fundId_valueDate_idx" ON "FundLedgerEntry"("fundId", "valueDate");

-- CreateIndex
CREATE INDEX "FundLedgerEntry_countyCode_idx" ON "FundLedgerEntry"("countyCode");

-- CreateIndex
CREATE INDEX "CompensationClaim_countyCode_status_idx" ON "CompensationClaim"("countyCode", "status");

-- CreateIndex
CREATE INDEX "CompensationClaim_loanId_idx" ON "CompensationClaim"("loanId");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_countyCode_at_idx" ON "AuditEvent"("countyCode", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_userId_at_idx" ON "AuditEvent"("userId", "at");

-- AddForeignKey
ALTER TABLE "Region" ADD CONSTRAINT "Region_parentCode_fkey" FOREIGN KEY ("parentCode") REFERENCES "Region"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_regionCode_fkey" FOREIGN KEY ("regionCode") REFERENCES "Region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyVersion" ADD CONSTRAINT "PolicyVersion_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_borrowerId_fkey" FOREIGN KEY ("borrowerId") REFERENCES "Borrower"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_policyVersionId_fkey" FOREIGN KEY ("policyVersionId") REFERENCES "PolicyVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "Bank"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Instalment" ADD CONSTRAINT "Instalment_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoanRequest" ADD CONSTRAINT "LoanRequest_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepaymentEntry" ADD CONSTRAINT "RepaymentEntry_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaim" ADD CONSTRAINT "SubsidyClaim_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "Bank"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimLine" ADD CONSTRAINT "SubsidyClaimLine_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubsidyClaimSplit" ADD CONSTRAINT "SubsidyClaimSplit_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "SubsidyClaim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RiskFund" ADD CONSTRAINT "RiskFund_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "Bank"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FundLedgerEntry" ADD CONSTRAINT "FundLedgerEntry_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "RiskFund"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FundLedgerEntry" ADD CONSTRAINT "FundLedgerEntry_compensationClaimId_fkey" FOREIGN KEY ("compensationClaimId") REFERENCES "CompensationClaim"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CompensationClaim" ADD CONSTRAINT "CompensationClaim_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CompensationClaim" ADD CONSTRAINT "CompensationClaim_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "RiskFund"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only journals (hand-written): the repayment journal, the fund ledger and the audit trail can only
-- grow. Corrections are reversal entries. The application cannot UPDATE or DELETE these rows.
CREATE FUNCTION halfsky_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "RepaymentEntry_append_only" BEFORE UPDATE OR DELETE ON "RepaymentEntry" FOR EACH ROW EXECUTE FUNCTION halfsky_refuse_change();
CREATE TRIGGER "FundLedgerEntry_append_only" BEFORE UPDATE OR DELETE ON "FundLedgerEntry" FOR EACH ROW EXECUTE FUNCTION halfsky_refuse_change();
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION halfsky_refuse_change();

-- Money columns never negative where a negative amount makes no sense.
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_amounts_nonneg" CHECK ("requestedPrincipal" > 0 AND ("principal" IS NULL OR "principal" > 0));
ALTER TABLE "Instalment" ADD CONSTRAINT "Instalment_amounts_nonneg" CHECK ("principalDue" >= 0 AND "interestDue" >= 0 AND "principalPaid" >= 0 AND "interestPaid" >= 0);
