import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Role } from "@/domain";
import { db } from "../db";
import { dummyHash, verifyPassword } from "../passwords";
import { actorFields, writeAudit } from "../audit";

/**
 * The throttling rule, every number of it (SECURITY.md states it). Counters cover a window; each login
 * attempt counts before its password is checked (one atomic statement per counter), so N attempts sent at
 * once count N and the ones over a limit are never checked. A successful login takes its own count back.
 *  - per address: more than `maxAttemptsPerAddress` failures from one address, against any accounts;
 *  - per account and address: more than `maxFailuresPerAccountAndAddress` failures for one username from
 *    one address — an attacker's failures do not refuse the owner at another address;
 *  - per account: failures for one username from more than `maxAddressesPerAccount` different addresses
 *    (a distributed attack) refuse that username everywhere; an administrator can lift it (unlockLogin).
 * A refusal lasts `lockMinutes` from the first refused attempt (at least to the end of the window).
 * Unknown usernames are counted exactly like real ones, and every failure gets the same answer.
 */
export const LOGIN_POLICY = {
  windowMinutes: 15,
  lockMinutes: 15,
  maxAttemptsPerAddress: 20,
  maxFailuresPerAccountAndAddress: 5,
  maxAddressesPerAccount: 10,
} as const;

export const loginSchema = z.object({
  username: z.string().trim().min(1, "请输入用户名").max(64, "用户名过长"),
  password: z.string().min(1, "请输入密码").max(256, "密码过长"),
});

/** A failure says nothing more: not whether the user exists, is disabled, or is throttled. */
export type LoginResult =
  | {
      ok: true;
      user: {
        id: number;
        username: string;
        displayName: string;
        role: Role;
        regionCode: string;
        sessionVersion: number;
      };
    }
  | { ok: false };

const minutes = (n: number) => n * 60_000;

export const throttleKeys = (username: string, ip: string) => ({
  address: `ip:${ip}`.slice(0, 128),
  account: `acct:${username}`,
  pair: `pair:${crypto.createHash("sha256").update(`${username}\n${ip}`).digest("hex")}`,
});

/**
 * Adds `inc` to a counter in one statement and returns the new count. A window older than
 * `windowMinutes` starts again (unless a refusal is still running); the first count over `limit` starts a
 * refusal of `lockMinutes`.
 */
