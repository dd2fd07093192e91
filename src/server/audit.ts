import "server-only";
import type { Prisma } from "@/generated/prisma/client";
import type { Role } from "@/domain";
import type { Db, Tx } from "./db";

export interface AuditInput {
  action: string;
  entity: string;
  entityId?: string | null;
  countyCode?: string | null;
  before?: unknown;
  after?: unknown;
  outcome: "OK" | "DENIED" | "FAILED";
  message?: string | null;
  ip?: string | null;
  userId?: number | null;
  username?: string | null;
  role?: Role | null;
}

function json(v: unknown): Prisma.InputJsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(JSON.stringify(v, (_k, val: unknown) => (typeof val === "bigint" ? val.toString() : val))) as Prisma.InputJsonValue;
}

/**
 * Appends an audit event. Called with the transaction of the change it records, so the event and the
 * change commit or roll back together. The table refuses UPDATE and DELETE (database trigger).
 */
export async function writeAudit(client: Db | Tx, e: AuditInput): Promise<void> {
  await client.auditEvent.create({
    data: {
      action: e.action,
      entity: e.entity,
      entityId: e.entityId ?? null,
      countyCode: e.countyCode ?? null,
      before: json(e.before),
      after: json(e.after),
      outcome: e.outcome,
      message: e.message?.slice(0, 512) ?? null,
      ip: e.ip?.slice(0, 64) ?? null,
      userId: e.userId ?? null,
      username: e.username ?? null,
      role: e.role ?? null,
    },
  });
}

/** The "who" of an audit event: the acting user, her role and address. */
export function actorFields(actor: { id: number; username: string; role: Role; ip: string | null }) {
  return { ip: actor.ip, userId: actor.id, username: actor.username, role: actor.role };
}
