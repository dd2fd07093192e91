import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import type { Actor } from "@/server/authz";
import { postRepayment, reverseRepayment } from "@/server/services/lifecycle";
import {
  acknowledgeMonthlyReport,
  getMonthlyReport,
  monthlyReportWorkbook,
  prepareMonthlyReport,
  submitMonthlyReport,
} from "@/server/services/monthly-report";
import { runSnapshots } from "@/server/services/snapshots";
import { readXlsx } from "@/server/spreadsheet/read-xlsx";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase, sql } from "../support/db";

const WAN = 1_000_000;
const at = (iso: string) => new Date(`${iso}T10:00:00+08:00`);

interface World {
  staff: Actor;
  approver: Actor;
  city: Actor;
  city2: Actor;
  province: Actor;
  daoStaff: Actor;
  entryId: number;
}

async function world(): Promise<World> {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const city = await makeUser("CITY_OFFICIAL", "620100");
  const city2 = await makeUser("CITY_OFFICIAL", "620100");
  const province = await makeUser("CITY_OFFICIAL", "620000");
  const daoStaff = await makeUser("COUNTY_STAFF", "431124");
  const loan = await makeLoan({
    borrower: await makeBorrower("620123101201", staff.id),
    ctx,
    makerId: staff.id,
    principalFen: 10 * WAN,
    disbursedDate: "2025-01-10",
  });
  const posted = await postRepayment(
    staff,
    {
      loanId: loan.id,
      valueDate: "2025-04-10",
      principal: "10000.00",
      interest: "0.00",
      idempotencyKey: "mr-post-1",
    },
    "2025-04-10",
  );
  await runSnapshots({ today: "2025-06-15" }); // month-ends January to May 2025
  return { staff, approver, city, city2, province, daoStaff, entryId: posted.entryId };
}

const april = { region: "620123", month: "2025-04" };

