import { beforeEach, describe, expect, it } from "vitest";
import { makeResidentId, maskIdNumber } from "@/domain";
import { db } from "@/server/db";
import { refusal } from "../support/refusal";
import {
  createBorrower,
  getBorrower,
  revealIdNumber,
  revealPersonalData,
  searchBorrowers,
  updateBorrower,
} from "@/server/services/borrowers";
import { makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";
import { listAuditEvents } from "@/server/services/audit-log";
import { listLoans } from "@/server/services/loans";

const TODAY = "2026-11-23";
const form = (overrides: Record<string, unknown> = {}) => ({
  name: "王秀英",
  idNumber: makeResidentId("620123", "1985-03-15", 2),
  phone: "13812345678",
  villageCode: "620123101201",
  householdType: "POVERTY_ALLEVIATED",
  creditRated: "on",
  industry: "肉牛养殖",
  ...overrides,
});

describe("borrower registry", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
  });

  it("registers a woman in the staff's county, derives county and birth data from the record, audits it with the ID masked", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    expect(b).toMatchObject({
      name: "王秀英",
      countyCode: "620123",
      sex: "F",
      birthDate: "1985-03-15",
      age: 41,
      creditRated: true,
      villageName: "王家村",
      townshipName: "城关镇",
    });
    expect(b.idNumberMasked).toMatch(/^620123\*{11}[\dX]$/);
    const [event] = await db.auditEvent.findMany({ where: { action: "borrower.create" } });
    expect(event).toMatchObject({
      outcome: "OK",
      userId: staff.id,
      countyCode: "620123",
      entityId: String(b.id),
    });
    expect(JSON.stringify(event!.after)).not.toContain(form().idNumber);
  });

  it.each([
    [
      "a bad check digit",
      {
        idNumber: `${makeResidentId("620123", "1985-03-15", 2).slice(0, 17)}${makeResidentId("620123", "1985-03-15", 2).endsWith("1") ? "2" : "1"}`,
      },
      "idNumber",
      /校验位/,
    ],
    ["an impossible birth date", { idNumber: "620123198502300023" }, "idNumber", /出生日期/],
    ["a bad phone", { phone: "12345" }, "phone", /手机号码/],
    ["an empty name", { name: "  " }, "name", /请填写姓名/],
    ["a village of another county", { villageCode: "431124101201" }, "villageCode", /管辖范围/],
    ["an unknown village", { villageCode: "620123101299" }, "villageCode", /管辖范围/],
  ])(
    "refuses %s with a message at the field and writes nothing",
    async (_label, overrides, field, message) => {
      const staff = await makeUser("COUNTY_STAFF", "620123");
      const e = await refusal(createBorrower(staff, form(overrides), TODAY));
      expect(e.kind).toBe("INVALID");
      expect(e.fieldErrors?.[field]?.join()).toMatch(message);
      expect(await db.borrower.count()).toBe(0);
    },
  );

  it("one borrower per ID number: a duplicate names the existing record when it is in scope", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const first = await createBorrower(staff, form(), TODAY);
    const e = await refusal(createBorrower(staff, form({ name: "王秀英二" }), TODAY));
    expect(e.fieldErrors?.idNumber?.join()).toMatch(/已登记/);
    expect(e.meta).toEqual({ existingId: first.id });
    // Registered in another county: refused without pointing at the record.
    const other = await makeUser("COUNTY_STAFF", "431124");
    const e2 = await refusal(createBorrower(other, form({ villageCode: "431124101201" }), TODAY));
    expect(e2.fieldErrors?.idNumber?.join()).toMatch(/其他地区/);
    expect(e2.meta).toBeUndefined();
    expect(await db.borrower.count()).toBe(1);
  });

  it("a user of county A gets nothing of county B by id: no data, no change, the refusal audited", async () => {
    const yz = await makeUser("COUNTY_STAFF", "620123");
    const dx = await makeUser("COUNTY_STAFF", "431124");
    const b = await createBorrower(yz, form(), TODAY);
    for (const call of [
      () => getBorrower(dx, b.id, TODAY),
      () => revealIdNumber(dx, b.id),
      () => updateBorrower(dx, { ...form({ name: "篡改" }), id: b.id, version: b.version }, TODAY),
    ]) {
      const e = await refusal(call());
      expect(e.kind).toBe("NOT_FOUND");
    }
    expect((await db.borrower.findUniqueOrThrow({ where: { id: b.id } })).name).toBe("王秀英");
    const denied = await db.auditEvent.findMany({ where: { userId: dx.id, outcome: "DENIED" } });
    expect(denied.map((d) => d.action).sort()).toEqual([
      "borrower.read",
      "borrower.revealId",
      "borrower.update",
    ]);
    expect(denied.every((d) => d.countyCode === "620123" && d.entityId === String(b.id))).toBe(true);
    expect((await searchBorrowers(dx, { q: "王秀英" }, TODAY)).rows).toEqual([]);
  });

  it.each([
    ["COUNTY_APPROVER", "620123"],
    ["CITY_OFFICIAL", "620100"],
    ["AUDITOR", "620100"],
  ] as const)("%s reads the borrower masked, cannot reveal the ID nor edit", async (role, region) => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    const reader = await makeUser(role, region);
    const seen = await getBorrower(reader, b.id, TODAY);
    expect(seen.idNumberMasked).not.toContain(form().idNumber);
    expect(seen).toMatchObject({ canEdit: false, canReveal: false });
    expect((await refusal(revealIdNumber(reader, b.id))).kind).toBe("FORBIDDEN");
    expect((await refusal(updateBorrower(reader, { ...form(), id: b.id, version: 1 }, TODAY))).kind).toBe(
      "FORBIDDEN",
    );
  });

  it("an administrator manages users, not borrowers: refused", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    const admin = await makeUser("ADMIN", "000000");
    expect((await refusal(getBorrower(admin, b.id, TODAY))).kind).toBe("FORBIDDEN");
    expect(
      (
        await refusal(
          createBorrower(admin, form({ idNumber: makeResidentId("620123", "1991-01-01", 8) }), TODAY),
        )
      ).kind,
    ).toBe("FORBIDDEN");
    expect((await refusal(searchBorrowers(admin, {}, TODAY))).kind).toBe("FORBIDDEN");
    expect(await db.borrower.count()).toBe(1);
  });

  it("the owning county's staff reveal the full ID number, and every reveal is audited", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    expect(await revealIdNumber(staff, b.id)).toBe(form().idNumber);
    expect(
      await db.auditEvent.count({ where: { action: "borrower.revealId", outcome: "OK", userId: staff.id } }),
    ).toBe(1);
  });

  it.each([
    [
      "COUNTY_STAFF",
      "620123",
      { birthDate: "1985-03-15", age: 41, phone: "13812345678", phoneMasked: false },
    ],
    ["COUNTY_APPROVER", "620123", { birthDate: null, age: null, phone: "13812345678", phoneMasked: false }],
    ["CITY_OFFICIAL", "620100", { birthDate: null, age: null, phone: "138****5678", phoneMasked: true }],
    ["AUDITOR", "620100", { birthDate: null, age: null, phone: "138****5678", phoneMasked: true }],
  ] as const)(
    "%s sees the birth date only with the reveal right, the birth year otherwise, and the phone by role",
    async (role, region, expected) => {
      const staff = await makeUser("COUNTY_STAFF", "620123");
      const b = await createBorrower(staff, form(), TODAY);
      const reader = role === "COUNTY_STAFF" ? staff : await makeUser(role, region);
      const seen = await getBorrower(reader, b.id, TODAY);
      expect(seen).toMatchObject({
        ...expected,
        birthYear: 1985,
        idNumberMasked: maskIdNumber(form().idNumber),
      });
      const [listed] = (await searchBorrowers(reader, {}, TODAY)).rows;
      expect(listed).toEqual(seen);
    },
  );

  it("searches by ID number only with the reveal right and by phone only with the phone right", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    await makeLoan({ borrower: b, ctx: await seedProgrammeAndPolicy(), makerId: staff.id });
    const found = async (reader: Awaited<ReturnType<typeof makeUser>>) => ({
      byId: (await searchBorrowers(reader, { q: form().idNumber }, TODAY)).rows.length,
      byPhone: (await searchBorrowers(reader, { q: "1381234" }, TODAY)).rows.length,
      loansById: (await listLoans(reader, { q: form().idNumber, limit: 50 })).rows.length,
    });
    expect(await found(staff)).toEqual({ byId: 1, byPhone: 1, loansById: 1 });
    expect(await found(await makeUser("COUNTY_APPROVER", "620123"))).toEqual({
      byId: 0,
      byPhone: 1,
      loansById: 0,
    });
    for (const role of ["CITY_OFFICIAL", "AUDITOR"] as const)
      expect(await found(await makeUser(role, "620100"))).toEqual({ byId: 0, byPhone: 0, loansById: 0 });
  });

  it("the audited reveal gives the ID number, birth date and phone, and says so in the audit event", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    expect(await revealPersonalData(staff, { id: b.id })).toEqual({
      idNumber: form().idNumber,
      birthDate: "1985-03-15",
      phone: "13812345678",
    });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "borrower.revealId", outcome: "OK" },
    });
    expect(event.after).toEqual({ revealed: ["idNumber", "birthDate", "phone"] });
    for (const [role, region] of [
      ["COUNTY_APPROVER", "620123"],
      ["CITY_OFFICIAL", "620100"],
      ["AUDITOR", "620100"],
    ] as const)
      expect((await refusal(revealPersonalData(await makeUser(role, region), { id: b.id }))).kind).toBe(
        "FORBIDDEN",
      );
  });

  it("the audit trail shows a borrower's ID number masked, the birth year only and the phone masked", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    await updateBorrower(staff, { ...form({ phone: "13900000001" }), id: b.id, version: b.version }, TODAY);
    const auditor = await makeUser("AUDITOR", "620100");
    const rows = (await listAuditEvents(auditor, { action: "borrower." })).rows;
    expect(rows.map((r) => r.action).sort()).toEqual(["borrower.create", "borrower.update"]);
    const shown = JSON.stringify(rows);
    expect(shown).toContain(maskIdNumber(form().idNumber));
    expect(shown).toContain("138****5678");
    expect(shown).toContain("139****0001");
    for (const secret of [form().idNumber, "13812345678", "13900000001", "1985-03-15", "03-15"])
      expect(shown).not.toContain(secret);
  });

  it("an edit on a stale version is refused (second user told), not silently overwritten", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    await updateBorrower(staff, { ...form({ phone: "13900000001" }), id: b.id, version: b.version }, TODAY);
    const e = await refusal(
      updateBorrower(staff, { ...form({ phone: "13900000002" }), id: b.id, version: b.version }, TODAY),
    );
    expect(e.kind).toBe("CONFLICT");
    expect((await db.borrower.findUniqueOrThrow({ where: { id: b.id } })).phone).toBe("13900000001");
  });

  it("ten people saving the same version at once: exactly one edit lands, nine are told to refresh", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const b = await createBorrower(staff, form(), TODAY);
    const phones = Array.from({ length: 10 }, (_, i) => `1390000010${i}`);
    const results = await Promise.allSettled(
      phones.map((phone) =>
        updateBorrower(staff, { ...form({ phone }), id: b.id, version: b.version }, TODAY),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [phones[i]] : []));
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected")
        expect(r.reason).toMatchObject({
          kind: "CONFLICT",
          message: expect.stringMatching(/已被其他人修改/),
        });
    const row = await db.borrower.findUniqueOrThrow({ where: { id: b.id } });
    expect(row.phone).toBe(won[0]);
    expect(row.version).toBe(b.version + 1);
  });

  it("searches by name, full ID number and phone within scope", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const a = await createBorrower(staff, form(), TODAY);
    await createBorrower(
      staff,
      form({ name: "李桂兰", idNumber: makeResidentId("620123", "1990-07-01", 4), phone: "13700000000" }),
      TODAY,
    );
    const names = async (q: string) => (await searchBorrowers(staff, { q }, TODAY)).rows.map((r) => r.name);
    expect(await names("秀英")).toEqual(["王秀英"]);
    expect(await names(form().idNumber)).toEqual(["王秀英"]);
    expect(await names("1370000")).toEqual(["李桂兰"]);
    expect((await searchBorrowers(staff, {}, TODAY)).rows.map((r) => r.id)).toContain(a.id);
    expect((await searchBorrowers(staff, { villageCode: "620123101" }, TODAY)).rows).toHaveLength(2);
    expect((await searchBorrowers(staff, { villageCode: "620121101201" }, TODAY)).rows).toHaveLength(0);
  });
});
