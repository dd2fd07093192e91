import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { BULK_LIMITS } from "@/config/limits";
import type { Tx } from "./db";

/**
 * Many rows inserted inside the caller's transaction (a bank statement's journal entries, audit events and
 * reconciliation rows): a few thousand rows per INSERT … SELECT FROM json_populate_recordset, the rows sent as
 * one JSON text and converted by the table's own row type (numeric, date, enum and jsonb columns alike), as the
 * month-end snapshots are written. One parameter per statement rather than one array per column: Prisma
 * serialises, parses back and keeps (its debug history holds the arguments of its last 100 calls) every
 * parameter, and 50,000 rows as arrays of strings cost several hundred MB (npm run bench:statement).
 * `columns` are the table's column names (as in the schema); each row's keys are those columns, values as
 * PostgreSQL reads them from JSON (numbers, strings "123.45" / "2026-11-20", objects for jsonb, null).
 * Returns the number of rows inserted (fewer than given when `onConflict` skipped some).
 */
export async function insertRows<T>(
  tx: Tx,
  table: string,
  columns: readonly string[],
  items: readonly T[],
  row: (item: T) => Record<string, unknown>,
  onConflict = "",
): Promise<number> {
  const cols = Prisma.raw(columns.map((c) => `"${c}"`).join(", "));
  const type = Prisma.raw(`NULL::"${table}"`);
  const into = Prisma.raw(`"${table}"`);
  const conflict = Prisma.raw(onConflict);
  let inserted = 0;
  for (let from = 0; from < items.length; from += BULK_LIMITS.rowsPerStatement) {
    const json = JSON.stringify(
      items.slice(from, from + BULK_LIMITS.rowsPerStatement).map(row),
      bigintAsText,
    );
    inserted += await tx.$executeRaw`INSERT INTO ${into} (${cols})
      SELECT ${cols} FROM json_populate_recordset(${type}, ${json}::json) ${conflict}`;
  }
  return inserted;
}

const bigintAsText = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
