import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { refusal } from "../support/refusal";
import { writeXlsx, type XlsxCell } from "@/server/spreadsheet/write-xlsx";
import { dailyBulletin, importTargets, setTarget, targetProgress } from "@/server/services/targets";
import { decideReward, listRewards, payReward, prepareReward } from "@/server/services/rewards";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

async function xlsx(rows: XlsxCell[][]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of writeXlsx({
    sheetName: "任务数",
    columns: [
      { header: "地区代码", width: 14 },
      { header: "年份", width: 8 },
      { header: "任务数（元）", width: 14 },
    ],
    batches: (async function* () {
      yield rows;
    })(),
  }))
    parts.push(b);
  return Buffer.concat(parts);
}

async function world() {
  await seedRegions();
  await db.region.create({
    data: { code: "620123102", name: "金崖镇", level: "TOWNSHIP", parentCode: "620123" },
  });
  await db.region.create({
    data: { code: "620123102201", name: "金崖村", level: "VILLAGE", parentCode: "620123102" },
  });
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  return { ctx, staff, approver };
}

describe("lending targets, assessment points and 今日通报 (DOMAIN §11)", () => {
  beforeEach(resetDatabase);

  it("targets set on the screen rank the townships by completion with points, the fund required and the change since yesterday", async () => {
    const w = await world();
    await setTarget(w.staff, { regionCode: "620123101", year: 2026, target: "100000" });
    await setTarget(w.staff, { regionCode: "620123102", year: 2026, target: "200000" });
    const a = await makeBorrower("620123101201", w.staff.id, "甲");
    const b = await makeBorrower("620123102201", w.staff.id, "乙");
    await makeLoan({
      borrower: a,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 6_000_000,
      disbursedDate: "2026-02-01",
    });
    await makeLoan({
      borrower: a,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 6_000_000,
      disbursedDate: "2026-03-10",
    });
    await makeLoan({
      borrower: b,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 10_000_000,
      disbursedDate: "2026-03-01",
    });
    const p = await targetProgress(w.staff, "620123", 2026, "2026-03-10");
    expect(
      p.rows.map((r) => [r.regionName, r.rank, r.completionBp, r.points, r.awardsBarred, r.changeBp]),
    ).toEqual([
      ["城关镇", 1, 12_000, 12, false, 6_000],
      ["金崖镇", 2, 5_000, 0, true, 0],
    ]);
    expect(p.rows[0]!.requiredFundFen).toBe(1_000_000); // 10% of 10万
    expect(p.total).toMatchObject({ targetFen: 30_000_000, lentFen: 22_000_000, completionBp: 7_333 });
    const text = await dailyBulletin(w.staff, "620123", 2026, "2026-03-10");
    expect(text.split("\n")).toEqual([
      "【今日通报】2026-03-10 榆中县2026年妇女创业担保贷款放款进度",
      "全县任务 30.00 万元，已放款 22.00 万元，完成 73.3%。",
      "1. 城关镇：任务 10.00 万元，已放 12.00 万元，完成 120.0%（较昨日 +60.0%）",
      "2. 金崖镇：任务 20.00 万元，已放 10.00 万元，完成 50.0%",
      "未完成任务的单位：金崖镇，请加快进度。",
    ]);
    // The city's bulletin ranks its counties.
    const city = await makeUser("CITY_OFFICIAL", "620100");
    expect((await dailyBulletin(city, "620100", 2026, "2026-03-10")).split("\n")[2]).toMatch(/^1\. 榆中县/);
    // Another county sees nothing; an official cannot set targets.
    const dx = await makeUser("COUNTY_STAFF", "431124");
    expect((await refusal(targetProgress(dx, "620123", 2026))).kind).toBe("INVALID");
    expect((await refusal(setTarget(city, { regionCode: "620123101", year: 2026, target: "1" }))).kind).toBe(
      "FORBIDDEN",
    );
  });

  it("imports targets all or nothing: one bad row writes nothing and every error names its row and column", async () => {
    const w = await world();
    const bad = await importTargets(
      w.staff,
      await xlsx([
        ["620123101", { num: "2026" }, { num: "150000" }],
        ["431124101", { num: "2026" }, { num: "100000" }],
        ["620123102", { num: "2026" }, "abc"],
        ["620123101", { num: "2026" }, { num: "1" }],
      ]),
    );
    expect(bad.ok).toBe(false);
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "地区代码"],
      [4, "任务数（元）"],
      [5, "地区代码"],
    ]);
    expect(await db.lendingTarget.count()).toBe(0);
    const good = await importTargets(
      w.staff,
      await xlsx([
        ["620123101", { num: "2026" }, { num: "150000" }],
        ["620123102201", { num: "2026" }, { num: "50000.50" }],
      ]),
    );
    expect(good).toEqual({ ok: true, count: 2, errors: [] });
    expect(
      (await db.lendingTarget.findMany({ orderBy: { regionCode: "asc" } })).map((t) => t.target.toFixed(2)),
    ).toEqual(["150000.00", "50000.50"]);
  });
});

