import "server-only";
import type { Tx } from "./db";

/**
 * Bulk insert inside a Prisma transaction: one INSERT … SELECT FROM unnest(array per column), so 100k rows
 * cost one round trip per chunk instead of Prisma's per-row parameters (measured ~5k rows/s with
 * createMany on this stack; see npm run bench:import). Column types are PostgreSQL types ("int", "text",
 * "date", "numeric", or an enum type such as "\"LoanStatus\"").
 */
export interface BulkColumn<R> {
  name: string;
  type: string;
  value: (row: R) => string | number | boolean | null;
}

export async function bulkInsert<R, Ret = unknown>(tx: Tx, table: string, columns: readonly BulkColumn<R>[], rows: readonly R[], returning?: string): Promise<Ret[]> {
  if (!rows.length) return [];
  const arrays = columns.map((c) => rows.map((r) => c.value(r)));
  const select = columns.map((c, i) => (c.type.startsWith('"') ? `$${i + 1}::text[]::${c.type}[]` : `$${i + 1}::${c.type}[]`)).join(", ");
  const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) SELECT * FROM unnest(${select})${returning ? ` RETURNING ${returning}` : ""}`;
  if (returning) return tx.$queryRawUnsafe<Ret[]>(sql, ...arrays);
  await tx.$executeRawUnsafe(sql, ...arrays);
  return [];
}
