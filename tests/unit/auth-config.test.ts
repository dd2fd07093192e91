import { describe, expect, it, vi } from "vitest";
import { ABSOLUTE_SECONDS, authConfig, INACTIVITY_SECONDS } from "@/server/auth-config";

type JwtArgs = Parameters<typeof authConfig.callbacks.jwt>[0];
const jwt = (args: Partial<JwtArgs>) => authConfig.callbacks.jwt(args as JwtArgs);

describe("session lifetime", () => {
  it("has a 30-minute inactivity timeout (sliding cookie) and a 12-hour absolute lifetime", () => {
    expect(authConfig.session.maxAge).toBe(30 * 60);
    expect(INACTIVITY_SECONDS).toBe(1800);
    expect(ABSOLUTE_SECONDS).toBe(12 * 3600);
  });

  it("stamps the login time, keeps the token within the lifetime and ends it after", () => {
    vi.useFakeTimers({ now: new Date("2026-11-23T08:00:00Z") });
    const token = jwt({ token: {}, user: { id: "7", sv: 3 } as never });
    expect(token).toMatchObject({ uid: 7, sv: 3, loginAt: Math.floor(Date.now() / 1000) });
    vi.setSystemTime(new Date("2026-11-23T19:59:00Z"));
    expect(jwt({ token: token! })).not.toBeNull();
    vi.setSystemTime(new Date("2026-11-23T20:00:01Z"));
    expect(jwt({ token: token! })).toBeNull();
    expect(jwt({ token: { uid: 7 } })).toBeNull(); // a token without a login time is refused
    vi.useRealTimers();
  });
});

describe("the auth log", () => {
  it("a wrong password is one line, without a stack trace; other errors keep their details", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const refused = Object.assign(new Error("Read more at https://errors.authjs.dev#credentialssignin"), {
      type: "CredentialsSignin",
      name: "CredentialsSignin",
    });
    authConfig.logger.error(refused as never);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]!.join(" ")).not.toContain("at ");
    expect(error).not.toHaveBeenCalled();
    authConfig.logger.error(Object.assign(new Error("bad"), { type: "JWTSessionError" }) as never);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toContain("JWTSessionError: bad");
    warn.mockRestore();
    error.mockRestore();
  });
});
