import { describe, expect, it } from "vitest";
import { EnvError, loadAppEnv, loadToolEnv } from "@/config/env";

describe("environment validation", () => {
  it("defaults what it can", () => {
    const env = loadToolEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      HALFSKY_PG_PORT: 54320,
      HALFSKY_DATA_DIR: ".data",
      HALFSKY_FRESH: "0",
    });
    expect(env.DATABASE_URL).toBeUndefined(); // no DATABASE_URL → the embedded PostgreSQL
  });
  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ HALFSKY_FRESH: "yes" }, "HALFSKY_FRESH"],
  ])("a bad value %o stops with a message naming %s", (source, name) => {
    expect(() => loadToolEnv(source)).toThrow(EnvError);
    expect(() => loadToolEnv(source)).toThrow(new RegExp(`${name}:`));
  });
  it("the web app needs DATABASE_URL and an AUTH_SECRET of 32+ characters", () => {
    expect(() => loadAppEnv({})).toThrow(/DATABASE_URL:[\s\S]*AUTH_SECRET:/);
    expect(() => loadAppEnv({ DATABASE_URL: "postgresql://a@127.0.0.1/x", AUTH_SECRET: "short" })).toThrow(
      /AUTH_SECRET: must be at least 32/,
    );
    expect(
      loadAppEnv({ DATABASE_URL: "postgresql://a@127.0.0.1/x", AUTH_SECRET: "x".repeat(32) }),
    ).toMatchObject({ HALFSKY_DB_POOL_MAX: 10 });
  });
  it("the attachment store: local by default; an unknown kind (s3, which is not built) stops start-up", () => {
    const app = { DATABASE_URL: "postgresql://a@127.0.0.1/x", AUTH_SECRET: "x".repeat(32) };
    expect(loadAppEnv(app)).toMatchObject({ HALFSKY_ATTACHMENT_STORE: "local", HALFSKY_DATA_DIR: ".data" });
    expect(loadToolEnv({}).HALFSKY_ATTACHMENT_STORE).toBe("local");
    for (const kind of ["s3", "minio", "LOCAL"]) {
      expect(() => loadAppEnv({ ...app, HALFSKY_ATTACHMENT_STORE: kind })).toThrow(
        /HALFSKY_ATTACHMENT_STORE: must be local/,
      );
      expect(() => loadToolEnv({ HALFSKY_ATTACHMENT_STORE: kind })).toThrow(/HALFSKY_ATTACHMENT_STORE:/);
    }
  });
});
