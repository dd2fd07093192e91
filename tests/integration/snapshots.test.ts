import { beforeAll, describe, expect, it } from "vitest";
import {
  formatRate,
  NATIONAL_CODE,
  RATE_WINDOWS,
  ratio,
  resolvePolicy,
  scopePrefix,
  yuanToFen,
  type IsoDate,
  type Role,
} from "@/domain";
import type { Actor } from "@/server/authz";
import { db } from "@/server/db";
import { figuresByChild, subsidyByCounty } from "@/server/read-models/figures";
import { fundPositions } from "@/server/services/fund";
import { monthlyRates } from "@/server/read-models/trends";
import { reverseRepayment } from "@/server/services/lifecycle";
import {
  buildMonthEnd,
  monthEndFigures,
  readCountySums,
  readVillageSums,
  runSnapshots,
  SNAPSHOT_FIELDS,
  SNAPSHOT_WINDOWS,
  snapshotFresh,
  type SnapshotWindow,
  snapshotWindow,
  monthlyRatesFromSnapshots,
  freshMonthEnds,
  SNAPSHOT_WINDOW_OF,
  suspensionSeries,
} from "@/server/services/snapshots";
import { historyEnds, regionSuspension, villageSeries, type VillageSeries } from "@/server/read-models/rules";
import { dashboardRates, regionLines } from "@/server/services/dashboard";
import { loadPolicies } from "@/server/services/policies";
import { Prisma } from "@/generated/prisma/client";
import { seedDemo } from "../../prisma/demo/seed";
import { seedDemoReports } from "../../prisma/demo/reports";
import { computeReportTable, getMonthlyReport } from "@/server/services/monthly-report";
import { resetDatabase } from "../support/db";

async function actorOf(username: string): Promise<Actor> {
  const u = await db.user.findUniqueOrThrow({ where: { username }, include: { region: true } });
  return {
    id: u.id,
    username,
    displayName: u.displayName,
    role: u.role as Role,
    regionCode: u.regionCode,
    regionName: u.region.name,
    ip: null,
  };
}

/** The stored YEAR or ROLLING sums of every village at the month-ends, in rules.villageSeries' shape. */
async function storedSeries(ends: readonly IsoDate[], window: SnapshotWindow): Promise<VillageSeries> {
  const rows = await db.$queryRaw<{ v: string; e: Date; matured: string; recovered: string }[]>`
    SELECT "villageCode" AS v, "monthEnd" AS e, matured::text, recovered::text FROM "MonthEndFigures"
    WHERE "window" = ${window} AND matured <> 0
      AND "monthEnd" IN (${Prisma.join(ends.map((e) => Prisma.sql`${new Date(`${e}T00:00:00Z`)}::date`))})`;
  const out: VillageSeries = new Map();
  for (const r of rows) {
    const i = ends.indexOf(r.e.toISOString().slice(0, 10));
    let x = out.get(r.v);
    if (!x) out.set(r.v, (x = { maturedFen: ends.map(() => 0), recoveredFen: ends.map(() => 0) }));
    x.maturedFen[i] = yuanToFen(r.matured);
    x.recoveredFen[i] = yuanToFen(r.recovered);
  }
  return out;
}

const YI = 10_000_000_000; // 1亿元 in fen
const ENDS = ["2015-06-30", "2015-12-31", "2019-02-28", "2023-12-31", "2026-10-31"];
const TODAY = "2026-12-01";

