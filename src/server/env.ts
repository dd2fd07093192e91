import "server-only";
import { loadAppEnv } from "@/config/env";

/** The validated environment of the web app. Import this, never process.env. */
export const env = loadAppEnv();
