import "server-only";
import pg from "pg";
import { env } from "./env";

/**
 * A small pg pool for streaming reads (ledger exports through a server-side cursor), beside Prisma's pool:
 * a long export holds its connection for minutes and must not starve the app's queries.
 */
const globalForStream = globalThis as unknown as { halfskyStreamPool?: pg.Pool };

export function streamPool(): pg.Pool {
  if (!globalForStream.halfskyStreamPool) {
    globalForStream.halfskyStreamPool = new pg.Pool({ connectionString: env().DATABASE_URL, max: 4, options: "-c timezone=Asia/Shanghai -c DateStyle=ISO" });
  }
  return globalForStream.halfskyStreamPool;
}
