/** The request listener of scripts/serve.ts, without Next.js (so tests/unit/forwarded.test.ts can run it). */
import type http from "node:http";
import { parseTrustedProxies, sanitiseRequestHeaders } from "../../src/config/forwarded";

/** Strips forwarded headers from untrusted peers and sets the signed client address, then calls `handle`. */
export function frontOf(
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
  trustedProxies: string,
  secret: string,
): http.RequestListener {
  const trusted = parseTrustedProxies(trustedProxies);
  return (req, res) => {
    sanitiseRequestHeaders(req.headers, req.socket.remoteAddress, trusted, secret);
    void handle(req, res);
  };
}
