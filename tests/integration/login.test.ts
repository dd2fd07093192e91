import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { checkLogin, LOGIN_POLICY } from "@/server/services/login";
import { makeUser, PASSWORD, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

describe("login", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
  });

  it("accepts the right password, refuses a wrong one or an unknown user with the same answer", async () => {
    const u = await makeUser("COUNTY_STAFF", "620123", { username: "alice" });
    expect(await checkLogin({ username: "alice", password: PASSWORD, ip: "10.0.0.1" })).toMatchObject({
      ok: true,
      user: { id: u.id, role: "COUNTY_STAFF" },
    });
    expect(await checkLogin({ username: "alice", password: "nope", ip: "10.0.0.1" })).toEqual({
      ok: false,
      reason: "INVALID",
    });
    expect(await checkLogin({ username: "nobody", password: "nope", ip: "10.0.0.1" })).toEqual({
      ok: false,
      reason: "INVALID",
    });
    const audit = await db.auditEvent.findMany({ where: { action: "auth.login" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.outcome)).toEqual(["OK", "DENIED", "DENIED"]);
  });

  it("locks an account after repeated failures, even for the right password, and says until when", async () => {
    await makeUser("COUNTY_STAFF", "620123", { username: "bob" });
    const t0 = new Date("2026-01-01T08:00:00Z");
    for (let i = 1; i < LOGIN_POLICY.maxFailuresPerAccount; i++)
      expect((await checkLogin({ username: "bob", password: "x", ip: `10.0.1.${i}` }, t0)).ok).toBe(false);
    const locked = await checkLogin({ username: "bob", password: "x", ip: "10.0.1.9" }, t0);
    expect(locked).toMatchObject({ ok: false, reason: "LOCKED" });
    expect(
      await checkLogin(
        { username: "bob", password: PASSWORD, ip: "10.0.1.9" },
        new Date(t0.getTime() + 60_000),
      ),
    ).toMatchObject({ ok: false, reason: "LOCKED" });
    // after the lock period the right password works again
    expect(
      await checkLogin(
        { username: "bob", password: PASSWORD, ip: "10.0.1.9" },
        new Date(t0.getTime() + 16 * 60_000),
      ),
    ).toMatchObject({ ok: true });
  });

  it("locks an IP address that fails against many accounts", async () => {
    const t0 = new Date("2026-01-01T08:00:00Z");
    await makeUser("COUNTY_STAFF", "620123", { username: "carol" });
    for (let i = 0; i < LOGIN_POLICY.maxFailuresPerIp; i++)
      await checkLogin({ username: `ghost${i}`, password: "x", ip: "10.9.9.9" }, t0);
    expect(await checkLogin({ username: "carol", password: PASSWORD, ip: "10.9.9.9" }, t0)).toMatchObject({
      ok: false,
      reason: "LOCKED",
    });
    expect(await checkLogin({ username: "carol", password: PASSWORD, ip: "10.9.9.10" }, t0)).toMatchObject({
      ok: true,
    });
  });

  it("a disabled user cannot log in", async () => {
    await makeUser("COUNTY_STAFF", "620123", { username: "dora", disabled: true });
    expect(await checkLogin({ username: "dora", password: PASSWORD, ip: "10.0.0.2" })).toEqual({
      ok: false,
      reason: "INVALID",
    });
  });
});
