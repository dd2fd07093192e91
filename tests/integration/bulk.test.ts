import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { insertRows, isUniqueViolation } from "@/server/bulk";
import { resetDatabase, sql } from "../support/db";

/**
 * The bulk writes of a bank statement's commit (src/server/bulk.ts): COPY on the Prisma transaction's own
 * connection. What it writes is part of that transaction — seen by its later queries, committed with it, gone
 * when it rolls back — and every kind of value arrives as written.
 */
const AUDIT_COLUMNS = ["action", "entity", "entityId", "countyCode", "after", "outcome", "userId", "role"];
const event = (n: number, after: unknown) => ({
  action: "bulk.test",
  entity: "Test",
  entityId: String(n),
  countyCode: n % 2 ? "620123" : null,
  after,
  outcome: "OK",
  userId: null,
  role: n % 2 ? "COUNTY_STAFF" : null,
});

describe("bulk inserts inside a Prisma transaction (COPY on its connection)", () => {
  beforeEach(resetDatabase);

  it("writes every row with its values (jsonb with quotes, backslashes, tabs, newlines and Chinese; enums; nulls) in the transaction", async () => {
    const awkward = { name: '王"小\\梅\t', note: "第一行\n第二行\r\\N", amount: "1,234.56", list: [1, null] };
    const n = 4_500; // more than one chunk of the COPY stream
    const seenInside = await db.$transaction(async (tx) => {
      const inserted = await insertRows(
        tx,
        "AuditEvent",
        AUDIT_COLUMNS,
        Array.from({ length: n }, (_, i) => i),
        (i) => event(i, i === 7 ? awkward : { i }),
      );
      expect(inserted).toBe(n);
      const [row] = await tx.$queryRaw<{ c: bigint }[]>`SELECT count(*) AS c FROM "AuditEvent"`;
      return Number(row!.c);
    });
    expect(seenInside).toBe(n);
    const rows = await sql<{
      entityId: string;
      countyCode: string | null;
      after: unknown;
      role: string | null;
    }>(`SELECT "entityId", "countyCode", after, role::text AS role FROM "AuditEvent" ORDER BY id`);
    expect(rows).toHaveLength(n);
    expect(rows[7]).toEqual({ entityId: "7", countyCode: "620123", after: awkward, role: "COUNTY_STAFF" });
    expect(rows[8]).toEqual({ entityId: "8", countyCode: null, after: { i: 8 }, role: null });
    expect(rows.map((r) => r.entityId)).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  });

  it("rolls back with the transaction", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await insertRows(tx, "AuditEvent", AUDIT_COLUMNS, [1, 2, 3], (i) => event(i, { i }));
        throw new Error("refused after the rows");
      }),
    ).rejects.toThrow("refused after the rows");
    expect(await sql(`SELECT 1 FROM "AuditEvent"`)).toHaveLength(0);
  });

  it("a row that breaks a unique index aborts the whole transaction, recognised by the index's name", async () => {
    await sql(`INSERT INTO "Bank" (code, name) VALUES ('B1', '已有的银行')`);
    let caught: unknown = null;
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "Bank" (code, name) VALUES ('B0', '本事务的银行')`;
        try {
          await insertRows(tx, "Bank", ["code", "name"], ["B2", "B1"], (code) => ({ code, name: code }));
        } catch (e) {
          caught = e;
          throw e;
        }
      }),
    ).rejects.toBeDefined();
    expect(isUniqueViolation(caught, "Bank_code_key")).toBe(true);
    expect(isUniqueViolation(caught, "RepaymentEntry_idempotencyKey_key")).toBe(false);
    expect((await sql<{ code: string }>(`SELECT code FROM "Bank" ORDER BY code`)).map((r) => r.code)).toEqual(
      ["B1"],
    );
    // The pool's connections are fine afterwards.
    expect(await db.bank.count()).toBe(1);
  });
});