describe("the monthly report up the chain (issue 22)", () => {
  beforeEach(resetDatabase);

  it("is prepared by staff, approved and submitted by a second person, acknowledged by the city — every step audited", async () => {
    const w = await world();
    const view = await getMonthlyReport(w.staff, april, "2025-05-02");
    expect(view.fromSnapshot).toBe(true);
    expect(view.can).toEqual({ prepare: true, submit: false, acknowledge: false });
    expect(view.current.total.disbursedCumFen).toBe(10 * WAN);
    expect(view.current.total.outstandingFen).toBe(9 * WAN);
    expect(view.current.rows.map((r) => r.code)).toEqual(["620123101"]); // the townships of the county
    expect(view.deadline).toBe("2025-05-05");

    // Staff may not submit, the approver may not prepare.
    await expect(prepareMonthlyReport(w.approver, april, at("2025-05-02"))).rejects.toThrow(/填报人员/);
    await prepareMonthlyReport(w.staff, april, at("2025-05-02"));
    await expect(submitMonthlyReport(w.staff, april, at("2025-05-03"))).rejects.toThrow(/审核人员/);
    // The city cannot acknowledge what has not been submitted.
    await expect(acknowledgeMonthlyReport(w.city, april, at("2025-05-03"))).rejects.toMatchObject({
      fieldErrors: { month: ["该月月报尚未上报"] },
    });
    await submitMonthlyReport(w.approver, april, at("2025-05-03"));
    await expect(prepareMonthlyReport(w.staff, april, at("2025-05-04"))).rejects.toThrow(/已上报/);

    // The city sees who has submitted and who is late.
    const cityView = await getMonthlyReport(w.city, { region: "620100", month: "2025-04" }, "2025-05-07");
    expect(cityView.children.map((c) => [c.code, c.status, c.state, c.canAcknowledge])).toEqual([
      ["620121", null, "OVERDUE", false],
      ["620123", "SUBMITTED", "ON_TIME", true],
    ]);
    await expect(acknowledgeMonthlyReport(w.staff, april)).rejects.toThrow(/上一级/);
    await acknowledgeMonthlyReport(w.city, april, at("2025-05-07"));
    const after = await getMonthlyReport(w.staff, april, "2025-05-08");
    expect(after.report?.status).toBe("ACKNOWLEDGED");
    expect(after.submitted?.total).toEqual(view.current.total);

    const events = await db.auditEvent.findMany({
      where: { entity: "MonthlyReport" },
      orderBy: { id: "asc" },
      select: { action: true, outcome: true, userId: true },
    });
    expect(events.filter((e) => e.outcome === "OK").map((e) => [e.action, e.userId])).toEqual([
      ["monthlyReport.prepare", w.staff.id],
      ["monthlyReport.submit", w.approver.id],
      ["monthlyReport.acknowledge", w.city.id],
    ]);
    expect(events.filter((e) => e.outcome === "DENIED").length).toBe(3);
  });

  it("refuses self-approval: the city's own report needs a second official; the province acknowledges it", async () => {
    const w = await world();
    const city = { region: "620100", month: "2025-04" };
    await prepareMonthlyReport(w.city, city, at("2025-05-05"));
    await expect(submitMonthlyReport(w.city, city, at("2025-05-06"))).rejects.toThrow(/不能审核自己编制/);
    expect((await db.auditEvent.findFirst({ where: { message: "self-approval" } }))?.userId).toBe(w.city.id);
    await submitMonthlyReport(w.city2, city, at("2025-05-06"));
    const v = await getMonthlyReport(w.province, city, "2025-05-07");
    expect(v.can.acknowledge).toBe(true);
    expect(v.submitted?.rows.map((r) => r.code)).toEqual(["620121", "620123"]); // the city's counties
    // The county's approver cannot acknowledge the city's report (not the level above).
    await expect(acknowledgeMonthlyReport(w.approver, city)).rejects.toThrow();
    await acknowledgeMonthlyReport(w.province, city, at("2025-05-07"));
    const p = await getMonthlyReport(w.province, { region: "620000", month: "2025-04" }, "2025-05-08");
    expect(p.children.map((c) => [c.code, c.status])).toEqual([["620100", "ACKNOWLEDGED"]]);
  });

  it("never reveals a report outside the actor's region", async () => {
    const w = await world();
    await expect(getMonthlyReport(w.daoStaff, april, "2025-05-02")).rejects.toThrow(/不在您的管辖范围/);
    await expect(prepareMonthlyReport(w.daoStaff, april, at("2025-05-02"))).rejects.toThrow(
      /不在您的管辖范围/,
    );
    await expect(monthlyReportWorkbook(w.daoStaff, april, "2025-05-02")).rejects.toThrow(/不在您的管辖范围/);
    await expect(
      getMonthlyReport(w.staff, { region: "620100", month: "2025-04" }, "2025-05-02"),
    ).rejects.toThrow(/不在您的管辖范围/);
    expect(await db.monthlyReport.count()).toBe(0);
  });

  it("keeps a submitted month frozen after a reversal in it, and shows the 差异 on it and in the next month's report", async () => {
    const w = await world();
    await prepareMonthlyReport(w.staff, april, at("2025-05-02"));
    await submitMonthlyReport(w.approver, april, at("2025-05-03"));
    const frozen = (await getMonthlyReport(w.staff, april, "2025-06-02")).submitted!;

    // A reversal of the April repayment, posted in June: April's and May's month-ends go stale.
    await reverseRepayment(w.staff, {
      entryId: w.entryId,
      reason: "银行退回，冲正",
      idempotencyKey: "mr-rev-1",
    });
    expect(await db.snapshotStale.count({ where: { countyCode: "620123" } })).toBeGreaterThan(0);
    const res = await runSnapshots({ today: "2025-06-15", staleOnly: true });
    expect(res.changed).toBeGreaterThanOrEqual(2); // April and May recomputed and recorded

    const aprilView = await getMonthlyReport(w.staff, april, "2025-06-02");
    expect(aprilView.fromSnapshot).toBe(true);
    expect(aprilView.submitted).toEqual(frozen); // as submitted, unchanged
    expect(aprilView.current.total.outstandingFen).toBe(10 * WAN);
    expect(aprilView.differences).toContainEqual({
      code: "total",
      key: "outstandingFen",
      submitted: 9 * WAN,
      current: 10 * WAN,
      delta: WAN,
    });
    const may = await getMonthlyReport(w.staff, { region: "620123", month: "2025-05" }, "2025-06-02");
    expect(may.previous?.month).toBe("2025-04");
    expect(may.previous?.differences).toContainEqual({
      code: "620123101",
      key: "outstandingFen",
      submitted: 9 * WAN,
      current: 10 * WAN,
      delta: WAN,
    });
    // The database refuses to change the stored figures of a submitted report.
    await expect(
      sql(`update "MonthlyReport" set figures = '{}'::jsonb where "regionCode" = '620123'`),
    ).rejects.toThrow(/frozen/);
  });

  it("exports the report as .xlsx in the fixed layout with the signature lines, audited", async () => {
    const w = await world();
    await prepareMonthlyReport(w.staff, april, at("2025-05-02"));
    await submitMonthlyReport(w.approver, april, at("2025-05-03"));
    const book = await monthlyReportWorkbook(w.city, april, "2025-05-07");
    const parts: Buffer[] = [];
    for await (const c of book.chunks) parts.push(c);
    const rows: string[][] = [];
    await readXlsx(Buffer.concat(parts), () => ({ row: (r) => void rows.push(r.cells.map((c) => c.text)) }));
    expect(rows[0]![0]).toBe("榆中县妇女创业担保贷款统计月报");
    expect(rows[1]).toEqual([
      "填报单位：榆中县",
      "报告期：2025年4月",
      "单位：金额万元，笔数笔，人数人",
      "已上报",
    ]);
    expect(rows[3]!.slice(0, 2)).toEqual(["笔数", "金额"]); // (empty cells are not read back)
    const total = rows.find((r) => r[0] === "合计")!;
    expect(total[6]).toBe("10.00"); // cumulative disbursed, 万元 (exact decimal text)
    expect(rows.at(-1)!.filter(Boolean).slice(0, 2)).toEqual([
      `制表人：${w.staff.displayName}`,
      `审核人：${w.approver.displayName}`,
    ]);
    expect(await db.auditEvent.count({ where: { action: "monthlyReport.export", userId: w.city.id } })).toBe(
      1,
    );
  });
});
