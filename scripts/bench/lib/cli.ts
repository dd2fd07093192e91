/** Command-line helpers shared by the benchmark scripts. */

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Points the app's server modules (imported after this) at the benchmark database. */
export function pointAppAt(url: string): void {
  process.env.DATABASE_URL = url;
  process.env.AUTH_SECRET ??= "bench-only-secret-not-used-for-sessions-000";
}

/** Runs a script's main when the file is executed (not imported), exiting non-zero on failure. */
export function runMain(file: string, main: () => Promise<void>): void {
  if (!process.argv[1]?.endsWith(file)) return;
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
