/**
 * The environment, validated once with zod. Nothing else reads process.env.
 * A bad or missing required value stops start-up with a message naming the variable.
 */
import { z } from "zod";
import { parseTrustedProxies } from "./forwarded";

const port = z.coerce.number().int().min(1).max(65535);

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// URL");

/**
 * Where attachments are kept (decision 041): `local` = files under $HALFSKY_DATA_DIR/attachments. Only the local
 * store is built; an object store (S3/MinIO) goes behind the same interface (src/shared/storage) with its own
 * settings, and until then any other value stops start-up rather than silently keeping files on the disk.
 */
const attachmentStore = z.enum(["local"], {
  error: () => "must be local (the only attachment store built; an S3/MinIO store is not — decision 041)",
});

/** Variables of the command-line tools (npm start, db:*, tests). DATABASE_URL optional: embedded otherwise. */
export const toolEnvSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  PORT: port.default(3000),
  HALFSKY_PG_PORT: port.default(54320),
  /** Where the embedded PostgreSQL keeps its data and where the local auth secret lives. */
  HALFSKY_DATA_DIR: z.string().trim().min(1).default(".data"),
  HALFSKY_ATTACHMENT_STORE: attachmentStore.default("local"),
  /** "1": wipe the embedded database first (the e2e server starts from fresh demo data). */
  HALFSKY_FRESH: z.enum(["0", "1"]).default("0"),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Benchmarks: their own large database (a server via BENCH_DATABASE_URL, else embedded in .data/bench). */
  BENCH_DATABASE_URL: postgresUrl.optional(),
  HALFSKY_BENCH_PG_PORT: port.default(54323),
  /**
   * "1" (or `npm start -- --replica`): also start an embedded hot standby of the embedded PostgreSQL (streaming
   * replication, data in $HALFSKY_DATA_DIR/standby) and send the reporting reads to it (decision 042).
   */
  HALFSKY_REPLICA: z.enum(["0", "1"]).default("0"),
  HALFSKY_STANDBY_PG_PORT: port.default(54327),
});

/** Variables of the running web app (next start). npm start always provides them. */
export const appEnvSchema = z.object({
  DATABASE_URL: postgresUrl,
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (npm start generates one in .data/)"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  HALFSKY_DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  HALFSKY_REPORT_POOL_MAX: z.coerce.number().int().min(1).max(100).default(1),
  /**
   * "off": this server does not build the month-end snapshots (issue 22). With several app servers on one
   * database, one of them builds them; the others read them.
   */
  HALFSKY_SNAPSHOT_JOB: z.enum(["on", "off"]).default("on"),
  /** The data directory (npm start's, relative to the app's directory): attachments live in its attachments/. */
  HALFSKY_DATA_DIR: z.string().trim().min(1).default(".data"),
  HALFSKY_ATTACHMENT_STORE: attachmentStore.default("local"),
  /**
   * A read replica (a streaming standby of DATABASE_URL): when set, the reporting reads — dashboards, the
   * monthly report's figures, ledgers, figure lists and exports — go to it while it is up and no more than
   * HALFSKY_REPLICA_MAX_LAG_S behind; otherwise to the primary, and the page says so (src/server/read-db.ts).
   */
  HALFSKY_REPLICA_URL: postgresUrl.optional(),
  HALFSKY_REPLICA_POOL_MAX: z.coerce.number().int().min(1).max(100).default(4),
  /** How far behind the primary the replica may be (seconds of replay) before reads fall back to the primary. */
  HALFSKY_REPLICA_MAX_LAG_S: z.coerce.number().min(0).max(3600).default(10),
  /** How often the replica's health and lag are checked (at most; never per query), in milliseconds. */
  HALFSKY_REPLICA_CHECK_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /**
   * Reverse proxies whose X-Forwarded-For/-Host/-Proto are believed: comma-separated addresses or CIDR ranges
   * (e.g. `127.0.0.1,::1` for nginx on the same host). Empty: none — the socket peer is the client.
   */
  HALFSKY_TRUSTED_PROXIES: z
    .string()
    .default("")
    .superRefine((v, ctx) => {
      try {
        parseTrustedProxies(v);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: e instanceof Error ? e.message : String(e) });
      }
    }),
});

export type ToolEnv = z.infer<typeof toolEnvSchema>;
export type AppEnv = z.infer<typeof appEnvSchema>;

export class EnvError extends Error {
  constructor(issues: z.core.$ZodIssue[]) {
    super(
      "Invalid environment / 环境变量错误:\n" +
        issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"),
    );
    this.name = "EnvError";
  }
}

function parse<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  // Empty strings count as unset (a common .env mistake).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const res = schema.safeParse(cleaned);
  if (!res.success) throw new EnvError(res.error.issues);
  return res.data;
}

export function loadToolEnv(source: Record<string, string | undefined> = process.env): ToolEnv {
  return parse(toolEnvSchema, source);
}

export function loadAppEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  return parse(appEnvSchema, source);
}
