import "server-only";
import type pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import type { Role } from "@/domain";
import { BULK_LIMITS } from "@/config/limits";
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

const bigintAsText = (_k: string, val: unknown) => (typeof val === "bigint" ? val.toString() : val);

function json(v: unknown): Prisma.InputJsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(JSON.stringify(v, bigintAsText)) as Prisma.InputJsonValue;
}

/** The same value as json() gives, as the JSON text a bulk insert casts to jsonb (null for none). */
function jsonText(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v, bigintAsText);
}

/**
 * Appends an audit event. Called with the transaction of the change it records, so the event and the
 * change commit or roll back together. The table refuses UPDATE and DELETE (database trigger).
 */
export async function writeAudit(client: Db | Tx, e: AuditInput): Promise<void> {
  await client.auditEvent.create({ data: auditRecord(e) });
}

/**
 * Appends many audit events in a few statements (a bank statement's postings: one event each). The same records
 * as writeAudit's, passed as arrays (one parameter per column, a few thousand events per statement).
 */
export async function writeAudits(client: Tx, events: readonly AuditInput[]): Promise<void> {
  for (let from = 0; from < events.length; from += BULK_LIMITS.rowsPerStatement) {
    const es = events.slice(from, from + BULK_LIMITS.rowsPerStatement);
    const col = <T>(f: (e: AuditInput) => T) => es.map(f);
    await client.$executeRaw`
      INSERT INTO "AuditEvent" (action, entity, "entityId", "countyCode", before, after, outcome, message, ip,
                                "userId", username, role)
      SELECT action, entity, "entityId", "countyCode", before::jsonb, after::jsonb, outcome::"AuditOutcome", message,
             ip, "userId", username, role::"Role"
        FROM unnest(${col((e) => e.action)}::text[], ${col((e) => e.entity)}::text[],
                    ${col((e) => e.entityId ?? null)}::text[], ${col((e) => e.countyCode ?? null)}::text[],
                    ${col((e) => jsonText(e.before))}::text[], ${col((e) => jsonText(e.after))}::text[],
                    ${col((e) => e.outcome)}::text[], ${col((e) => e.message?.slice(0, 512) ?? null)}::text[],
                    ${col((e) => e.ip?.slice(0, 64) ?? null)}::text[], ${col((e) => e.userId ?? null)}::int[],
                    ${col((e) => e.username ?? null)}::text[], ${col((e) => e.role ?? null)}::text[])
             AS e(action, entity, "entityId", "countyCode", before, after, outcome, message, ip, "userId", username,
                  role)`;
  }
}

function auditRecord(e: AuditInput) {
  return {
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
  };
}

/** The same event, written on a pg client inside its transaction (bulk writes that use COPY, src/server/copy.ts). */
export async function writeAuditSql(client: pg.ClientBase, e: AuditInput): Promise<void> {
  const r = auditRecord(e);
  await client.query({
    text: `INSERT INTO "AuditEvent" (action, entity, "entityId", "countyCode", before, after, outcome, message, ip, "userId", username, role) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::"AuditOutcome", $8, $9, $10, $11, $12::"Role")`,
    values: [
      r.action,
      r.entity,
      r.entityId,
      r.countyCode,
      r.before === undefined ? null : JSON.stringify(r.before),
      r.after === undefined ? null : JSON.stringify(r.after),
      r.outcome,
      r.message,
      r.ip,
      r.userId,
      r.username,
      r.role,
    ],
  });
}

/** The "who" of an audit event: the acting user, her role and address. */
export function actorFields(actor: { id: number; username: string; role: Role; ip: string | null }) {
  return { ip: actor.ip, userId: actor.id, username: actor.username, role: actor.role };
}
