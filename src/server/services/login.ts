import "server-only";
import { z } from "zod";
import type { Role } from "@/domain";
import { db } from "../db";
import { dummyHash, verifyPassword } from "../passwords";
import { actorFields, writeAudit } from "../audit";

export const LOGIN_POLICY = {
  maxFailuresPerAccount: 5,
  accountLockMinutes: 15,
  maxFailuresPerIp: 20,
  ipWindowMinutes: 15,
  ipLockMinutes: 15,
} as const;

export const loginSchema = z.object({
  username: z.string().trim().min(1, "请输入用户名").max(64, "用户名过长"),
  password: z.string().min(1, "请输入密码").max(256, "密码过长"),
});

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
  | { ok: false; reason: "INVALID" | "LOCKED"; lockedUntil?: Date };

const minutes = (n: number) => n * 60_000;

/**
 * Checks a username and password with throttling per account and per IP address. Failures answer the
 * same generic way whether the user exists or not; a locked account or IP says until when.
 */
export async function checkLogin(
  input: { username: string; password: string; ip: string },
  now = new Date(),
): Promise<LoginResult> {
  const ipKey = `ip:${input.ip}`;
  const throttle = await db.loginThrottle.findUnique({ where: { key: ipKey } });
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    await writeAudit(db, {
      action: "auth.login",
      entity: "User",
      entityId: input.username,
      outcome: "DENIED",
      message: "ip locked",
      ip: input.ip,
      username: input.username,
    });
    return { ok: false, reason: "LOCKED", lockedUntil: throttle.lockedUntil };
  }

  const user = await db.user.findUnique({ where: { username: input.username } });
  if (user?.lockedUntil && user.lockedUntil > now) {
    await writeAudit(db, {
      action: "auth.login",
      entity: "User",
      entityId: String(user.id),
      outcome: "DENIED",
      message: "account locked",
      ip: input.ip,
      username: user.username,
    });
    return { ok: false, reason: "LOCKED", lockedUntil: user.lockedUntil };
  }

  const valid = user
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await dummyHash(), input.password), false);

  if (!user || !valid || user.disabled) {
    await registerFailure(ipKey, now);
    let lockedUntil: Date | undefined;
    if (user) {
      const failures = user.failedLogins + 1;
      lockedUntil =
        failures >= LOGIN_POLICY.maxFailuresPerAccount
          ? new Date(now.getTime() + minutes(LOGIN_POLICY.accountLockMinutes))
          : undefined;
      await db.user.update({
        where: { id: user.id },
        data: { failedLogins: lockedUntil ? 0 : failures, lockedUntil: lockedUntil ?? user.lockedUntil },
      });
    }
    await writeAudit(db, {
      action: "auth.login",
      entity: "User",
      entityId: user ? String(user.id) : input.username,
      outcome: "DENIED",
      message: user?.disabled ? "disabled" : "invalid credentials",
      ip: input.ip,
      username: input.username,
    });
    return lockedUntil ? { ok: false, reason: "LOCKED", lockedUntil } : { ok: false, reason: "INVALID" };
  }

  await db.user.update({
    where: { id: user.id },
    data: { failedLogins: 0, lockedUntil: null, lastLoginAt: now },
  });
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

async function registerFailure(key: string, now: Date) {
  const windowStart = new Date(now.getTime() - minutes(LOGIN_POLICY.ipWindowMinutes));
  // One statement, so parallel failures count correctly.
  await db.$executeRaw`
    INSERT INTO "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
    VALUES (${key}, 1, ${now}, NULL)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN ${now} ELSE "LoginThrottle"."windowStart" END,
      "lockedUntil" = CASE
        WHEN "LoginThrottle"."windowStart" >= ${windowStart} AND "LoginThrottle"."failures" + 1 >= ${LOGIN_POLICY.maxFailuresPerIp}
        THEN ${new Date(now.getTime() + minutes(LOGIN_POLICY.ipLockMinutes))}::timestamptz
        ELSE "LoginThrottle"."lockedUntil" END`;
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
