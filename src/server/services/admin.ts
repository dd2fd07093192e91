import "server-only";
import { z } from "zod";
import { hash } from "@node-rs/argon2";
import { ROLES, parsePercentEntry, regionLevel, scopeFilter } from "@/domain";
import { ARGON2_OPTIONS } from "@/config/argon2";
import { Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { percentField } from "../fields";
import { actorFields, writeAudit } from "../audit";
import { AppError, invalid, notFound, parseOrInvalid } from "../errors";
import { requireAssignableRegion, requireNational, requirePermission, type Actor } from "../authz";
import { isoToDate, dateToIso } from "../db-values";
import { accountLocks, clearLoginThrottle } from "./login";

const password = z
  .string()
  .min(10, "密码至少10位")
  .max(128, "密码过长")
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), "密码须同时包含字母和数字");

export const createUserInput = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{2,31}$/, "用户名：3–32位小写字母、数字或下划线，以字母开头"),
  displayName: z.string().trim().min(1, "请填写姓名").max(64, "不能超过64个字"),
  role: z.enum(ROLES, { message: "请选择角色" }),
  regionCode: z.string().regex(/^\d{6}(\d{3}){0,2}$/, "请选择管辖地区"),
  password,
});

export const userIdInput = z.object({ id: z.coerce.number().int().positive() });
export const resetPasswordInput = userIdInput.extend({ password });
export const updateUserInput = userIdInput.extend({
  role: z.enum(ROLES),
  regionCode: z.string().regex(/^\d{6}(\d{3}){0,2}$/, "请选择管辖地区"),
});

function audit(
  actor: Actor,
  action: string,
  entityId: number | string,
  extra: { before?: unknown; after?: unknown; countyCode?: string | null } = {},
) {
  return {
    action,
    entity: "User",
    entityId: String(entityId),
    outcome: "OK" as const,
    ...actorFields(actor),
    ...extra,
  };
}

async function userInScope(actor: Actor, id: number, action: string) {
  await requirePermission(actor, "admin.manage", { action, entity: "User", entityId: id });
  const u = await db.user.findUnique({
    where: { id },
    select: { id: true, username: true, role: true, regionCode: true, disabled: true },
  });
  if (!u || !u.regionCode.startsWith(scopeFilter(actor.regionCode).prefix)) {
    await writeAudit(db, {
      ...audit(actor, action, id),
      outcome: "DENIED",
      message: "not found or outside scope",
    });
    throw notFound();
  }
  return u;
}

export async function listUsers(actor: Actor) {
  await requirePermission(actor, "admin.manage", { action: "user.list", entity: "User" });
  const users = await db.user.findMany({
    where: { regionCode: { startsWith: scopeFilter(actor.regionCode).prefix } },
    orderBy: [{ regionCode: "asc" }, { username: "asc" }],
    select: {
      id: true,
      username: true,
      displayName: true,
      role: true,
      regionCode: true,
      disabled: true,
      lastLoginAt: true,
      region: { select: { name: true } },
    },
  });
  const locks = await accountLocks(users.map((u) => u.username));
  return users.map((u) => ({
    ...u,
    regionName: u.region.name,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    /** Refused everywhere until then (failures from many addresses, SECURITY.md); null when not. */
    lockedUntil: locks.get(u.username)?.toISOString() ?? null,
  }));
}

export async function createUser(actor: Actor, raw: unknown) {
  await requirePermission(actor, "admin.manage", { action: "user.create", entity: "User" });
  const input = parseOrInvalid(createUserInput, raw);
  await requireAssignableRegion(actor, input.regionCode, {
    action: "user.create",
    entity: "User",
    entityId: input.username,
    field: "regionCode",
  });
  const level = regionLevel(input.regionCode);
  if ((input.role === "COUNTY_STAFF" || input.role === "COUNTY_APPROVER") && level !== "COUNTY")
    throw invalid({ regionCode: ["县妇联经办人和审核人的管辖地区必须是县（区）"] });
  const passwordHash = await hash(input.password, ARGON2_OPTIONS);
  try {
    return await db.$transaction(async (tx) => {
      const u = await tx.user.create({
        data: {
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          regionCode: input.regionCode,
          passwordHash,
        },
        select: { id: true, username: true },
      });
      await writeAudit(
        tx,
        audit(actor, "user.create", u.id, {
          after: {
            username: input.username,
            displayName: input.displayName,
            role: input.role,
            regionCode: input.regionCode,
          },
        }),
      );
      return u;
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw invalid({ username: ["该用户名已存在"] });
    throw e;
  }
}

/** Disabling (or re-enabling) bumps the session version: the user's open sessions stop working at once. */
export async function setUserDisabled(actor: Actor, raw: unknown, disabled: boolean) {
  const { id } = parseOrInvalid(userIdInput, raw);
  const u = await userInScope(actor, id, disabled ? "user.disable" : "user.enable");
  if (u.id === actor.id) throw new AppError("INVALID", "不能停用自己的账户");
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id },
      data: { disabled, sessionVersion: { increment: 1 }, version: { increment: 1 } },
    });
    await writeAudit(
      tx,
      audit(actor, disabled ? "user.disable" : "user.enable", id, {
        before: { disabled: u.disabled },
        after: { disabled },
      }),
    );
  });
}

