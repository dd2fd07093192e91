import fc from "fast-check";
import {
  addDays as dfAddDays,
  addMonths as dfAddMonths,
  differenceInCalendarDays,
  lastDayOfMonth,
} from "date-fns";
import { UTCDate } from "@date-fns/utc";
import { describe, expect, it } from "vitest";
import { addDays, addMonths, daysBetween, endOfMonth, fromDate, isIsoDate, toDate } from "@/domain";

/**
 * The date arithmetic is on UTC day numbers (decision 005); date-fns on UTCDate, which it replaced, is the
 * oracle: every operation must give what date-fns gives, over all dates from 1900 to 2199.
 */
const utc = (iso: string) => {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return new UTCDate(y, m - 1, d);
};
const iso = (d: Date) => {
  const u = new UTCDate(d);
  return `${String(u.getFullYear()).padStart(4, "0")}-${String(u.getMonth() + 1).padStart(2, "0")}-${String(u.getDate()).padStart(2, "0")}`;
};
const DAY = 86_400_000;
const date = fc
  .integer({ min: Date.UTC(1900, 0, 1) / DAY, max: Date.UTC(2199, 11, 31) / DAY })
  .map((n) => iso(new Date(n * DAY)));

describe("calendar dates", () => {
  it("addMonths, addDays, daysBetween and endOfMonth agree with date-fns", () => {
    fc.assert(
      fc.property(
        date,
        date,
        fc.integer({ min: -600, max: 600 }),
        fc.integer({ min: -4000, max: 4000 }),
        (a, b, months, days) => {
          expect(addMonths(a, months)).toBe(iso(dfAddMonths(utc(a), months)));
          expect(addDays(a, days)).toBe(iso(dfAddDays(utc(a), days)));
          expect(daysBetween(a, b)).toBe(differenceInCalendarDays(utc(b), utc(a)));
          expect(endOfMonth(a)).toBe(iso(lastDayOfMonth(utc(a))));
          expect(fromDate(toDate(a))).toBe(a);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("knows month ends and leap years", () => {
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonths("2023-01-31", 1)).toBe("2023-02-28");
    expect(addMonths("2025-03-31", -1)).toBe("2025-02-28");
    expect(addMonths("2025-12-20", 3)).toBe("2026-03-20");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2100-02-28", 1)).toBe("2100-03-01");
    expect(daysBetween("2024-12-21", "2025-03-21")).toBe(90);
    expect(endOfMonth("2000-02-10")).toBe("2000-02-29");
  });

  it("accepts exactly the real calendar dates in YYYY-MM-DD form", () => {
    for (const ok of ["2024-02-29", "2000-02-29", "1999-12-31", "2025-01-01"])
      expect(isIsoDate(ok)).toBe(true);
    for (const bad of [
      "2023-02-29",
      "1900-02-29",
      "2025-13-01",
      "2025-00-10",
      "2025-04-31",
      "2025-4-1",
      "20250401",
      "2025-04-01T00:00",
      "",
      "0050-01-01",
    ])
      expect(isIsoDate(bad)).toBe(false);
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const s = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const u = new UTCDate(y, m - 1, d);
          const real = u.getFullYear() === y && u.getMonth() === m - 1 && u.getDate() === d;
          expect(isIsoDate(s)).toBe(real);
        },
      ),
    );
    expect(() => daysBetween("2025-02-30", "2025-03-01")).toThrow(/start date/);
  });
});
