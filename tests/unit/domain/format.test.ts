import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "@/domain";

describe("formatDateTime", () => {
  it("reads like Date#toLocaleString in Beijing time (its one cached formatter, not one per call)", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1990-01-01T00:00:00Z"),
          max: new Date("2100-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        (d) => {
          expect(formatDateTime(d)).toBe(
            d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }),
          );
          expect(formatDateTime(d.toISOString())).toBe(formatDateTime(d));
        },
      ),
      { numRuns: 2000 },
    );
    expect(formatDateTime("2026-01-05T16:00:00Z")).toBe("2026/1/6 00:00:00");
  });
});
