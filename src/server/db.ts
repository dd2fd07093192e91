import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { TRANSACTION_LIMITS } from "@/config/limits";
import { env } from "./env";

/**
 * The database client: created on first use, a globalThis singleton so dev reloads reuse the pool.
 * Code running inside `asReport()` (the shared dashboard views) gets the same database through a pool of its
 * own, HALFSKY_REPORT_POOL_MAX connections (1): a city's figures are seconds of database CPU, and on a small
 * server they must not take every core from the clerks' postings (issue 8's load test).
 */
const globalForDb = globalThis as unknown as { halfskyDb?: PrismaClient; halfskyReportDb?: PrismaClient };
/** "report": the primary's reporting pool; a client: every `db` call goes to it (read-db.ts: the replica). */
const reportScope = new AsyncLocalStorage<"report" | PrismaClient>();

// Prisma's pg adapter sends a Date as its UTC wall time with no offset and reads a timestamptz by dropping the
// offset it is printed with, so its sessions must run in UTC. In the server's zone (Asia/Shanghai) every instant
// Prisma wrote was stored 8 hours early, and SQL (ledgers, exports) showed it 8 hours off (docs/decisions/013).
export const PRISMA_SESSION_OPTIONS = "-c timezone=UTC";

/**
 * Every connection of the app's pools by its server process id, so a bulk write inside a Prisma transaction can
 * reach that transaction's own connection (txConnection below).
 */
const connections = ((
  globalThis as unknown as { halfskyConnections?: Map<number, pg.PoolClient> }
).halfskyConnections ??= new Map());

function newPool(max: number, connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, options: PRISMA_SESSION_OPTIONS });
  // Only the primary's connections: a replica's process ids are another server's and could collide.
  if (connectionString !== env().DATABASE_URL) return pool;
  pool.on("connect", (c) => {
    const pid = (c as unknown as { processID: number | null }).processID;
    if (pid) connections.set(pid, c);
  });
  pool.on("remove", (c) => {
    const pid = (c as unknown as { processID: number | null }).processID;
    if (pid && connections.get(pid) === c) connections.delete(pid);
  });
  return pool;
}

export const newClient = (max: number, connectionString = env().DATABASE_URL) =>
  new PrismaClient({
    // The pool is ours (PrismaPg would create the same one) so that txConnection can find a connection.
    adapter: new PrismaPg(newPool(max, connectionString), { disposeExternalPool: true }),
    // A busy 2-core server can take longer than Prisma's 5 s to finish a posting's transaction: it must still
    // complete (a clerk's confirmed posting), not fail half-way (the load test saw postings refused so).
    transactionOptions: TRANSACTION_LIMITS,
  });
const client = () => (globalForDb.halfskyDb ??= newClient(env().HALFSKY_DB_POOL_MAX));
const reportClient = () => (globalForDb.halfskyReportDb ??= newClient(env().HALFSKY_REPORT_POOL_MAX));

/**
 * Runs work on the primary's reporting pool (every `db` call inside, however deep) — also inside `onClient`:
 * the snapshot job writes, so it never follows a view onto the replica.
 */
export function asReport<T>(fn: () => Promise<T>): Promise<T> {
  return reportScope.run("report", fn);
}

/** Runs read-only work with every `db` call inside on `client` (read-db.ts: the replica's client). */
export function onClient<T>(client: PrismaClient, fn: () => Promise<T>): Promise<T> {
  return reportScope.run(client, fn);
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const scope = reportScope.getStore();
    const c = scope === "report" ? reportClient() : (scope ?? client());
    const value = Reflect.get(c, prop) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(c) : value;
  },
});

/**
 * The pg connection a Prisma interactive transaction runs on, for COPY … FROM STDIN inside that transaction
 * (src/server/bulk.ts: a bank statement's 50,000 rows without Prisma's copies of every parameter). Use it only
 * between the transaction's own awaited queries, never concurrently with them; what it writes commits or rolls
 * back with the transaction, and an error on it aborts the transaction.
 */
export async function txConnection(tx: Tx): Promise<pg.ClientBase> {
  const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const c = row ? connections.get(row.pid) : undefined;
  if (!c) throw new Error("the transaction's connection is not one of the app's pools");
  return c;
}

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
