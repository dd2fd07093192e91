import { beforeAll, describe, expect, it } from "vitest";
import { addDays, addMonths, resolvePolicy, rewardAllocation, scopePrefix, type IsoDate } from "@/domain";
import { naiveFigures } from "../../scripts/bench/lib/naive";
import { DASHBOARD_LIMITS } from "@/config/limits";
import { db } from "@/server/db";
import {
  dashboard,
  dashboardOverview,
  dashboardRates,
  regionFigures,
  regionLines,
} from "@/server/services/dashboard";
import { figureLoans, figureLoansExport } from "@/server/services/figure-loans";
import { loadPolicies } from "@/server/services/policies";
import { suspensionSentence, suspensionsOf, type RegionSuspension } from "@/server/read-models/rules";
import { codePrefix } from "@/server/prefix";
import { todayShanghai } from "@/server/clock";
import { portfolioFigures } from "@/server/read-models/figures";
import { monthlyRates, rollingRates } from "@/server/read-models/trends";
import { seedIfEmpty } from "../../scripts/lib/seed";
import { resetDatabase, testUrl } from "../support/db";
import { makeUser } from "../support/factories";
import { refusal } from "../support/refusal";

/** The same figures the naive way: every loan loaded, every number from src/domain. */
const domainFigures = (region: string, asOf: IsoDate, window: { from: IsoDate; to: IsoDate }) =>
  naiveFigures(testUrl(), region, asOf, window);

/**
 * The suspended townships and villages of a region as the application rule sees them: suspensionsOf for every
 * village (its township's suspension and its own) under the village's policy, as an application there is decided.
 */