describe("reward allocation (DOMAIN §12)", () => {
  beforeEach(resetDatabase);

  it("prepared by staff from the policy, approved by another person, paid; the ledger books owed then paid", async () => {
    const w = await world();
    const a = await makeBorrower("620123101201", w.staff.id, "甲");
    const b = await makeBorrower("620123102201", w.staff.id, "乙");
    // 2025: 城关镇 lends 100万 and recovers all that fell due; 金崖镇 lends 50万 and recovers nothing due.
    const l1 = await makeLoan({
      borrower: a,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 100_000_000,
      disbursedDate: "2025-01-10",
      termMonths: 6,
    });
    await db.loan.update({ where: { id: l1.id }, data: { principalRepaid: "1000000.00" } });
    await makeLoan({
      borrower: b,
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 50_000_000,
      disbursedDate: "2025-02-10",
      termMonths: 6,
    });
    const { id, totalFen } = await prepareReward(w.staff, { year: 2025 }, "2026-01-15");
    // township 3/10 × 2% × 100万 = 6,000; village 2/10 × 2% × 100万 = 4,000; bank 4/10 × 2% × 100万 (qualified
    // township only) = 8,000; the county's rate 66.67% < 98%: no leading-group share.
    expect(totalFen).toBe(1_800_000);
    const view = (await listRewards(w.approver)).rows[0]!;
    expect(view.lines.map((l) => [l.kind, l.name, l.amountFen, l.rateBp])).toEqual([
      ["TOWNSHIP", "城关镇", 600_000, 10_000],
      ["TOWNSHIP", "金崖镇", 0, 0],
      ["VILLAGE", "王家村", 400_000, 10_000],
      ["VILLAGE", "金崖村", 0, 0],
      ["BANK", "中国农业银行", 800_000, null],
      ["LEADING_GROUP", "榆中县", 0, 6_667],
    ]);
    expect(
      (await refusal(prepareReward(w.staff, { year: 2025 }, "2026-01-15"))).fieldErrors?.year,
    ).toBeDefined();
    expect((await refusal(decideReward(w.staff, { id, decision: "APPROVE" }))).kind).toBe("FORBIDDEN");
    expect((await refusal(payReward(w.staff, { id, paidDate: "2026-01-20" }, "2026-01-20"))).kind).toBe(
      "CONFLICT",
    );
    await decideReward(w.approver, { id, decision: "APPROVE" }, "2026-01-16");
    await payReward(w.staff, { id, paidDate: "2026-01-20" }, "2026-01-20");
    const ledger = await db.rewardLedgerEntry.findMany({ orderBy: { id: "asc" } });
    expect(ledger.map((e) => [e.kind, e.amount.toFixed(2)])).toEqual([
      ["ALLOCATED", "6000.00"],
      ["ALLOCATED", "4000.00"],
      ["ALLOCATED", "8000.00"],
      ["PAID", "-6000.00"],
      ["PAID", "-4000.00"],
      ["PAID", "-8000.00"],
    ]);
    await expect(db.rewardLedgerEntry.delete({ where: { id: ledger[0]!.id } })).rejects.toThrow(
      /append-only/,
    );
    const dx = await makeUser("COUNTY_APPROVER", "431124");
    expect((await refusal(decideReward(dx, { id, decision: "REJECT", note: "x" }))).kind).toBe("NOT_FOUND");
    expect((await refusal(listRewards(dx, "620123"))).kind).toBe("INVALID");
  });
});
