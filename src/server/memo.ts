import "server-only";

/**
 * A short-lived in-process cache for expensive read-only views (a city's dashboard costs ~1.5 s of database
 * time; officials of one city look at the same figures). Concurrent requests for the same key share one
 * computation; a failed computation is not kept. Callers authorise before asking, and show `computedAt`.
 */
interface Entry {
  at: number;
  value: Promise<unknown>;
}

const store = new Map<string, Entry>();
const MAX_ENTRIES = 200;

/**
 * Computations run one at a time: a city's dashboard keeps several database connections busy for a
 * second, and two at once starved the postings (npm run bench:web: posting p95 0.42 s → see
 * docs/benchmarks.md). Waiting officials share the running computation of their key.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

export async function memo<T>(key: string, ttlMs: number, compute: () => Promise<T>, fresh = false): Promise<{ value: T; computedAt: Date }> {
  const now = Date.now();
  let entry = store.get(key);
  if (fresh || !entry || now - entry.at >= ttlMs) {
    const value = oneAtATime(compute);
    entry = { at: now, value };
    store.set(key, entry);
    value.catch(() => {
      if (store.get(key) === entry) store.delete(key);
    });
    if (store.size > MAX_ENTRIES) {
      for (const [k, e] of store) if (now - e.at >= ttlMs || store.size > MAX_ENTRIES) store.delete(k);
    }
  }
  return { value: (await entry.value) as T, computedAt: new Date(entry.at) };
}
