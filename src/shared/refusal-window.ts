/**
 * Anonymous refusals folded into few audit events (decision 012). Anyone can send POSTs without a session or
 * with a foreign Origin; one audit event each would let them fill the trail. So per client source (an
 * address; an IPv6 /64, which one subscriber holds whole), kind of refusal and window of
 * REFUSAL_WINDOW_MS, the first refusal is audited at once (a new attack shows at once) and the rest are
 * counted in "RefusalWindow" with one atomic upsert. When the window has closed, its row is deleted and one
 * event carries the count of the refusals it folded; every event has `after.refusals`, so their sum is the
 * number of refusals. A closed window is reported when any window opens and by the server's timer
 * (scripts/serve.ts); rows outlive restarts, and several processes share them.
 *
 * Not under src/server: the front server (scripts/serve.ts, plain Node outside Next) records Origin refusals
 * of server actions through this module too, with its own pg pool; the app passes a Prisma transaction.
 * Refusals that name a user are not folded: they stay one event each (src/server/authz.ts, route.ts).
 */
import net from "node:net";
import type pg from "pg";

/** One window: at most one opening and one closing event per source and kind. */
export const REFUSAL_WINDOW_MS = 60_000;
/** Closed windows reported per statement (the rest by the next sweep). */
const SWEEP_BATCH = 100;

export const REFUSAL_KINDS = {
  "action.no-session": { entity: "Action", reason: "no session" },
  "route.no-session": { entity: "Route", reason: "no session" },
  "action.origin": { entity: "Action", reason: "foreign origin" },
  "route.origin": { entity: "Route", reason: "foreign origin" },
} as const;
export type RefusalKind = keyof typeof REFUSAL_KINDS;

export interface Sql {
  query<R extends object>(text: string, values: unknown[]): Promise<R[]>;
}
/** Runs `fn` in one database transaction. */
export type Transact = <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>;

/** A transaction on a pg pool (the front server's). */
export function pgTransact(pool: pg.Pool): Transact {
  return async (fn) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn({ query: async (text, values) => (await client.query(text, values)).rows });
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  };
}

function ipv6Groups(a: string): number[] | null {
  let text = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split(".").map(Number);
    text = `${text.slice(0, -v4[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const part = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = part(tail);
  const groups = tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/** Whom a refusal is counted against: the address, or for IPv6 its /64 (`2001:db8:1:2::/64`). */
export function refusalSource(address: string): string {
  if (net.isIPv6(address)) {
    const g = ipv6Groups(address);
    if (g)
      return `${g
        .slice(0, 4)
        .map((x) => x.toString(16))
        .join(":")}::/64`;
  }
  return address.slice(0, 64);
}

const windowOf = (at: Date) => new Date(Math.floor(at.getTime() / REFUSAL_WINDOW_MS) * REFUSAL_WINDOW_MS);

async function insertEvent(
  sql: Sql,
  e: { action: string; kind: RefusalKind; source: string; refusals: number; message: string; after: object },
) {
  const { entity } = REFUSAL_KINDS[e.kind];
  await sql.query(
    `INSERT INTO "AuditEvent" (action, entity, outcome, message, ip, after)
     VALUES ($1, $2, 'DENIED'::"AuditOutcome", $3, $4, $5::jsonb)`,
    [
      e.action.slice(0, 64),
      entity,
      e.message.slice(0, 512),
      e.source,
      JSON.stringify({ refusals: e.refusals, kind: e.kind, ...e.after }),
    ],
  );
}

interface WindowRow {
  address: string;
  kind: string;
  windowStart: Date;
  count: number;
  lastAt: Date;
  lastAction: string;
}

/** Deletes up to SWEEP_BATCH windows that closed before `before` and audits what they folded. */
async function sweep(sql: Sql, before: Date): Promise<number> {
  // SKIP LOCKED: two sweepers never wait for each other (no deadlock); a row still being counted waits.
  const rows = await sql.query<WindowRow>(
    `DELETE FROM "RefusalWindow" WHERE (address, kind, "windowStart") IN (
       SELECT address, kind, "windowStart" FROM "RefusalWindow" WHERE "windowStart" < $1
       ORDER BY "windowStart" LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING address, kind, "windowStart", count, "lastAt", "lastAction"`,
    [before, SWEEP_BATCH],
  );
  for (const r of rows) {
    const folded = r.count - 1; // the first was audited when the window opened
    if (folded <= 0 || !(r.kind in REFUSAL_KINDS)) continue;
    const kind = r.kind as RefusalKind;
    const start = new Date(r.windowStart);
    const end = new Date(start.getTime() + REFUSAL_WINDOW_MS);
    await insertEvent(sql, {
      action: r.lastAction,
      kind,
      source: r.address,
      refusals: folded,
      message: `${REFUSAL_KINDS[kind].reason} (anonymous): ${folded} more refusals from ${r.address} in the window ${start.toISOString()}–${end.toISOString()}, folded into this event; last ${r.lastAction}`,
      after: {
        windowStart: start.toISOString(),
        windowEnd: end.toISOString(),
        lastAt: new Date(r.lastAt).toISOString(),
      },
    });
  }
  return rows.length;
}

/**
 * Records one anonymous refusal: counted in its window; the first of a window is audited at once (and
 * reports windows closed before it). `detail` (e.g. the Origin sent) goes into that first event only.
 */
export async function recordAnonymousRefusal(
  transact: Transact,
  r: { kind: RefusalKind; address: string; action: string; detail?: string },
  at: Date = new Date(),
): Promise<void> {
  const source = refusalSource(r.address);
  const windowStart = windowOf(at);
  const action = r.action.slice(0, 64);
  await transact(async (sql) => {
    const [row] = await sql.query<{ count: number }>(
      `INSERT INTO "RefusalWindow" AS w (address, kind, "windowStart", count, "lastAt", "lastAction")
       VALUES ($1, $2, $3, 1, $4, $5)
       ON CONFLICT (address, kind, "windowStart") DO UPDATE
         SET count = w.count + 1, "lastAt" = greatest(w."lastAt", excluded."lastAt"), "lastAction" = excluded."lastAction"
       RETURNING count`,
      [source, r.kind, windowStart, at, action],
    );
    if (row?.count !== 1) return;
    const end = new Date(windowStart.getTime() + REFUSAL_WINDOW_MS);
    const { reason } = REFUSAL_KINDS[r.kind];
    await insertEvent(sql, {
      action,
      kind: r.kind,
      source,
      refusals: 1,
      message: `${reason} (anonymous)${r.detail ? `: ${r.detail.slice(0, 200)}` : ""} — further refusals from ${source} until ${end.toISOString()} are counted and audited as one event`,
      after: { windowStart: windowStart.toISOString(), windowEnd: end.toISOString() },
    });
    await sweep(sql, windowStart);
  });
}

/** Audits and deletes every window closed by `at` (the server's timer; tests). */
export async function flushRefusalWindows(transact: Transact, at: Date = new Date()): Promise<void> {
  const before = windowOf(at);
  while ((await transact((sql) => sweep(sql, before))) === SWEEP_BATCH);
}
