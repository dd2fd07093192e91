import "server-only";
import type pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import type { Role } from "@/domain";
import type { Db, Tx } from "./db";
import { insertRows } from "./bulk";

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

/**
 * Appends an audit event. Called with the transaction of the change it records, so the event and the
 * change commit or roll back together. The table refuses UPDATE and DELETE (database trigger).
 */
export async function writeAudit(client: Db | Tx, e: AuditInput): Promise<void> {
  await client.auditEvent.create({ data: auditRecord(e) });
}

/**
 * Appends many audit events in a few statements (a bank statement's postings: one event each): the same records
 * as writeAudit's, a few thousand per statement (bulk.ts).
 */
export async function writeAudits(client: Tx, events: readonly AuditInput[]): Promise<void> {
  await insertRows(client, "AuditEvent", AUDIT_COLUMNS, events, (e) => ({
    action: e.action,
    entity: e.entity,
    entityId: e.entityId ?? null,
    countyCode: e.countyCode ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    outcome: e.outcome,
    message: e.message?.slice(0, 512) ?? null,
    ip: e.ip?.slice(0, 64) ?? null,
    userId: e.userId ?? null,
    username: e.username ?? null,
    role: e.role ?? null,
  }));
}

const AUDIT_COLUMNS = [
  "action",
  "entity",
  "entityId",
  "countyCode",
  "before",
  "after",
  "outcome",
  "message",
  "ip",
  "userId",
  "username",
  "role",
];

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
