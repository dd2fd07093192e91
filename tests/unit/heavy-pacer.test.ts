import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { noteRequest, pacer } from "@/server/heavy";

/**
 * Bulk work at background priority: while others use the app, after each piece of work it rests so that it is
 * busy only `duty` of the time; alone, it runs flat out.
 */
describe("pacer", () => {
  const busy = (ms: number) => {
    vi.advanceTimersByTime(ms);
    noteRequest(); // a clerk's request arrived meanwhile
  };
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
    busy(40); // 40 ms of work
    expect(await rest(half)).toBe(40);
    const quarter = pacer(0.25);
    busy(10);
    expect(await rest(quarter)).toBe(30);
  });

  it("carries short rests over until they add up, and only yields meanwhile", async () => {
    const pace = pacer(0.5);
    busy(1);
    expect(await rest(pace)).toBe(0); // 1 ms owed: below the minimum rest, carried over
    busy(1);
    expect(await rest(pace)).toBe(0); // 2 ms owed
    busy(2);
    expect(await rest(pace)).toBe(4); // 4 ms owed: rested
    busy(1);
    expect(await rest(pace)).toBe(0); // the debt starts again from nothing
  });

  it("yields to other users' requests, not to its owner's own pages", async () => {
    vi.advanceTimersByTime(10_000); // earlier tests' requests are long past
    const pace = pacer(0.5, 7);
    vi.advanceTimersByTime(40);
    noteRequest(7); // the owner's own page (her export's progress, say)
    expect(await rest(pace)).toBe(0);
    vi.advanceTimersByTime(40);
    noteRequest(8); // another user's page
    expect(await rest(pace)).toBe(40);
  });

  it("a duty of 1 never rests", async () => {
    const pace = pacer(1);
    busy(500);
    expect(await rest(pace)).toBe(0);
  });

  it("alone (no request since it started, or none for the active window) it never rests", async () => {
    noteRequest(); // the export's own request, before its pacer is made
    const pace = pacer(0.5);
    vi.advanceTimersByTime(400);
    expect(await rest(pace)).toBe(0);
    noteRequest(); // a clerk's request …
    vi.advanceTimersByTime(2500); // … then nobody for longer than the window
    expect(await rest(pace)).toBe(0);
    busy(100);
    expect(await rest(pace)).toBe(100);
  });
});
