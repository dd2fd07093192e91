/**
 * npm run db:migrate            apply pending migrations (DATABASE_URL or the embedded server in .data/pg)
 * npm run db:migration:new NAME create prisma/migrations/<ts>_NAME from the change to prisma/schema.prisma
 * npm run db:seed               load the demo data if the database has none
 * npm run db:backup [-- DIR]     back up the database into DIR (default .data/backups/<time>) — decision 007
 * npm run db:restore -- DIR [--replace]
 *                               restore DIR into a new database halfsky_restored_<time>; with --replace (app
 *                               stopped) it takes the place of the live database, which is kept renamed
 */
import path from "node:path";
import { openDatabase } from "./lib/database";
import { applyMigrations, createMigration, MigrationError } from "./lib/migrate";
import { seedIfEmpty } from "./lib/seed";
import { backupDatabase, restoreDatabase, swapDatabases } from "./lib/backup";
import { EnvError } from "../src/config/env";

async function main() {
  const [cmd, arg] = process.argv.slice(2);
  if (!cmd || !["migrate", "new", "seed", "backup", "restore"].includes(cmd)) {
    console.error(
      "usage: tsx scripts/db.ts migrate | new <name> | seed | backup [dir] | restore <dir> [--replace]",
    );
    process.exit(2);
  }
  if (cmd === "new" && !arg) {
    console.error("usage: npm run db:migration:new -- <name>   (lower-case letters, digits, _)");
    process.exit(2);
  }
  if (cmd === "restore" && !arg) {
    console.error("usage: npm run db:restore -- <backup dir> [--replace]");
    process.exit(2);
  }
  const stamp = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\D/g, "").slice(0, 14); // Beijing time
  const db = await openDatabase();
  try {
    if (cmd === "migrate") {
      const applied = await applyMigrations(db.url);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations.");
    } else if (cmd === "new") {
      const dir = await createMigration(db.url, arg!);
      console.log(
        dir
          ? `Created ${dir}/migration.sql — review it, then npm run db:migrate`
          : "schema.prisma has no change to migrate.",
      );
    } else if (cmd === "backup") {
      const dir = path.resolve(arg ?? path.join(".data", "backups", stamp));
      console.log(`Backing up to ${dir} …`);
      const m = await backupDatabase(db.url, dir, console.log);
      console.log(
        `Done: ${m.tables.reduce((n, t) => n + t.rows, 0).toLocaleString("en-US")} rows in ${m.tables.length} tables and ${(m.files ?? []).length.toLocaleString("en-US")} attachment files, schema at migration ${m.migrations.at(-1)}.`,
      );
    } else if (cmd === "restore") {
      const target = `halfsky_restored_${stamp}`;
      console.log(`Restoring ${path.resolve(arg!)} into the new database ${target} …`);
      const r = await restoreDatabase(db.url, path.resolve(arg!), target, console.log);
      console.log(
        `Restored ${r.rows.toLocaleString("en-US")} rows and ${r.files.toLocaleString("en-US")} attachment files; every file matched its checksum.`,
      );
      if (process.argv.includes("--replace")) {
        const live = decodeURIComponent(new URL(db.url).pathname.slice(1));
        const kept = await swapDatabases(db.url, live, target);
        console.log(
          `${target} is now ${live}; the previous database is kept as ${kept}. Start the app (npm start): pending migrations apply then.`,
        );
      } else {
        console.log(
          `The live database is untouched. To use the restored one: stop the app, then npm run db:restore -- ${arg} --replace (or point DATABASE_URL at ${target}).`,
        );
      }
    } else {
      await applyMigrations(db.url);
      await seedIfEmpty(db.url, (m) => process.stdout.write(m));
    }
  } finally {
    await db.embedded?.stop();
  }
}

main().catch((e: unknown) => {
  if (e instanceof MigrationError || e instanceof EnvError) console.error(e.message);
  else console.error(e);
  process.exit(1);
});
