/**
 * Money is integer fen (分) in the domain: safe integers, never binary floats.
 * Rounding is half-up (四舍五入, symmetric for negatives) on the exact rational value, once per amount.
 */
import { fail } from "./errors";

export type Fen = number;

export function assertFen(value: number, field = "amount", allowNegative = false): Fen {
  if (!Number.isSafeInteger(value))
    fail("NOT_INTEGER_FEN", `${field} must be a whole number of fen (got ${value})`, field);
  if (!allowNegative && value < 0)
    fail("NEGATIVE_AMOUNT", `${field} must not be negative (got ${value} fen)`, field);
  return value;
}

/** round(numerator / denominator), half away from zero, exact on bigints. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (2n * n + denominator) / (2n * denominator);
  return negative ? -q : q;
}

export function toSafeNumber(v: bigint, field = "amount"): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    fail("NOT_INTEGER_FEN", `${field} is too large to represent exactly`, field);
  }
  return Number(v);
}

const MONEY_RE = /^(-)?(\d{1,14})(?:\.(\d{1,2}))?$/;

/** Parses a yuan amount written as a decimal string ("1234.5", "-0.01") into fen, exactly. */
export function yuanToFen(yuan: string): Fen {
  const m = MONEY_RE.exec(yuan.trim().replaceAll(",", ""));
  if (!m) fail("BAD_MONEY_STRING", `"${yuan}" is not an amount in yuan with at most two decimals`);
  const [, sign, int, frac = ""] = m;
  const fen = BigInt(int!) * 100n + BigInt(frac.padEnd(2, "0"));
  return toSafeNumber(sign ? -fen : fen);
}

/** Fen → "1234.56" (exact decimal string in yuan, for numeric columns and Intl formatting). */
export function fenToYuan(fen: Fen): string {
  assertFen(fen, "amount", true);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function sumFen(values: readonly Fen[]): Fen {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return toSafeNumber(total, "sum");
}
