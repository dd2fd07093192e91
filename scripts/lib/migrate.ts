/**
 * Migrations without Prisma's native schema engine (see docs/decisions/001-migrations.md).
 *
 * Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm) applies the SQL folders in
 * prisma/migrations/<timestamp>_<name>/migration.sql and records them in `_prisma_migrations` with the
 * same checksums as `prisma migrate deploy`, so the native CLI stays compatible wherever it exists.
 * New migrations are the diff from prisma/migrations/schema.snapshot.prisma (the schema as of the last
 * migration) to prisma/schema.prisma.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import type * as EngineBgModule from "@prisma/schema-engine-wasm/schema_engine_bg";

export const PRISMA_DIR = path.resolve("prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const SNAPSHOT_PATH = path.join(PRISMA_DIR, "schema.snapshot.prisma");

const require = createRequire(import.meta.url);
type EngineBg = typeof EngineBgModule;
let wasmReady: Promise<EngineBg> | undefined;

async function loadWasm() {
  wasmReady ??= (async () => {
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const pkgDir = path.dirname(bgPath);
    const bg = (await import(pathToFileURL(bgPath).href)) as EngineBg;
    const imports: Record<string, (...args: unknown[]) => unknown> = {
      ...(bg as unknown as Record<string, (...args: unknown[]) => unknown>),
    };
    // The engine's timers would keep Node alive for 10 s after we are done: unref them.
    for (const name of Object.keys(imports)) {
      if (name.startsWith("__wbg_setTimeout_")) {
        const original = imports[name]!;
        imports[name] = (...args: unknown[]) => {
          const t = original(...args) as NodeJS.Timeout;
          t?.unref?.();
          return t;
        };
      }
    }
    const bytes = fs.readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return wasmReady;
}

/**
 * @prisma/adapter-pg's executeScript splits a script on every ";" (breaking dollar-quoted function bodies)
 * and runs the pieces one by one. The native engine sends the whole migration as one simple query, which
 * PostgreSQL runs as one implicit transaction: all of it or nothing. Do the same here.
 */
class WholeScriptPg extends PrismaPg {
  readonly opened: { dispose: () => Promise<void> }[] = [];
  override async connect() {
    const adapter = await super.connect();
    this.opened.push(adapter);
    const a = adapter as unknown as {
      client: { query: (sql: string) => Promise<unknown> };
      onError: (e: unknown) => never;
    };
    adapter.executeScript = async (script: string) => {
      try {
        await a.client.query(script);
      } catch (e) {
        a.onError(e);
      }
    };
    return adapter;
  }
}

export async function withEngine<T>(
  databaseUrl: string,
  fn: (engine: SchemaEngine) => Promise<T>,
  datamodel?: string,
): Promise<T> {
  const bg = await loadWasm();
  const adapter = new WholeScriptPg({ connectionString: databaseUrl });
  const schema = datamodel ?? fs.readFileSync(SCHEMA_PATH, "utf8");
  const logs: string[] = [];
  const engine = await bg.SchemaEngine.new(
    { datamodels: [["schema.prisma", schema]] },
    (msg: string) => logs.push(msg),
    bindMigrationAwareSqlAdapterFactory(adapter),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    // Close the pool: an idle session could otherwise keep the engine's advisory lock and stall the next run.
    for (const a of adapter.opened) await a.dispose().catch(() => {});
  }
}

export function listMigrations(migrationsDir = MIGRATIONS_DIR): MigrationList {
  const MIGRATIONS_DIR = migrationsDir;
  const dirs = fs.existsSync(MIGRATIONS_DIR)
    ? fs
        .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = path.join(MIGRATIONS_DIR, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

const FILTERS = { externalTables: [], externalEnums: [] };

/** Error of a failed or blocked migration, with the engine's message (which names the migration). */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

function engineMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e) {
    const o = e as { message?: string; meta?: unknown };
    return o.message ?? JSON.stringify(e);
  }
  return String(e);
}

/** Applies pending migrations. Returns the names applied. A failed migration throws and blocks later runs. */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir = MIGRATIONS_DIR,
): Promise<string[]> {
  return withEngine(databaseUrl, async (engine) => {
    try {
      const out = await engine.applyMigrations({
        migrationsList: listMigrations(migrationsDir),
        filters: FILTERS,
      });
      return out.appliedMigrationNames;
    } catch (e) {
      throw new MigrationError(engineMessage(e));
    }
  });
}

/** SQL that takes the database from `fromSchema` to `toSchema` (both as datamodel text); "" when nothing changes. */
export async function diffSchemas(
  databaseUrl: string,
  fromSchema: string | null,
  toSchema: string,
): Promise<string> {
  return withEngine(
    databaseUrl,
    async (engine) => {
      // The engine writes the script to stdout through its log callback? No: it returns it in `stdout`.
      const res = await engine.diff({
        from:
          fromSchema === null
            ? { tag: "empty" }
            : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: fromSchema }] },
        to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: toSchema }] },
        script: true,
        exitCode: null,
        filters: FILTERS,
      });
      return (res.stdout ?? "").trim();
    },
    toSchema,
  );
}

export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/--.*$/gm, "").trim() === "";
}

/** Writes prisma/migrations/<ts>_<name>/migration.sql from the schema change; updates the snapshot. */
export async function createMigration(
  databaseUrl: string,
  name: string,
  now = new Date(),
): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name))
    throw new MigrationError("Migration name: lower-case letters, digits and _ only");
  const current = fs.readFileSync(SCHEMA_PATH, "utf8");
  const snapshot = fs.existsSync(SNAPSHOT_PATH) ? fs.readFileSync(SNAPSHOT_PATH, "utf8") : null;
  const sql = await diffSchemas(databaseUrl, snapshot, current);
  if (isEmptyMigration(sql)) {
    fs.writeFileSync(SNAPSHOT_PATH, current);
    return null;
  }
  const ts = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${ts}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  // No BEGIN/COMMIT: the runner sends the whole file as one simple query, which PostgreSQL runs as one
  // implicit transaction (DDL included), so a failing migration leaves nothing half-done.
  fs.writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
  const lock = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  if (!fs.existsSync(lock)) {
    fs.writeFileSync(
      lock,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  fs.writeFileSync(SNAPSHOT_PATH, current);
  return dir;
}
