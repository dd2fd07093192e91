import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { writeAudit } from "@/server/audit";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase, testUrl } from "../support/db";
import pg from "pg";
import { ensureAppRole, JOURNAL_TABLES } from "../../scripts/lib/app-role";

/** A clerk of 榆中县 and a loan of hers. */
async function clerkAndLoan() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const borrower = await makeBorrower("620123101201", staff.id);
  return { staff, loan: await makeLoan({ borrower, ctx, makerId: staff.id }) };
}

describe("append-only journals at the database", () => {
  beforeEach(resetDatabase);

  it("refuses UPDATE and DELETE of repayment entries, fund ledger entries and audit events", async () => {
    const { staff, loan } = await clerkAndLoan();
    const entry = await db.repaymentEntry.create({
      data: {
        loanId: loan.id,
        countyCode: "620123",
        kind: "REPAYMENT",
        valueDate: new Date("2025-03-20T00:00:00Z"),
        principal: "0.00",
        interest: "100.00",
        idempotencyKey: "k1",
        createdById: staff.id,
      },
    });
    await expect(
      db.repaymentEntry.update({ where: { id: entry.id }, data: { interest: "1.00" } }),
    ).rejects.toThrow(/append-only/);
    await expect(db.repaymentEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);

    const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
    const fe = await db.fundLedgerEntry.create({
      data: {
        fundId: fund.id,
        countyCode: "620123",
        kind: "DEPOSIT",
        fundingLevel: "COUNTY",
        amount: "1000000.00",
        valueDate: new Date("2025-01-01T00:00:00Z"),
        idempotencyKey: "f1",
        createdById: staff.id,
      },
    });
    await expect(
      db.fundLedgerEntry.update({ where: { id: fe.id }, data: { amount: "1.00" } }),
    ).rejects.toThrow(/append-only/);
    await expect(db.fundLedgerEntry.deleteMany({})).rejects.toThrow(/append-only/);

    await writeAudit(db, { action: "test", entity: "X", outcome: "OK" });
    await expect(db.auditEvent.updateMany({ data: { outcome: "DENIED" } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await db.repaymentEntry.count()).toBe(1);
    expect(await db.auditEvent.count()).toBe(1);
  });

  it("the app's own database role may insert into the journals but not update, delete, truncate or switch the triggers off", async () => {
    const { staff, loan } = await clerkAndLoan();
    const appUrl = await ensureAppRole(testUrl(), "test-secret-for-the-app-role-0123456789");
    expect(new URL(appUrl).username).toBe("halfsky_test_app");
    const app = new pg.Client({ connectionString: appUrl });
    await app.connect();
    try {
      const who = await app.query<{ su: boolean }>(
        "select rolsuper su from pg_roles where rolname = current_user",
      );
      expect(who.rows[0]!.su).toBe(false);
      // Working tables: read and write as usual; journals: insert only.
      await app.query(`UPDATE "Loan" SET version = version + 1 WHERE id = $1`, [loan.id]);
      const ins = await app.query<{ id: number }>(
        `INSERT INTO "RepaymentEntry" ("loanId", "countyCode", kind, "valueDate", principal, interest, "idempotencyKey", "createdById") VALUES ($1, '620123', 'REPAYMENT', '2025-03-20', 0, 1, 'app-role-1', $2) RETURNING id`,
        [loan.id, staff.id],
      );
      expect(ins.rows).toHaveLength(1);
      for (const t of JOURNAL_TABLES) {
        for (const stmt of [
          `UPDATE "${t}" SET id = id`,
          `DELETE FROM "${t}"`,
          `TRUNCATE "${t}"`,
          `ALTER TABLE "${t}" DISABLE TRIGGER ALL`,
        ]) {
          await expect(app.query(stmt), stmt).rejects.toThrow(/permission denied|must be owner/);
        }
      }
      await expect(
        app.query("SET session_replication_role = replica"),
        "switching triggers off for the session",
      ).rejects.toThrow(/permission denied/);
      await expect(app.query(`SELECT * FROM "_prisma_migrations"`)).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    expect(await db.repaymentEntry.count()).toBe(1);
  });
});
