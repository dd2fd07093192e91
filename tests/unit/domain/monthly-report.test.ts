import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  emptyFigures,
  fenToWanText,
  formatRate,
  REPORT_COLUMNS,
  reportDeadline,
  reportDifferences,
  submissionState,
  sumFigures,
  type ReportTable,
} from "@/domain";

const YI = 10_000_000_000;

describe("the monthly report's rules (DOMAIN §17)", () => {
  it("reproduces Lanzhou 2015: due 5.66亿, recovered 5.62亿 → 到期还款率 99.29%", () => {
    const f = { ...emptyFigures(), dueYearFen: 5.66 * YI, recoveredYearFen: 5.62 * YI };
    const rate = REPORT_COLUMNS.find((c) => c.key === "maturityRate")!.value(f);
    expect(formatRate(rate)).toBe("99.29%");
    expect(fenToWanText(f.dueYearFen)).toBe("56600.00");
  });

  it("gives 'no data' for a zero denominator, never 0% or 100%", () => {
    const f = emptyFigures(null);
    for (const key of ["maturityRate", "onTimeRate", "par30", "par90", "leverage"])
      expect(REPORT_COLUMNS.find((c) => c.key === key)!.value(f)).toBeNull();
  });

  it("is due by the policy's day of the next month (the 5th by default; clamped to the month)", () => {
    expect(reportDeadline("2026-10-31", 5)).toBe("2026-11-05");
    expect(reportDeadline("2026-12-31", 5)).toBe("2027-01-05");
    expect(reportDeadline("2027-01-31", 31)).toBe("2027-02-28");
    expect(submissionState("2026-11-05", "2026-11-05", "2026-11-20")).toBe("ON_TIME");
    expect(submissionState("2026-11-05", "2026-11-06", "2026-11-20")).toBe("LATE");
    expect(submissionState("2026-11-05", null, "2026-11-05")).toBe("PENDING");
    expect(submissionState("2026-11-05", null, "2026-11-06")).toBe("OVERDUE");
  });

  it("writes 万元 exactly, rounded half-up", () => {
    expect(fenToWanText(1_234_999)).toBe("1.23");
    expect(fenToWanText(1_235_000)).toBe("1.24");
    expect(fenToWanText(-1_235_000)).toBe("-1.24");
    expect(fenToWanText(4_999)).toBe("0.00");
    expect(fenToWanText(1, 6)).toBe("0.000001");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 15 }), (fen) => {
        const text = fenToWanText(fen, 6);
        return BigInt(text.replace(".", "")) === BigInt(fen);
      }),
    );
  });

  it("sums rows into the total, a fund only where a row has one", () => {
    const a = { ...emptyFigures(), outstandingFen: 100, fundBalanceFen: 10 };
    const b = { ...emptyFigures(null), outstandingFen: 50 };
    const t = sumFigures([a, b]);
    expect(t.outstandingFen).toBe(150);
    expect(t.fundBalanceFen).toBe(10);
    expect(sumFigures([emptyFigures(null)]).fundBalanceFen).toBeNull();
  });

  it("lists as 差异 every figure that changed since submission, per row and in the total", () => {
    const row = (code: string, outstandingFen: number) => ({
      code,
      name: code,
      figures: { ...emptyFigures(), outstandingFen },
    });
    const submitted: ReportTable = {
      rows: [row("620121", 100)],
      total: { ...emptyFigures(), outstandingFen: 100 },
    };
    const current: ReportTable = {
      rows: [row("620121", 130), row("620123", 5)],
      total: { ...emptyFigures(), outstandingFen: 135 },
    };
    expect(reportDifferences(submitted, current)).toEqual([
      { code: "620121", key: "outstandingFen", submitted: 100, current: 130, delta: 30 },
      { code: "620123", key: "outstandingFen", submitted: null, current: 5, delta: 5 },
      { code: "total", key: "outstandingFen", submitted: 100, current: 135, delta: 35 },
    ]);
    expect(reportDifferences(submitted, submitted)).toEqual([]);
  });
});