export async function resetPassword(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(resetPasswordInput, raw);
  const u = await userInScope(actor, input.id, "user.resetPassword");
  const passwordHash = await hash(input.password, ARGON2_OPTIONS);
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: input.id },
      data: {
        passwordHash,
        sessionVersion: { increment: 1 },
        version: { increment: 1 },
      },
    });
    await clearLoginThrottle(tx, u.username);
    await writeAudit(tx, audit(actor, "user.resetPassword", input.id));
  });
}

/** Lifts every login throttle of the user (per account, and per account and address). */
export async function unlockLogin(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(userIdInput, raw);
  const u = await userInScope(actor, input.id, "user.unlockLogin");
  await db.$transaction(async (tx) => {
    await clearLoginThrottle(tx, u.username);
    await writeAudit(tx, audit(actor, "user.unlockLogin", input.id));
  });
}

export async function updateUserRole(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(updateUserInput, raw);
  const u = await userInScope(actor, input.id, "user.update");
  await requireAssignableRegion(actor, input.regionCode, {
    action: "user.update",
    entity: "User",
    entityId: input.id,
    field: "regionCode",
  });
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: input.id },
      data: {
        role: input.role,
        regionCode: input.regionCode,
        sessionVersion: { increment: 1 },
        version: { increment: 1 },
      },
    });
    await writeAudit(
      tx,
      audit(actor, "user.update", input.id, {
        before: { role: u.role, regionCode: u.regionCode },
        after: { role: input.role, regionCode: input.regionCode },
      }),
    );
  });
}

/** Regions the actor may assign, for pickers (province → village order). */
export async function regionOptions(actor: Actor, maxLevel: "COUNTY" | "VILLAGE" = "COUNTY") {
  const levels =
    maxLevel === "COUNTY"
      ? (["PROVINCE", "CITY", "COUNTY"] as const)
      : (["PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "VILLAGE"] as const);
  return db.region.findMany({
    where: { code: { startsWith: scopeFilter(actor.regionCode).prefix }, level: { in: [...levels] } },
    orderBy: { code: "asc" },
    select: { code: true, name: true, level: true, parentCode: true },
  });
}

export const createRegionInput = z
  .object({
    code: z.string().regex(/^(\d{6}|\d{9}|\d{12})$/, "代码为6位（县及以上）、9位（乡镇）或12位（村）数字"),
    name: z.string().trim().min(1, "请填写名称").max(64, "不能超过64个字"),
    parentCode: z.string().regex(/^\d{6}(\d{3}){0,2}$/, "请选择上级地区"),
  })
  .refine(
    (r) =>
      r.code.length === 12
        ? r.parentCode.length === 9 && r.code.startsWith(r.parentCode)
        : r.code.length === 9
          ? r.parentCode.length === 6 && r.code.startsWith(r.parentCode)
          : true,
    {
      message: "乡镇代码须以所属县代码开头，村代码须以所属乡镇代码开头",
      path: ["code"],
    },
  );

export async function createRegion(actor: Actor, raw: unknown) {
  await requirePermission(actor, "admin.manage", { action: "region.create", entity: "Region" });
  const input = parseOrInvalid(createRegionInput, raw);
  await requireAssignableRegion(actor, input.parentCode, {
    action: "region.create",
    entity: "Region",
    entityId: input.code,
    field: "parentCode",
  });
  const level = regionLevel(input.code);
  try {
    await db.$transaction(async (tx) => {
      await tx.region.create({
        data: { code: input.code, name: input.name, level, parentCode: input.parentCode },
      });
      await writeAudit(tx, {
        action: "region.create",
        entity: "Region",
        entityId: input.code,
        countyCode: input.code.slice(0, 6),
        after: input,
        outcome: "OK",
        ...actorFields(actor),
      });
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw invalid({ code: ["该地区代码已存在"] });
    throw e;
  }
}

export const lprInput = z.object({
  effectiveDate: z.iso.date({ message: "请填写生效日期" }),
  term: z.enum(["ONE_YEAR", "FIVE_YEAR"], { message: "请选择期限品种" }),
  /** In percent as published ("3.00"), stored in basis points. */
  rate: percentField("利率", 2_000),
});

export async function listLpr(actor: Actor) {
  await requirePermission(actor, "admin.manage", { action: "lpr.list", entity: "LprRate" });
  const rows = await db.lprRate.findMany({ orderBy: [{ effectiveDate: "desc" }, { term: "asc" }] });
  return rows.map((r) => ({
    id: r.id,
    effectiveDate: dateToIso(r.effectiveDate),
    term: r.term,
    rateBp: r.rateBp,
  }));
}

export async function addLpr(actor: Actor, raw: unknown) {
  await requirePermission(actor, "admin.manage", { action: "lpr.create", entity: "LprRate" });
  await requireNational(actor, { action: "lpr.create", entity: "LprRate" });
  const input = parseOrInvalid(lprInput, raw);
  const rate = parsePercentEntry(input.rate);
  if (!rate.ok) throw new TypeError("percent parsed twice");
  try {
    await db.$transaction(async (tx) => {
      const r = await tx.lprRate.create({
        data: { effectiveDate: isoToDate(input.effectiveDate), term: input.term, rateBp: rate.value },
      });
      await writeAudit(tx, {
        action: "lpr.create",
        entity: "LprRate",
        entityId: String(r.id),
        after: { ...input, rateBp: rate.value },
        outcome: "OK",
        ...actorFields(actor),
      });
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw invalid({ effectiveDate: ["该日期已有此期限品种的LPR"] });
    throw e;
  }
}
