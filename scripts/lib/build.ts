/** The production build of the app: whether it is stale, and running the Next.js CLI. */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";

export const NEXT_BIN = path.resolve("node_modules/.bin/next");
export const TSX_BIN = path.resolve("node_modules/.bin/tsx");

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) if (e !== "generated") max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

export function needsBuild(): boolean {
  const buildId = path.resolve(".next/BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const inputs = [
    "src",
    "public",
    "messages",
    "next.config.ts",
    "package.json",
    "postcss.config.mjs",
    "tsconfig.json",
  ];
  return inputs.some((p) => newestMtime(path.resolve(p)) > built);
}

/** Runs a command with our terminal; `quiet` sends its output to stderr (for scripts whose stdout is a report). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, quiet = false): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: quiet ? ["ignore", process.stderr, process.stderr] : "inherit",
      env,
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
