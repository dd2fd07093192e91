import "server-only";
import pg from "pg";
import type { PrismaClient } from "@/generated/prisma/client";
import { db, newClient, onClient } from "./db";
import { env } from "./env";
import { streamPool } from "./stream-db";

/**
 * Where the reporting reads go (issue 24, docs/decisions/042-read-replica.md). With HALFSKY_REPLICA_URL set
 * (a streaming standby of DATABASE_URL), the reads that may be a few seconds old — dashboards, the monthly
 * report's figures, ledgers, figure lists, exports — run on the replica; everything that must see the user's
 * own writes (postings, forms, the page after a posting, the audit trail) stays on the primary, through
 * `db` and `streamPool()` as before. Services choose in one way only:
 *  - `reportingRead(fn)`: every `db` call inside `fn`, however deep, runs on the replica (read-only work);
 *  - `reportingPool()`: the pg pool of streaming reads (ledger pages, exports, print views).
 * The replica is used while it answers and is at most HALFSKY_REPLICA_MAX_LAG_S behind, checked at most every
 * HALFSKY_REPLICA_CHECK_MS (never per query). Otherwise — and when a read on it fails because it went away —
 * the read runs on the primary instead, nothing errors, and `readRoute()` says so for the page's notice.
 */

export type ReadSource = "replica" | "primary";
export type FallbackReason = "down" | "lagging" | "not-standby";

export interface ReadRoute {
  /** A replica is configured (without one there is nothing to say on the page). */
  configured: boolean;
  source: ReadSource;
  /** Why the reads are on the primary although a replica is configured. */
  reason: FallbackReason | null;
  /** Replay lag at the last check, seconds (null: unknown). */
  lagSeconds: number | null;
}

const PRIMARY_ONLY: ReadRoute = { configured: false, source: "primary", reason: null, lagSeconds: null };
/** A check's connection and query may take this long before the replica counts as down. */
const PROBE_TIMEOUT_MS = 2000;
const SAMPLES_KEPT = 64;

interface ReadState {
  route: ReadRoute | null;
  checkedAt: number;
  inflight: Promise<ReadRoute> | null;
  /** The primary's WAL position at recent checks: a replica replayed past one is at most that old. */
  samples: { at: number; lsn: bigint }[];
  replicaDb?: PrismaClient;
  replicaStream?: pg.Pool;
  probe?: pg.Pool;
  primaryProbe?: pg.Pool;
}

const g = globalThis as unknown as { halfskyReadState?: ReadState };
const state = (): ReadState =>
  (g.halfskyReadState ??= { route: null, checkedAt: 0, inflight: null, samples: [] });

function smallPool(connectionString: string, name: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
    idleTimeoutMillis: 60_000,
  });
  pool.on("error", (e) => console.warn(`[read-db] ${name} connection lost:`, e.message));
  return pool;
}

/** "16/B374D848" → a number that orders like the WAL position. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split("/");
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/**
 * The replica's lag in seconds, from what a check saw: 0 when it has replayed up to the primary's position;
 * else the smaller of the time since its last replayed transaction and the age of the newest earlier check
 * whose primary position it has replayed past (a quiet primary's old last transaction is no lag).
 */
export function replicaLag(
  primaryLsn: bigint | null,
  replayLsn: bigint,
  secondsSinceReplay: number | null,
  samples: readonly { at: number; lsn: bigint }[],
  now: number,
): number | null {
  if (primaryLsn !== null && replayLsn >= primaryLsn) return 0;
  let caughtUpAt = -Infinity;
  for (const s of samples) if (s.lsn <= replayLsn && s.at > caughtUpAt) caughtUpAt = s.at;
  const bySamples = caughtUpAt > -Infinity ? (now - caughtUpAt) / 1000 : Infinity;
  const lag = Math.min(bySamples, secondsSinceReplay ?? Infinity);
  return Number.isFinite(lag) ? Math.max(0, lag) : null;
}

