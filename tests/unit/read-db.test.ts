import { describe, expect, it } from "vitest";
import { isReadOnlyRefusal, isReplicaFailure, parseLsn, replicaLag } from "@/server/read-db";
import { loadAppEnv } from "@/config/env";

describe("read routing (issue 24)", () => {
  it("orders WAL positions across the 32-bit boundary", () => {
    expect(parseLsn("0/FFFFFFFF") < parseLsn("1/0")).toBe(true);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) + 0xb374d848n);
  });

  it("a replica replayed up to the primary's position has no lag, however old its last transaction", () => {
    expect(replicaLag(parseLsn("0/500"), parseLsn("0/500"), 3600, [], 10_000)).toBe(0);
  });

  it("behind the primary: the smaller of the time since its last replay and the newest check it passed", () => {
    const samples = [
      { at: 1_000, lsn: parseLsn("0/100") },
      { at: 6_000, lsn: parseLsn("0/300") },
    ];
    // Replayed past the first check only: at most 9 s behind, though its last transaction is an hour old.
    expect(replicaLag(parseLsn("0/400"), parseLsn("0/200"), 3600, samples, 10_000)).toBe(9);
    // Its last replayed transaction 2 s ago is the tighter bound.
    expect(replicaLag(parseLsn("0/400"), parseLsn("0/200"), 2, samples, 10_000)).toBe(2);
    // Nothing known: unknown, not zero.
    expect(replicaLag(parseLsn("0/400"), parseLsn("0/50"), null, samples, 10_000)).toBeNull();
  });

  it("tells a replica that went away from a faulty query", () => {
    expect(
      isReplicaFailure(
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      ),
    ).toBe(true);
    expect(isReplicaFailure(new Error("x", { cause: { kind: "DatabaseNotReachable" } }))).toBe(true);
    expect(
      isReplicaFailure(
        Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      ),
    ).toBe(true);
    expect(
      isReplicaFailure(Object.assign(new Error('column "nope" does not exist'), { code: "42703" })),
    ).toBe(false);
    const write = Object.assign(new Error("cannot execute INSERT in a read-only transaction"), {
      code: "25006",
    });
    expect(isReadOnlyRefusal(write)).toBe(true);
    expect(isReplicaFailure(write)).toBe(false);
  });

  it("the replica settings are optional and validated", () => {
    const base = { DATABASE_URL: "postgresql://a@127.0.0.1/x", AUTH_SECRET: "x".repeat(32) };
    expect(loadAppEnv(base)).toMatchObject({ HALFSKY_REPLICA_MAX_LAG_S: 10, HALFSKY_REPLICA_CHECK_MS: 5000 });
    expect(loadAppEnv(base).HALFSKY_REPLICA_URL).toBeUndefined();
    expect(() => loadAppEnv({ ...base, HALFSKY_REPLICA_URL: "mysql://x" })).toThrow(/HALFSKY_REPLICA_URL:/);
    expect(() => loadAppEnv({ ...base, HALFSKY_REPLICA_CHECK_MS: "5" })).toThrow(/HALFSKY_REPLICA_CHECK_MS:/);
  });
});
