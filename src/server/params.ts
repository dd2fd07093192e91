import "server-only";

/**
 * A record id from a URL segment (/claims/72): digits only, a positive safe integer; anything else
 * (72abc, 1e3, -1, 0x10) is no record at all, so the page answers 404 rather than failing in the query.
 */
export function recordId(param: string): number | null {
  if (!/^[1-9]\d{0,14}$/.test(param)) return null;
  const n = Number(param);
  return Number.isSafeInteger(n) ? n : null;
}
