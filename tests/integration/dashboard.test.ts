import { beforeAll, describe, expect, it } from "vitest";
import { daysPastDue, maturityRepaymentRate, nplRatio, onTimeRate, overdueRatio, par, replayJournal, scopeFilter, type IsoDate } from "@/domain";
import { db } from "@/server/db";
import { decToFen, dateToIso } from "@/server/money";
import { portfolioFigures, regionFigures } from "@/server/services/dashboard";
import { seedIfEmpty } from "../../scripts/lib/seed";
import { resetDatabase, testUrl } from "../support/db";
import { makeUser } from "../support/factories";
import { refusal } from "../support/refusal";

/** The same figures the naive way: every loan loaded, every number from src/domain. */
async function domainFigures(regionCode: string, asOf: IsoDate, window: { from: IsoDate; to: IsoDate }) {
  const f = scopeFilter(regionCode);
  const loans = await db.loan.findMany({
    where: { [f.column]: { startsWith: f.prefix }, disbursedDate: { not: null, lte: new Date(`${asOf}T00:00:00Z`) }, status: { not: "WRITTEN_OFF" } },
    include: { instalments: { orderBy: { seq: "asc" } }, repayments: { orderBy: { id: "asc" } } },
  });
  const balances: { outstandingFen: number; daysPastDue: number }[] = [];
  const matured: { maturityDate: IsoDate; principalFen: number; recoveredFen: number }[] = [];
  for (const l of loans) {
    const entries = l.repayments.filter((e) => dateToIso(e.valueDate) <= asOf);
    const state = replayJournal(
      l.instalments.map((i) => ({ seq: i.seq, dueDate: dateToIso(i.dueDate), principalDueFen: decToFen(i.principalDue), interestDueFen: decToFen(i.interestDue) })),
      entries.map((e) => ({ id: e.id, kind: e.kind, valueDate: dateToIso(e.valueDate), principalFen: decToFen(e.principal), interestFen: decToFen(e.interest), reversesId: e.reversesId })),
    );
    const principalFen = decToFen(l.principal);
    const repaid = entries.reduce((s, e) => s + decToFen(e.principal), 0);
    const outstanding = principalFen - repaid;
    if (outstanding > 0) balances.push({ outstandingFen: outstanding, daysPastDue: daysPastDue(state.instalments.map((i) => ({ ...i })), asOf) });
    matured.push({ maturityDate: dateToIso(l.maturityDate!), principalFen, recoveredFen: Math.min(repaid, principalFen) });
  }
  const upTo = asOf < window.to ? asOf : window.to;
  const instalments = loans.flatMap((l) =>
    l.instalments.map((i) => {
      const dueFen = decToFen(i.principalDue) + decToFen(i.interestDue);
      const paid = i.paidDate && dateToIso(i.paidDate) <= dateToIso(i.dueDate);
      return { dueDate: dateToIso(i.dueDate), dueFen, paidByDueDateFen: paid ? dueFen : 0 };
    }),
  );
  return {
    outstandingFen: balances.reduce((s, b) => s + b.outstandingFen, 0),
    maturityRepayment: maturityRepaymentRate(matured, window),
    onTime: onTimeRate(instalments, { from: window.from, to: upTo }),
    overdue: overdueRatio(balances),
    par30: par(balances, 30),
    par90: par(balances, 90),
    npl: nplRatio(balances),
  };
}

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

  it("a county official gets her county, not another one", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620123");
    expect((await regionFigures(official, "620123101", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" })).loans).toBeGreaterThan(0);
    expect((await refusal(regionFigures(official, "431124", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }))).kind).toBe("NOT_FOUND");
    expect((await refusal(regionFigures(official, "620100", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }))).kind).toBe("NOT_FOUND");
  });
});
