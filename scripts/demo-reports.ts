/**
 * First start only (scripts/start.ts, after the demo data is loaded): builds the month-end snapshots of every
 * past month (with progress) and makes the demo monthly reports through the app's services. Run with
 * `tsx --conditions=react-server` so src/server's `server-only` marker resolves as on the server.
 */
import { runSnapshots } from "../src/server/services/snapshots";
import { seedDemoReports } from "../prisma/demo/reports";

async function main() {
  const log = (m: string) => process.stdout.write(m.endsWith("\n") ? m : `${m}\n`);
  const t0 = Date.now();
  const res = await runSnapshots({ log });
  log(
    `月末快照 month-end snapshots: ${res.built} month-ends, ${res.rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  await seedDemoReports(log);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
