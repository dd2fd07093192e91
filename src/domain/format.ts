/**
 * Formatting for Chinese readers (元 / 万元 / percentages). Exact: amounts are formatted from decimal
 * strings, never from fen ÷ 100 as a float.
 */
import { fenToYuan, type Fen } from "./money";

const yuanFmt = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wanFmt = new Intl.NumberFormat("zh-CN", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  roundingMode: "halfExpand",
} as Intl.NumberFormatOptions);

/** "¥1,301.81" style without the symbol: "1,301.81 元". */
export function formatYuan(fen: Fen, unit = true): string {
  const s = yuanFmt.format(fenToYuan(fen) as unknown as number);
  return unit ? `${s} 元` : s;
}

/** Amount in 万元 with two decimals: 15,825,000,000 fen → "15,825.00 万元". */
export function formatWan(fen: Fen, unit = true): string {
  const abs = Math.abs(fen);
  // 1 万元 = 1,000,000 fen; keep four decimals exactly, Intl rounds half-up to two.
  const s = `${fen < 0 ? "-" : ""}${Math.trunc(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, "0")}`;
  const out = wanFmt.format(s as unknown as number);
  return unit ? `${out} 万元` : out;
}

// One formatter, made once: Date#toLocaleString with options builds a new Intl.DateTimeFormat on every call
// (~60 µs; a loan page with a few hundred history lines spent most of its render there).
const dateTimeFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** An instant as Beijing time for Chinese readers: "2026/11/24 12:07:03". */
export function formatDateTime(at: Date | string): string {
  return dateTimeFmt.format(typeof at === "string" ? new Date(at) : at);
}

/** 0.992932… → "99.29%"; null → "无数据". */
export function formatRate(value: number | null, digits = 2): string {
  if (value === null) return "无数据";
  return `${(Math.round(value * 10 ** (digits + 2)) / 10 ** digits).toFixed(digits)}%`;
}

export function formatMultiple(value: number | null): string {
  return value === null ? "无数据" : `${(Math.round(value * 100) / 100).toFixed(2)}×`;
}

/** 万元 as a plain number, for chart axes only (tables and text use formatWan, exact to the fen). */
export function wanNumber(fen: Fen): number {
  return Number(formatWan(fen, false).replaceAll(",", ""));
}

/** Lending headroom in 万元; a negative one is how far the cap is exceeded: "超出上限 154.11 万元". */
export function formatHeadroom(fen: Fen): string {
  return fen < 0 ? `超出上限 ${formatWan(-fen)}` : formatWan(fen);
}
