/**
 * npm start: one command from a fresh clone to a working app.
 *  1. validate the environment;  2. check the port;  3. start the embedded PostgreSQL (unless DATABASE_URL);
 *  4. apply pending migrations (a failed one stops start-up with its error);  5. load the demo data on the
 *  first start only;  6. build if the sources are newer than the build;  7. serve the production app.
 * Ctrl-C (or SIGTERM) stops the app and then PostgreSQL, cleanly.
 */
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { EnvError, loadAppEnv, loadToolEnv } from "../src/config/env";
import { openDatabase } from "./lib/database";
import { applyMigrations, MigrationError } from "./lib/migrate";
import { seedIfEmpty } from "./lib/seed";
import { ensureAppRole } from "./lib/app-role";
import { NEXT_BIN, TSX_BIN, needsBuild, run } from "./lib/build";
import { PortInUseError, assertPortFree } from "./lib/ports";
import { startStandby } from "./lib/standby";
import type { RunningPostgres } from "./lib/postgres";
import { DEMO_PASSWORD, DEMO_USERS } from "../prisma/demo/seed";

const dev = process.argv.includes("--dev");
/** `npm start -- --replica` (or HALFSKY_REPLICA=1): also an embedded hot standby for the reporting reads. */
const replicaFlag = process.argv.includes("--replica");

function log(m: string) {
  process.stdout.write(m.endsWith("\n") ? m : `${m}\n`);
}

function authSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

async function main() {
  const env = loadToolEnv();
  await assertPortFree(
    env.PORT,
    "HalfSky",
    `Stop whatever uses port ${env.PORT}, or start on another port: PORT=3001 npm start`,
  );

  const withReplica = replicaFlag || env.HALFSKY_REPLICA === "1";
  if (withReplica && env.DATABASE_URL)
    throw new Error(
      "The embedded standby (--replica, HALFSKY_REPLICA=1) is a copy of the embedded PostgreSQL. With DATABASE_URL, set HALFSKY_REPLICA_URL to your own standby instead.",
    );
  const db = await openDatabase(log);
  let standby: RunningPostgres | null = null;
  let next: ChildProcess | null = null;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (next && next.exitCode === null) {
      log("Stopping HalfSky …");
      next.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(() => {
          next?.kill("SIGKILL");
          r(null);
        }, 5000);
        next!.once("exit", () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    if (standby) {
      log("Stopping the standby PostgreSQL …");
      await standby.stop().catch(() => {});
    }
    if (db.embedded) {
      log("Stopping PostgreSQL …");
      await db.embedded.stop().catch(() => {});
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGHUP", () => void shutdown(0));

  try {
    const applied = await applyMigrations(db.url);
    if (applied.length) log(`Applied migrations: ${applied.join(", ")}`);
    const seeded = await seedIfEmpty(db.url, (m) => process.stdout.write(m));

    const secret = env.AUTH_SECRET ?? authSecret(path.resolve(env.HALFSKY_DATA_DIR));
    let appUrl = db.url;
    try {
      appUrl = await ensureAppRole(db.url, secret);
    } catch (e) {
      // A configured server where the owner may not create roles: the append-only triggers still refuse
      // UPDATE and DELETE of the journals, but an owner could drop them. Say so.
      log(
        `Warning: could not set up the app's own database role (${e instanceof Error ? e.message : e}); the app connects as the owner.`,
      );
    }
    let replicaUrl: string | undefined;
    if (withReplica) {
      // After the migrations and the demo data, so the base backup has them (decision 042).
      standby = await startStandby(db.url, env, log);
      const u = new URL(appUrl);
      u.port = String(env.HALFSKY_STANDBY_PG_PORT);
      replicaUrl = u.toString();
    }
    const appEnv = {
      ...process.env,
      ...(replicaUrl ? { HALFSKY_REPLICA_URL: replicaUrl } : {}),
      DATABASE_URL: appUrl,
      AUTH_SECRET: secret,
      NEXT_TELEMETRY_DISABLED: "1",
    };
    loadAppEnv(appEnv); // stops here, naming the variable, if anything is wrong

    if (seeded) {
      // First start: the demo monthly reports, made through the app's own services (issue 22). The app then
      // builds every past month-end's snapshot in the background (progress on its console).
      const code = await run(TSX_BIN, ["--conditions=react-server", "scripts/demo-reports.ts"], appEnv);
      if (code !== 0) throw new Error(`demo monthly reports failed (exit ${code})`);
    }

    if (!dev && needsBuild()) {
      log(
        "Building the app (first start or changed sources; about 2 minutes on 2 cores) / 正在构建（约 2 分钟）…",
      );
      const started = Date.now();
      // next build is silent while it compiles: say it is still working, every 15 s.
      const ticker = setInterval(() => {
        const s = Math.round((Date.now() - started) / 1000);
        log(`  … still building, ${s} s so far / 仍在构建，已用 ${s} 秒`);
      }, 15_000);
      const code = await run(NEXT_BIN, ["build"], { ...appEnv, NODE_ENV: "production" }).finally(() =>
        clearInterval(ticker),
      );
      log(`Built in ${Math.round((Date.now() - started) / 1000)} s / 构建完成`);
      if (code !== 0) throw new Error(`next build failed (exit ${code})`);
    }

    // scripts/serve.ts: Next.js behind a server that strips forwarded headers from untrusted peers.
    const serveArgs = [
      "scripts/serve.ts",
      ...(dev ? ["--dev"] : []),
      "-p",
      String(env.PORT),
      "-H",
      "127.0.0.1",
    ];
    next = spawn(TSX_BIN, serveArgs, {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...appEnv, NODE_ENV: dev ? "development" : "production" },
    });
    next.stdout!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      process.stdout.write(text);
      if (/Ready in|started server|✓ Ready/i.test(text)) {
        log("");
        log(`HalfSky 半边天 is ready: http://localhost:${env.PORT}`);
        log(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
        for (const u of DEMO_USERS)
          log(`  ${u.username.padEnd(12)} ${u.role.padEnd(16)} ${u.regionCode}  ${u.displayName}`);
        log("Press Ctrl-C to stop.");
      }
    });
    next.on("exit", (code) => {
      if (!stopping) {
        log(`HalfSky server exited (code ${code ?? "?"}).`);
        void shutdown(code ?? 1);
      }
    });
  } catch (e) {
    if (e instanceof MigrationError) console.error(`Migration failed — start-up stopped:\n${e.message}`);
    else if (e instanceof EnvError) console.error(e.message);
    else console.error(e);
    await shutdown(1);
  }
}

main().catch((e: unknown) => {
  if (e instanceof PortInUseError || e instanceof EnvError) console.error(e.message);
  else console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
