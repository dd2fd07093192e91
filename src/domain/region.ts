/**
 * GB/T 2260 region codes (province/city/county, 6 digits) extended by statistical township (9) and village
 * (12) codes. A region's scope is a code prefix: 620000 → "62", 620100 → "6201", 620123 → "620123",
 * 620123100 → itself, 620123100201 → itself.
 */
import { fail } from "./errors";

export type RegionLevel = "PROVINCE" | "CITY" | "COUNTY" | "TOWNSHIP" | "VILLAGE";

export function regionLevel(code: string): RegionLevel {
  if (/^\d{12}$/.test(code)) return "VILLAGE";
  if (/^\d{9}$/.test(code)) return "TOWNSHIP";
  if (!/^\d{6}$/.test(code)) fail("BAD_REGION", `not a region code: ${code}`, "regionCode");
  if (code.endsWith("0000")) return "PROVINCE";
  if (code.endsWith("00")) return "CITY";
  return "COUNTY";
}

/** The whole country (administrators, national policy versions). */
export const NATIONAL_CODE = "000000";

export function scopePrefix(code: string): string {
  if (code === NATIONAL_CODE) return "";
  switch (regionLevel(code)) {
    case "PROVINCE":
      return code.slice(0, 2);
    case "CITY":
      return code.slice(0, 4);
    default:
      return code;
  }
}

/** Is `code` (any level) inside the region `scope`? */
export function isWithin(code: string, scope: string): boolean {
  return code.startsWith(scopePrefix(scope));
}

/** The six-digit county code of a county, township or village code. */
export function countyOf(code: string): string {
  return code.slice(0, 6);
}

/**
 * What a scope filters on: records carry a six-digit countyCode and a 12-digit villageCode. A scope at
 * county level or above is a countyCode prefix; a township or village scope is a villageCode prefix.
 */
export function scopeFilter(scope: string): { column: "countyCode" | "villageCode"; prefix: string } {
  const level = regionLevel(scope);
  return level === "TOWNSHIP" || level === "VILLAGE"
    ? { column: "villageCode", prefix: scopePrefix(scope) }
    : { column: "countyCode", prefix: scopePrefix(scope) };
}
