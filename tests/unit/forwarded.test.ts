import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EnvError, loadAppEnv } from "@/config/env";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  parseTrustedProxies,
  readClientAddress,
  sanitiseRequestHeaders,
} from "@/config/forwarded";
import { frontOf, type OriginRefusal } from "../../scripts/lib/front";

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

describe("server actions from another origin are refused at the front", () => {
  /** The front on a real socket; records what it refused and what it passed on to Next. */
  async function front(trusted = "") {
    const refused: OriginRefusal[] = [];
    const passed: string[] = [];
    server = http.createServer(
      frontOf(
        (req, res) => {
          passed.push(`${req.method} ${req.url}`);
          res.end("next");
        },
        trusted,
        SECRET,
        async (r) => {
          refused.push(r);
        },
      ),
    );
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (path: string, headers: Record<string, string>, method = "POST") =>
      fetch(base + path, { method, headers, body: method === "POST" ? "[]" : undefined });
    return { base, refused, passed, send };
  }

  it("a foreign, null or missing Origin on a Next-Action POST: 403, not passed on, handed to the audit", async () => {
    const { refused, passed, send } = await front();
    for (const origin of ["https://evil.example", "null", undefined, "not a url"]) {
      const r = await send("/loans/1?tab=x", { "next-action": "7f01", ...(origin ? { origin } : {}) });
      expect(r.status, String(origin)).toBe(403);
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(await r.json()).toEqual({ message: "请求来源不正确" });
    }
    expect(passed).toEqual([]);
    expect(refused.map((r) => r.origin)).toEqual(["https://evil.example", "null", undefined, "not a url"]);
    expect(refused[0]).toEqual({
      address: "127.0.0.1",
      origin: "https://evil.example",
      path: "/loans/1",
      actionId: "7f01",
    });
  });

  it("a forged X-Forwarded-Host from an untrusted peer does not make a foreign Origin this site's", async () => {
    const { refused, passed, send } = await front();
    const r = await send("/loans", {
      "next-action": "7f01",
      origin: "https://evil.example",
      "x-forwarded-host": "evil.example",
    });
    expect(r.status).toBe(403);
    expect(passed).toEqual([]);
    expect(refused).toHaveLength(1);
  });

  it("this site's Origin, a trusted proxy's host, other POSTs and GETs are passed on to Next", async () => {
    const { base, refused, passed, send } = await front("127.0.0.1");
    expect((await send("/loans", { "next-action": "7f01", origin: base })).status).toBe(200);
    expect(
      (
        await send("/loans", {
          "next-action": "7f02",
          origin: "https://hs.example",
          "x-forwarded-host": "hs.example",
        })
      ).status,
    ).toBe(200);
    // not an action call: route handlers check the Origin themselves (src/server/route.ts), Next checks MPA forms
    expect((await send("/imports/upload", { origin: "https://evil.example" })).status).toBe(200);
    expect((await send("/loans", { "next-action": "7f03" }, "GET")).status).toBe(200);
    expect(refused).toEqual([]);
    expect(passed).toEqual(["POST /loans", "POST /loans", "POST /imports/upload", "GET /loans"]);
  });

  it("if the audit fails the call is still refused (and the failure logged)", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {}); // asserted below, not unexpected
    server = http.createServer(
      frontOf(
        (_req, res) => res.end("next"),
        "",
        SECRET,
        async () => {
          throw new Error("database down");
        },
      ),
    );
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const r = await fetch(`http://127.0.0.1:${port}/loans`, {
      method: "POST",
      headers: { "next-action": "7f01", origin: "https://evil.example" },
      body: "[]",
    });
    expect(r.status).toBe(403);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![0])).toMatch(/could not audit/);
  });
});
