import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays, compareDates, DomainError, nextVisitDue, visitState } from "@/domain";

const rule = { firstVisitDays: 30, visitEveryMonths: 3 };

describe("post-loan visits (贷后回访): when the next visit is due", () => {
  it.each([
    // disbursed, last visit, rule, due
    ["2026-03-01", null, rule, "2026-03-31"],
    ["2026-03-01", "2026-03-20", rule, "2026-06-20"],
    ["2026-03-01", "2026-11-30", rule, "2027-02-28"], // month end clamps, as the schedule does
    ["2026-03-01", "2026-02-10", rule, "2026-03-31"], // a visit before disbursement (the application's) does not count
    ["2026-03-01", "2026-03-01", { firstVisitDays: 15, visitEveryMonths: 1 }, "2026-04-01"],
    ["2026-12-20", null, { firstVisitDays: 15, visitEveryMonths: 6 }, "2027-01-04"],
  ] as const)("disbursed %s, last visit %s → due %s", (disbursedDate, lastVisitDate, r, due) => {
    expect(nextVisitDue({ disbursedDate, lastVisitDate }, r)).toBe(due);
  });

  it("is overdue from the day after the due date, and counts the days", () => {
    const loan = { status: "REPAYING", disbursedDate: "2026-03-01", lastVisitDate: null };
    expect(visitState(loan, rule, "2026-03-31")).toEqual({
      dueDate: "2026-03-31",
      daysOverdue: 0,
      overdue: false,
    });
    expect(visitState(loan, rule, "2026-04-01")).toEqual({
      dueDate: "2026-03-31",
      daysOverdue: 1,
      overdue: true,
    });
    expect(visitState(loan, rule, "2026-03-02")?.overdue).toBe(false);
    expect(visitState({ ...loan, lastVisitDate: "2026-03-25" }, rule, "2026-04-10")).toEqual({
      dueDate: "2026-06-25",
      daysOverdue: 0,
      overdue: false,
    });
  });

  it("does not apply to a loan not in the borrower's hands", () => {
    for (const status of [
      "APPLIED",
      "APPROVED",
      "REJECTED",
      "CLOSED",
      "COMPENSATED",
      "WRITTEN_OFF",
      "VOIDED",
    ])
      expect(
        visitState({ status, disbursedDate: "2026-03-01", lastVisitDate: null }, rule, "2027-01-01"),
      ).toBeNull();
    expect(
      visitState({ status: "REPAYING", disbursedDate: null, lastVisitDate: null }, rule, "2027-01-01"),
    ).toBeNull();
  });

  it("refuses a rule that is not a positive whole number", () => {
    for (const bad of [
      { firstVisitDays: 0, visitEveryMonths: 3 },
      { firstVisitDays: 30, visitEveryMonths: 0 },
      { firstVisitDays: 1.5, visitEveryMonths: 3 },
    ])
      expect(() => nextVisitDue({ disbursedDate: "2026-03-01", lastVisitDate: null }, bad)).toThrow(
        DomainError,
      );
  });

  it("a visit never makes the next one due earlier, and the due date lies after the last visit", () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays("2024-01-01", n));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 365 }),
        fc.integer({ min: 1, max: 24 }),
        (disbursedDate, gap, firstVisitDays, visitEveryMonths) => {
          const r = { firstVisitDays, visitEveryMonths };
          const visit = addDays(disbursedDate, gap);
          const before = nextVisitDue({ disbursedDate, lastVisitDate: null }, r);
          const after = nextVisitDue({ disbursedDate, lastVisitDate: visit }, r);
          expect(compareDates(after, visit)).toBeGreaterThan(0);
          if (compareDates(visit, before) >= 0) expect(compareDates(after, before)).toBeGreaterThan(0);
        },
      ),
    );
  });
});
