import "server-only";
import { cache } from "react";
import { can, scopeFilter, type Permission, type Role } from "@/domain";
import { auth, clientIp } from "./auth";
import { db } from "./db";
import { writeAudit } from "./audit";
import { forbidden, notFound, unauthenticated } from "./errors";

/** The signed-in user as services see it: loaded from the database on every request. */
export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  regionName: string;
  ip: string | null;
}

/**
 * The current user, or null. The session cookie only names the user; role, region and whether the
 * account still works come from the database, so disabling a user or resetting a password
 * (which bumps sessionVersion) ends their sessions at once.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = (await auth()) as { uid?: number; sv?: number } | null;
  if (!session?.uid) return null;
  const user = await db.user.findUnique({
    where: { id: session.uid },
    select: { id: true, username: true, displayName: true, role: true, regionCode: true, disabled: true, sessionVersion: true, region: { select: { name: true } } },
  });
  if (!user || user.disabled || user.sessionVersion !== session.sv) return null;
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, regionCode: user.regionCode, regionName: user.region.name, ip: await clientIp() };
});

export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw unauthenticated();
  return actor;
}

/** Prisma `where` fragment limiting a fact table to the actor's region. */
export function scopeWhere(actor: Pick<Actor, "regionCode">): { countyCode: { startsWith: string } } | { villageCode: { startsWith: string } } {
  const f = scopeFilter(actor.regionCode);
  return f.column === "countyCode" ? { countyCode: { startsWith: f.prefix } } : { villageCode: { startsWith: f.prefix } };
}

export function inScope(actor: Pick<Actor, "regionCode">, record: { countyCode: string; villageCode?: string | null }): boolean {
  const f = scopeFilter(actor.regionCode);
  const code = f.column === "countyCode" ? record.countyCode : record.villageCode ?? "";
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
    ip: actor.ip,
    userId: actor.id,
    username: actor.username,
    role: actor.role,
  });
}

/** Refuses (and audits the refusal) unless the actor's role has the permission. */
export async function requirePermission(actor: Actor, permission: Permission, t: Target): Promise<void> {
  if (!can(actor.role, permission)) {
    await deny(actor, t, `role ${actor.role} lacks ${permission}`);
    throw forbidden();
  }
}

/**
 * Refuses (and audits) when the record does not exist or lies outside the actor's region. Both answer
 * "not found", so ids outside one's region reveal nothing.
 */
export async function requireInScope<R extends { countyCode: string; villageCode?: string | null }>(actor: Actor, record: R | null, t: Target): Promise<R> {
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
