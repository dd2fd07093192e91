-- CreateEnum
CREATE TYPE "CollectionStatus" AS ENUM ('CONTACTING', 'PROMISED', 'EXTENSION_REQUESTED', 'COMPENSATION_REQUESTED', 'LEGAL', 'SETTLED');

-- CreateEnum
CREATE TYPE "CollectionEventKind" AS ENUM ('NOTE', 'ASSIGN');

-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "dueNoticeDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "followUpDays" INTEGER NOT NULL DEFAULT 14;

-- CreateTable
CREATE TABLE "CollectionCase" (
    "id" SERIAL NOT NULL,
    "loanId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "assigneeId" INTEGER,
    "nextActionDate" DATE,
    "lastActivityAt" TIMESTAMPTZ(3),

    CONSTRAINT "CollectionCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CollectionEvent" (
    "id" SERIAL NOT NULL,
    "caseId" INTEGER NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "kind" "CollectionEventKind" NOT NULL,
    "onDate" DATE NOT NULL,
    "status" "CollectionStatus",
    "promiseDate" DATE,
    "promiseAmount" DECIMAL(16,2),
    "nextActionDate" DATE,
    "assigneeId" INTEGER,
    "note" VARCHAR(512),
    "authorId" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CollectionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CollectionCase_loanId_key" ON "CollectionCase"("loanId");

-- CreateIndex
CREATE INDEX "CollectionCase_countyCode_idx" ON "CollectionCase"("countyCode");

-- CreateIndex
CREATE INDEX "CollectionCase_villageCode_idx" ON "CollectionCase"("villageCode");

-- CreateIndex
CREATE INDEX "CollectionEvent_caseId_id_idx" ON "CollectionEvent"("caseId", "id");

-- AddForeignKey
ALTER TABLE "CollectionCase" ADD CONSTRAINT "CollectionCase_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CollectionEvent" ADD CONSTRAINT "CollectionEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "CollectionCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The case history is append-only, like the journals (the function comes from the init migration).
CREATE TRIGGER "CollectionEvent_append_only" BEFORE UPDATE OR DELETE ON "CollectionEvent" FOR EACH ROW EXECUTE FUNCTION halfsky_refuse_change();

-- Coming due: unpaid instalments by county and due date (the late index covers only past-due ones).
CREATE INDEX "Instalment_unpaid_idx" ON "Instalment" ("countyCode", "dueDate") INCLUDE ("loanId") WHERE "paidDate" IS NULL;
