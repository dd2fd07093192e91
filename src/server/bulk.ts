import "server-only";
import { txConnection, type Tx } from "./db";
import { copyRows, type CopyValue } from "./copy";

/**
 * Many rows inserted inside the caller's Prisma transaction (a bank statement's journal entries, audit events and
 * reconciliation rows): COPY … FROM STDIN on the transaction's own connection (db.ts txConnection), the rows
 * built lazily a couple of thousand at a time (copy.ts), so they commit or roll back with the transaction.
 * Not through Prisma: its raw-query path serialises, parses back and copies every parameter, and its debug
 * module keeps the arguments of its last 100 calls even when debugging is off — 50,000 rows sent as JSON text
 * parameters (json_populate_recordset) cost ~+290 MB of RSS in npm run bench:statement.
 * `columns` are the table's column names (as in the schema); each row's keys are those columns, values as
 * PostgreSQL reads them as text: numbers, strings ("123.45", "2026-11-20", an enum's name), objects and arrays for
 * jsonb columns (written as JSON), null. A constraint violated by any row throws (a pg DatabaseError with its
 * `code` and `constraint`) and aborts the transaction. Returns the number of rows inserted.
 */
export async function insertRows<T>(
  tx: Tx,
  table: string,
  columns: readonly string[],
  items: readonly T[],
  row: (item: T) => Record<string, unknown>,
): Promise<number> {
  if (!items.length) return 0;
  const client = await txConnection(tx);
  function* values(): Generator<CopyValue[]> {
    for (const item of items) {
      const r = row(item);
      yield columns.map((c) => copyValue(r[c]));
    }
  }
  await copyRows(client, table, columns, values());
  return items.length;
}

function copyValue(v: unknown): CopyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "t" : "f";
  return JSON.stringify(v, bigintAsText);
}

const bigintAsText = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** A unique index violated by a bulk insert (pg's error code 23505), by the index's name. */
export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: unknown; constraint?: unknown } | null;
  return typeof err === "object" && err !== null && err.code === "23505" && err.constraint === constraint;
}
