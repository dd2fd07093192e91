import "server-only";
import { Prisma } from "@/generated/prisma/client";

/**
 * Code prefixes (region codes, phone numbers: digit strings) as ranges, so a B-tree index serves them under
 * any collation. `LIKE 'prefix%'` (Prisma's startsWith) can use an index only under the C collation or with
 * text_pattern_ops; the databases here are C.UTF-8, so startsWith scanned whole tables (npm run bench:queries).
 */
export function prefixEnd(prefix: string): string | null {
  if (!prefix) return null;
  if (!/^\d+$/.test(prefix)) throw new TypeError(`not a digit prefix: ${prefix}`);
  const next = (BigInt(prefix) + 1n).toString().padStart(prefix.length, "0");
  return next.length > prefix.length ? null : next;
}

/** `column` starts with the digits of `prefix`, as SQL. */
export function codeRange(column: Prisma.Sql, prefix: string): Prisma.Sql {
  const end = prefixEnd(prefix);
  if (!prefix) return Prisma.sql`TRUE`;
  return end
    ? Prisma.sql`(${column} >= ${prefix} AND ${column} < ${end})`
    : Prisma.sql`${column} >= ${prefix}`;
}

/** The same as a Prisma string filter (no filter for the empty prefix, i.e. the whole country). */
export function codePrefix(prefix: string): { gte?: string; lt?: string } {
  if (!prefix) return {};
  const end = prefixEnd(prefix);
  return end ? { gte: prefix, lt: end } : { gte: prefix };
}
