/**
 * The web app does not connect as the database owner. Migrations and the demo data run as the owner; the app
 * runs as `<database>_app`, a plain role that may read and write the working tables but may only INSERT into
 * the journals (repayments, fund ledger, audit trail): no UPDATE, DELETE or TRUNCATE there, and — not being
 * owner or superuser — it cannot disable the append-only triggers either. Applied at every start, so tables
 * added by new migrations get their grants. Its password is derived from AUTH_SECRET (stable across starts and
 * across app servers that share the secret; nothing more to store).
 */
import crypto from "node:crypto";
import pg from "pg";

export const JOURNAL_TABLES = [
  "RepaymentEntry",
  "FundLedgerEntry",
  "AuditEvent",
  "RewardLedgerEntry",
] as const;

export function appRoleName(databaseUrl: string): string {
  const db = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || "postgres";
  return `${db.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_app`;
}

/** Creates or updates the app role and its grants; answers the URL the app should use. */
export async function ensureAppRole(ownerUrl: string, secret: string): Promise<string> {
  const role = appRoleName(ownerUrl);
  const password = crypto.createHmac("sha256", secret).update(`halfsky database role ${role}`).digest("hex");
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const ident = client.escapeIdentifier(role);
    const database = (await client.query<{ d: string }>("select current_database() d")).rows[0]!.d;
    await q("BEGIN");
    if ((await client.query("select 1 from pg_roles where rolname = $1", [role])).rowCount === 0)
      await q(`CREATE ROLE ${ident}`);
    await q(
      `ALTER ROLE ${ident} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`,
    );
    await q(`GRANT CONNECT ON DATABASE ${client.escapeIdentifier(database)} TO ${ident}`);
    await q(`GRANT USAGE ON SCHEMA public TO ${ident}`);
    await q(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ident}`);
    await q(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${ident}`);
    await q(
      `REVOKE UPDATE, DELETE, TRUNCATE ON ${JOURNAL_TABLES.map((t) => `"${t}"`).join(", ")} FROM ${ident}`,
    );
    await q(`REVOKE ALL ON "_prisma_migrations" FROM ${ident}`);
    await q("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();

  function q(s: string) {
    return client.query(s);
  }
}
