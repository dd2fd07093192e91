import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma's CLI tries to download its native schema engine first; that host is unreachable here.
// A stub lets `prisma generate/validate/format` run; migrations use scripts/db.ts (WebAssembly engine).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/prisma-schema-engine-stub.sh");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
