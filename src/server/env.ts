import "server-only";
import { loadAppEnv, type AppEnv } from "@/config/env";

let cached: AppEnv | undefined;

/**
 * The validated environment of the web app. Import this, never process.env. Validated on first use
 * (not at import, so `next build` needs no database) and at server start by src/instrumentation.ts.
 */
export function env(): AppEnv {
  cached ??= loadAppEnv();
  return cached;
}
