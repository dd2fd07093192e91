import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { refusal } from "../support/refusal";
import {
  addLpr,
  createRegion,
  createUser,
  listUsers,
  resetPassword,
  setUserDisabled,
  updateUserRole,
} from "@/server/services/admin";
import { createPolicyVersion } from "@/server/services/policies";
import { listAuditEvents } from "@/server/services/audit-log";
import { checkLogin } from "@/server/services/login";
import { makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

const policy = (o: Record<string, unknown> = {}) => ({
  programmeId: 0,
  regionCode: "620123",
  name: "榆中县2027政策",
  validFrom: "2027-01-01",
  validTo: "",
  maxPrincipal: "300000",
  maxTermMonths: "36",
  rateRule: "LPR_1Y_PLUS_SPREAD",
  rateCapSpread: "3.00",
  subsidyMode: "LPR_MINUS_SPREAD",
  borrowerSpread: "1.50",
  subsidyShare: "100",
  shareCentral: "0",
  shareProvincial: "50",
  shareCity: "0",
  shareCounty: "50",
  dayCountBasis: "360",
  leverageCap: "10",
  compensationShare: "80",
  ...o,
});

describe("administration", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
  });

  it("creates users with a strong password and a county scope for county roles; refuses everyone but admins", async () => {
    const admin = await makeUser("ADMIN", "000000");
    const u = await createUser(admin, {
      username: "new_staff",
      displayName: "新经办",
      role: "COUNTY_STAFF",
      regionCode: "620123",
      password: "Abcdefgh12",
    });
    expect(await checkLogin({ username: "new_staff", password: "Abcdefgh12", ip: "1.1.1.1" })).toMatchObject({
      ok: true,
      user: { id: u.id },
    });
    expect(
      (
        await refusal(
          createUser(admin, {
            username: "weak",
            displayName: "x",
            role: "AUDITOR",
            regionCode: "620100",
            password: "short",
          }),
        )
      ).fieldErrors?.password?.join(),
    ).toMatch(/至少10位/);
    expect(
      (
        await refusal(
          createUser(admin, {
            username: "cityclerk",
            displayName: "x",
            role: "COUNTY_STAFF",
            regionCode: "620100",
            password: "Abcdefgh12",
          }),
        )
      ).fieldErrors?.regionCode?.join(),
    ).toMatch(/县/);
    expect(
      (
        await refusal(
          createUser(admin, {
            username: "new_staff",
            displayName: "x",
            role: "AUDITOR",
            regionCode: "620100",
            password: "Abcdefgh12",
          }),
        )
      ).fieldErrors?.username?.join(),
    ).toMatch(/已存在/);
    for (const role of ["COUNTY_STAFF", "COUNTY_APPROVER", "CITY_OFFICIAL", "AUDITOR"] as const) {
      const other = await makeUser(role, role.startsWith("COUNTY") ? "620123" : "620100");
      expect(
        (
          await refusal(
            createUser(other, {
              username: `x_${role.toLowerCase()}`,
              displayName: "x",
              role: "ADMIN",
              regionCode: "000000",
              password: "Abcdefgh12",
            }),
          )
        ).kind,
      ).toBe("FORBIDDEN");
      expect((await refusal(listUsers(other))).kind).toBe("FORBIDDEN");
    }
    expect(await db.user.count({ where: { username: { startsWith: "x_" } } })).toBe(0);
  });

  it("disabling, resetting a password or changing a role bumps the session version (open sessions end at once)", async () => {
    const admin = await makeUser("ADMIN", "000000");
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const sv = async () => (await db.user.findUniqueOrThrow({ where: { id: staff.id } })).sessionVersion;
    const v0 = await sv();
    await setUserDisabled(admin, { id: staff.id }, true);
    expect(await sv()).toBe(v0 + 1);
    expect((await checkLogin({ username: staff.username, password: "Test@12345", ip: "1.1.1.2" })).ok).toBe(
      false,
    );
    await setUserDisabled(admin, { id: staff.id }, false);
    await resetPassword(admin, { id: staff.id, password: "Newpassword9" });
    await updateUserRole(admin, { id: staff.id, role: "COUNTY_APPROVER", regionCode: "620123" });
    expect(await sv()).toBe(v0 + 4);
    expect(
      await checkLogin({ username: staff.username, password: "Newpassword9", ip: "1.1.1.2" }),
    ).toMatchObject({ ok: true, user: { role: "COUNTY_APPROVER" } });
    expect((await refusal(setUserDisabled(admin, { id: admin.id }, true))).message).toMatch(/自己/);
    const actions = (
      await db.auditEvent.findMany({ where: { userId: admin.id }, orderBy: { id: "asc" } })
    ).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(["user.disable:OK", "user.enable:OK", "user.resetPassword:OK", "user.update:OK"]);
  });

  it("a provincial administrator manages only users and regions of the province", async () => {
    const gansu = await makeUser("ADMIN", "620000");
    const hunan = await makeUser("COUNTY_STAFF", "431124");
    expect((await refusal(setUserDisabled(gansu, { id: hunan.id }, true))).kind).toBe("NOT_FOUND");
    expect((await db.user.findUniqueOrThrow({ where: { id: hunan.id } })).disabled).toBe(false);
    expect((await listUsers(gansu)).map((u) => u.regionCode).every((c) => c.startsWith("62"))).toBe(true);
    expect(
      (
        await refusal(createRegion(gansu, { code: "431124102", name: "白马渡镇", parentCode: "431124" }))
      ).fieldErrors?.parentCode?.join(),
    ).toMatch(/管辖范围/);
    await createRegion(gansu, { code: "620123102", name: "夏官营镇", parentCode: "620123" });
    expect(
      (
        await refusal(createRegion(gansu, { code: "620121102201", name: "错村", parentCode: "620123102" }))
      ).fieldErrors?.code?.join(),
    ).toMatch(/开头/);
  });

  it("LPR entries: typed in percent and stored in basis points exactly; one per date and term, sane rates", async () => {
    const admin = await makeUser("ADMIN", "000000");
    await addLpr(admin, { effectiveDate: "2026-12-22", term: "ONE_YEAR", rate: "2.95" });
    expect((await db.lprRate.findFirstOrThrow()).rateBp).toBe(295);
    expect(
      (await refusal(addLpr(admin, { effectiveDate: "2026-12-22", term: "ONE_YEAR", rate: "2.90" })))
        .fieldErrors?.effectiveDate,
    ).toBeDefined();
    for (const [rate, message] of [
      ["3.505", /百分数.*两位小数/],
      ["300bp", /百分数/],
      ["0", /须大于0/],
      ["20.01", /不能超过20.00%/],
    ] as const)
      expect(
        (
          await refusal(addLpr(admin, { effectiveDate: "2026-12-22", term: "FIVE_YEAR", rate }))
        ).fieldErrors?.rate?.join(),
      ).toMatch(message);
    await addLpr(admin, { effectiveDate: "2026-12-22", term: "FIVE_YEAR", rate: "3.5%" });
    expect((await db.lprRate.findFirstOrThrow({ where: { term: "FIVE_YEAR" } })).rateBp).toBe(350);
  });

  it("a policy's spreads and shares are typed in percent and stored in basis points exactly", async () => {
    const admin = await makeUser("ADMIN", "000000");
    const { programme } = await seedProgrammeAndPolicy();
    await createPolicyVersion(
      admin,
      policy({
        programmeId: String(programme.id),
        rateCapSpread: "3.00",
        borrowerSpread: "0",
        subsidyShare: "70",
        compensationShare: "80.5",
      }),
    );
    const stored = await db.policyVersion.findFirstOrThrow({ where: { regionCode: "620123" } });
    expect(stored).toMatchObject({
      rateCapSpreadBp: 300,
      borrowerSpreadBp: 0,
      subsidyShareBp: 7_000,
      compensationShareBp: 8_050,
    });
    for (const [field, value, message] of [
      ["rateCapSpread", "300", /利率上限加点不能超过10.00%/],
      ["borrowerSpread", "1.505", /借款人利率减点以百分数填写/],
      ["subsidyShare", "100.01", /贴息比例不能超过100.00%/],
      ["compensationShare", "", /请填写代偿比例/],
    ] as const)
      expect(
        (
          await refusal(
            createPolicyVersion(
              admin,
              policy({ programmeId: String(programme.id), regionCode: "620121", [field]: value }),
            ),
          )
        ).fieldErrors?.[field]?.join(),
      ).toMatch(message);
    expect(await db.policyVersion.count({ where: { regionCode: "620121" } })).toBe(0);
  });

  it("policy versions are dated and may not overlap for the same programme and region", async () => {
    const admin = await makeUser("ADMIN", "000000");
    const { programme } = await seedProgrammeAndPolicy();
    await createPolicyVersion(admin, policy({ programmeId: String(programme.id) }));
    const e = await refusal(
      createPolicyVersion(
        admin,
        policy({ programmeId: String(programme.id), validFrom: "2028-01-01", name: "重叠" }),
      ),
    );
    expect(e.fieldErrors?.validFrom?.join()).toMatch(/重叠/);
    expect(
      (
        await refusal(
          createPolicyVersion(
            admin,
            policy({ programmeId: String(programme.id), regionCode: "620121", validTo: "2026-01-01" }),
          ),
        )
      ).fieldErrors?.validTo?.join(),
    ).toMatch(/晚于/);
    expect(
      (
        await refusal(
          createPolicyVersion(
            admin,
            policy({ programmeId: String(programme.id), regionCode: "620121", dayCountBasis: "366" }),
          ),
        )
      ).fieldErrors?.dayCountBasis,
    ).toBeDefined();
    expect(await db.policyVersion.count({ where: { regionCode: "620123" } })).toBe(1);
  });

  it("a policy version sets the work lists' days (due notices, follow-ups); empty keeps the defaults", async () => {
    const admin = await makeUser("ADMIN", "000000");
    const { programme } = await seedProgrammeAndPolicy();
    await createPolicyVersion(
      admin,
      policy({ programmeId: String(programme.id), dueNoticeDays: "45", followUpDays: "7" }),
    );
    const stored = await db.policyVersion.findFirstOrThrow({ where: { regionCode: "620123" } });
    expect([stored.dueNoticeDays, stored.followUpDays]).toEqual([45, 7]);
    await createPolicyVersion(admin, policy({ programmeId: String(programme.id), regionCode: "620121" }));
    const defaults = await db.policyVersion.findFirstOrThrow({ where: { regionCode: "620121" } });
    expect([defaults.dueNoticeDays, defaults.followUpDays]).toEqual([30, 14]);
    const e = await refusal(
      createPolicyVersion(
        admin,
        policy({ programmeId: String(programme.id), regionCode: "620122", followUpDays: "0" }),
      ),
    );
    expect(e.fieldErrors?.followUpDays?.join()).toMatch(/催收跟进间隔天数/);
  });

  it("the audit log shows an auditor the events of her region only, and nothing can edit it", async () => {
    const admin = await makeUser("ADMIN", "000000");
    const yz = await makeUser("COUNTY_STAFF", "620123");
    const dx = await makeUser("COUNTY_STAFF", "431124");
    await setUserDisabled(admin, { id: dx.id }, true); // event without county, user in Hunan
    await checkLogin({ username: yz.username, password: "Test@12345", ip: "9.9.9.9" });
    const auditor = await makeUser("AUDITOR", "620100");
    const rows = (await listAuditEvents(auditor, {})).rows;
    expect(rows.map((r) => r.action)).toEqual(["auth.login"]);
    expect((await listAuditEvents(admin, { outcome: "OK" })).rows.length).toBeGreaterThanOrEqual(2);
    expect((await refusal(listAuditEvents(yz, {}))).kind).toBe("FORBIDDEN");
  });
});