async function check(s: ReadState, replicaUrl: string): Promise<ReadRoute> {
  const started = Date.now();
  const fallback = (reason: FallbackReason, lagSeconds: number | null = null): ReadRoute => ({
    configured: true,
    source: "primary",
    reason,
    lagSeconds,
  });
  let primaryLsn: bigint | null = null;
  try {
    s.primaryProbe ??= smallPool(env().DATABASE_URL, "primary probe");
    const { rows } = await s.primaryProbe.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn");
    primaryLsn = parseLsn(rows[0]!.lsn);
  } catch {
    // The primary's position is unknown: judge the lag by the replica's own replay time.
  }
  try {
    s.probe ??= smallPool(replicaUrl, "replica probe");
    const { rows } = await s.probe.query<{ standby: boolean; replay: string | null; since: number | null }>(
      `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay,
              extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 as since`,
    );
    const r = rows[0]!;
    if (!r.standby) return fallback("not-standby");
    if (r.replay === null) return fallback("lagging");
    const lag = replicaLag(primaryLsn, parseLsn(r.replay), r.since, s.samples, Date.now());
    if (primaryLsn !== null) {
      s.samples.push({ at: started, lsn: primaryLsn });
      if (s.samples.length > SAMPLES_KEPT) s.samples.splice(0, s.samples.length - SAMPLES_KEPT);
    }
    if (lag === null || lag > env().HALFSKY_REPLICA_MAX_LAG_S) return fallback("lagging", lag);
    return { configured: true, source: "replica", reason: null, lagSeconds: lag };
  } catch {
    return fallback("down");
  }
}

function settle(s: ReadState, route: ReadRoute): ReadRoute {
  const before = s.route;
  s.route = route;
  s.checkedAt = Date.now();
  if (!before || before.source !== route.source || before.reason !== route.reason)
    console.warn(
      route.source === "replica"
        ? `[read-db] reporting reads on the replica (lag ${route.lagSeconds?.toFixed(1) ?? "?"} s)`
        : `[read-db] reporting reads on the primary: replica ${route.reason}` +
            (route.lagSeconds !== null ? ` (lag ${route.lagSeconds.toFixed(1)} s)` : ""),
    );
  return route;
}

/**
 * Where the reporting reads go now. The first call waits for a check; later calls answer the last one at
 * once and start a new check in the background when it is older than HALFSKY_REPLICA_CHECK_MS.
 */
export async function readRoute(): Promise<ReadRoute> {
  const url = env().HALFSKY_REPLICA_URL;
  if (!url) return PRIMARY_ONLY;
  const s = state();
  if (s.route && Date.now() - s.checkedAt < env().HALFSKY_REPLICA_CHECK_MS) return s.route;
  s.inflight ??= check(s, url)
    .then((route) => settle(s, route))
    .finally(() => (s.inflight = null));
  return s.route ?? s.inflight;
}

/** A read on the replica failed because the replica went away: the primary until the next check. */
function replicaFailed(e: unknown): void {
  const s = state();
  settle(s, { configured: true, source: "primary", reason: "down", lagSeconds: null });
  console.warn("[read-db] a read on the replica failed; on the primary until the next check:", describe(e));
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const FAILURE_CODES = new Set([
  ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"],
  // admin/crash shutdown, cannot connect now, connection exceptions
  ...["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"],
  // a query cancelled by a conflict with recovery (the standby's replay won)
  "40001",
  // Prisma: cannot reach the server, the server closed the connection
  ...["P1001", "P1002", "P1017"],
]);
const FAILURE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
const FAILURE_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|connection (?:is )?closed|Can't reach database|database system is (?:starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect|conflict with recovery|Server has closed the connection/i;

/** An error that says the replica went away (not a fault of the query): retried on the primary. */
export function isReplicaFailure(e: unknown): boolean {
  return errorChainMatches(e, FAILURE_CODES, FAILURE_TEXT, FAILURE_KINDS);
}

const READ_ONLY_TEXT = /read-only transaction|cannot execute \w+ during recovery/i;

/**
 * The replica refused a write (SQLSTATE 25006): a reporting read that writes is a mistake in its code, but the
 * user's page must not fail for it — it is run on the primary and the mistake is logged.
 */
export function isReadOnlyRefusal(e: unknown): boolean {
  return errorChainMatches(e, new Set(["25006"]), READ_ONLY_TEXT, new Set());
}

function errorChainMatches(e: unknown, codes: Set<string>, text: RegExp, kinds: Set<string>): boolean {
  let x: unknown = e;
  for (let depth = 0; x && typeof x === "object" && depth < 6; depth++) {
    const o = x as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown };
    const meta = (o.meta ?? {}) as { code?: unknown; driverAdapterError?: unknown };
    if (typeof o.code === "string" && codes.has(o.code)) return true;
    if (typeof meta.code === "string" && codes.has(meta.code)) return true;
    if (typeof o.kind === "string" && kinds.has(o.kind)) return true;
    if (typeof o.message === "string" && text.test(o.message)) return true;
    x = o.cause ?? meta.driverAdapterError;
  }
  return false;
}

