/**
 * One user cannot slow everyone (issue 17 item 8): heavy work takes a slot — one export, print view or import
 * per user at a time, a few for everyone (src/config/limits.ts) — and is refused at once with a message.
 */
import { describe, expect, it } from "vitest";
import { HEAVY_LIMITS } from "@/config/limits";
import { acquireHeavy, heavyInUse, noteRequest, withHeavy } from "@/server/heavy";
import { memo } from "@/server/memo";
import { refusal } from "../support/refusal";

const user = (id: number) => ({ id });

describe("heavy-work slots", () => {
  it("a second export by the same user is refused with 已有导出在进行; after the first ends it runs", async () => {
    const release = acquireHeavy(user(1), "export");
    const e = await refusal(withHeavy(user(1), "export", async () => "never"));
    expect(e.kind).toBe("CONFLICT");
    expect(e.message).toMatch(/已有导出在进行/);
    release();
    release(); // twice is harmless
    expect(await withHeavy(user(1), "export", async () => "ran")).toBe("ran");
    expect(heavyInUse().pools.bulk).toBe(0);
  });

  it("all users together share the bulk pool: the next one is told to wait, a slot frees on failure too", async () => {
    const n = HEAVY_LIMITS.pools.bulk;
    const held = Array.from({ length: n }, (_, i) => acquireHeavy(user(10 + i), i % 2 ? "print" : "export"));
    const e = await refusal(withHeavy(user(99), "import", async () => 1));
    expect(e.message).toMatch(/其他用户/);
    held.pop()!();
    await expect(
      withHeavy(user(99), "import", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await withHeavy(user(99), "import", async () => 2)).toBe(2);
    held.forEach((r) => r());
    expect(heavyInUse().pools.bulk).toBe(0);
  });

  it("a dashboard recompute takes the user's slot only on a cache miss; a cached view is always served", async () => {
    let computing!: () => void;
    const slow = new Promise<void>((r) => (computing = r));
    const views = [1, 2].map((i) =>
      memo(`heavy-test|${i}`, 60_000, async () => (await slow, i), false, user(5)),
    );
    // The page's two views (figures and rates) are computing: a third recompute by the same user waits.
    const third = await refusal(memo("heavy-test|3", 60_000, async () => 3, false, user(5)));
    expect(third.message).toMatch(/已有统计计算在进行/);
    computing();
    expect((await Promise.all(views)).map((v) => v.value)).toEqual([1, 2]);
    // Cached now: no slot needed, whoever asks; and the slots are free again.
    expect((await memo("heavy-test|1", 60_000, async () => 0, false, user(5))).value).toBe(1);
    expect((await memo("heavy-test|3", 60_000, async () => 3, false, user(5))).value).toBe(3);
    expect(heavyInUse().pools.views).toBe(0);
  });

  it("while others use the app, the bulk pool rests after a job (bulk work fills at most bulkDuty of the time); alone it does not", async () => {
    // Alone: the pool is free as soon as the job ends.
    const alone = acquireHeavy(user(40), "export");
    await new Promise((r) => setTimeout(r, 60));
    alone();
    expect(heavyInUse().pools.bulk).toBe(0);

    // A clerk's request arrives while the job runs: after it, the pool stays taken for a rest of
    // job × (1 − duty) / duty, and the next job is refused meanwhile with the "please wait" message.
    const job = acquireHeavy(user(41), "print");
    await new Promise((r) => setTimeout(r, 200));
    noteRequest();
    job();
    expect(heavyInUse().pools.bulk).toBe(1);
    expect((await refusal(withHeavy(user(42), "export", async () => 1))).message).toMatch(/请稍等片刻再试/);
    const rest = (200 * (1 - HEAVY_LIMITS.bulkDuty)) / HEAVY_LIMITS.bulkDuty;
    await expect.poll(() => heavyInUse().pools.bulk, { timeout: rest + 2_000, interval: 20 }).toBe(0);
    expect(await withHeavy(user(42), "export", async () => 2)).toBe(2);
  });
});
