import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../src/generated/prisma/client";
import { seedDemo } from "../../prisma/demo/seed";

/** Loads the demo data when the database has no users yet (first start only). All or nothing. */
export async function seedIfEmpty(url: string, log: (m: string) => void): Promise<boolean> {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, options: "-c timezone=UTC" }) /* as src/server/db.ts */,
  });
  try {
    if ((await prisma.user.count()) > 0) return false;
    log("Loading demo data / 正在载入演示数据 …\n");
    const t0 = Date.now();
    const res = await prisma.$transaction((tx) => seedDemo(tx, log), { timeout: 900_000, maxWait: 30_000 });
    // Planner statistics now, not when autovacuum gets to it: the dashboard's queries are planned on them.
    await prisma.$executeRawUnsafe("ANALYZE");
    log(
      `Demo data loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${res.borrowers} borrowers, ${res.loans} loans, ${res.journal} journal entries.\n`,
    );
    return true;
  } finally {
    await prisma.$disconnect();
  }
}
