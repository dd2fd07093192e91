import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { listLoans } from "@/server/services/loans";
import { AppError } from "@/server/errors";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

describe("loan list: region scope and permissions in the service", () => {
  beforeEach(resetDatabase);

  async function world() {
    await seedRegions();
    const ctx = await seedProgrammeAndPolicy();
    const yzStaff = await makeUser("COUNTY_STAFF", "620123");
    const ydStaff = await makeUser("COUNTY_STAFF", "620121");
    const dxStaff = await makeUser("COUNTY_STAFF", "431124");
    const yz = await makeLoan({
      borrower: await makeBorrower("620123101201", yzStaff.id),
      ctx,
      makerId: yzStaff.id,
    });
    const yd = await makeLoan({
      borrower: await makeBorrower("620121101201", ydStaff.id),
      ctx,
      makerId: ydStaff.id,
    });
    const dx = await makeLoan({
      borrower: await makeBorrower("431124101201", dxStaff.id),
      ctx,
      makerId: dxStaff.id,
    });
    return { ctx, yzStaff, ydStaff, dxStaff, yz, yd, dx };
  }

  it("county staff see only their county; a city official sees the city's counties; a village scope sees its village", async () => {
    const w = await world();
    const ids = async (actor: Parameters<typeof listLoans>[0]) =>
      (await listLoans(actor, { limit: 50 }, "2025-06-01")).rows.map((r) => r.id).sort();
    expect(await ids(w.yzStaff)).toEqual([w.yz.id]);
    expect(await ids(w.dxStaff)).toEqual([w.dx.id]);
    expect(await ids(await makeUser("CITY_OFFICIAL", "620100"))).toEqual([w.yz.id, w.yd.id].sort());
    expect(await ids(await makeUser("AUDITOR", "430000"))).toEqual([w.dx.id]);
    expect(await ids(await makeUser("CITY_OFFICIAL", "620123101201"))).toEqual([w.yz.id]);
    expect(await ids(await makeUser("CITY_OFFICIAL", "620121101"))).toEqual([w.yd.id]);
  });

  it("searching another county's loan by its number finds nothing", async () => {
    const w = await world();
    const res = await listLoans(w.yzStaff, { q: w.dx.applicationNo, limit: 50 });
    expect(res.rows).toEqual([]);
  });

  it("masks ID numbers and computes days past due from the oldest unpaid instalment", async () => {
    const w = await world();
    const [row] = (await listLoans(w.yzStaff, { limit: 50 }, "2025-04-01")).rows;
    expect(row!.borrowerIdMasked).toMatch(/^620123\*{11}[\dX]$/);
    // first instalment due 2025-03-20, nothing paid → 12 days past due on 2025-04-01
    expect(row!.daysPastDue).toBe(12);
    expect(row!.bucket).toBe("D1_30");
    expect(row!.outstandingFen).toBe(5_000_000);
  });

  it("an administrator has no loan.read: refused, and the refusal is audited", async () => {
    await world();
    const admin = await makeUser("ADMIN", "000000");
    await expect(listLoans(admin, { limit: 50 })).rejects.toBeInstanceOf(AppError);
    const events = await db.auditEvent.findMany({ where: { userId: admin.id } });
    expect(events).toMatchObject([{ action: "loan.list", outcome: "DENIED" }]);
  });

  it("keyset pagination walks every loan once", async () => {
    const w = await world();
    for (let i = 0; i < 4; i++)
      await makeLoan({
        borrower: await makeBorrower("620123101201", w.yzStaff.id, `借款人${i}`),
        ctx: w.ctx,
        makerId: w.yzStaff.id,
      });
    const seen: number[] = [];
    let after: number | undefined;
    do {
      const page = await listLoans(w.yzStaff, { limit: 2, after });
      seen.push(...page.rows.map((r) => r.id));
      after = page.nextAfter ?? undefined;
    } while (after);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });
});