function replicaDb(url: string): PrismaClient {
  const s = state();
  return (s.replicaDb ??= newClient(env().HALFSKY_REPLICA_POOL_MAX, url));
}

function replicaStream(url: string): pg.Pool {
  const s = state();
  if (!s.replicaStream) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      // Like streamPool(): the ledgers' SQL formats instants in Beijing time.
      options: "-c timezone=Asia/Shanghai -c DateStyle=ISO",
    });
    pool.on("error", (e) => console.warn("[read-db] idle replica connection lost:", e.message));
    s.replicaStream = pool;
  }
  return s.replicaStream;
}

/**
 * Runs read-only work on the replica when it may be used (every `db` call inside), else where the caller
 * is (the primary, or its reporting pool inside `asReport`); a replica that fails mid-way is retried on the
 * primary. Answers where the figures came from.
 */
export async function onReporting<T>(fn: () => Promise<T>): Promise<{ value: T; source: ReadSource }> {
  const url = env().HALFSKY_REPLICA_URL;
  if (url && (await readRoute()).source === "replica") {
    try {
      return { value: await onClient(replicaDb(url), fn), source: "replica" };
    } catch (e) {
      if (isReadOnlyRefusal(e))
        console.warn("[read-db] a reporting read tried to write; run on the primary:", describe(e));
      else if (isReplicaFailure(e)) replicaFailed(e);
      else throw e;
    }
  }
  return { value: await fn(), source: "primary" };
}

/** `onReporting` for a caller that needs only the value. */
export async function reportingRead<T>(fn: () => Promise<T>): Promise<T> {
  return (await onReporting(fn)).value;
}

/** A pg pool's two calls, each on the replica when it may be used and else (or when it fails) the primary. */
export interface ReportingPool {
  query: pg.Pool["query"];
  connect: () => Promise<pg.PoolClient>;
}

async function onPool<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const url = env().HALFSKY_REPLICA_URL;
  if (url && (await readRoute()).source === "replica") {
    try {
      return await fn(replicaStream(url));
    } catch (e) {
      if (!isReplicaFailure(e)) throw e;
      replicaFailed(e);
    }
  }
  return fn(streamPool());
}

/**
 * The streaming reads' pool (ledger pages, exports, print views): streamPool() on the replica. A `connect`
 * that fails falls back; a stream cut mid-way by the replica going away fails like one cut by the primary.
 */
export function reportingPool(): ReportingPool {
  return {
    query: ((...args: Parameters<pg.Pool["query"]>) =>
      onPool((pool) => (pool.query as (...a: unknown[]) => Promise<unknown>)(...args))) as pg.Pool["query"],
    connect: () => onPool((pool) => pool.connect()),
  };
}

/** Which server a reporting connection is on: tests and the benchmark assert it. */
export async function reportingServer(): Promise<{ port: number; standby: boolean }> {
  const rows = await reportingRead(
    () => db.$queryRaw<{ port: number; standby: boolean }[]>`
      select inet_server_port() as port, pg_is_in_recovery() as standby`,
  );
  return rows[0]!;
}
