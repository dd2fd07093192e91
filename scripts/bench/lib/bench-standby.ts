/**
 * bench:web --replica (issue 24 item 4): an embedded hot standby of the embedded benchmark cluster, made the
 * way `npm start -- --replica` makes the app's (scripts/lib/standby.ts, decision 042), and the replication lag
 * sampled on the primary while the load runs. Afterwards the standby is stopped, its replication slot dropped
 * (a slot left behind would keep every WAL segment of the primary) and its copy of the data removed.
 */
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { loadToolEnv } from "../../../src/config/env";
import type { RunningPostgres } from "../../lib/postgres";
import { STANDBY_SLOT, startStandby } from "../../lib/standby";
import { percentile } from "./measure";

export interface BenchStandby {
  replicaUrl: string;
  stop: () => Promise<void>;
}

export async function startBenchStandby(
  primaryUrl: string,
  port: number,
  log: (m: string) => void = (m) => console.error(m),
): Promise<BenchStandby> {
  const dataDir = path.resolve(loadToolEnv().HALFSKY_DATA_DIR, "bench");
  const standby: RunningPostgres = await startStandby(
    primaryUrl,
    { HALFSKY_DATA_DIR: dataDir, HALFSKY_STANDBY_PG_PORT: port },
    log,
  );
  const u = new URL(primaryUrl);
  u.port = String(port);
  return {
    replicaUrl: u.toString(),
    stop: async () => {
      await standby.stop();
      const c = new pg.Client({ connectionString: primaryUrl });
      await c.connect();
      try {
        await c.query(
          `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`,
          [STANDBY_SLOT],
        );
      } finally {
        await c.end();
      }
      fs.rmSync(path.join(dataDir, "standby"), { recursive: true, force: true });
      log("Standby stopped, its slot dropped and its data removed.");
    },
  };
}

export interface LagFigures {
  samples: number;
  p50: number;
  p95: number;
  max: number;
  maxBytes: number;
}

/**
 * Samples the standby's replay lag on the primary (pg_stat_replication.replay_lag: the time between a commit
 * on the primary and its replay on the standby) every `everyMs`. A NULL lag with nothing left to replay is a
 * standby that has caught up (0 ms).
 */
export function sampleLag(primaryUrl: string, everyMs = 200): { stop: () => Promise<LagFigures> } {
  const ms: number[] = [];
  let maxBytes = 0;
  let stopped = false;
  const c = new pg.Client({ connectionString: primaryUrl });
  const loop = (async () => {
    await c.connect();
    while (!stopped) {
      const { rows } = await c.query<{ ms: number | null; bytes: string | null }>(
        `SELECT EXTRACT(EPOCH FROM replay_lag) * 1000 AS ms,
                pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS bytes
         FROM pg_stat_replication LIMIT 1`,
      );
      const r = rows[0];
      if (r) {
        const bytes = Number(r.bytes ?? 0);
        maxBytes = Math.max(maxBytes, bytes);
        if (r.ms !== null) ms.push(Number(r.ms));
        else if (bytes === 0) ms.push(0);
      }
      await new Promise((res) => setTimeout(res, everyMs));
    }
    await c.end();
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      ms.sort((a, b) => a - b);
      return {
        samples: ms.length,
        p50: percentile(ms, 50),
        p95: percentile(ms, 95),
        max: ms.at(-1) ?? NaN,
        maxBytes,
      };
    },
  };
}
