import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { collectionState, comingDue, liftPlan, type CaseEvent, type RateLoan } from "@/domain";

const line = (dueDate: string, p: number, i: number, pp = 0, ip = 0) => ({
  dueDate,
  principalDueFen: p,
  interestDueFen: i,
  principalPaidFen: pp,
  interestPaidFen: ip,
});

describe("coming due (到期提醒)", () => {
  const instalments = [
    line("2026-03-20", 0, 64_375),
    line("2026-06-20", 0, 65_090),
    line("2026-07-10", 5_000_000, 14_306),
  ];
  it("takes what falls due from today to today + N days, both ends included, by kind", () => {
    expect(comingDue({ status: "REPAYING", instalments }, "2026-06-10", 30)).toEqual({
      dueDate: "2026-06-20",
      principalFen: 5_000_000,
      interestFen: 65_090 + 14_306,
      instalments: 2,
    });
    expect(comingDue({ status: "REPAYING", instalments }, "2026-06-20", 0)?.dueDate).toBe("2026-06-20");
    expect(comingDue({ status: "REPAYING", instalments }, "2026-05-21", 30)?.dueDate).toBe("2026-06-20");
    expect(comingDue({ status: "REPAYING", instalments }, "2026-05-20", 30)).toBeNull(); // 2026-06-20 is day 31
    expect(comingDue({ status: "REPAYING", instalments }, "2026-06-21", 5)).toBeNull(); // past due is not coming due
  });
  it("counts only what is unpaid; a paid instalment or a closed loan is not coming due", () => {
    const paid = [line("2026-06-20", 0, 65_090, 0, 65_090), line("2026-07-10", 100, 50, 100, 20)];
    expect(comingDue({ status: "REPAYING", instalments: paid }, "2026-06-10", 30)).toEqual({
      dueDate: "2026-07-10",
      principalFen: 0,
      interestFen: 30,
      instalments: 1,
    });
    expect(comingDue({ status: "CLOSED", instalments }, "2026-06-10", 30)).toBeNull();
    expect(comingDue({ status: "APPROVED", instalments }, "2026-06-10", 30)).toBeNull();
    expect(comingDue({ status: "COMPENSATED", instalments }, "2026-06-10", 30)).not.toBeNull();
  });
  it("refuses a negative or fractional number of days", () => {
    expect(() => comingDue({ status: "REPAYING", instalments }, "2026-06-10", -1)).toThrow();
    expect(() => comingDue({ status: "REPAYING", instalments }, "2026-06-10", 1.5)).toThrow();
  });
});

describe("collection case state (催收)", () => {
  let id = 0;
  const ev = (onDate: string, status: CaseEvent["status"], promise?: [string, number]): CaseEvent => ({
    id: ++id,
    onDate,
    status,
    promiseDate: promise?.[0] ?? null,
    promiseAmountFen: promise?.[1] ?? null,
  });
  const base = { loanServicing: true, overdueSince: "2026-03-20", payments: [], today: "2026-04-10" };

  it("a past-due loan with nothing recorded is 联系中; a current loan is 已结清 and closed", () => {
    expect(collectionState({ ...base, events: [] })).toMatchObject({ open: true, status: "CONTACTING" });
    expect(
      collectionState({ ...base, overdueSince: null, events: [ev("2026-04-01", "LEGAL")] }),
    ).toMatchObject({
      open: false,
      status: "SETTLED",
    });
    expect(collectionState({ ...base, loanServicing: false, events: [] }).open).toBe(false);
  });
  it("the last status recorded in the current episode holds; earlier episodes do not count", () => {
    const events = [
      ev("2025-12-01", "LEGAL"),
      ev("2026-03-25", "EXTENSION_REQUESTED"),
      ev("2026-03-28", null),
    ];
    expect(collectionState({ ...base, events }).status).toBe("EXTENSION_REQUESTED");
    expect(collectionState({ ...base, events: [events[0]!] }).status).toBe("CONTACTING");
  });
  it("a promise holds until its date; then kept (paid enough from the day it was made) or broken and flagged", () => {
    const promise = ev("2026-04-01", "PROMISED", ["2026-04-15", 100_000]);
    const before = collectionState({ ...base, events: [promise], today: "2026-04-15" });
    expect(before).toMatchObject({ status: "PROMISED", flagged: false, promise: { kept: null, paidFen: 0 } });
    const broken = collectionState({ ...base, events: [promise], today: "2026-04-16" });
    expect(broken).toMatchObject({
      open: true,
      status: "CONTACTING",
      flagged: true,
      promise: { kept: false },
    });
    const paid = [
      { valueDate: "2026-03-31", amountFen: 500_000 }, // before the promise: does not count
      { valueDate: "2026-04-15", amountFen: 100_000 },
    ];
    expect(
      collectionState({ ...base, events: [promise], payments: paid, today: "2026-04-16" }),
    ).toMatchObject({
      status: "CONTACTING",
      flagged: false,
      promise: { kept: true, paidFen: 100_000 },
    });
    // a reversal takes the payment back: broken again
    const reversed = [...paid, { valueDate: "2026-04-15", amountFen: -100_000 }];
    expect(
      collectionState({ ...base, events: [promise], payments: reversed, today: "2026-04-16" }).flagged,
    ).toBe(true);
  });
  it("anything recorded after the promised date clears the flag", () => {
    const promise = ev("2026-04-01", "PROMISED", ["2026-04-15", 100_000]);
    const note = ev("2026-04-17", null);
    expect(collectionState({ ...base, events: [promise, note], today: "2026-04-18" }).flagged).toBe(false);
    const sameDay = ev("2026-04-15", null); // on the promised day: the promise still stood
    expect(collectionState({ ...base, events: [promise, sameDay], today: "2026-04-18" }).flagged).toBe(true);
  });
});

