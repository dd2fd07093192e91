import { pinyin } from "pinyin-pro";
import { describe, expect, it } from "vitest";
import { matchesQuery } from "@/ui/forms/VillageCombobox";

const keys = (name: string) =>
  `${pinyin(name, { toneType: "none", type: "array" }).join("")} ${pinyin(name, { pattern: "first", toneType: "none", type: "array" }).join("")}`;
const option = (township: string, village: string) => ({
  label: `${township} · ${village}`,
  search: `${keys(village)} ${keys(township)}`,
});

describe("village search", () => {
  const zjb = option("城关镇", "周家坝村");
  const zjg = option("金崖镇", "周家沟村");
  it("matches characters of the village or township name", () => {
    expect(matchesQuery(zjb, "周家")).toBe(true);
    expect(matchesQuery(zjg, "周家")).toBe(true);
    expect(matchesQuery(zjb, "城关")).toBe(true);
    expect(matchesQuery(zjb, "金崖")).toBe(false);
  });
  it("matches pinyin initials and full pinyin, without tones, in any case", () => {
    expect(matchesQuery(zjb, "zjb")).toBe(true);
    expect(matchesQuery(zjg, "zjb")).toBe(false);
    expect(matchesQuery(zjb, "ZJB")).toBe(true);
    expect(matchesQuery(zjb, "zhoujiaba")).toBe(true);
    expect(matchesQuery(zjb, "zhou jia")).toBe(true);
  });
  it("an empty query lists everything", () => {
    expect(matchesQuery(zjb, "  ")).toBe(true);
  });
});
