/**
 * Who is the client, and which forwarded headers may be believed. Only the TCP peer's address is a fact;
 * `X-Forwarded-For/-Host/-Proto`, `Forwarded` and `X-Real-IP` are whatever the sender wrote. They are kept
 * only when the peer is a reverse proxy the operator listed in HALFSKY_TRUSTED_PROXIES; otherwise the HTTP
 * server (scripts/serve.ts) deletes them before Next.js sees the request, so Next's server-action Origin
 * check compares against the real Host, and the app's client address is the socket's.
 *
 * The server hands the address to the app in one header, signed with a key derived from AUTH_SECRET. The
 * server deletes any copy a client sent; the signature also means a plain `next start` (which would pass a
 * client's copy through) yields no address rather than a forged one.
 */
import crypto from "node:crypto";
import net from "node:net";

export const CLIENT_ADDRESS_HEADER = "x-halfsky-client-address";

/** Headers only a trusted proxy may set; deleted when the peer is anyone else. */
export const FORWARDED_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
] as const;

/** What the app uses when the request did not come through scripts/serve.ts: one shared, throttled bucket. */
export const UNKNOWN_ADDRESS = "unknown";

/** `::ffff:1.2.3.4` → `1.2.3.4`; drops an IPv6 zone (`fe80::1%eth0`); null when not an IP address. */
export function normaliseAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let a = raw.trim();
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  const v = net.isIP(a);
  if (v === 0) return null;
  return v === 6 ? a.toLowerCase() : a;
}

/** Parses `10.0.0.1, 192.168.0.0/16, ::1` into a BlockList; throws with a message naming the bad entry. */
export function parseTrustedProxies(text: string): net.BlockList {
  const list = new net.BlockList();
  for (const entry of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr, prefix, extra] = entry.split("/");
    const a = normaliseAddress(addr);
    if (!a || extra !== undefined) throw new Error(`"${entry}" is not an IP address or CIDR range`);
    const type = net.isIPv4(a) ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(a, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (type === "ipv4" ? 32 : 128))
      throw new Error(`"${entry}" has a bad prefix length`);
    list.addSubnet(a, bits, type);
  }
  return list;
}

export function isTrusted(address: string, trusted: net.BlockList): boolean {
  return trusted.check(address, net.isIPv4(address) ? "ipv4" : "ipv6");
}

/**
 * The client's address. From an untrusted peer: the peer. From a trusted proxy: X-Forwarded-For read from
 * the right (each hop appends), skipping trusted proxies; the first address not trusted is the client. An
 * entry that is not an IP address stops the walk at the hop that forwarded it.
 */
export function clientAddress(
  peer: string,
  xForwardedFor: string | undefined,
  trusted: net.BlockList,
): string {
  if (!isTrusted(peer, trusted) || !xForwardedFor) return peer;
  const hops = xForwardedFor.split(",");
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]);
    if (!hop) return client;
    client = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return client;
}

function signature(address: string, secret: string): string {
  const key = crypto.createHash("sha256").update(`halfsky client address\n${secret}`).digest();
  return crypto.createHmac("sha256", key).update(address).digest("base64url");
}

/**
 * Rewrites the headers of an incoming request in place: forwarded headers survive only from a trusted
 * proxy, a client-sent address header never does, and the signed client address is set.
 */
export function sanitiseRequestHeaders(
  headers: Record<string, string | string[] | undefined>,
  socketAddress: string | undefined,
  trusted: net.BlockList,
  secret: string,
): string {
  const peer = normaliseAddress(socketAddress) ?? UNKNOWN_ADDRESS;
  const fromProxy = peer !== UNKNOWN_ADDRESS && isTrusted(peer, trusted);
  const xff = headers["x-forwarded-for"];
  const client = fromProxy ? clientAddress(peer, Array.isArray(xff) ? xff.join(",") : xff, trusted) : peer;
  if (!fromProxy) for (const h of FORWARDED_HEADERS) delete headers[h];
  headers[CLIENT_ADDRESS_HEADER] = `${client} ${signature(client, secret)}`;
  return client;
}

/** The app's side: the address signed by the server, or UNKNOWN_ADDRESS when absent or not genuine. */
export function readClientAddress(value: string | null | undefined, secret: string): string {
  const [address, sig, extra] = (value ?? "").split(" ");
  if (!address || !sig || extra !== undefined) return UNKNOWN_ADDRESS;
  const expected = Buffer.from(signature(address, secret));
  const given = Buffer.from(sig);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given)
    ? address
    : UNKNOWN_ADDRESS;
}
