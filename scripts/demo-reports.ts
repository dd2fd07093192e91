/**
 * First start only (scripts/start.ts, after the demo data is loaded): the demo monthly reports, made through
 * the app's services (their figures computed live: no snapshot exists yet). The month-end snapshots of every
 * past month are then built by the app itself in the background, newest first, with progress on its console
 * (src/server/services/snapshots.ts, ensureSnapshotJob). Run with `tsx --conditions=react-server` so
 * src/server's `server-only` marker resolves as on the server.
 */
import { seedDemoReports } from "../prisma/demo/reports";

async function main() {
  const t0 = Date.now();
  await seedDemoReports((m) => process.stdout.write(m));
  process.stdout.write(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
