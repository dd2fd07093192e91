import { assertFen, toSafeNumber, type Fen } from "./money";
import { fail } from "./errors";

/**
 * Splits an amount by integer shares so the parts add up exactly (largest remainder method).
 * Each part gets floor(total × share / Σshares); the fen left over go one each to the largest remainders,
 * ties to the earlier share. Works for negative totals (reversals) by symmetry.
 */
export function splitByShares(totalFen: Fen, shares: readonly number[]): Fen[] {
  assertFen(totalFen, "total", true);
  if (shares.length === 0) fail("BAD_SHARES", "at least one share is needed");
  for (const s of shares) {
    if (!Number.isSafeInteger(s) || s < 0)
      fail("BAD_SHARES", `shares must be non-negative whole numbers (got ${s})`);
  }
  const sumShares = shares.reduce((a, b) => a + b, 0);
  if (sumShares === 0) fail("BAD_SHARES", "shares must not all be zero");
  if (totalFen < 0) return splitByShares(-totalFen, shares).map((p) => (p === 0 ? 0 : -p));

  const total = BigInt(totalFen);
  const den = BigInt(sumShares);
  const parts = shares.map((s) => (total * BigInt(s)) / den);
  const remainders = shares.map((s, i) => ({ i, r: (total * BigInt(s)) % den }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map((p) => toSafeNumber(p));
}
