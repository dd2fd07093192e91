import { beforeEach, describe, expect, it, vi } from "vitest";
import { CLIENT_ADDRESS_HEADER, parseTrustedProxies, sanitiseRequestHeaders } from "@/config/forwarded";

// What the app sees of a request (next/headers), set per test.
const request = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));
// next-auth itself is not under test (and its ESM build does not load outside Next).
vi.mock("next-auth", () => ({ default: () => ({}), CredentialsSignin: class extends Error {} }));
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));

// A unit test: the environment names a database that is never connected to.
process.env.DATABASE_URL ??= "postgresql://unit:unit@127.0.0.1:1/never";
process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

const { clientIp } = await import("@/server/auth");
const { env } = await import("@/server/env");

describe("clientIp: the address the login throttle counts", () => {
  beforeEach(() => {
    request.headers = new Headers();
  });

  it("is never the X-Forwarded-For or X-Real-IP a client wrote", async () => {
    request.headers = new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.1", "x-real-ip": "7.7.7.7" });
    expect(await clientIp()).toBe("unknown");
    request.headers.set(CLIENT_ADDRESS_HEADER, "6.6.6.6 made-up");
    expect(await clientIp()).toBe("unknown");
  });

  it("is the address the HTTP server signed", async () => {
    const h: Record<string, string | undefined> = { "x-forwarded-for": "6.6.6.6" };
    sanitiseRequestHeaders(h, "198.51.100.7", parseTrustedProxies(""), env().AUTH_SECRET);
    request.headers = new Headers(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined));
    expect(await clientIp()).toBe("198.51.100.7");
  });
});