describe("what lifts a region over the line", () => {
  it("if these N loans pay, the rate goes from X% to Y%", () => {
    const loans: RateLoan[] = [
      { id: 1, maturedFen: 10_000_000, recoveredFen: 10_000_000 },
      { id: 2, maturedFen: 5_000_000, recoveredFen: 0 },
      { id: 3, maturedFen: 3_000_000, recoveredFen: 1_000_000 },
      { id: 4, maturedFen: 80_000_000, recoveredFen: 80_000_000 },
      { id: 5, maturedFen: 2_000_000, recoveredFen: 1_500_000 },
    ];
    // matured 100,000,000; recovered 92,500,000 → 92.5%; need 98,000,000: 5,000,000 (loan 2) + 2,000,000 (3) → 99.5%
    const plan = liftPlan(loans, 9800);
    expect(plan.fromRate).toBeCloseTo(0.925, 12);
    expect(plan.loans).toEqual([
      { id: 2, unpaidFen: 5_000_000 },
      { id: 3, unpaidFen: 2_000_000 },
    ]);
    expect(plan.toRate).toBeCloseTo(0.995, 12);
    expect(plan).toMatchObject({ neededFen: 7_000_000, reached: true });
  });
  it("at or above the line: nothing to do; nothing matured: no data", () => {
    expect(liftPlan([{ id: 1, maturedFen: 100, recoveredFen: 98 }], 9800)).toMatchObject({
      loans: [],
      reached: true,
    });
    expect(liftPlan([], 9800)).toMatchObject({ fromRate: null, loans: [], reached: false });
  });
  it("exact at the line: 98.00% counts as reached (integers, no float)", () => {
    const plan = liftPlan(
      [
        { id: 1, maturedFen: 4_900, recoveredFen: 4_800 },
        { id: 2, maturedFen: 5_100, recoveredFen: 4_900 },
      ],
      9800,
    );
    expect(plan.loans.map((l) => l.id)).toEqual([2]);
    expect(plan.neededFen).toBe(200);
  });
  it("greedy by largest unpaid principal is a minimum-count solution (against every subset)", () => {
    const loan = fc.record({
      maturedFen: fc.integer({ min: 1, max: 1_000_000 }),
      paidPart: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(loan, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 5000, max: 10_000 }),
        (ls, t) => {
          const loans = ls.map((l, i) => ({
            id: i + 1,
            maturedFen: l.maturedFen,
            recoveredFen: Math.floor((l.maturedFen * l.paidPart) / 100),
          }));
          const plan = liftPlan(loans, t);
          const matured = loans.reduce((s, l) => s + BigInt(l.maturedFen), 0n);
          const recovered = loans.reduce((s, l) => s + BigInt(l.recoveredFen), 0n);
          const ok = (rec: bigint) => rec * 10_000n >= BigInt(t) * matured;
          // the plan reaches the line with what it names
          const gain = plan.loans.reduce((s, l) => s + BigInt(l.unpaidFen), 0n);
          expect(ok(recovered + gain)).toBe(true);
          // and no smaller set of loans does
          let best = Infinity;
          for (let mask = 0; mask < 1 << loans.length; mask++) {
            let g = 0n;
            let n = 0;
            loans.forEach((l, i) => {
              if (mask & (1 << i)) {
                g += BigInt(l.maturedFen - l.recoveredFen);
                n++;
              }
            });
            if (ok(recovered + g)) best = Math.min(best, n);
          }
          expect(plan.loans.length).toBe(best);
        },
      ),
      { numRuns: 300 },
    );
  });
});
