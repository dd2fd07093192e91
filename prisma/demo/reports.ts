/**
 * Demo monthly reports (issue 22), made through the app's own services (so every step is in the audit trail,
 * as it would be): 榆中县, 通江县 and 道县 prepare, approve and submit some 2026 months, 兰州市 and 巴中市
 * acknowledge them, 兰州市 submits its own to 甘肃省, whose official acknowledges one. Then a late reversal in
 * a submitted month (榆中县, September), so the September report shows its 差异 and October's report shows
 * last month's. Imports src/server: run with the react-server condition (scripts/demo-reports.ts) or in tests.
 */
import type { Role } from "../../src/domain";
import type { Actor } from "../../src/server/authz";
import { db } from "../../src/server/db";
import { reverseRepayment } from "../../src/server/services/lifecycle";
import {
  acknowledgeMonthlyReport,
  prepareMonthlyReport,
  submitMonthlyReport,
} from "../../src/server/services/monthly-report";
import { runSnapshots } from "../../src/server/services/snapshots";

async function actor(username: string): Promise<Actor> {
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

/** Beijing time on a day of the month after `month`. */
const on = (month: string, day: number, hour: number) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return new Date(`${next}-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00+08:00`);
};

interface Step {
  region: string;
  month: string;
  preparer: string;
  approver: string;
  /** Day of the next month it was submitted (the deadline is the 5th). */
  day: number;
  acknowledger?: string;
}

const STEPS: Step[] = [
  {
    region: "620123",
    month: "2026-08",
    preparer: "yz_staff",
    approver: "yz_approver",
    day: 3,
    acknowledger: "lz_official",
  },
  {
    region: "620123",
    month: "2026-09",
    preparer: "yz_staff",
    approver: "yz_approver",
    day: 4,
    acknowledger: "lz_official",
  },
  {
    region: "620123",
    month: "2026-10",
    preparer: "yz_staff",
    approver: "yz_approver",
    day: 5,
    acknowledger: "lz_official",
  },
  {
    region: "511921",
    month: "2026-09",
    preparer: "tj_staff",
    approver: "tj_approver",
    day: 4,
    acknowledger: "bz_official",
  },
  { region: "511921", month: "2026-10", preparer: "tj_staff", approver: "tj_approver", day: 8 }, // late
  { region: "431124", month: "2026-10", preparer: "dx_staff", approver: "dx_approver", day: 5 },
  {
    region: "620100",
    month: "2026-08",
    preparer: "lz_official",
    approver: "lz_reviewer",
    day: 6,
    acknowledger: "gs_official",
  },
  { region: "620100", month: "2026-09", preparer: "lz_official", approver: "lz_reviewer", day: 7 },
];

export async function seedDemoReports(log: (m: string) => void = () => {}): Promise<number> {
  let n = 0;
  for (const s of STEPS) {
    const input = { region: s.region, month: s.month };
    await prepareMonthlyReport(await actor(s.preparer), input, on(s.month, s.day - 1 || 1, 10));
    await submitMonthlyReport(await actor(s.approver), input, on(s.month, s.day, 15));
    if (s.acknowledger)
      await acknowledgeMonthlyReport(await actor(s.acknowledger), input, on(s.month, s.day + 1, 9));
    n++;
  }
  // A correction after submission: a repayment of 榆中县 in September 2026 reversed.
  const [entry] = await db.$queryRaw<{ id: number }[]>`
    SELECT e.id FROM "RepaymentEntry" e
    WHERE e."countyCode" = '620123' AND e.kind = 'REPAYMENT' AND e.principal > 0
      AND e."valueDate" BETWEEN '2026-09-01' AND '2026-09-30'
      AND NOT EXISTS (SELECT 1 FROM "RepaymentEntry" r WHERE r."reversesId" = e.id)
    ORDER BY e.id LIMIT 1`;
  if (entry)
    await reverseRepayment(await actor("yz_staff"), {
      entryId: entry.id,
      reason: "银行退回：该笔还款系重复入账，冲正",
      idempotencyKey: `demo-report-reversal-${entry.id}`,
    });
  await runSnapshots({ log, staleOnly: true });
  log(`演示月报 demo monthly reports: ${n} submitted\n`);
  return n;
}
