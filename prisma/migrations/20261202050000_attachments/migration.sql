-- CreateEnum
CREATE TYPE "AttachmentKind" AS ENUM ('CONTRACT', 'ID_COPY', 'MULTI_PARTY_AGREEMENT', 'INSURANCE_POLICY', 'VISIT_PHOTO', 'OTHER');

-- CreateTable
CREATE TABLE "Attachment" (
    "id" SERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "villageCode" VARCHAR(12) NOT NULL,
    "borrowerId" INTEGER NOT NULL,
    "loanId" INTEGER,
    "kind" "AttachmentKind" NOT NULL,
    "fileName" VARCHAR(128) NOT NULL,
    "contentType" VARCHAR(64) NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "storageKey" VARCHAR(200) NOT NULL,
    "uploadedById" INTEGER NOT NULL,
    "uploadedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Attachment_borrowerId_uploadedAt_idx" ON "Attachment"("borrowerId", "uploadedAt");

-- CreateIndex
CREATE INDEX "Attachment_countyCode_idx" ON "Attachment"("countyCode");

-- CreateIndex
CREATE INDEX "Attachment_villageCode_idx" ON "Attachment"("villageCode");

-- CreateIndex
CREATE INDEX "Attachment_loanId_idx" ON "Attachment"("loanId");

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_borrowerId_fkey" FOREIGN KEY ("borrowerId") REFERENCES "Borrower"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "Loan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The record of a file is evidence: its hash, size, key and uploader never change and it is never deleted; only
-- the region follows the borrower (she moved village). The content key is derived from the hash (decision 041).
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_sha256_hex" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_size_pos" CHECK ("sizeBytes" > 0);
CREATE FUNCTION halfsky_attachment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - 'countyCode' - 'villageCode') IS DISTINCT FROM (to_jsonb(OLD) - 'countyCode' - 'villageCode') THEN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "Attachment_append_only" BEFORE UPDATE OR DELETE ON "Attachment" FOR EACH ROW EXECUTE FUNCTION halfsky_attachment_guard();
