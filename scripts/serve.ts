/**
 * The HTTP server of the app (started by scripts/start.ts instead of `next start` / `next dev`): Next.js's
 * request handler behind a Node HTTP server that knows the TCP peer. Before Next sees a request, forwarded
 * headers from an untrusted peer are deleted and the signed client address is set (src/config/forwarded.ts):
 * Next.js 16 gives server actions and route handlers no socket address, and keeps a client's
 * X-Forwarded-* as they came. Server actions with a foreign Origin are refused and audited here (decision 012):
 * Next would refuse them before any of our code runs.
 *
 *   tsx scripts/serve.ts [--dev] -p PORT -H HOST
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import pg from "pg";
import { EnvError, loadAppEnv } from "../src/config/env";
import {
  flushRefusalWindows,
  pgTransact,
  recordAnonymousRefusal,
  REFUSAL_WINDOW_MS,
} from "../src/shared/refusal-window";
import { frontOf, type OriginRefusal } from "./lib/front";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main() {
  const env = loadAppEnv();
  const dev = process.argv.includes("--dev");
  const port = Number(arg("-p", "3000"));
  const hostname = arg("-H", "127.0.0.1");
  const app = next({ dev, hostname, port });
  await app.prepare();
  // The front's own small pool (the app's Prisma pool lives inside Next): refused actions and the timer
  // that audits closed refusal windows.
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
  const transact = pgTransact(pool);
  const refused = (r: OriginRefusal) =>
    recordAnonymousRefusal(transact, {
      kind: "action.origin",
      address: r.address,
      action: `POST ${r.path}`,
      detail: `Origin ${r.origin === undefined ? "(none)" : JSON.stringify(r.origin.slice(0, 100))}, action ${r.actionId}`,
    });
  setInterval(() => {
    flushRefusalWindows(transact).catch((e: unknown) => console.error("[refusals] could not audit", e));
  }, REFUSAL_WINDOW_MS).unref();
  const server = http.createServer(
    frontOf(app.getRequestHandler(), env.HALFSKY_TRUSTED_PROXIES, env.AUTH_SECRET, refused),
  );
  const upgrade = app.getUpgradeHandler(); // next dev's fast refresh
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgrade(req, socket, head);
  });
  server.listen(port, hostname, () => {
    process.stdout.write(`✓ Ready on http://${hostname}:${port}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvError ? e.message : e);
  process.exit(1);
});
