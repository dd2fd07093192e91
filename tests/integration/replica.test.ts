/**
 * Issue 24: the reporting reads on a real streaming standby of the test cluster (scripts/lib/standby-server.ts,
 * started here on the test port + 1), and back on the primary — with no error — while it is stopped or too
 * far behind. Which server a read ran on is shown two ways: the connection's inet_server_port() and
 * pg_is_in_recovery(), and figures that lack a posting the standby has not replayed yet (replay paused).
 */
import path from "node:path";
import pg from "pg";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { fenToYuan } from "@/domain";
import { db } from "@/server/db";
import { memo } from "@/server/memo";
import { readRoute, reportingRead, reportingServer } from "@/server/read-db";
import { exportStream } from "@/server/exports";
import { authoriseLedger } from "@/server/services/ledgers";
import { portfolioFigures } from "@/server/read-models/figures";
import { postRepayment } from "@/server/services/lifecycle";
import { startEmbeddedPostgres, type RunningPostgres } from "../../scripts/lib/postgres";
import { resetDatabase, sql } from "../support/db";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
} from "../support/factories";

const PRIMARY_PORT = inject("port");
const STANDBY_PORT = PRIMARY_PORT + 1;
const SLOT = "halfsky_test_standby";
/** A posting must be readable on the standby within this (measured: well under a second on an idle machine). */
const REPLICATION_BOUND_MS = 5_000;
const MAX_LAG_S = 4;
const standbyOptions = (fresh: boolean) => ({
  dataDir: path.join(path.dirname(inject("dataDir")), "standby"),
  port: STANDBY_PORT,
  database: "halfsky_test",
  fresh,
  standbyOf: { primaryAdminUrl: inject("adminUrl"), primaryDataDir: inject("dataDir"), slot: SLOT },
});

// The app's validated environment is read on first use (the factories' first query): the replica settings
// before it. The standby has the primary's roles and passwords, on its own port.
const replicaUrl = new URL(inject("databaseUrl"));
replicaUrl.port = String(STANDBY_PORT);
process.env.HALFSKY_REPLICA_URL = replicaUrl.toString();
process.env.HALFSKY_REPLICA_CHECK_MS = "200";
process.env.HALFSKY_REPLICA_MAX_LAG_S = String(MAX_LAG_S);

let standby: RunningPostgres | null = null;
let staff: Awaited<ReturnType<typeof makeUser>>;
let loanId: number;
let posted = 0;
const Q = { region: "620123", from: "2025-01-01", to: "2025-12-31" };
const WINDOW = { from: Q.from, to: Q.to };

async function onStandby<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: standby!.adminUrl.replace(/\/postgres$/, "/halfsky_test") });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

async function post(principalYuan: string): Promise<void> {
  posted++;
  await postRepayment(
    staff,
    {
      loanId,
      valueDate: "2025-06-20",
      principal: principalYuan,
      interest: "0.00",
      idempotencyKey: `replica-test-${posted}`,
    },
    "2025-07-01",
  );
}

/** The dashboard's figures as the page computes them (memo → reporting reads), and where they ran. */
async function dashboardRead() {
  return memo(
    `replica-test|${Date.now()}|${Math.random()}`,
    60_000,
    async () => ({
      figures: await portfolioFigures("620123", "2025-12-31", WINDOW),
      server: (
        await db.$queryRaw<{ port: number; standby: boolean }[]>`
          select inet_server_port() as port, pg_is_in_recovery() as standby`
      )[0]!,
    }),
    true,
  );
}

