import "server-only";
import { Transform } from "node:stream";
import { HEAVY_LIMITS } from "@/config/limits";
import type { Actor } from "./authz";
import { AppError } from "./errors";

export type HeavyKind = keyof typeof HEAVY_LIMITS.kinds;
type Pool = keyof typeof HEAVY_LIMITS.pools;

const KIND_LABEL: Record<HeavyKind, string> = {
  export: "导出",
  print: "打印预览",
  import: "导入",
  dashboard: "统计计算",
};

const activity = globalThis as unknown as {
  halfskyLastRequest?: number;
  /** When each user (0: no session) was last served: bulk work yields to others, not to its owner's pages. */
  halfskyRequestsBy?: Map<number, number>;
};
const requestsBy = () => (activity.halfskyRequestsBy ??= new Map());

/** Whether someone other than `owner` (anyone, without an owner) was served after `since`, recently. */
function othersActive(owner: number | undefined, since: number, now: number): boolean {
  if (owner === undefined) {
    const last = activity.halfskyLastRequest ?? -Infinity;
    return last > since && now - last < HEAVY_LIMITS.activeWindowMs;
  }
  let active = false;
  for (const [user, at] of requestsBy()) {
    if (now - at >= HEAVY_LIMITS.activeWindowMs) requestsBy().delete(user);
    else if (user !== owner && at > since) active = true;
  }
  return active;
}
const byUser = new Map<string, number>(); // `${userId}|${kind}` → running
const byPool = new Map<Pool, number>();

/**
 * Takes a slot for a piece of heavy work (this process; the app runs as one server process) or refuses at
 * once with a message — a clear "please wait", never a queue that slows everyone. Returns the release
 * function; release exactly once, when the work (or its stream) ends.
 */
export function acquireHeavy(actor: Pick<Actor, "id">, kind: HeavyKind): () => void {
  const { perUser, pool } = HEAVY_LIMITS.kinds[kind];
  const userKey = `${actor.id}|${kind}`;
  const mine = byUser.get(userKey) ?? 0;
  if (mine >= perUser) throw new AppError("CONFLICT", `已有${KIND_LABEL[kind]}在进行，请等它完成后再试`);
  const all = byPool.get(pool) ?? 0;
  if (all >= HEAVY_LIMITS.pools[pool])
    throw new AppError("CONFLICT", `系统正在处理其他用户的${KIND_LABEL[kind]}等大型任务，请稍等片刻再试`);
  byUser.set(userKey, mine + 1);
  byPool.set(pool, all + 1);
  const started = performance.now();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    byUser.set(userKey, (byUser.get(userKey) ?? 1) - 1);
    // Background priority at the level of whole jobs (a database query cannot rest half-way): while others
    // use the app, the pool stays taken for a rest after the job, so bulk work fills at most `bulkDuty` of the
    // time however it is split into requests.
    const rest = bulkRestAfter(pool, started, actor.id);
    const free = () => byPool.set(pool, (byPool.get(pool) ?? 1) - 1);
    if (rest > 0) setTimeout(free, rest).unref?.();
    else free();
  };
}

/** The rest after `owner`'s bulk job that started at `started` (ms), while others use the app; 0 otherwise. */
function bulkRestAfter(pool: Pool, started: number, owner: number): number {
  if (pool !== "bulk") return 0;
  const now = performance.now();
  if (!othersActive(owner, started, now)) return 0;
  const duty = HEAVY_LIMITS.bulkDuty;
  return Math.min(((now - started) * (1 - duty)) / duty, HEAVY_LIMITS.maxRestMs);
}

/** Runs `fn` in a heavy-work slot (see acquireHeavy). */
export async function withHeavy<T>(
  actor: Pick<Actor, "id">,
  kind: HeavyKind,
  fn: () => Promise<T>,
): Promise<T> {
  const release = acquireHeavy(actor, kind);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** The slots in use (tests and the benchmark). */
export function heavyInUse(): { pools: Record<string, number> } {
  return { pools: Object.fromEntries(byPool) };
}

/** A response body that holds its heavy-work slot until it ends, fails or the client goes away. */
export function holdWhileStreaming(
  stream: ReadableStream<Uint8Array>,
  release: () => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        release();
        controller.error(e);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
}

/** Marks that a request is being served, for a user (0 or none: no session); called by getActor. */
export function noteRequest(userId = 0, at = performance.now()): void {
  activity.halfskyLastRequest = at;
  requestsBy().set(userId, at);
}

/**
 * Background priority for bulk work: call `await pace()` between pieces of work (a batch of rows, a chunk of
 * a stream). While other requests arrive (one noted since this pacer was made, in the last
 * HEAVY_LIMITS.activeWindowMs), it measures how long the work ran since the last call and rests so that the
 * work is busy only `duty` of the time (HEAVY_LIMITS.bulkDuty); alone, it only yields. Resting also pauses
 * the database: a cursor is not read and a COPY stream is not drained (back-pressure), so PostgreSQL's
 * backend waits too.
 */
export function pacer(duty: number = HEAVY_LIMITS.bulkDuty, owner?: number): () => Promise<void> {
  const made = performance.now();
  let since = made;
  let owed = 0;
  return async () => {
    const now = performance.now();
    owed = othersActive(owner, made, now) ? owed + ((now - since) * (1 - duty)) / duty : 0;
    if (owed >= HEAVY_LIMITS.minRestMs) {
      const rest = owed;
      owed = 0;
      await new Promise((r) => setTimeout(r, rest));
    } else await new Promise((r) => setImmediate(r)); // let waiting requests in between pieces
    since = performance.now();
  };
}

/** Background priority for `owner`'s bulk work: it yields to everyone else's requests, not to its owner's. */
export function pacerFor(owner: Pick<Actor, "id">): () => Promise<void> {
  return pacer(HEAVY_LIMITS.bulkDuty, owner.id);
}

/** A pass-through stream that runs at background priority for `owner` (see pacer). */
export function pacedStream(owner?: Pick<Actor, "id">): Transform {
  const pace = pacer(HEAVY_LIMITS.bulkDuty, owner?.id);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      pace().then(
        () => cb(null, chunk),
        (e: Error) => cb(e),
      );
    },
  });
}
