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
