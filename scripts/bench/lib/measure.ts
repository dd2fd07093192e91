/** Timing helpers for the benchmarks: p50/p95 of repeated runs after a warm-up, and a table printer. */
export interface Timing {
  name: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export async function time<T>(
  name: string,
  fn: () => Promise<T>,
  opts: { runs: number; warmup?: number },
): Promise<Timing & { last: T }> {
  let last!: T;
  for (let i = 0; i < (opts.warmup ?? 2); i++) last = await fn();
  const ms: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { name, runs: opts.runs, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1)!, last };
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** A Markdown table (printed, and written to docs/benchmarks.md by `npm run bench`). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Samples this process's RSS (and JS heap in use) every `everyMs` until stopped; the peaks include the last sample. */
export function sampleRss(everyMs = 50): { stop: () => { peak: number; heapPeak: number; samples: number } } {
  let peak = 0;
  let heapPeak = 0;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
    samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peak, heapPeak, samples };
    },
  };
}

export const fmtMb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
