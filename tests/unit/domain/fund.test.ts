import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  compensation,
  formatMultiple,
  formatWan,
  fundRecoveryDue,
  recoveryToFund,
  rewardAllocation,
  riskFundPosition,
} from "@/domain";

const WAN = 1_000_000; // 1万元 in fen

describe("risk fund position (DOMAIN.md §6)", () => {
  it("Daoxian: balance 1,500万, outstanding 15,825万 → leverage 10.55×, over a 10× cap by 825万", () => {
    const p = riskFundPosition({ balanceFen: 1500 * WAN, outstandingFen: 15_825 * WAN, leverageCap: 10 });
    expect(formatMultiple(p.leverage)).toBe("10.55×");
    expect(p.headroomFen).toBe(-825 * WAN);
    expect(formatWan(p.headroomFen)).toBe("-825.00 万元");
    expect(p.overCap).toBe(true);
    expect(p.coverage).toBeCloseTo(1500 / 15_825, 12);
  });
  it("within the cap has positive headroom; an empty fund has no leverage figure", () => {
    expect(riskFundPosition({ balanceFen: 100, outstandingFen: 500, leverageCap: 10 })).toMatchObject({
      headroomFen: 500,
      overCap: false,
      leverage: 5,
    });
    expect(riskFundPosition({ balanceFen: 0, outstandingFen: 500, leverageCap: 10 })).toMatchObject({
      leverage: null,
      overCap: true,
    });
    expect(riskFundPosition({ balanceFen: 100, outstandingFen: 0, leverageCap: 5 })).toMatchObject({
      coverage: null,
      leverage: 0,
    });
  });
});

describe("compensation (DOMAIN.md §7)", () => {
  it("pays the fund's 80% of the unpaid principal once 90 days past due", () => {
    expect(
      compensation({
        unpaidPrincipalFen: 5 * WAN,
        daysPastDue: 90,
        minDaysPastDue: 90,
        fundShareBp: 8000,
        fundBalanceFen: 1000 * WAN,
      }),
    ).toEqual({
      eligible: true,
      amountFen: 4 * WAN,
      bankShareFen: 1 * WAN,
      cappedBy: null,
    });
  });
  it("refuses before 90 days, and when the annual cap is used up", () => {
    expect(
      compensation({
        unpaidPrincipalFen: 100,
        daysPastDue: 89,
        minDaysPastDue: 90,
        fundShareBp: 8000,
        fundBalanceFen: 1000,
      }),
    ).toEqual({ eligible: false, reason: "NOT_PAST_DUE_ENOUGH" });
    expect(
      compensation({
        unpaidPrincipalFen: 100,
        daysPastDue: 120,
        minDaysPastDue: 90,
        fundShareBp: 8000,
        fundBalanceFen: 1000,
        annualCapBp: 2000,
        paidThisYearFen: 200,
      }),
    ).toEqual({ eligible: false, reason: "ANNUAL_CAP_REACHED" });
  });
  it("limits the payout to the annual cap (20% of balance less paid this year)", () => {
    const r = compensation({
      unpaidPrincipalFen: 10 * WAN,
      daysPastDue: 120,
      minDaysPastDue: 90,
      fundShareBp: 8000,
      fundBalanceFen: 30 * WAN,
      annualCapBp: 2000,
      paidThisYearFen: 0,
    });
    expect(r).toMatchObject({ eligible: true, amountFen: 6 * WAN, cappedBy: "ANNUAL_CAP" });
  });
  it("recoveries flow back in the same proportion", () => {
    expect(
      recoveryToFund({ recoveredFen: 10_000, compensatedFen: 40_000, unpaidPrincipalFen: 50_000 }),
    ).toEqual({ fundFen: 8_000, bankFen: 2_000 });
  });
  it("the fund is owed its share of everything recovered since the claim: 1,000.00 of 100,000.00 at 80% → 800.00", () => {
    const claim = { compensatedFen: 8_000_000, unpaidAtClaimFen: 10_000_000 };
    expect(fundRecoveryDue({ ...claim, unpaidNowFen: 10_000_000 })).toBe(0);
    expect(fundRecoveryDue({ ...claim, unpaidNowFen: 9_900_000 })).toBe(80_000);
    expect(fundRecoveryDue({ ...claim, unpaidNowFen: 0 })).toBe(8_000_000);
    // A reversal of a payment made before the claim raises the unpaid principal: nothing is owed, not less.
    expect(fundRecoveryDue({ ...claim, unpaidNowFen: 10_500_000 })).toBe(0);
  });
  it("whatever the postings, the fund never gets back more than it paid, and owes nothing back for more recovery", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e10 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 1e10 }), { minLength: 1, maxLength: 20 }),
        (unpaidAtClaimFen, shareBp, unpaidSeries) => {
          const compensatedFen = Math.round((unpaidAtClaimFen * shareBp) / 10_000);
          const due = unpaidSeries
            .map((u) => Math.min(u, unpaidAtClaimFen))
            .sort((a, b) => b - a)
            .map((unpaidNowFen) => fundRecoveryDue({ compensatedFen, unpaidAtClaimFen, unpaidNowFen }));
          due.forEach((d, k) => {
            expect(d).toBeGreaterThanOrEqual(k === 0 ? 0 : due[k - 1]!);
            expect(d).toBeLessThanOrEqual(compensatedFen);
          });
        },
      ),
    );
  });
});

describe("reward fund (DOMAIN.md §8)", () => {
  it("1亿 at 98.5% → 200万 split 3:2:4:1 = 60/40/80/20万", () => {
    expect(
      rewardAllocation({
        lendingFen: 10_000 * 10_000 * 100,
        recoveryRate: 0.985,
        threshold: 0.98,
        rateBp: 200,
        shares: [3, 2, 4, 1],
      }),
    ).toEqual({
      totalFen: 200 * WAN,
      partsFen: [60 * WAN, 40 * WAN, 80 * WAN, 20 * WAN],
    });
  });
  it("at 97.9% → nothing; with no data → nothing", () => {
    expect(
      rewardAllocation({
        lendingFen: 1e10,
        recoveryRate: 0.979,
        threshold: 0.98,
        rateBp: 200,
        shares: [3, 2, 4, 1],
      }),
    ).toBeNull();
    expect(
      rewardAllocation({
        lendingFen: 1e10,
        recoveryRate: null,
        threshold: 0.98,
        rateBp: 200,
        shares: [3, 2, 4, 1],
      }),
    ).toBeNull();
  });
  it("property: the parts add up to the total", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), (lendingFen) => {
        const r = rewardAllocation({
          lendingFen,
          recoveryRate: 0.99,
          threshold: 0.98,
          rateBp: 200,
          shares: [3, 2, 4, 1],
        })!;
        expect(r.partsFen.reduce((a, b) => a + b, 0)).toBe(r.totalFen);
      }),
    );
  });
});
