import pg from "pg";
import { inject } from "vitest";

export function testUrl(): string {
  return inject("databaseUrl");
}

/** Empties every table (keeps the migration history), so each test starts from nothing. */
export async function resetDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: testUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      `select tablename from pg_tables where schemaname = 'public' and tablename <> '_prisma_migrations'`,
    );
    await client.query(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
  } finally {
    await client.end();
  }
}

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: testUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
