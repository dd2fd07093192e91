import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bpToPercentEntry,
  fenToYuan,
  formatYuan,
  normaliseYuanEntry,
  parsePercentEntry,
  parseYuanEntry,
} from "@/domain";

describe("amounts as people type them", () => {
  it.each([
    ["50000", 5_000_000],
    ["50000.00", 5_000_000],
    ["50,000.00", 5_000_000],
    ["1,234,567.89", 123_456_789],
    ["5万", 5_000_000],
    ["5万元", 5_000_000],
    ["1.5万", 1_500_000],
    ["5.123万", 5_123_000],
    ["0.000001万", 1],
    ["30万", 30_000_000],
    ["５００００", 5_000_000],
    ["５０，０００．００元", 5_000_000],
    ["５万", 5_000_000],
    ["50000元", 5_000_000],
    ["¥50,000", 5_000_000],
    ["￥1.5万", 1_500_000],
    [" 50 000 ", 5_000_000],
    ["0", 0],
    ["0.5", 50],
    ["12.30", 1_230],
    ["12.300", 1_230],
    ["007", 700],
    ["999999999999.99", 99_999_999_999_999],
  ])("%s → %i fen", (text, fen) => {
    expect(parseYuanEntry(text)).toEqual({ ok: true, value: fen });
  });

  it.each([
    ["", "EMPTY"],
    ["   ", "EMPTY"],
    ["5.1234567万", "TOO_PRECISE"],
    ["0.0000001万", "TOO_PRECISE"],
    ["12.345", "TOO_PRECISE"],
    ["50,00.00", "FORMAT"],
    ["5,0000", "FORMAT"],
    [",500", "FORMAT"],
    ["-5", "FORMAT"],
    ["1e5", "FORMAT"],
    ["5万万", "FORMAT"],
    ["五万", "FORMAT"],
    ["١٢٣", "FORMAT"],
    [".5", "FORMAT"],
    ["5.", "FORMAT"],
    ["NaN", "FORMAT"],
    ["1".repeat(40), "FORMAT"],
    ["1000000000000", "TOO_LARGE"],
    ["100000000万", "TOO_LARGE"],
  ])("%s is refused (%s)", (text, reason) => {
    expect(parseYuanEntry(text)).toEqual({ ok: false, reason });
  });

  it("the canonical text is what the services store (and parses to itself)", () => {
    expect(normaliseYuanEntry("5万")).toEqual({ ok: true, value: "50000.00" });
    expect(normaliseYuanEntry("50,000.5")).toEqual({ ok: true, value: "50000.50" });
  });

  const fen = fc.integer({ min: 0, max: 99_999_999_999_999 });
  it("any fen amount round-trips through every way of writing it", () => {
    fc.assert(
      fc.property(fen, (f) => {
        const yuan = fenToYuan(f);
        expect(parseYuanEntry(yuan)).toEqual({ ok: true, value: f });
        expect(parseYuanEntry(formatYuan(f))).toEqual({ ok: true, value: f }); // "50,000.00 元"
        const full = yuan.replace(/[0-9.]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));
        expect(parseYuanEntry(full)).toEqual({ ok: true, value: f });
        // In 万元: six decimals are exact to the fen.
        const wan = `${Math.trunc(f / 1_000_000)}.${String(f % 1_000_000).padStart(6, "0")}万`;
        expect(parseYuanEntry(wan)).toEqual({ ok: true, value: f });
        expect(normaliseYuanEntry(normaliseYuanEntry(yuan).ok ? yuan : "")).toEqual({
          ok: true,
          value: yuan,
        });
      }),
    );
  });

  it("never throws, and anything accepted is a whole, safe, non-negative number of fen", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9,.万元０-９，．¥ ]{0,20}$/)), (text) => {
        const r = parseYuanEntry(text);
        if (r.ok) {
          expect(Number.isSafeInteger(r.value)).toBe(true);
          expect(r.value).toBeGreaterThanOrEqual(0);
        } else expect(["EMPTY", "FORMAT", "TOO_PRECISE", "TOO_LARGE"]).toContain(r.reason);
      }),
    );
  });
});

describe("rates in percent", () => {
  it.each([
    ["4.35", 435],
    ["4.35%", 435],
    ["４．３５％", 435],
    ["4.5", 450],
    ["4", 400],
    ["4.350", 435],
    ["0.01", 1],
  ])("%s → %i bp", (text, bp) => {
    expect(parsePercentEntry(text)).toEqual({ ok: true, value: bp });
  });

  it.each([
    ["", "EMPTY"],
    ["4.355", "TOO_PRECISE"],
    ["4,35", "FORMAT"],
    ["435bp", "FORMAT"],
    ["-1", "FORMAT"],
  ])("%s is refused (%s)", (text, reason) => {
    expect(parsePercentEntry(text)).toEqual({ ok: false, reason });
  });

  it("bp → percent text → bp is the identity", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), (bp) => {
        expect(parsePercentEntry(bpToPercentEntry(bp))).toEqual({ ok: true, value: bp });
      }),
    );
  });
});