async function ruleSuspensions(region: string, asOf: IsoDate): Promise<Map<string, RegionSuspension>> {
  const policies = await loadPolicies(db, "WOMEN");
  const villages = await db.region.findMany({
    where: { level: "VILLAGE", code: codePrefix(scopePrefix(region)) },
    select: { code: true },
  });
  const out = new Map<string, RegionSuspension>();
  for (const { code } of villages) {
    const policy = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: code, date: asOf })!;
    for (const s of await suspensionsOf(db, code, policy, asOf))
      if (s.regionCode.startsWith(scopePrefix(region))) out.set(s.regionCode, s);
  }
  return out;
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
    expect(sql.rates).toEqual({
      maturityRepayment: dom.maturityRepayment,
      onTime: dom.onTime,
      overdue: dom.overdue,
      par30: dom.par30,
      par90: dom.par90,
      npl: dom.npl,
    });
    expect(sql.rates.par90! <= sql.rates.par30! && sql.rates.par30! <= sql.rates.overdue!).toBe(true);
  });

  it.each(["620123101", "431124102"])(
    "monthly rolling 到期还款率 and 按时还款率 of %s equal src/domain month by month",
    async (region) => {
      const monthly = await monthlyRates(region, "2026-11-20", 12);
      const rolling = rollingRates(monthly, region);
      expect(monthly.ends).toHaveLength(12);
      for (const [i, end] of monthly.ends.entries()) {
        const dom = await domainFigures(region, end, { from: addDays(addMonths(end, -12), 1), to: end });
        expect(rolling[i], `rolling rate at ${end}`).toBe(dom.maturityRepayment);
        const month = await domainFigures(region, end, { from: `${end.slice(0, 7)}-01`, to: end });
        expect(
          monthly.dueFen[i]! === 0 ? null : monthly.paidOnTimeFen[i]! / monthly.dueFen[i]!,
          `on-time rate in ${end.slice(0, 7)}`,
        ).toBe(month.onTime);
      }
    },
    120_000,
  );

  it("every loan's running total equals its journal (the figures read Loan.principalRepaid)", async () => {
    const [row] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS n FROM "Loan" l
      WHERE l."principalRepaid" <> COALESCE((SELECT SUM(e.principal) FROM "RepaymentEntry" e WHERE e."loanId" = l.id), 0)
         OR l."interestRepaid" <> COALESCE((SELECT SUM(e.interest) FROM "RepaymentEntry" e WHERE e."loanId" = l.id), 0)`;
    expect(Number(row!.n)).toBe(0);
  });

  it("the loans behind PAR30 and PAR90 add up to the figures; only roles that may see loans get them", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const f = await portfolioFigures("620100", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" });
    for (const [figure, fen] of [
      ["overdue", f.overdueFen],
      ["par30", f.par30Fen],
      ["par90", f.par90Fen],
    ] as const) {
      const list = await figureLoans(official, { region: "620100", asOf: "2026-11-20", figure }, 10_000);
      expect(list.outstandingFen, figure).toBe(fen);
      expect(list.loans.reduce((s, l) => s + l.outstandingFen, 0)).toBe(fen);
      expect(list.loans.every((l) => l.daysPastDue >= { overdue: 1, par30: 31, par90: 91 }[figure])).toBe(
        true,
      );
    }
    expect(f.par30Fen).toBeGreaterThan(0);
    const admin = await makeUser("ADMIN", "000000");
    expect(
      (await refusal(figureLoans(admin, { region: "620100", asOf: "2026-11-20", figure: "par30" }))).kind,
    ).toBe("FORBIDDEN");
    const county = await makeUser("CITY_OFFICIAL", "620123");
    expect(
      (await refusal(figureLoans(county, { region: "620121", asOf: "2026-11-20", figure: "par30" }))).kind,
    ).toBe("NOT_FOUND");
  });

  it("the loans behind 到期还款率 add up to the figure; a loan maturing after the as-of date has not matured; the export is audited", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const asOf = "2026-11-20";
    const window = { from: "2026-01-01", to: "2026-12-31" };
    const f = await portfolioFigures("620100", asOf, window);
    const q = { region: "620100", asOf, figure: "matured" as const, ...window };
    const list = await figureLoans(official, q, 10_000);
    expect(f.maturedFen).toBeGreaterThan(0);
    expect(list.window).toEqual({ from: "2026-01-01", to: asOf });
    expect(list.maturedFen).toBe(f.maturedFen);
    expect(list.recoveredFen).toBe(f.recoveredFen);
    expect(list.loans.length).toBe(list.total);
    expect(list.loans.reduce((s, l) => s + l.principalFen, 0)).toBe(f.maturedFen);
    expect(list.loans.reduce((s, l) => s + l.recoveredFen + l.unpaidFen, 0)).toBe(f.maturedFen);
    expect(list.loans.every((l) => l.maturityDate! >= window.from && l.maturityDate! <= asOf)).toBe(true);
    // Loans of the city that mature between the as-of date and the window's end are in neither.
    const [later] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS n FROM "Loan" WHERE "countyCode" LIKE '6201%' AND status = 'REPAYING'
        AND "maturityDate" > ${new Date(`${asOf}T00:00:00Z`)} AND "maturityDate" <= '2026-12-31'`;
    expect(Number(later!.n)).toBeGreaterThan(0);

    // The export: every loan, for roles that may export, audited with the loans it carried.
    const auditor = await makeUser("AUDITOR", "620100");
    const all = await figureLoansExport(auditor, q);
    expect(all.loans.map((l) => l.id)).toEqual(list.loans.map((l) => l.id));
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "dashboard.loans.export", userId: auditor.id },
      orderBy: { id: "desc" },
    });
    expect((event.after as { loans: number[] }).loans).toEqual(all.loans.map((l) => l.id));
    expect((await refusal(figureLoansExport(official, q))).kind).toBe("FORBIDDEN");
    const other = await makeUser("AUDITOR", "620123");
    expect((await refusal(figureLoansExport(other, q))).kind).toBe("NOT_FOUND");
  });

  it("the city dashboard: children sum to the city, reward alerts follow src/domain, suspension alerts the application rule", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const window = { from: "2026-01-01", to: "2026-12-31" };
    const v = await dashboard(official, "620100", "2026-11-20", window);
    expect(v.children.map((c) => c.code)).toEqual(["620121", "620122", "620123"]);
    expect(v.children.reduce((s, c) => s + c.figures.outstandingFen, 0)).toBe(v.figures.outstandingFen);
    expect(v.buckets.reduce((s, b) => s + b.outstandingFen, 0)).toBe(v.figures.outstandingFen);
    expect(v.flows).toHaveLength(12);
    expect(v.rates).toHaveLength(12);
    // Reward: each county at or above 98% gets 2% of its lending in the period, split 3:2:4:1.
    for (const c of v.children) {
      const reward = rewardAllocation({
        lendingFen: c.figures.disbursedFen,
        recoveryRate: c.figures.rates.maturityRepayment,
        threshold: 0.98,
        rateBp: 200,
        shares: [3, 2, 4, 1],
      });
      const alert = v.alerts.find((a) => a.kind === "REWARD" && a.message.startsWith(c.name));
      expect(Boolean(alert), c.name).toBe(Boolean(reward && reward.totalFen > 0));
    }
    // Suspension: exactly the townships/villages the application rule (suspensionsOf) says are suspended —
    // their policy's window (年内 by default), approved rectifications, completed month-ends only.
    const expected = await ruleSuspensions("620100", "2026-11-20");
    const suspended = [...expected.keys()].sort();
    // All are counted per county; the first DASHBOARD_LIMITS.alertsListed (in code order) are written out.
    expect(suspended.length).toBeGreaterThan(DASHBOARD_LIMITS.alertsListed);
    expect(v.suspensions.total).toBe(suspended.length);
    expect(Object.fromEntries(v.suspensions.byCounty.map((c) => [c.code, c.count]))).toEqual(
      Object.fromEntries(
        [...new Set(suspended.map((c) => c.slice(0, 6)))].map((k) => [
          k,
          suspended.filter((c) => c.startsWith(k)).length,
        ]),
      ),
    );
    const listed = v.alerts.filter((a) => a.kind === "SUSPENSION");
    expect(listed.map((a) => a.href.split("region=")[1])).toEqual(
      suspended.slice(0, DASHBOARD_LIMITS.alertsListed),
    );
    // Each says what the refusal says, with the window and the threshold named.
    const names = new Map((await db.region.findMany()).map((r) => [r.code, r.name]));
    for (const a of listed) {
      const code = a.href.split("region=")[1]!;
      const s = expected.get(code)!;
      const region = `${names.get(code.slice(0, 6))} ${s.regionName}（${code.length === 9 ? "乡镇" : "村"}）`;
      expect(a.message).toBe(
        suspensionSentence(region, s.since, s.cause, { rateWindow: "YEAR_TO_DATE", thresholdBp: 9_800 }),
      );
      expect(a.message).toContain(
        `${region}自 ${s.since.slice(0, 7)} 起暂停新增贷款：年内到期贷款收回率连续 3 个月末低于 98.00%（`,
      );
      expect(a.message).toMatch(/）；整改经审核通过且月末收回率达标后恢复$/);
    }
    // The home page's lines list every one of them, region by region.
    const lines = await regionLines(official, "620100", "2026-11-20");
    expect(lines.suspended.map((a) => a.href.split("region=")[1])).toEqual(suspended);
    expect(v.alerts.some((a) => a.kind === "FUND_OVER_CAP")).toBe(true);
  });

  it("refuses a future as-of date; a month not yet over has no 按时还款率; below a county the county's panels say so", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const window = { from: "2026-01-01", to: "2026-12-31" };
    const tomorrow = addDays(todayShanghai(), 1);
    for (const call of [
      dashboardOverview(official, "620100", tomorrow, window),
      dashboardRates(official, "620100", tomorrow),
      figureLoans(official, { region: "620100", asOf: tomorrow, figure: "par30" }),
    ]) {
      const e = await refusal(call);
      expect(e.kind).toBe("INVALID");
      expect(e.message).toBe("统计截止日不能晚于今天");
    }
    // Mid-month: the last point is the month so far, without an on-time rate; a month-end has one.
    const mid = await dashboardRates(official, "620100", "2026-11-20");
    expect(mid.partialMonth).toBe("2026-11-20");
    expect(mid.rates.at(-1)).toMatchObject({ month: "2026-11", onTime: null });
    expect(mid.rates.at(-2)!.onTime).not.toBeNull();
    const end = await dashboardRates(official, "620100", "2026-10-31");
    expect(end.partialMonth).toBeNull();
    expect(end.rates.at(-1)!.onTime).not.toBeNull();
    // A township of 榆中县: figures of the township, subsidy/fund/claims of the county — named as the county's.
    const township = await dashboardOverview(official, "620123101", "2026-11-20", window);
    expect(township.countyWide).toEqual({ code: "620123", name: "榆中县" });
    expect((await dashboardOverview(official, "620123", "2026-11-20", window)).countyWide).toBeNull();
    const waiting = await db.subsidyClaim.count({ where: { countyCode: "620123", status: "SUBMITTED" } });
    const claims = township.alerts.filter((x) => x.kind === "CLAIMS_WAITING");
    expect(claims.map((a) => a.message)).toEqual(
      waiting > 0 ? [`榆中县（全县）：${waiting} 份贴息申请等待审核`] : [],
    );
  });

  it("a county official gets her county, not another one", async () => {
    const official = await makeUser("CITY_OFFICIAL", "620123");
    expect(
      (await regionFigures(official, "620123101", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }))
        .loans,
    ).toBeGreaterThan(0);
    expect(
      (
        await refusal(
          regionFigures(official, "431124", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }),
        )
      ).kind,
    ).toBe("NOT_FOUND");
    expect(
      (
        await refusal(
          regionFigures(official, "620100", "2026-11-20", { from: "2026-01-01", to: "2026-12-31" }),
        )
      ).kind,
    ).toBe("NOT_FOUND");
  });
});
