-- CreateEnum
CREATE TYPE "MonthlyReportStatus" AS ENUM ('PREPARED', 'SUBMITTED', 'ACKNOWLEDGED');

-- AlterTable
ALTER TABLE "PolicyVersion" ADD COLUMN     "reportDeadlineDay" INTEGER NOT NULL DEFAULT 5;

-- CreateTable
CREATE TABLE "MonthEndFigures" (
    "villageCode" VARCHAR(12) NOT NULL,
    "monthEnd" DATE NOT NULL,
    "window" VARCHAR(10) NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "loans" INTEGER NOT NULL,
    "outstanding" DECIMAL(18,2) NOT NULL,
    "overdueLoans" INTEGER NOT NULL,
    "overdue" DECIMAL(18,2) NOT NULL,
    "par30" DECIMAL(18,2) NOT NULL,
    "par90" DECIMAL(18,2) NOT NULL,
    "par180" DECIMAL(18,2) NOT NULL,
    "matured" DECIMAL(18,2) NOT NULL,
    "recovered" DECIMAL(18,2) NOT NULL,
    "due" DECIMAL(18,2) NOT NULL,
    "paidOnTime" DECIMAL(18,2) NOT NULL,
    "disbursedCount" INTEGER NOT NULL,
    "disbursed" DECIMAL(18,2) NOT NULL,
    "women" INTEGER NOT NULL,
    "compensatedCount" INTEGER NOT NULL,
    "compensated" DECIMAL(18,2) NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MonthEndFigures_pkey" PRIMARY KEY ("monthEnd","window","villageCode")
);

-- CreateTable
CREATE TABLE "MonthEndCountyFigures" (
    "countyCode" VARCHAR(6) NOT NULL,
    "monthEnd" DATE NOT NULL,
    "window" VARCHAR(10) NOT NULL,
    "fundBalance" DECIMAL(18,2) NOT NULL,
    "subsidyClaimed" DECIMAL(18,2) NOT NULL,
    "subsidyPaid" DECIMAL(18,2) NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MonthEndCountyFigures_pkey" PRIMARY KEY ("monthEnd","window","countyCode")
);

-- CreateTable
CREATE TABLE "MonthEndBuilt" (
    "countyCode" VARCHAR(6) NOT NULL,
    "monthEnd" DATE NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MonthEndBuilt_pkey" PRIMARY KEY ("countyCode","monthEnd")
);

