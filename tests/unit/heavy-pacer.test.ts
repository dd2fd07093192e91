import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pacer } from "@/server/heavy";

/** Bulk work at background priority: after each piece of work, it rests so that it is busy only `duty` of the time. */
describe("pacer", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["performance", "setTimeout", "setImmediate", "Date"] }));
  afterEach(() => vi.useRealTimers());

  async function rest(pace: () => Promise<void>): Promise<number> {
    const t0 = performance.now();
    const p = pace();
    await vi.runAllTimersAsync();
    await p;
    return performance.now() - t0;
  }

  it("rests as long as the work ran at duty 0.5, three times as long at 0.25", async () => {
    const half = pacer(0.5);
    vi.advanceTimersByTime(40); // 40 ms of work
    expect(await rest(half)).toBe(40);
    const quarter = pacer(0.25);
    vi.advanceTimersByTime(10);
    expect(await rest(quarter)).toBe(30);
  });

  it("carries short rests over until they add up, and only yields meanwhile", async () => {
    const pace = pacer(0.5);
    vi.advanceTimersByTime(1);
    expect(await rest(pace)).toBe(0); // 1 ms owed: below the minimum rest, carried over
    vi.advanceTimersByTime(1);
    expect(await rest(pace)).toBe(0); // 2 ms owed
    vi.advanceTimersByTime(2);
    expect(await rest(pace)).toBe(4); // 4 ms owed: rested
    vi.advanceTimersByTime(1);
    expect(await rest(pace)).toBe(0); // the debt starts again from nothing
  });

  it("a duty of 1 never rests", async () => {
    const pace = pacer(1);
    vi.advanceTimersByTime(500);
    expect(await rest(pace)).toBe(0);
  });
});
