import { describe, expect, it } from "vitest";
import { dueNow, type DueInstalmentInput } from "@/domain";

const line = (seq: number, dueDate: string, p: number, i: number, pp = 0, ip = 0): DueInstalmentInput => ({
  seq,
  dueDate,
  principalDueFen: p,
  interestDueFen: i,
  principalPaidFen: pp,
  interestPaidFen: ip,
});

describe("dueNow (what the repayment form offers)", () => {
  const schedule = [
    line(1, "2026-03-20", 0, 34_500, 0, 34_500), // paid
    line(2, "2026-06-20", 0, 34_875, 0, 10_000), // part paid, past due
    line(3, "2026-09-20", 0, 34_875), // past due
    line(4, "2026-12-20", 3_000_000, 34_500), // next
  ];

  it("everything already due, unpaid remainders summed, when the loan is past due", () => {
    expect(dueNow(schedule, "2026-12-01")).toEqual({
      principalFen: 0,
      interestFen: 24_875 + 34_875,
      seqs: [2, 3],
      dueDate: "2026-09-20",
      overdue: true,
    });
  });

  it("the next instalment when nothing is due yet; due today is due, not overdue", () => {
    const current = schedule.map((l) => ({
      ...l,
      principalPaidFen: l.principalDueFen,
      interestPaidFen: l.interestDueFen,
    }));
    current[3] = schedule[3]!;
    expect(dueNow(current, "2026-12-01")).toMatchObject({
      principalFen: 3_000_000,
      interestFen: 34_500,
      seqs: [4],
      overdue: false,
    });
    expect(dueNow(current, "2026-12-20")).toMatchObject({ seqs: [4], overdue: false });
    expect(dueNow(current, "2026-12-21")).toMatchObject({ seqs: [4], overdue: true });
  });

  it("null when the schedule is paid", () => {
    expect(dueNow([line(1, "2026-03-20", 100, 5, 100, 5)], "2026-12-01")).toBeNull();
    expect(dueNow([], "2026-12-01")).toBeNull();
  });
});