describe("month-end snapshots on the demo data (issue 22)", () => {
  beforeAll(async () => {
    await resetDatabase();
    await db.$transaction((tx) => seedDemo(tx), { timeout: 600_000, maxWait: 30_000 });
    await db.$executeRawUnsafe("ANALYZE");
    // The demo load itself marks its past months as changed; the first build covers them.
    await db.snapshotStale.deleteMany();
    for (const e of ENDS) await buildMonthEnd(NATIONAL_CODE, e);
  }, 600_000);

  it("stores, for every village, window and figure, exactly what the dashboard's SQL computes", async () => {
    let compared = 0;
    for (const e of ENDS) {
      for (const w of SNAPSHOT_WINDOWS) {
        const live = await figuresByChild(NATIONAL_CODE, e, snapshotWindow(e, w), 12);
        const stored = await readVillageSums(NATIONAL_CODE, e, w, 12);
        expect([...stored.keys()].sort()).toEqual([...live.keys()].sort());
        for (const [village, s] of live) {
          const t = stored.get(village)!;
          for (const k of SNAPSHOT_FIELDS) expect([village, e, w, k, t[k]]).toEqual([village, e, w, k, s[k]]);
          compared++;
        }
        // County level: fund balance as of the month-end, subsidy claimed and paid in the window.
        const [funds, subsidy, counties] = await Promise.all([
          fundPositions("", e),
          subsidyByCounty("", snapshotWindow(e, w)),
          readCountySums(NATIONAL_CODE, e, w, 6),
        ]);
        for (const f of funds)
          expect([f.countyCode, counties.get(f.countyCode)?.fundBalanceFen]).toEqual([
            f.countyCode,
            funds.filter((x) => x.countyCode === f.countyCode).reduce((a, x) => a + x.balanceFen, 0),
          ]);
        for (const [county, s] of subsidy) {
          expect(counties.get(county)?.subsidyClaimedFen).toBe(s.subsidyClaimedFen);
          expect(counties.get(county)?.subsidyPaidFen).toBe(s.subsidyPaidFen);
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("holds the suspension rule's sums: YEAR and ROLLING equal rules.villageSeries (年内, 近12个月) village by village", async () => {
    let compared = 0;
    for (const window of RATE_WINDOWS) {
      const live = await villageSeries(db, "", ENDS, window);
      const stored = await storedSeries(ENDS, SNAPSHOT_WINDOW_OF[window]);
      expect([...stored.keys()].sort()).toEqual([...live.keys()].sort());
      for (const [v, s] of live) {
        expect([window, v, stored.get(v)]).toEqual([window, v, s]);
        compared += s.maturedFen.filter((x) => x > 0).length;
      }
      // Read back for a region: every month-end from the snapshots, the same series.
      for (const region of [NATIONAL_CODE, "620100", "620123", "511921101"])
        expect(await suspensionSeries(region, ENDS, window, TODAY)).toEqual(
          await villageSeries(db, scopePrefix(region), ENDS, window),
        );
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("reads a region's children from the snapshots and gets the live figures (city, county, province)", async () => {
    for (const [region, n] of [
      ["620100", 6],
      ["620123", 9],
      ["620000", 4],
      ["511921", 9],
    ] as const) {
      for (const e of ENDS) {
        const snap = await monthEndFigures(region, e, SNAPSHOT_WINDOWS, n, TODAY);
        expect(snap.fromSnapshot).toBe(true);
        // "today" = the month-end itself: the month is not closed, so computed live.
        const live = await monthEndFigures(region, e, SNAPSHOT_WINDOWS, n, e);
        expect(live.fromSnapshot).toBe(false);
        for (const w of SNAPSHOT_WINDOWS) {
          const a = snap.villages.get(w)!;
          const b = live.villages.get(w)!;
          expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
          for (const [code, s] of b)
            for (const k of SNAPSHOT_FIELDS)
              expect([region, e, w, code, k, a.get(code)![k]]).toEqual([region, e, w, code, k, s[k]]);
          const ca = snap.counties.get(w)!;
          const cb = live.counties.get(w)!;
          for (const [code, c] of cb) expect([code, ca.get(code) ?? null]).toEqual([code, c]);
        }
      }
    }
  });

  it("gives Lanzhou's 2015: due 5.66亿, recovered 5.62亿, 到期还款率 99.29%", async () => {
    const f = await monthEndFigures("620100", "2015-12-31", ["YEAR"], 6, TODAY);
    expect(f.fromSnapshot).toBe(true);
    let matured = 0;
    let recovered = 0;
    for (const s of f.villages.get("YEAR")!.values()) {
      matured += s.maturedFen;
      recovered += s.recoveredFen;
    }
    expect(matured).toBe(5.66 * YI);
    expect(recovered).toBe(5.62 * YI);
    expect(formatRate(ratio(recovered, matured))).toBe("99.29%");
  });

  it("marks a month-end stale when a past month's journal changes, recomputes it and records the change", async () => {
    const [entry] = await db.$queryRaw<{ id: number; principal: string }[]>`
      SELECT e.id, e.principal::text FROM "RepaymentEntry" e
      WHERE e."countyCode" = '620123' AND e.kind = 'REPAYMENT' AND e.principal > 0
        AND e."valueDate" BETWEEN '2023-03-01' AND '2023-06-30'
        AND NOT EXISTS (SELECT 1 FROM "RepaymentEntry" r WHERE r."reversesId" = e.id)
      ORDER BY e.id LIMIT 1`;
    const staff = await actorOf("yz_staff");
    expect(await snapshotFresh("620123", "2023-12-31")).toBe(true);
    await reverseRepayment(staff, {
      entryId: entry!.id,
      reason: "银行流水重复，冲正",
      idempotencyKey: "snap-test-1",
    });
    // Written by the posting's own transaction: the month-end is no longer current, readers compute live.
    const marks = await db.snapshotStale.findMany({ where: { countyCode: "620123" } });
    expect(marks.map((m) => m.source)).toContain("RepaymentEntry");
    expect(await snapshotFresh("620123", "2023-12-31")).toBe(false);
    expect(await snapshotFresh("620123", "2019-02-28")).toBe(true); // before the change: untouched
    expect((await monthEndFigures("620123", "2023-12-31", ["YEAR"], 9, TODAY)).fromSnapshot).toBe(false);
    // The suspension rule's series: the stale month-ends live, the others stored — the live series throughout.
    for (const window of RATE_WINDOWS)
      expect(await suspensionSeries("620123", ENDS, window, TODAY)).toEqual(
        await villageSeries(db, "620123", ENDS, window),
      );

    const res = await runSnapshots({ today: TODAY, staleOnly: true });
    expect(res.recomputed).toBe(2); // 2023-12-31 and 2026-10-31 (the built month-ends on or after it)
    expect(await snapshotFresh("620123", "2023-12-31")).toBe(true);
    for (const window of RATE_WINDOWS)
      expect(await suspensionSeries("620123", ENDS, window, TODAY)).toEqual(
        await villageSeries(db, "620123", ENDS, window),
      );
    const live = await figuresByChild("620123", "2023-12-31", snapshotWindow("2023-12-31", "CUMULATIVE"), 12);
    const stored = await readVillageSums("620123", "2023-12-31", "CUMULATIVE", 12);
    for (const [v, s] of live)
      for (const k of SNAPSHOT_FIELDS) expect([v, k, stored.get(v)![k]]).toEqual([v, k, s[k]]);
    const events = await db.auditEvent.findMany({
      where: { action: "snapshot.recompute", countyCode: "620123" },
    });
    expect(events.map((e) => e.entityId).sort()).toEqual(["620123:2023-12-31", "620123:2026-10-31"]);
    const before = events.find((e) => e.entityId === "620123:2023-12-31")!.before as Record<
      string,
      Record<string, number>
    >;
    const after = events.find((e) => e.entityId === "620123:2023-12-31")!.after as Record<
      string,
      Record<string, number>
    >;
    // The reversed principal is no longer repaid: outstanding up by it.
    const fen = yuanToFen(entry!.principal);
    expect(after.CUMULATIVE!.outstandingFen! - before.CUMULATIVE!.outstandingFen!).toBe(fen);
  });

  it("the demo data's Lanzhou report for December 2015 gives the year: due 5.66亿, recovered 5.62亿, 99.29%", async () => {
    const t0 = Date.now();
    const report = await computeReportTable("620100", "2015-12-31", TODAY);
    expect(report.fromSnapshot).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(report.rows.map((r) => r.name)).toEqual(["永登县", "皋兰县", "榆中县"]);
    expect(report.total.dueYearFen).toBe(5.66 * YI);
    expect(report.total.recoveredYearFen).toBe(5.62 * YI);
    expect(formatRate(ratio(report.total.recoveredYearFen, report.total.dueYearFen))).toBe("99.29%");
    expect(report.total.disbursedCumFen).toBe(5.66 * YI); // the 2014 cohort, 7,075 loans of 8万
    expect(report.total.disbursedCumCount).toBe(7075);
    expect(report.total.womenCum).toBe(7075);
  });

  it("has demo reports: submitted and acknowledged months, a late county, and a 差异 after a reversal", async () => {
    expect(await seedDemoReports()).toBe(8);
    const official = await actorOf("lz_official");
    const oct = await getMonthlyReport(official, { region: "620100", month: "2026-10" }, TODAY);
    expect(oct.children.map((c) => [c.code, c.status, c.state])).toEqual([
      ["620121", null, "OVERDUE"],
      ["620122", null, "OVERDUE"],
      ["620123", "ACKNOWLEDGED", "ON_TIME"],
    ]);
    const staff = await actorOf("yz_staff");
    const sep = await getMonthlyReport(staff, { region: "620123", month: "2026-09" }, TODAY);
    expect(sep.report?.status).toBe("ACKNOWLEDGED");
    expect(sep.differences.some((d) => d.code === "total" && d.key === "outstandingFen" && d.delta > 0)).toBe(
      true,
    );
    const octYz = await getMonthlyReport(staff, { region: "620123", month: "2026-10" }, TODAY);
    expect(octYz.previous?.differences.length).toBeGreaterThan(0);
    const tj = await getMonthlyReport(
      await actorOf("bz_official"),
      { region: "511900", month: "2026-10" },
      TODAY,
    );
    expect(tj.children.find((c) => c.code === "511921")?.state).toBe("LATE");
    const province = await getMonthlyReport(
      await actorOf("gs_official"),
      { region: "620000", month: "2026-08" },
      TODAY,
    );
    expect(province.children.find((c) => c.code === "620100")?.status).toBe("ACKNOWLEDGED");
  });

  it("serves the dashboard's monthly rates from the snapshots for past month-ends, equal to the live series", async () => {
    const ends = ["2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"];
    for (const e of [...ends, "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30"])
      await buildMonthEnd("620123", e);
    const live = await monthlyRates("620123", "2026-11-20", 12);
    const fromSnapshots = await monthlyRatesFromSnapshots("620123", "2026-11-20", 12, TODAY);
    expect(fromSnapshots).toEqual(live);
    // A region not built for all those month-ends (the city: its other counties) falls back to the live series.
    expect(await monthlyRatesFromSnapshots("620100", "2026-11-20", 12, TODAY)).toEqual(
      await monthlyRates("620100", "2026-11-20", 12),
    );
  });

  it("lists 榆中县's suspensions from the snapshots exactly as the application rule decides them, region by region", async () => {
    const asOf = "2026-11-20";
    const ends = historyEnds(asOf);
    for (const e of ends) if (!(await snapshotFresh("620123", e))) await buildMonthEnd("620123", e);
    expect((await freshMonthEnds("620123", ends)).size).toBe(ends.length);
    const official = await actorOf("lz_official");
    const rates = await dashboardRates(official, "620123", asOf);
    const policies = await loadPolicies(db, "WOMEN");
    const regions = await db.region.findMany({
      where: { code: { gte: "620123", lt: "620124" }, level: { in: ["TOWNSHIP", "VILLAGE"] } },
      select: { code: true },
      orderBy: { code: "asc" },
    });
    const suspended: { code: string; since: string }[] = [];
    for (const r of regions) {
      const policy = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: r.code, date: asOf })!;
      const s = await regionSuspension(db, r.code, policy, asOf);
      if (s.current) suspended.push({ code: r.code, since: s.current.start });
    }
    expect(suspended.length).toBeGreaterThan(0);
    const lines = await regionLines(official, "620123", asOf);
    expect(lines.suspended.map((a) => a.href.split("region=")[1])).toEqual(suspended.map((s) => s.code));
    for (const [i, a] of lines.suspended.entries())
      expect(a.message).toContain(`自 ${suspended[i]!.since.slice(0, 7)} 起暂停新增贷款：年内到期贷款收回率`);
    expect(rates.suspensions.total).toBe(suspended.length);
    expect(rates.alerts).toEqual(lines.suspended.slice(0, rates.alerts.length));
  });
});
