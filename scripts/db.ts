/**
 * npm run db:migrate            apply pending migrations (DATABASE_URL or the embedded server in .data/pg)
 * npm run db:migration:new NAME create prisma/migrations/<ts>_NAME from the change to prisma/schema.prisma
 * npm run db:seed               load the demo data if the database has none
 */
import { openDatabase } from "./lib/database";
import { applyMigrations, createMigration, MigrationError } from "./lib/migrate";
import { seedIfEmpty } from "./lib/seed";
import { EnvError } from "../src/config/env";

async function main() {
  const [cmd, arg] = process.argv.slice(2);
  if (!cmd || !["migrate", "new", "seed"].includes(cmd)) {
    console.error("usage: tsx scripts/db.ts migrate | new <name> | seed");
    process.exit(2);
  }
  if (cmd === "new" && !arg) {
    console.error("usage: npm run db:migration:new -- <name>   (lower-case letters, digits, _)");
    process.exit(2);
  }
  const db = await openDatabase();
  try {
    if (cmd === "migrate") {
      const applied = await applyMigrations(db.url);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations.");
    } else if (cmd === "new") {
      const dir = await createMigration(db.url, arg!);
      console.log(dir ? `Created ${dir}/migration.sql — review it, then npm run db:migrate` : "schema.prisma has no change to migrate.");
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
