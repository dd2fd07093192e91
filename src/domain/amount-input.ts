/**
 * Amounts and rates as people type them: "50,000.00" (as bank statements print it), "5万", "1.5万元",
 * "５００００元", "¥50000"; rates as percent ("4.35", "4.35%"). Exact string arithmetic, never floats: a value
 * that is not a whole number of fen (or of basis points) is refused, not rounded.
 */
import { fenToYuan, type Fen } from "./money";

export type EntryRefusal = "EMPTY" | "FORMAT" | "TOO_PRECISE" | "TOO_LARGE";
export type Entry<T> = { ok: true; value: T } | { ok: false; reason: EntryRefusal };

/** Longest text considered (a typed amount is far shorter). */
export const MAX_ENTRY_LENGTH = 32;
/** At most 12 digits of whole yuan, as numeric(16,2) columns and the old form rule allowed. */
const MAX_FEN_DIGITS = 14;

/** Full-width ASCII (U+FF01–FF5E, e.g. "５", "，", "．", "％") → ASCII; white space (also U+3000) removed. */
function normalise(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += c >= 0xff01 && c <= 0xff5e ? String.fromCodePoint(c - 0xfee0) : ch;
  }
  return out.replace(/[\s\u3000]+/gu, "");
}

// Digits with correct thousands grouping ("50,000") or none ("50000"), then an optional fraction.
const NUMBER_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * The decimal int.frac × 10^shift as an integer, exactly; null if it has a non-zero digit below the unit.
 * Digits are strings: no float ever sees the value.
 */
function scaleExact(int: string, frac: string, shift: number, maxDigits: number): Entry<number> {
  let digits = int.replaceAll(",", "") + frac;
  const exp = shift - frac.length;
  if (exp >= 0) digits += "0".repeat(exp);
  else {
    const dropped = digits.slice(exp);
    if (/[^0]/.test(dropped)) return { ok: false, reason: "TOO_PRECISE" };
    digits = digits.slice(0, exp);
  }
  digits = digits.replace(/^0+(?=\d)/, "") || "0";
  if (digits.length > maxDigits) return { ok: false, reason: "TOO_LARGE" };
  return { ok: true, value: Number(digits) };
}

/** A typed amount in yuan (or 万元 with "万") → fen, exactly. */
export function parseYuanEntry(text: string): Entry<Fen> {
  if (text.length > MAX_ENTRY_LENGTH) return { ok: false, reason: "FORMAT" };
  let s = normalise(text);
  if (s === "") return { ok: false, reason: "EMPTY" };
  s = s.replace(/^[¥￥]/u, "");
  let shift = 2;
  if (/万元?$/u.test(s)) {
    shift = 6;
    s = s.replace(/万元?$/u, "");
  } else s = s.replace(/[元圆]$/u, "");
  const m = NUMBER_RE.exec(s);
  if (!m) return { ok: false, reason: "FORMAT" };
  return scaleExact(m[1]!, m[2] ?? "", shift, MAX_FEN_DIGITS);
}

/** A typed amount → the canonical yuan string ("50000.00") the services store, or the refusal. */
export function normaliseYuanEntry(text: string): Entry<string> {
  const r = parseYuanEntry(text);
  return r.ok ? { ok: true, value: fenToYuan(r.value) } : r;
}

/** A rate typed in percent ("4.35", "4.35%", "４．３５％") → basis points (435), exactly. */
export function parsePercentEntry(text: string): Entry<number> {
  if (text.length > MAX_ENTRY_LENGTH) return { ok: false, reason: "FORMAT" };
  const s = normalise(text).replace(/%$/, "");
  if (s === "") return { ok: false, reason: "EMPTY" };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, reason: "FORMAT" };
  return scaleExact(m[1]!, m[2] ?? "", 2, 6);
}

/** Basis points → the percent text people type ("4.35"), exactly. */
export function bpToPercentEntry(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, "0")}`;
}
