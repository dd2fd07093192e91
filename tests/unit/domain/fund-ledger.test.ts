import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatHeadroom, fundLedgerRunning, sumFen } from "@/domain";

describe("the fund ledger in date order with a running balance", () => {
  it("orders by value date, then entry number, whatever the order of entry", () => {
    const rows = fundLedgerRunning([
      { id: 1, valueDate: "2026-03-01", amountFen: 100_000_00 },
      { id: 3, valueDate: "2026-02-01", amountFen: 50_000_00 }, // entered late, dated earlier
      { id: 2, valueDate: "2026-03-01", amountFen: -80_000_00 },
    ]);
    expect(rows.map((r) => [r.id, r.balanceFen])).toEqual([
      [3, 50_000_00],
      [1, 150_000_00],
      [2, 70_000_00],
    ]);
  });

  it("the last balance is the sum of the entries; each step adds its own amount", () => {
    const entry = fc.record({
      id: fc.integer({ min: 1, max: 10_000 }),
      valueDate: fc.constantFrom("2025-01-01", "2025-06-30", "2026-03-01"),
      amountFen: fc.integer({ min: -10_000_000_00, max: 10_000_000_00 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 40 }), (entries) => {
        const rows = fundLedgerRunning(entries);
        expect(rows.at(-1)?.balanceFen ?? 0).toBe(sumFen(entries.map((e) => e.amountFen)));
        rows.forEach((r, i) => expect(r.balanceFen - (rows[i - 1]?.balanceFen ?? 0)).toBe(r.amountFen));
      }),
    );
  });
});

describe("headroom", () => {
  it.each([
    [-1_541_100_00, "超出上限 154.11 万元"],
    [1_541_100_00, "154.11 万元"],
    [0, "0.00 万元"],
  ])("%i fen → %s", (fen, text) => expect(formatHeadroom(fen)).toBe(text));
});
