import path from "node:path";
import type { ToolEnv } from "../../src/config/env";
import { startEmbeddedPostgres, type RunningPostgres } from "./postgres";

/** The replication slot of the embedded standby on its primary. */
export const STANDBY_SLOT = "halfsky_standby";

/**
 * Starts the embedded hot standby of the embedded primary in $HALFSKY_DATA_DIR/pg (decision 042): data in
 * $HALFSKY_DATA_DIR/standby, port HALFSKY_STANDBY_PG_PORT; a base backup on its first start (or when the
 * primary was re-created), streaming replication from then on. `ownerUrl`: the primary's owner (superuser).
 */
export async function startStandby(
  ownerUrl: string,
  env: Pick<ToolEnv, "HALFSKY_DATA_DIR" | "HALFSKY_STANDBY_PG_PORT">,
  log: (m: string) => void,
): Promise<RunningPostgres> {
  const dataDir = path.resolve(env.HALFSKY_DATA_DIR, "standby");
  const admin = new URL(ownerUrl);
  const database = decodeURIComponent(admin.pathname.slice(1)) || "postgres";
  admin.pathname = "/postgres";
  log(
    `Starting the standby PostgreSQL (streaming replication; data in ${path.relative(process.cwd(), dataDir)}, port ${env.HALFSKY_STANDBY_PG_PORT}) …`,
  );
  const t0 = Date.now();
  const standby = await startEmbeddedPostgres({
    dataDir,
    port: env.HALFSKY_STANDBY_PG_PORT,
    database,
    log: (line) => {
      if (/^Base backup|no longer fits/.test(line)) log(`  ${line}`);
    },
    standbyOf: {
      primaryAdminUrl: admin.toString(),
      primaryDataDir: path.resolve(env.HALFSKY_DATA_DIR, "pg"),
      slot: STANDBY_SLOT,
    },
  });
  log(`Standby ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: reports and exports read from it.`);
  return standby;
}
