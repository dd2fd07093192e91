import "server-only";
import { codePrefix } from "../prefix";
import { z } from "zod";
import { formatDateTime, redactPersonal, scopeFilter } from "@/domain";
import type { Prisma } from "@/generated/prisma/client";
import { db } from "../db";
import { parseOrInvalid } from "../errors";
import { requirePermission, type Actor } from "../authz";

export const auditQuery = z.object({
  action: z.string().trim().max(64).optional(),
  username: z.string().trim().max(64).optional(),
  outcome: z.enum(["OK", "DENIED", "FAILED"]).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  after: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface AuditRow {
  id: number;
  at: string;
  username: string | null;
  role: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  countyCode: string | null;
  outcome: string;
  message: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
}

/**
 * The audit trail in the actor's region: events about records of the region, and events of users whose
 * scope lies in the region (logins, refusals). Newest first; read-only — nothing in the app edits events.
 */
export async function listAuditEvents(
  actor: Actor,
  raw: unknown,
): Promise<{ rows: AuditRow[]; nextAfter: number | null }> {
  await requirePermission(actor, "audit.read", { action: "audit.list", entity: "AuditEvent" });
  const q = parseOrInvalid(auditQuery, raw);
  const prefix = scopeFilter(actor.regionCode).prefix;
  const usersInScope = await db.user.findMany({
    where: { regionCode: { startsWith: prefix } },
    select: { id: true },
  });
  const where: Prisma.AuditEventWhereInput = {
    AND: [
      prefix === ""
        ? {}
        : {
            OR: [
              { countyCode: codePrefix(prefix.slice(0, 6)) },
              { countyCode: null, userId: { in: usersInScope.map((u) => u.id) } },
            ],
          },
      q.action ? { action: { startsWith: q.action } } : {},
      q.username ? { username: q.username } : {},
      q.outcome ? { outcome: q.outcome } : {},
      q.from ? { at: { gte: new Date(`${q.from}T00:00:00+08:00`) } } : {},
      q.to ? { at: { lt: new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000) } } : {},
      q.after ? { id: { lt: q.after } } : {},
    ],
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    rows: page.map((e) => ({
      id: e.id,
      at: formatDateTime(e.at),
      username: e.username,
      role: e.role,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId,
      countyCode: e.countyCode,
      outcome: e.outcome,
      message: e.message,
      ip: e.ip,
      // Borrowers' ID numbers, birth dates and phones recorded in an event are shown masked.
      before: redactPersonal(e.before),
      after: redactPersonal(e.after),
    })),
    nextAfter: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
