-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "claimApproveDays" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "claimPayDays" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "claimSubmitDays" INTEGER NOT NULL DEFAULT 10;

-- AlterTable
ALTER TABLE "SubsidyClaim" ADD COLUMN     "submittedAt" TIMESTAMPTZ(3);

-- Backfill: a claim submitted before the column existed was submitted when its last audited submission was.
UPDATE "SubsidyClaim" c
   SET "submittedAt" = (SELECT max(a."at") FROM "AuditEvent" a
                         WHERE a."entity" = 'SubsidyClaim' AND a."entityId" = c."id"::text
                           AND a."action" = 'claim.submit' AND a."outcome" = 'OK')
 WHERE c."status" IN ('SUBMITTED', 'APPROVED', 'PAID');
