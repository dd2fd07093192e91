import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { writeAudit } from "@/server/audit";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

describe("append-only journals at the database", () => {
  beforeEach(resetDatabase);

  it("refuses UPDATE and DELETE of repayment entries, fund ledger entries and audit events", async () => {
    await seedRegions();
    const ctx = await seedProgrammeAndPolicy();
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const borrower = await makeBorrower("620123101201", staff.id);
    const loan = await makeLoan({ borrower, ctx, makerId: staff.id });
    const entry = await db.repaymentEntry.create({
      data: { loanId: loan.id, countyCode: "620123", kind: "REPAYMENT", valueDate: new Date("2025-03-20T00:00:00Z"), principal: "0.00", interest: "100.00", idempotencyKey: "k1", createdById: staff.id },
    });
    await expect(db.repaymentEntry.update({ where: { id: entry.id }, data: { interest: "1.00" } })).rejects.toThrow(/append-only/);
    await expect(db.repaymentEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);

    const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
    const fe = await db.fundLedgerEntry.create({ data: { fundId: fund.id, countyCode: "620123", kind: "DEPOSIT", fundingLevel: "COUNTY", amount: "1000000.00", valueDate: new Date("2025-01-01T00:00:00Z"), idempotencyKey: "f1", createdById: staff.id } });
    await expect(db.fundLedgerEntry.update({ where: { id: fe.id }, data: { amount: "1.00" } })).rejects.toThrow(/append-only/);
    await expect(db.fundLedgerEntry.deleteMany({})).rejects.toThrow(/append-only/);

    await writeAudit(db, { action: "test", entity: "X", outcome: "OK" });
    await expect(db.auditEvent.updateMany({ data: { outcome: "DENIED" } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await db.repaymentEntry.count()).toBe(1);
    expect(await db.auditEvent.count()).toBe(1);
  });
});
