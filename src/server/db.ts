import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { env } from "./env";

/** The one database client (a globalThis singleton so dev reloads do not open new pools). */
const globalForDb = globalThis as unknown as { halfskyDb?: PrismaClient };

function create(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: env.HALFSKY_DB_POOL_MAX });
  return new PrismaClient({ adapter });
}

export const db: PrismaClient = globalForDb.halfskyDb ?? create();
if (env.NODE_ENV !== "production") globalForDb.halfskyDb = db;

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
