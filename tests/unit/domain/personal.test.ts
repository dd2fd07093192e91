import { describe, expect, it } from "vitest";
import {
  countIdCandidates,
  makeResidentId,
  maskIdNumber,
  maskPhone,
  maySearch,
  personalAccess,
  personalView,
  redactPersonal,
  searchKind,
  ROLES,
} from "@/domain";

const ID = makeResidentId("620123", "1985-03-15", 2);
const TODAY = "2026-11-23";

describe("how many ID numbers agree with what a page shows (countIdCandidates)", () => {
  it("the old mask (first 4, last 4) with the birth date leaves a handful: the weakness of issue 4", () => {
    const old = ID.slice(0, 4) + "*".repeat(10) + ID.slice(-4);
    expect(countIdCandidates({ masked: old, regionCode: "620123", sex: "F", birthDate: "1985-03-15" })).toBe(
      1,
    );
  });

  it("the mask with the birth year and sex leaves ≥ 10,000 (365 days × 500 even sequences ÷ 11)", () => {
    const n = countIdCandidates({
      masked: maskIdNumber(ID),
      regionCode: "620123",
      sex: "F",
      birthYear: 1985,
    });
    expect(n).toBeGreaterThanOrEqual(10_000);
    expect(n).toBeGreaterThan(15_000);
    expect(n).toBeLessThan(18_000);
  });

  it("counts exactly: brute force over the sequences of one day agrees", () => {
    const masked = maskIdNumber(ID);
    let brute = 0;
    for (let s = 0; s < 1000; s += 2)
      if (makeResidentId("620123", "1985-03-15", s).endsWith(masked[17]!)) brute++;
    expect(countIdCandidates({ masked, regionCode: "620123", sex: "F", birthDate: "1985-03-15" })).toBe(
      brute,
    );
  });

  it("the age on a date allows one year of birth dates; two views together narrow, contradictions leave 0", () => {
    const masked = maskIdNumber(ID);
    const byAge = countIdCandidates({
      masked,
      regionCode: "620123",
      sex: "F",
      age: { years: 41, on: TODAY },
    });
    expect(byAge).toBeGreaterThanOrEqual(10_000);
    const both = countIdCandidates({
      masked,
      regionCode: "620123",
      sex: "F",
      age: { years: 41, on: TODAY },
      birthYear: 1985,
    });
    expect(both).toBeLessThan(byAge); // 1985-03-15 … 1985-11-23 only
    expect(
      countIdCandidates({ masked, regionCode: "620123", sex: "F", birthYear: 1999, birthDate: "1985-03-15" }),
    ).toBe(0);
    expect(countIdCandidates({ masked: "not an id", regionCode: "620123" })).toBe(0);
  });

  it("showing one more character of the sequence would leave too few", () => {
    const oneMore = ID.slice(0, 6) + "*".repeat(10) + ID.slice(-2);
    expect(
      countIdCandidates({ masked: oneMore, regionCode: "620123", sex: "F", birthYear: 1985 }),
    ).toBeLessThan(10_000);
  });
});

describe("what each role sees (personalView)", () => {
  const facts = { idNumber: ID, birthDate: "1985-03-15", phone: "13812345678" };
  it.each(ROLES)("%s", (role) => {
    const access = personalAccess(role);
    const v = personalView(facts, access, TODAY);
    expect(v.idNumberMasked).toBe("620123***********" + ID[17]);
    expect(v.birthYear).toBe(1985);
    if (access.identity) expect(v).toMatchObject({ birthDate: "1985-03-15", age: 41 });
    else expect(v).toMatchObject({ birthDate: null, age: null });
    expect(v.phone).toBe(access.phone ? "13812345678" : "138****5678");
    expect(v.phoneMasked).toBe(!access.phone);
  });
  it("the county's staff may reveal and read phones, the approver reads phones; officials, auditors, admin neither", () => {
    expect(ROLES.map((r) => [r, personalAccess(r)])).toEqual([
      ["COUNTY_STAFF", { identity: true, phone: true }],
      ["COUNTY_APPROVER", { identity: false, phone: true }],
      ["CITY_OFFICIAL", { identity: false, phone: false }],
      ["AUDITOR", { identity: false, phone: false }],
      ["ADMIN", { identity: false, phone: false }],
    ]);
  });
});

describe("phones, searches and audit records", () => {
  it.each([
    ["13812345678", "138****5678"],
    ["0931-8123456", "0931-****456"],
    ["093181234567", "0931****4567"],
    ["abc", "***"],
  ])("masks %s as %s", (p, masked) => expect(maskPhone(p)).toBe(masked));

  it("searches by digits only where the digits are seen", () => {
    expect([ID, "13812345", "王"].map(searchKind)).toEqual(["ID_NUMBER", "PHONE", "NAME"]);
    expect(maySearch("ID_NUMBER", personalAccess("COUNTY_APPROVER"))).toBe(false);
    expect(maySearch("PHONE", personalAccess("COUNTY_APPROVER"))).toBe(true);
    expect(maySearch("PHONE", personalAccess("AUDITOR"))).toBe(false);
    expect(maySearch("NAME", personalAccess("AUDITOR"))).toBe(true);
  });

  it("redacts ID numbers (old masks too), birth dates and phones in audit records, at any depth", () => {
    const old = ID.slice(0, 4) + "*".repeat(10) + ID.slice(-4);
    expect(
      redactPersonal({
        before: {
          idNumber: old,
          birthDate: "1985-03-15T00:00:00.000Z",
          phone: "13812345678",
          name: "王秀英",
        },
        list: [{ idNumber: ID }],
        n: 1,
      }),
    ).toEqual({
      before: {
        idNumber: "6201*************" + ID[17],
        birthDate: "1985",
        phone: "138****5678",
        name: "王秀英",
      },
      list: [{ idNumber: maskIdNumber(ID) }],
      n: 1,
    });
  });
});
