import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ageOn,
  isCooperativeCreditCode,
  isValidCreditCode,
  makeResidentId,
  maskIdNumber,
  parseResidentId,
  residentIdCheckChar,
} from "@/domain";

describe("parseResidentId (GB 11643, ISO 7064 MOD 11-2)", () => {
  it("reads the standard's example 11010519491231002X: female, born 1949-12-31, region 110105", () => {
    expect(parseResidentId("11010519491231002X")).toEqual({
      ok: true,
      idNumber: "11010519491231002X",
      birthDate: "1949-12-31",
      sex: "F",
      regionCode: "110105",
    });
  });
  it("accepts a lower-case x", () => {
    expect(parseResidentId("11010519491231002x")).toMatchObject({ ok: true, idNumber: "11010519491231002X" });
  });
  it("reads a male ID (17th digit odd)", () => {
    expect(parseResidentId("440524198001010013")).toMatchObject({
      ok: true,
      sex: "M",
      birthDate: "1980-01-01",
    });
  });
  it.each([
    ["51192119850315002", "LENGTH"],
    ["5119211985031500222", "LENGTH"],
    ["51192119850315A02X", "CHARACTERS"],
    ["511921198502300028", "BIRTH_DATE"], // 30 February
    ["511921189902290028", "BIRTH_DATE"], // before 1900
    ["11010519491231002Y", "CHARACTERS"],
    ["110105194912310021", "CHECK_DIGIT"],
  ])("%s → %s with a Chinese message", (id, reason) => {
    const r = parseResidentId(id);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.message).toMatch(/身份证/);
    }
  });
  it("accepts 29 February of a leap year only", () => {
    expect(parseResidentId(makeResidentId("511921", "2000-02-29", 2)).ok).toBe(true);
    const bad = `5119211999022900${2}`;
    expect(parseResidentId(bad + residentIdCheckChar(bad)).ok).toBe(false);
  });
  it("property: every generated ID parses back to its parts; any single-digit change is caught", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1940-01-01"), max: new Date("2008-12-31"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (d, seq, pos, delta) => {
          const birth = d.toISOString().slice(0, 10);
          const id = makeResidentId("620123", birth, seq);
          const r = parseResidentId(id);
          expect(r).toMatchObject({
            ok: true,
            birthDate: birth,
            regionCode: "620123",
            sex: seq % 2 === 0 ? "F" : "M",
          });
          const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
          expect(parseResidentId(changed).ok).toBe(false);
        },
      ),
    );
  });
});

describe("masking and age", () => {
  it("shows the region (first six) and the check character only", () => {
    expect(maskIdNumber("511321199001010014")).toBe("511321***********4");
    expect(maskIdNumber("62012319850315002X")).toBe("620123***********X");
    expect(maskIdNumber("12345")).toBe("*****"); // not an ID number: hidden whole
  });
  it.each([
    ["1990-06-15", "2026-06-14", 35],
    ["1990-06-15", "2026-06-15", 36],
    ["2000-02-29", "2018-02-28", 17],
    ["2000-02-29", "2018-03-01", 18],
  ])("born %s, on %s → %i", (b, on, age) => expect(ageOn(b, on)).toBe(age));
});

describe("unified social credit code (GB 32100)", () => {
  it.each([
    ["91350100M000100Y43", true],
    ["91110000600037341L", true],
    ["91350100M000100Y44", false],
    ["91350100M000100Y4", false],
    ["91350100M000100I43", false], // I is not in the character set
  ])("%s → %s", (code, valid) => expect(isValidCreditCode(code)).toBe(valid));
  it("recognises a cooperative (93…)", () => {
    const first17 = "93511921MA62X1234";
    const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = [...first17].reduce((s, c, i) => s + chars.indexOf(c) * weights[i]!, 0);
    const code = first17 + chars[(31 - (sum % 31)) % 31];
    expect(isValidCreditCode(code)).toBe(true);
    expect(isCooperativeCreditCode(code)).toBe(true);
    expect(isCooperativeCreditCode("91350100M000100Y43")).toBe(false);
  });
});