async function exportJournal(): Promise<string[][]> {
  const def = await authoriseLedger(staff, "journal", Q);
  const stream = await exportStream(staff, "journal", def, Q, "榆中县", "csv", new AbortController().signal);
  const chunks: Buffer[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  const rows = parse(Buffer.concat(chunks).subarray(3), { relax_column_count: true }) as string[][];
  return rows.slice(
    1,
    rows.findIndex((r) => r[0]!.startsWith("合计")),
  );
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("reporting reads on a streaming standby", () => {
  beforeAll(async () => {
    await resetDatabase();
    await seedRegions();
    await seedLpr();
    const ctx = await seedProgrammeAndPolicy();
    staff = await makeUser("COUNTY_STAFF", "620123");
    const borrower = await makeBorrower("620123101201", staff.id);
    const loan = await makeLoan({
      borrower,
      ctx,
      makerId: staff.id,
      principalFen: 5_000_000,
      disbursedDate: "2025-03-10",
      termMonths: 24,
    });
    loanId = loan.id;
    await post("1000.00");
    standby = await startEmbeddedPostgres(standbyOptions(true));
    expect(standby.url).toBe(process.env.HALFSKY_REPLICA_URL);
  }, 120_000);

  afterAll(async () => {
    await standby?.stop();
    // An inactive slot would keep the test cluster's WAL for the files that run after this one.
    await sql("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1", [
      SLOT,
    ]);
  });

  it("a posting on the primary is readable on the standby within the bound", async () => {
    const before = Number((await onStandby<{ n: string }>(`select count(*) n from "RepaymentEntry"`))[0]!.n);
    const t0 = Date.now();
    await post("500.00");
    const n = await until(
      "the posting on the standby",
      async () => Number((await onStandby<{ n: string }>(`select count(*) n from "RepaymentEntry"`))[0]!.n),
      (n) => n === before + 1,
      REPLICATION_BOUND_MS,
    );
    expect(n).toBe(before + 1);
    expect(Date.now() - t0).toBeLessThan(REPLICATION_BOUND_MS);
  });

  it("dashboard figures and exports are read on the standby: they lack a posting it has not replayed", async () => {
    await until("the replica in use", readRoute, (r) => r.source === "replica");
    const live = await dashboardRead();
    expect(live.source).toBe("replica");
    expect(live.value.server).toEqual({ port: STANDBY_PORT, standby: true });
    expect(await reportingServer()).toEqual({ port: STANDBY_PORT, standby: true });
    const journalBefore = await exportJournal();

    await onStandby("select pg_wal_replay_pause()");
    try {
      await post("700.00");
      const primary = await portfolioFigures("620123", "2025-12-31", WINDOW); // outside a reporting read
      expect(primary.outstandingFen).toBe(live.value.figures.outstandingFen - 70_000);
      const stale = await dashboardRead();
      expect(stale.source).toBe("replica");
      expect(stale.value.figures.outstandingFen).toBe(live.value.figures.outstandingFen);
      // The export streams from the standby too: the journal without the unreplayed posting.
      expect(await exportJournal()).toEqual(journalBefore);

      // Past HALFSKY_REPLICA_MAX_LAG_S behind: the reads fall back to the primary and say so.
      const route = await until("the lag noticed", readRoute, (r) => r.reason === "lagging", 20_000);
      expect(route.source).toBe("primary");
      expect(route.lagSeconds).toBeGreaterThan(MAX_LAG_S);
      const fallback = await dashboardRead();
      expect(fallback.source).toBe("primary");
      expect(fallback.value.server).toEqual({ port: PRIMARY_PORT, standby: false });
      expect(fallback.value.figures.outstandingFen).toBe(primary.outstandingFen);
      expect(await exportJournal()).toHaveLength(journalBefore.length + 1);
    } finally {
      await onStandby("select pg_wal_replay_resume()");
    }
    await until("the replica back in use", readRoute, (r) => r.source === "replica");
    expect((await dashboardRead()).value.server.port).toBe(STANDBY_PORT);
  }, 60_000);

  it("a reporting read that writes (a mistake) is run on the primary instead of failing", async () => {
    await until("the replica in use", readRoute, (r) => r.source === "replica");
    const where = await reportingRead(async () => {
      await db.$executeRaw`CREATE TEMP TABLE IF NOT EXISTS replica_test_scratch (a int)`;
      return (await db.$queryRaw<{ port: number }[]>`select inet_server_port() as port`)[0]!.port;
    });
    expect(where).toBe(PRIMARY_PORT);
    expect((await readRoute()).source).toBe("replica"); // the replica is not taken for down
  });

  it("with the standby stopped the reads fall back to the primary with no error; restarted, they return", async () => {
    await until("the replica in use", readRoute, (r) => r.source === "replica");
    const expected = await portfolioFigures("620123", "2025-12-31", WINDOW);
    const journal = await exportJournal();
    await standby!.stop();
    standby = null;

    // The first reads after the stop may still be routed to the replica (the last check said it was up):
    // they fail there and run on the primary.
    const down = await dashboardRead();
    expect(down.source).toBe("primary");
    expect(down.value.server).toEqual({ port: PRIMARY_PORT, standby: false });
    expect(down.value.figures).toEqual(expected);
    expect(await exportJournal()).toEqual(journal);
    expect(await reportingServer()).toEqual({ port: PRIMARY_PORT, standby: false });
    const route = await until("the check", readRoute, (r) => r.reason === "down");
    expect(route.source).toBe("primary");

    // A posting while it is down reaches it when it is back (its slot kept the WAL).
    await post("300.00");
    standby = await startEmbeddedPostgres(standbyOptions(false));
    await until("the replica back in use", readRoute, (r) => r.source === "replica");
    const back = await until(
      "the standby caught up",
      dashboardRead,
      (v) => v.value.figures.outstandingFen === expected.outstandingFen - 30_000,
    );
    expect(back.source).toBe("replica");
    expect(back.value.server).toEqual({ port: STANDBY_PORT, standby: true });
    const after = await exportJournal();
    expect(after).toHaveLength(journal.length + 1);
    expect(after.some((r) => r.includes(fenToYuan(30_000)))).toBe(true);
  }, 90_000);
});
