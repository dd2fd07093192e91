import "server-only";
import pg from "pg";
import { env } from "./env";

/**
 * A small pg pool for streaming work beside Prisma's pool — ledger exports (COPY TO, cursors) and imports
 * (COPY FROM in one transaction): a long export or import holds its connection for a while and must not
 * starve the app's queries.
 */
const globalForStream = globalThis as unknown as { halfskyStreamPool?: pg.Pool };

export function streamPool(): pg.Pool {
  if (!globalForStream.halfskyStreamPool) {
    const pool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: 4,
      options: "-c timezone=Asia/Shanghai -c DateStyle=ISO",
    });
    // An idle connection dropped by the server (restart, admin shutdown) must not crash the process; the
    // pool discards it and the next query opens a new one.
    pool.on("error", (e) => console.error("[stream-db] idle connection lost:", e.message));
    globalForStream.halfskyStreamPool = pool;
  }
  return globalForStream.halfskyStreamPool;
}
