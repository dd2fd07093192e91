import { beforeAll, describe, expect, it } from "vitest";
import { addDays, addMonths, type IsoDate } from "@/domain";
import { naiveFigures } from "../../scripts/bench/lib/naive";
import { db } from "@/server/db";
import { regionFigures } from "@/server/services/dashboard";
import { portfolioFigures } from "@/server/services/figures";
import { monthlyRates, rollingRates } from "@/server/services/trends";
import { seedIfEmpty } from "../../scripts/lib/seed";
import { resetDatabase, testUrl } from "../support/db";
import { makeUser } from "../support/factories";
import { refusal } from "../support/refusal";

/** The same figures the naive way: every loan loaded, every number from src/domain. */
const domainFigures = (region: string, asOf: IsoDate, window: { from: IsoDate; to: IsoDate }) => naiveFigures(testUrl(), region, asOf, window);

describe("dashboard figures: SQL aggregation equals src/domain on the demo data", () => {
  beforeAll(async () => {
    await resetDatabase();
    await seedIfEmpty(testUrl(), () => {});
  }, 300_000);

  it.each([
    ["620123", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }], // 榆中县
    ["620100", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }], // 兰州市
    ["431124", "2024-06-30", { from: "2024-01-01", to: "2024-06-30" }], // 道县, as of a past date
    ["511921101", "2025-12-31", { from: "2025-01-01", to: "2025-12-31" }], // a township of 通江县
  ] as const)("%s as of %s", async (region, asOf, window) => {
    const sql = await portfolioFigures(region, asOf, window);
    const dom = await domainFigures(region, asOf, window);
    expect(sql.outstandingFen).toBe(dom.outstandingFen);
    expect(sql.outstandingFen).toBeGreaterThan(0);
    expect(sql.rates).toEqual({ maturityRepayment: dom.maturityRepayment, onTime: dom.onTime, overdue: dom.overdue, par30: dom.par30, par90: dom.par90, npl: dom.npl });
    expect(sql.rates.par90! <= sql.rates.par30! && sql.rates.par30! <= sql.rates.overdue!).toBe(true);
  });

  it.each(["620123101", "431124102"])("monthly rolling 到期还款率 and 按时还款率 of %s equal src/domain month by month", async (region) => {
    const monthly = await monthlyRates(region, "2026-11-20", 12);
    const rolling = rollingRates(monthly, region);
    expect(monthly.ends).toHaveLength(12);
    for (const [i, end] of monthly.ends.entries()) {
      const dom = await domainFigures(region, end, { from: addDays(addMonths(end, -12), 1), to: end });
      expect(rolling[i], `rolling rate at ${end}`).toBe(dom.maturityRepayment);
      const month = await domainFigures(region, end, { from: `${end.slice(0, 7)}-01`, to: end });
      expect(monthly.dueFen[i]! === 0 ? null : monthly.paidOnTimeFen[i]! / monthly.dueFen[i]!, `on-time rate in ${end.slice(0, 7)}`).toBe(month.onTime);
    }
  }, 120_000);

  it("every loan's running total equals its journal (the figures read Loan.principalRepaid)", async () => {
    const [row] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS n FROM "Loan" l
      WHERE l."principalRepaid" <> COALESCE((SELECT SUM(e.principal) FROM "RepaymentEntry" e WHERE e."loanId" = l.id), 0)
         OR l."interestRepaid" <> COALESCE((SELECT SUM(e.interest) FROM "RepaymentEntry" e WHERE e."loanId" = l.id), 0)`;
    expect(Number(row!.n)).toBe(0);
  });

  it("a county official gets her county, not another one", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620123");
    expect((await regionFigures(official, "620123101", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" })).loans).toBeGreaterThan(0);
    expect((await refusal(regionFigures(official, "431124", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }))).kind).toBe("NOT_FOUND");
    expect((await refusal(regionFigures(official, "620100", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }))).kind).toBe("NOT_FOUND");
  });
});
