import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { env } from "./env";

/** The one database client: created on first use, a globalThis singleton so dev reloads reuse the pool. */
const globalForDb = globalThis as unknown as { halfskyDb?: PrismaClient };

function client(): PrismaClient {
  if (!globalForDb.halfskyDb) {
    const e = env();
    globalForDb.halfskyDb = new PrismaClient({ adapter: new PrismaPg({ connectionString: e.DATABASE_URL, max: e.HALFSKY_DB_POOL_MAX }) });
  }
  return globalForDb.halfskyDb;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const c = client();
    const value = Reflect.get(c, prop) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(c) : value;
  },
});

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