-- CreateTable
CREATE TABLE "SnapshotStale" (
    "id" BIGSERIAL NOT NULL,
    "countyCode" VARCHAR(6) NOT NULL,
    "fromDate" DATE NOT NULL,
    "source" VARCHAR(32) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SnapshotStale_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonthlyReport" (
    "id" SERIAL NOT NULL,
    "regionCode" VARCHAR(12) NOT NULL,
    "monthEnd" DATE NOT NULL,
    "status" "MonthlyReportStatus" NOT NULL,
    "figures" JSONB,
    "preparedById" INTEGER NOT NULL,
    "preparedAt" TIMESTAMPTZ(3) NOT NULL,
    "submittedById" INTEGER,
    "submittedAt" TIMESTAMPTZ(3),
    "acknowledgedById" INTEGER,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "note" VARCHAR(256),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "MonthlyReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MonthEndFigures_countyCode_monthEnd_idx" ON "MonthEndFigures"("countyCode", "monthEnd");

-- CreateIndex
CREATE INDEX "MonthEndCountyFigures_countyCode_monthEnd_idx" ON "MonthEndCountyFigures"("countyCode", "monthEnd");

-- CreateIndex
CREATE INDEX "MonthlyReport_monthEnd_idx" ON "MonthlyReport"("monthEnd");

-- CreateIndex
CREATE UNIQUE INDEX "MonthlyReport_regionCode_monthEnd_key" ON "MonthlyReport"("regionCode", "monthEnd");

-- ── Month-end snapshots go stale when a past month's facts change (issue 22) ──
-- Statement-level triggers with transition tables: one insert into "SnapshotStale" per statement and county
-- (a bulk import or the demo seed writes a handful of rows, not one per entry), in the same transaction as the
-- change, append-only (no row another posting could wait on). Only changes dated before the current month
-- (Beijing calendar) concern a computed month-end; today's month is always computed live.

CREATE FUNCTION halfsky_month_start() RETURNS date LANGUAGE sql STABLE AS
$$ SELECT date_trunc('month', (now() AT TIME ZONE 'Asia/Shanghai'))::date $$;

CREATE FUNCTION halfsky_stale_repayment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(n."valueDate"), 'RepaymentEntry' FROM new_rows n
  WHERE n."valueDate" < halfsky_month_start() GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "RepaymentEntry_snapshot_stale" AFTER INSERT ON "RepaymentEntry"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_repayment();

CREATE FUNCTION halfsky_stale_fund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(n."valueDate"), 'FundLedgerEntry' FROM new_rows n
  WHERE n."valueDate" < halfsky_month_start() GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "FundLedgerEntry_snapshot_stale" AFTER INSERT ON "FundLedgerEntry"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_fund();

-- Loans: a (back-dated) disbursement, a changed principal or maturity, a write-off (the figures leave
-- written-off loans out of every month) — from the earlier disbursement date.
CREATE FUNCTION halfsky_stale_loan_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(n."disbursedDate"), 'Loan' FROM new_rows n
  WHERE n."disbursedDate" < halfsky_month_start() GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "Loan_snapshot_stale_insert" AFTER INSERT ON "Loan"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_loan_insert();

CREATE FUNCTION halfsky_stale_loan_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(LEAST(o."disbursedDate", n."disbursedDate")), 'Loan'
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE LEAST(o."disbursedDate", n."disbursedDate") < halfsky_month_start()
    AND (o."disbursedDate" IS DISTINCT FROM n."disbursedDate" OR o.principal IS DISTINCT FROM n.principal
      OR o."maturityDate" IS DISTINCT FROM n."maturityDate" OR o."villageCode" <> n."villageCode"
      OR o."borrowerId" <> n."borrowerId"
      OR ((o.status = 'WRITTEN_OFF') <> (n.status = 'WRITTEN_OFF')))
  GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "Loan_snapshot_stale_update" AFTER UPDATE ON "Loan"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_loan_update();

-- Instalments: a rebuilt schedule (extension) or a changed payment date — from the earliest date concerned.
CREATE FUNCTION halfsky_stale_instalment_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(n."dueDate"), 'Instalment' FROM new_rows n
  WHERE n."dueDate" < halfsky_month_start() GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "Instalment_snapshot_stale_insert" AFTER INSERT ON "Instalment"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_instalment_insert();

CREATE FUNCTION halfsky_stale_instalment_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT o."countyCode", MIN(o."dueDate"), 'Instalment' FROM old_rows o
  WHERE o."dueDate" < halfsky_month_start() GROUP BY o."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "Instalment_snapshot_stale_delete" AFTER DELETE ON "Instalment"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_instalment_delete();

CREATE FUNCTION halfsky_stale_instalment_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode",
         MIN(LEAST(o."dueDate", n."dueDate", COALESCE(o."paidDate", n."paidDate"), COALESCE(n."paidDate", o."paidDate"))),
         'Instalment'
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE (o."dueDate" <> n."dueDate" OR o."principalDue" <> n."principalDue" OR o."interestDue" <> n."interestDue"
      OR o."paidDate" IS DISTINCT FROM n."paidDate")
    AND LEAST(o."dueDate", n."dueDate", COALESCE(o."paidDate", n."paidDate"), COALESCE(n."paidDate", o."paidDate")) < halfsky_month_start()
  GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "Instalment_snapshot_stale_update" AFTER UPDATE ON "Instalment"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_instalment_update();

-- Subsidy claims count in the month their period ends; compensation in the month it was paid.
CREATE FUNCTION halfsky_stale_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(LEAST(n."periodEnd", COALESCE(n."paidDate", n."periodEnd"))), 'SubsidyClaim' FROM new_rows n
  WHERE LEAST(n."periodEnd", COALESCE(n."paidDate", n."periodEnd")) < halfsky_month_start() GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "SubsidyClaim_snapshot_stale_insert" AFTER INSERT ON "SubsidyClaim"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_claim();
CREATE TRIGGER "SubsidyClaim_snapshot_stale_update" AFTER UPDATE ON "SubsidyClaim"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_claim();

CREATE FUNCTION halfsky_stale_compensation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SnapshotStale" ("countyCode", "fromDate", source)
  SELECT n."countyCode", MIN(n."paidDate"), 'CompensationClaim' FROM new_rows n
  WHERE n."paidDate" < halfsky_month_start() GROUP BY n."countyCode";
  RETURN NULL;
END $$;
CREATE TRIGGER "CompensationClaim_snapshot_stale_insert" AFTER INSERT ON "CompensationClaim"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_compensation();
CREATE TRIGGER "CompensationClaim_snapshot_stale_update" AFTER UPDATE ON "CompensationClaim"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION halfsky_stale_compensation();

-- Submitted reports are frozen: their figures and submission never change (acknowledgement only).
CREATE FUNCTION halfsky_report_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'PREPARED' AND (NEW.figures IS DISTINCT FROM OLD.figures
      OR NEW."submittedAt" IS DISTINCT FROM OLD."submittedAt" OR NEW."submittedById" IS DISTINCT FROM OLD."submittedById"
      OR NEW.status = 'PREPARED') THEN
    RAISE EXCEPTION 'MonthlyReport % is submitted: its figures are frozen', OLD.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "MonthlyReport_frozen" BEFORE UPDATE ON "MonthlyReport"
  FOR EACH ROW EXECUTE FUNCTION halfsky_report_frozen();
CREATE FUNCTION halfsky_report_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'PREPARED' THEN RAISE EXCEPTION 'MonthlyReport % is submitted: it cannot be deleted', OLD.id; END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER "MonthlyReport_no_delete" BEFORE DELETE ON "MonthlyReport"
  FOR EACH ROW EXECUTE FUNCTION halfsky_report_no_delete();
