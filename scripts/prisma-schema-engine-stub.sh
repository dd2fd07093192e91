#!/bin/sh
# Prisma's native schema engine cannot be downloaded on this network (nor on a government intranet).
# prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY here so that `prisma generate`, `validate` and `format`
# work; migrations go through our own runner (npm run db:migrate), see docs/decisions/001-migrations.md.
echo "The native Prisma schema engine is not available here. Use: npm run db:migrate / npm run db:migration:new <name>" >&2
exit 1
