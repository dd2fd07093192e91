import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EnvError, loadAppEnv } from "@/config/env";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  parseTrustedProxies,
  readClientAddress,
  sanitiseRequestHeaders,
} from "@/config/forwarded";
import { frontOf } from "../../scripts/lib/front";

const SECRET = "s".repeat(40);
const FORGED = {
  "x-forwarded-for": "6.6.6.6",
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "https",
  "x-forwarded-port": "443",
  forwarded: "for=6.6.6.6;host=evil.example",
  "x-real-ip": "6.6.6.6",
  [CLIENT_ADDRESS_HEADER]: "6.6.6.6 forged-signature",
};

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** The real listener of scripts/serve.ts on a real socket; the handler answers with the headers it got. */
async function send(trusted: string, headers: Record<string, string>) {
  server = http.createServer(frontOf((req, res) => res.end(JSON.stringify(req.headers)), trusted, SECRET));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/login`, { method: "POST", headers });
  return (await res.json()) as Record<string, string | undefined>;
}

describe("client address and forwarded headers", () => {
  it("from an untrusted peer: every forwarded header is dropped and the address is the socket's", async () => {
    const seen = await send("", { ...FORGED, origin: "http://evil.example" });
    for (const h of Object.keys(FORGED).filter((k) => k !== CLIENT_ADDRESS_HEADER))
      expect(seen[h], h).toBeUndefined();
    expect(seen.host).toMatch(/^127\.0\.0\.1:\d+$/); // Next's Origin check then compares with the real Host
    expect(readClientAddress(seen[CLIENT_ADDRESS_HEADER], SECRET)).toBe("127.0.0.1");
  });

  it("a configured proxy that is not the peer changes nothing", async () => {
    const seen = await send("10.0.0.0/8", FORGED);
    expect(seen["x-forwarded-host"]).toBeUndefined();
    expect(readClientAddress(seen[CLIENT_ADDRESS_HEADER], SECRET)).toBe("127.0.0.1");
  });

  it("from a trusted proxy: its headers are kept and the client is the last address it did not add itself", async () => {
    const seen = await send("127.0.0.1", {
      "x-forwarded-for": "6.6.6.6, 203.0.113.9", // the client wrote 6.6.6.6; the proxy appended 203.0.113.9
      "x-forwarded-host": "halfsky.example.gov.cn",
      "x-forwarded-proto": "https",
      [CLIENT_ADDRESS_HEADER]: "6.6.6.6 forged-signature",
    });
    expect(seen["x-forwarded-host"]).toBe("halfsky.example.gov.cn");
    expect(seen["x-forwarded-proto"]).toBe("https");
    expect(readClientAddress(seen[CLIENT_ADDRESS_HEADER], SECRET)).toBe("203.0.113.9");
  });

  it("walks X-Forwarded-For from the right past trusted hops only", () => {
    const trusted = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1");
    expect(clientAddress("127.0.0.1", "1.1.1.1, 2.2.2.2, 10.1.2.3", trusted)).toBe("2.2.2.2");
    expect(clientAddress("::ffff:127.0.0.1", "1.1.1.1", trusted)).toBe("1.1.1.1");
    expect(clientAddress("127.0.0.1", "junk, 10.1.2.3", trusted)).toBe("10.1.2.3");
    expect(clientAddress("127.0.0.1", "10.9.9.9", trusted)).toBe("10.9.9.9");
    expect(clientAddress("8.8.8.8", "1.1.1.1", trusted)).toBe("8.8.8.8");
  });

  it("the app believes only an address the server signed", () => {
    const h: Record<string, string | undefined> = {};
    sanitiseRequestHeaders(h, "::ffff:192.0.2.4", parseTrustedProxies(""), SECRET);
    expect(readClientAddress(h[CLIENT_ADDRESS_HEADER], SECRET)).toBe("192.0.2.4");
    expect(readClientAddress(h[CLIENT_ADDRESS_HEADER], "another-secret-another-secret-0000")).toBe("unknown");
    expect(readClientAddress("192.0.2.5 " + h[CLIENT_ADDRESS_HEADER]!.split(" ")[1], SECRET)).toBe("unknown");
    expect(readClientAddress("6.6.6.6", SECRET)).toBe("unknown");
    expect(readClientAddress(undefined, SECRET)).toBe("unknown");
  });

  it("HALFSKY_TRUSTED_PROXIES is validated: a bad entry stops start-up naming the variable", () => {
    const base = { DATABASE_URL: "postgresql://a@127.0.0.1/x", AUTH_SECRET: SECRET };
    expect(loadAppEnv(base).HALFSKY_TRUSTED_PROXIES).toBe("");
    expect(loadAppEnv({ ...base, HALFSKY_TRUSTED_PROXIES: "127.0.0.1, ::1, 10.0.0.0/8" })).toMatchObject({
      HALFSKY_TRUSTED_PROXIES: "127.0.0.1, ::1, 10.0.0.0/8",
    });
    for (const bad of ["localhost", "10.0.0.0/33", "10.0.0.1/8/1", "::1/129"]) {
      expect(() => loadAppEnv({ ...base, HALFSKY_TRUSTED_PROXIES: bad })).toThrow(EnvError);
      expect(() => loadAppEnv({ ...base, HALFSKY_TRUSTED_PROXIES: bad })).toThrow(/HALFSKY_TRUSTED_PROXIES:/);
    }
  });
});
