import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neutraliseCell } from "@/domain";

describe("neutraliseCell (formula injection)", () => {
  it.each([
    '=HYPERLINK("http://x","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    '＝HYPERLINK("http://x")',
    "＋1",
    "－1",
    "＠SUM(A1)",
  ])("makes %j inert", (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });
  it("leaves ordinary text alone", () => {
    expect(neutraliseCell("王秀兰")).toBe("王秀兰");
    expect(neutraliseCell("620123101201")).toBe("620123101201");
  });
  it("never outputs a cell a spreadsheet would evaluate, and keeps the text", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = neutraliseCell(s);
        expect(/^[=+\-@\t\r＝＋－＠]/.test(out)).toBe(false);
        expect(out.endsWith(s)).toBe(true);
      }),
    );
  });
});