async function count(key: string, account: string | null, inc: 0 | 1, limit: number, now: Date) {
  const windowStart = new Date(now.getTime() - minutes(LOGIN_POLICY.windowMinutes));
  const lockEnd = new Date(now.getTime() + minutes(LOGIN_POLICY.lockMinutes));
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" AS t ("key", "account", "failures", "windowStart", "lockedUntil")
    VALUES (${key}, ${account}, ${inc}, ${now}, CASE WHEN ${inc}::int > ${limit}::int THEN ${lockEnd}::timestamptz END)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."windowStart" < ${windowStart} AND NOT coalesce(t."lockedUntil" > ${now}, false)
        THEN ${inc}::int ELSE t."failures" + ${inc}::int END,
      "windowStart" = CASE WHEN t."windowStart" < ${windowStart} AND NOT coalesce(t."lockedUntil" > ${now}, false)
        THEN ${now} ELSE t."windowStart" END,
      "lockedUntil" = CASE
        WHEN t."lockedUntil" > ${now} THEN t."lockedUntil"
        WHEN (CASE WHEN t."windowStart" < ${windowStart} THEN ${inc}::int ELSE t."failures" + ${inc}::int END) > ${limit}::int
          THEN ${lockEnd}::timestamptz
        ELSE NULL END
    RETURNING "failures"`;
  return rows[0]!.failures;
}

/** Takes back one count of a successful login (never below zero). */
async function uncount(key: string) {
  await db.$executeRaw`UPDATE "LoginThrottle" SET "failures" = greatest("failures" - 1, 0) WHERE "key" = ${key}`;
}

/**
 * Checks a username and password under the throttling rule above. Every path — unknown user, wrong
 * password, disabled, throttled — verifies exactly one argon2 hash and answers `{ ok: false }`; the audit
 * trail records which it was.
 */
export async function checkLogin(
  input: { username: string; password: string; ip: string },
  now = new Date(),
): Promise<LoginResult> {
  const keys = throttleKeys(input.username, input.ip);
  const byAddress = await count(keys.address, null, 1, LOGIN_POLICY.maxAttemptsPerAddress, now);
  const byPair = await count(keys.pair, input.username, 1, LOGIN_POLICY.maxFailuresPerAccountAndAddress, now);
  // An address counts once per window towards the account: when its pair counter starts.
  const newAddress = byPair === 1;
  const byAccount = await count(
    keys.account,
    input.username,
    newAddress ? 1 : 0,
    LOGIN_POLICY.maxAddressesPerAccount,
    now,
  );
  const throttled =
    byAddress > LOGIN_POLICY.maxAttemptsPerAddress
      ? "address"
      : byPair > LOGIN_POLICY.maxFailuresPerAccountAndAddress
        ? "account and address"
        : byAccount > LOGIN_POLICY.maxAddressesPerAccount
          ? "account"
          : null;

  const user = await db.user.findUnique({ where: { username: input.username } });
  // The same work whatever the case: one argon2 verification, against the dummy hash when the user is
  // unknown or the attempt is throttled (a throttled attempt never tests the password).
  const checked = user && !throttled ? user.passwordHash : await dummyHash();
  const valid = (await verifyPassword(checked, input.password)) && user !== null && !throttled;

  if (!user || !valid || user.disabled) {
    await writeAudit(db, {
      action: "auth.login",
      entity: "User",
      entityId: user ? String(user.id) : input.username,
      outcome: "DENIED",
      message: throttled
        ? `throttled per ${throttled}`
        : !user
          ? "unknown user"
          : user.disabled && valid
            ? "disabled"
            : "invalid credentials",
      ip: input.ip,
      username: input.username,
    });
    return { ok: false };
  }

  await uncount(keys.address);
  await db.loginThrottle.deleteMany({ where: { key: keys.pair } });
  if (newAddress) await uncount(keys.account);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  await writeAudit(db, {
    action: "auth.login",
    entity: "User",
    entityId: String(user.id),
    outcome: "OK",
    ip: input.ip,
    userId: user.id,
    username: user.username,
    role: user.role,
  });
  return {
    ok: true,
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      regionCode: user.regionCode,
      sessionVersion: user.sessionVersion,
    },
  };
}

/** Whether a username is refused everywhere now (the per-account rule); for the administrators' list. */
export async function accountLocks(usernames: string[], now = new Date()): Promise<Map<string, Date>> {
  const rows = await db.loginThrottle.findMany({
    where: { key: { in: usernames.map((u) => throttleKeys(u, "").account) }, lockedUntil: { gt: now } },
    select: { account: true, lockedUntil: true },
  });
  return new Map(rows.map((r) => [r.account!, r.lockedUntil!]));
}

/** Clears every throttling counter of a username (all addresses); the caller authorises and audits. */
export async function clearLoginThrottle(tx: Pick<typeof db, "loginThrottle">, username: string) {
  await tx.loginThrottle.deleteMany({ where: { account: username } });
}

/**
 * Ends the user's sessions on the server: sessions are stateless JWT cookies, so clearing the cookie alone
 * cannot revoke a copy still in flight (a prefetch answered after the logout could set it again). Bumping
 * the session version makes every earlier token of this user worthless.
 */
export async function logout(actor: {
  id: number;
  username: string;
  role: Role;
  ip: string | null;
}): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { sessionVersion: { increment: 1 } } });
    await writeAudit(tx, {
      action: "auth.logout",
      entity: "User",
      entityId: String(actor.id),
      outcome: "OK",
      ...actorFields(actor),
    });
  });
}

/**
 * A sign-out that did not come through the app's logout (next-auth's own POST /api/auth/signout): ends the
 * token's session the same way, once — a token whose version was already bumped (the app's logout ran
 * first) changes nothing and is not audited twice.
 */
export async function revokeToken(token: Record<string, unknown> | null | undefined): Promise<void> {
  const id = typeof token?.uid === "number" ? token.uid : null;
  const sv = typeof token?.sv === "number" ? token.sv : null;
  if (id === null || sv === null) return;
  await db.$transaction(async (tx) => {
    const bumped = await tx.user.updateMany({
      where: { id, sessionVersion: sv },
      data: { sessionVersion: { increment: 1 } },
    });
    if (bumped.count === 0) return;
    const u = await tx.user.findUniqueOrThrow({ where: { id }, select: { username: true, role: true } });
    await writeAudit(tx, {
      action: "auth.logout",
      entity: "User",
      entityId: String(id),
      outcome: "OK",
      message: "next-auth signout",
      userId: id,
      username: u.username,
      role: u.role,
    });
  });
}
