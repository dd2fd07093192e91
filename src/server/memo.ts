import "server-only";
import { asReport } from "./db";
import { onReporting, type ReadSource } from "./read-db";
import type { Actor } from "./authz";
import { acquireHeavy } from "./heavy";

/**
 * A short-lived in-process cache for expensive read-only views (a city's dashboard costs ~1.5 s of database
 * time; officials of one city look at the same figures). Concurrent requests for the same key share one
 * computation; a failed computation is not kept. Callers authorise before asking, and show `computedAt`.
 */
interface Entry {
  at: number;
  value: Promise<{ value: unknown; source: ReadSource }>;
}

const store = new Map<string, Entry>();
const MAX_ENTRIES = 200;

export async function memo<T>(
  key: string,
  ttlMs: number,
  compute: () => Promise<T>,
  fresh = false,
  /** Whose request computes it on a miss: the computation takes that user's dashboard slot (heavy.ts). */
  by?: Pick<Actor, "id">,
): Promise<{ value: T; computedAt: Date; source: ReadSource }> {
  const now = Date.now();
  let entry = store.get(key);
  if (fresh || !entry || now - entry.at >= ttlMs) {
    const release = by ? acquireHeavy(by, "dashboard") : () => {};
    // On the replica when there is one (read-db.ts), else the primary's reporting pool: views never take
    // every core from postings.
    const value = asReport(() => onReporting(compute)).finally(release);
    entry = { at: now, value };
    store.set(key, entry);
    value.catch(() => {
      if (store.get(key) === entry) store.delete(key);
    });
    if (store.size > MAX_ENTRIES) {
      for (const [k, e] of store) if (now - e.at >= ttlMs || store.size > MAX_ENTRIES) store.delete(k);
    }
  }
  const { value, source } = await entry.value;
  return { value: value as T, computedAt: new Date(entry.at), source };
}
