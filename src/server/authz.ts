import "server-only";
import { codePrefix } from "./prefix";
import { can, isWithin, NATIONAL_CODE, scopeFilter, type Permission, type Role } from "@/domain";
import { db } from "./db";
import { actorFields, writeAudit } from "./audit";
import { AppError, forbidden, invalid, notFound } from "./errors";

/** The signed-in user as services see it (loaded from the database on every request by src/server/session.ts). */
export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  regionName: string;
  ip: string | null;
}

/** Prisma `where` fragment limiting a fact table to the actor's region. */
export function scopeWhere(
  actor: Pick<Actor, "regionCode">,
): { countyCode: { gte?: string; lt?: string } } | { villageCode: { gte?: string; lt?: string } } {
  const f = scopeFilter(actor.regionCode);
  return f.column === "countyCode"
    ? { countyCode: codePrefix(f.prefix) }
    : { villageCode: codePrefix(f.prefix) };
}

export function inScope(
  actor: Pick<Actor, "regionCode">,
  record: { countyCode: string; villageCode?: string | null },
): boolean {
  const f = scopeFilter(actor.regionCode);
  const code = f.column === "countyCode" ? record.countyCode : (record.villageCode ?? "");
  return code.startsWith(f.prefix);
}

interface Target {
  entity: string;
  entityId?: string | number | null;
  countyCode?: string | null;
  action: string;
}

async function deny(actor: Actor, t: Target, message: string) {
  await writeAudit(db, {
    action: t.action,
    entity: t.entity,
    entityId: t.entityId == null ? null : String(t.entityId),
    countyCode: t.countyCode ?? null,
    outcome: "DENIED",
    message,
    ...actorFields(actor),
  });
}

/**
 * Maker-checker: refuses (and audits the attempt, on its own connection so it outlives the caller's rolled-back
 * transaction) when the actor is the person who made the record.
 */
export async function requireOtherPerson(
  actor: Actor,
  makerId: number | null,
  t: Target & { countyCode?: string | null },
  message: string,
): Promise<void> {
  if (makerId !== actor.id) return;
  await deny(actor, t, "self-approval");
  throw new AppError("FORBIDDEN", message);
}

/** Refuses (and audits the refusal) unless the actor's role has the permission. */
export async function requirePermission(actor: Actor, permission: Permission, t: Target): Promise<void> {
  if (!can(actor.role, permission)) {
    await deny(actor, t, `role ${actor.role} lacks ${permission}`);
    throw forbidden();
  }
}

/**
 * Refuses (and audits the refusal) unless the actor's role has at least one of the permissions: the server
 * action wrapper's check before it parses the input (src/server/action.ts), when which permission applies
 * depends on the input. The service checks the exact one afterwards.
 */
export async function requireAnyPermission(
  actor: Actor,
  permissions: readonly Permission[],
  t: Target,
): Promise<void> {
  if (!permissions.some((p) => can(actor.role, p))) {
    await deny(actor, t, `role ${actor.role} lacks ${permissions.join(" or ")}`);
    throw forbidden();
  }
}

/**
 * Refuses (and audits) when the record does not exist or lies outside the actor's region. Both answer
 * "not found", so ids outside one's region reveal nothing.
 */
export async function requireInScope<R extends { countyCode: string; villageCode?: string | null }>(
  actor: Actor,
  record: R | null,
  t: Target,
): Promise<R> {
  if (!record) {
    await deny(actor, t, "not found");
    throw notFound();
  }
  if (!inScope(actor, record)) {
    await deny(actor, { ...t, countyCode: record.countyCode }, `outside scope ${actor.regionCode}`);
    throw notFound();
  }
  return record;
}

/**
 * A region named in the input (a new borrower's village, a user's or a policy's region, a new region's parent)
 * must lie in the actor's region. A refusal is audited and reported next to the field.
 */
export async function requireRegionInScope(
  actor: Actor,
  regionCode: string,
  t: Target & { field: string; message: string },
): Promise<void> {
  if (isWithin(regionCode, actor.regionCode)) return;
  await deny(
    actor,
    { ...t, countyCode: regionCode.slice(0, 6) },
    `region ${regionCode} outside scope ${actor.regionCode}`,
  );
  throw invalid({ [t.field]: [t.message] });
}

/** National reference data (LPR): only an actor whose region is the whole country may change it. */
export async function requireNational(actor: Actor, t: Target): Promise<void> {
  if (actor.regionCode === NATIONAL_CODE) return;
  await deny(actor, t, `national data, actor region ${actor.regionCode}`);
  throw forbidden();
}

/** A region to assign (a user's, a policy's, a new region's parent): in the actor's region, and known. */
export async function requireAssignableRegion(
  actor: Actor,
  regionCode: string,
  t: Target & { field: string },
): Promise<void> {
  const message = "请选择您管辖范围内的地区";
  await requireRegionInScope(actor, regionCode, { ...t, message });
  if (!(await db.region.findUnique({ where: { code: regionCode }, select: { code: true } })))
    throw invalid({ [t.field]: [message] });
}
