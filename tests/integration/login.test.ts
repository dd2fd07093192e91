import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/server/db";
import { checkLogin, LOGIN_POLICY, logout, revokeToken, throttleKeys } from "@/server/services/login";
import { listUsers, unlockLogin } from "@/server/services/admin";
import { makeUser, PASSWORD, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

// Every argon2 verification checkLogin makes, by the hash it verified against (timing: one per attempt).
const verified = vi.hoisted(() => ({ hashes: [] as string[] }));
vi.mock(import("@/server/passwords"), async (original) => {
  const m = await original();
  return {
    ...m,
    verifyPassword: async (hash: string, password: string) => {
      verified.hashes.push(hash);
      return m.verifyPassword(hash, password);
    },
  };
});

const t0 = new Date("2026-01-01T08:00:00Z");
const later = (min: number) => new Date(t0.getTime() + min * 60_000);
const userHash = async (username: string) =>
  (await db.user.findUniqueOrThrow({ where: { username } })).passwordHash;

describe("login", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
    verified.hashes = [];
  });

  it("accepts the right password, refuses a wrong one or an unknown user with the same answer", async () => {
    const u = await makeUser("COUNTY_STAFF", "620123", { username: "alice" });
    expect(await checkLogin({ username: "alice", password: PASSWORD, ip: "10.0.0.1" })).toMatchObject({
      ok: true,
      user: { id: u.id, role: "COUNTY_STAFF" },
    });
    expect(await checkLogin({ username: "alice", password: "nope", ip: "10.0.0.1" })).toEqual({ ok: false });
    expect(await checkLogin({ username: "nobody", password: "nope", ip: "10.0.0.1" })).toEqual({ ok: false });
    const audit = await db.auditEvent.findMany({ where: { action: "auth.login" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.outcome, a.message])).toEqual([
      ["OK", null],
      ["DENIED", "invalid credentials"],
      ["DENIED", "unknown user"],
    ]);
  });

  it("30 wrong passwords sent at once from 30 addresses count 30: the account is then refused everywhere", async () => {
    await makeUser("COUNTY_STAFF", "620123", { username: "bob" });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        checkLogin({ username: "bob", password: "x", ip: `10.1.0.${i}` }, t0),
      ),
    );
    expect(answers.every((a) => !a.ok)).toBe(true);
    expect(30).toBeGreaterThan(LOGIN_POLICY.maxAddressesPerAccount);
    // the right password, from an address that never failed, within the window: refused
    expect(await checkLogin({ username: "bob", password: PASSWORD, ip: "10.1.1.1" }, later(1))).toEqual({
      ok: false,
    });
    const row = await db.loginThrottle.findUnique({ where: { key: throttleKeys("bob", "").account } });
    expect(row?.failures).toBe(31); // 30 failing addresses + the refused one: each counted once
  });

  it("12 wrong passwords sent at once from one address: only the allowed few are checked, all are counted", async () => {
    await makeUser("COUNTY_STAFF", "620123", { username: "bea" });
    const n = 12;
    expect(n).toBeGreaterThan(LOGIN_POLICY.maxFailuresPerAccountAndAddress);
    expect(n).toBeLessThan(LOGIN_POLICY.maxAttemptsPerAddress);
    const answers = await Promise.all(
      Array.from({ length: n }, () => checkLogin({ username: "bea", password: "x", ip: "10.2.0.1" }, t0)),
    );
    expect(answers).toEqual(Array.from({ length: n }, () => ({ ok: false })));
    const real = await userHash("bea");
    expect(verified.hashes).toHaveLength(n); // every attempt costs one verification (timing)...
    expect(verified.hashes.filter((h) => h === real)).toHaveLength(
      LOGIN_POLICY.maxFailuresPerAccountAndAddress,
    );
    const pair = await db.loginThrottle.findUnique({ where: { key: throttleKeys("bea", "10.2.0.1").pair } });
    expect(pair?.failures).toBe(n);
    // ...that address is refused, even the right password; the owner elsewhere is not
    expect(await checkLogin({ username: "bea", password: PASSWORD, ip: "10.2.0.1" }, later(1))).toEqual({
      ok: false,
    });
    expect(await checkLogin({ username: "bea", password: PASSWORD, ip: "10.3.0.1" }, later(1))).toMatchObject(
      {
        ok: true,
      },
    );
    // and after the refusal period the address may try again
    expect(
      await checkLogin(
        { username: "bea", password: PASSWORD, ip: "10.2.0.1" },
        later(LOGIN_POLICY.lockMinutes + 1),
      ),
    ).toMatchObject({ ok: true });
  });

  it("a real and an unknown account answer every failure alike, with one verification each", async () => {
    await makeUser("ADMIN", "000000", { username: "admin" });
    const real = await userHash("admin");
    for (let i = 0; i < LOGIN_POLICY.maxFailuresPerAccountAndAddress + 3; i++) {
      for (const username of ["admin", "ghost"]) {
        const before = verified.hashes.length;
        expect(
          await checkLogin({ username, password: "wrong", ip: "10.4.0.1" }, t0),
          `${username} #${i}`,
        ).toEqual({
          ok: false,
        });
        expect(verified.hashes.length - before, `${username} #${i}`).toBe(1);
      }
    }
    // throttled: the right password gets the same answer and the same work, and is not tested
    const before = verified.hashes.length;
    expect(await checkLogin({ username: "admin", password: PASSWORD, ip: "10.4.0.1" }, t0)).toEqual({
      ok: false,
    });
    expect(verified.hashes.slice(before)).toHaveLength(1);
    expect(verified.hashes.slice(before)).not.toContain(real);
  });

  it("an attacker's failures do not lock the owner out", async () => {
    await makeUser("ADMIN", "000000", { username: "admin" });
    for (let i = 0; i < 50; i++)
      await checkLogin({ username: "admin", password: "guess", ip: "10.6.6.6" }, t0);
    expect(await checkLogin({ username: "admin", password: PASSWORD, ip: "10.0.0.1" }, t0)).toMatchObject({
      ok: true,
    });
  });

  it("failures from many addresses refuse the account; an administrator can lift it, and it ends by itself", async () => {
    const admin = await makeUser("ADMIN", "000000", { username: "root" });
    await makeUser("COUNTY_STAFF", "620123", { username: "carl" });
    const now = Date.now(); // the administrators' list looks at the real clock
    const at = (min: number) => new Date(now + min * 60_000);
    for (let i = 0; i <= LOGIN_POLICY.maxAddressesPerAccount; i++)
      await checkLogin({ username: "carl", password: "x", ip: `10.7.0.${i}` }, at(0));
    expect(await checkLogin({ username: "carl", password: PASSWORD, ip: "10.8.0.1" }, at(0))).toEqual({
      ok: false,
    });
    const listed = (await listUsers(admin)).find((u) => u.username === "carl");
    expect(listed?.lockedUntil).not.toBeNull();
    await unlockLogin(admin, { id: listed!.id });
    expect(await checkLogin({ username: "carl", password: PASSWORD, ip: "10.8.0.1" }, at(0))).toMatchObject({
      ok: true,
    });
    expect(
      await db.auditEvent.count({ where: { action: "user.unlockLogin", entityId: String(listed!.id) } }),
    ).toBe(1);

    // the same attack again: the refusal ends after its period without anyone's help
    for (let i = 0; i <= LOGIN_POLICY.maxAddressesPerAccount; i++)
      await checkLogin({ username: "carl", password: "x", ip: `10.9.0.${i}` }, at(1));
    expect(await checkLogin({ username: "carl", password: PASSWORD, ip: "10.9.1.1" }, at(2))).toEqual({
      ok: false,
    });
    expect(
      await checkLogin(
        { username: "carl", password: PASSWORD, ip: "10.9.1.1" },
        at(LOGIN_POLICY.lockMinutes + 3),
      ),
    ).toMatchObject({ ok: true });
  });

  it("throttles an address that fails against many accounts; successful logins do not count", async () => {
    await makeUser("COUNTY_STAFF", "620123", { username: "carol" });
    for (let i = 0; i < LOGIN_POLICY.maxAttemptsPerAddress + 5; i++)
      expect(await checkLogin({ username: "carol", password: PASSWORD, ip: "10.9.9.8" }, t0)).toMatchObject({
        ok: true,
      });
    for (let i = 0; i < LOGIN_POLICY.maxAttemptsPerAddress; i++)
      await checkLogin({ username: `ghost${i}`, password: "x", ip: "10.9.9.9" }, t0);
    expect(await checkLogin({ username: "carol", password: PASSWORD, ip: "10.9.9.9" }, t0)).toEqual({
      ok: false,
    });
    expect(await checkLogin({ username: "carol", password: PASSWORD, ip: "10.9.9.10" }, t0)).toMatchObject({
      ok: true,
    });
  });

  it("a disabled user cannot log in", async () => {
    await makeUser("COUNTY_STAFF", "620123", { username: "dora", disabled: true });
    expect(await checkLogin({ username: "dora", password: PASSWORD, ip: "10.0.0.2" })).toEqual({ ok: false });
  });

  it("next-auth's own sign-out revokes the token like the app's logout, once", async () => {
    const u = await makeUser("COUNTY_STAFF", "620123", { username: "carol" });
    const version = async () => (await db.user.findUniqueOrThrow({ where: { id: u.id } })).sessionVersion;
    const sv = await version();
    await revokeToken({ uid: u.id, sv, loginAt: 1 });
    expect(await version()).toBe(sv + 1); // every token carrying sv is now refused (src/server/session.ts)
    await revokeToken({ uid: u.id, sv }); // the same token again: nothing more
    expect(await version()).toBe(sv + 1);
    // The app's logout bumps first; the sign-out event that follows it changes nothing and audits nothing.
    await logout({ id: u.id, username: "carol", role: "COUNTY_STAFF", ip: null });
    await revokeToken({ uid: u.id, sv: sv + 1 });
    expect(await version()).toBe(sv + 2);
    expect(await db.auditEvent.count({ where: { action: "auth.logout", entityId: String(u.id) } })).toBe(2);
    await revokeToken({ sub: "x" }); // a token without our claims: ignored
  });
});
