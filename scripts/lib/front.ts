/** The request listener of scripts/serve.ts, without Next.js (so tests/unit/forwarded.test.ts can run it). */
import type http from "node:http";
import { parseTrustedProxies, sanitiseRequestHeaders } from "../../src/config/forwarded";
import { originIsHost } from "../../src/shared/origin";

/** A server action refused at the front because its Origin is not this site (decision 012). */
export interface OriginRefusal {
  address: string;
  origin: string | undefined;
  path: string;
  actionId: string;
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * A server-action call (a POST with a Next-Action header, as React sends every action) whose Origin is
 * missing, `null` or another site compared with the Host: Next.js would refuse a foreign or `null` Origin
 * itself (without our code running, so nothing would be audited) and let a missing one through.
 */
export function isForeignOriginAction(req: http.IncomingMessage): boolean {
  if (req.method !== "POST" || header(req.headers["next-action"]) === undefined) return false;
  return !originIsHost(
    header(req.headers.origin),
    header(req.headers["x-forwarded-host"]),
    header(req.headers.host),
  );
}

/**
 * Strips forwarded headers from untrusted peers and sets the signed client address, then calls `handle`.
 * Server actions with a foreign Origin are answered 403 here and passed to `refused` (which audits them);
 * Next's own Origin check still stands behind for everything passed on.
 */
export function frontOf(
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
  trustedProxies: string,
  secret: string,
  refused: (r: OriginRefusal) => Promise<void> = async () => {},
): http.RequestListener {
  const trusted = parseTrustedProxies(trustedProxies);
  return (req, res) => {
    const address = sanitiseRequestHeaders(req.headers, req.socket.remoteAddress, trusted, secret);
    if (isForeignOriginAction(req)) {
      void refuse(req, res, refused, {
        address,
        origin: header(req.headers.origin),
        path: (req.url ?? "/").split("?")[0]!.slice(0, 200),
        actionId: String(header(req.headers["next-action"])).slice(0, 100),
      });
      return;
    }
    void handle(req, res);
  };
}

async function refuse(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  refused: (r: OriginRefusal) => Promise<void>,
  r: OriginRefusal,
) {
  try {
    await refused(r);
  } catch (e) {
    console.error("[front] could not audit a refused server action", e);
  }
  // The body is not read: close the connection rather than drain what a foreign page sent.
  res.writeHead(403, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    connection: "close",
  });
  res.end(JSON.stringify({ message: "请求来源不正确" }));
  req.resume();
}
