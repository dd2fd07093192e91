import { expect, test } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD } from "../prisma/demo/seed";
import { applyMigrations } from "../scripts/lib/migrate";
import { startEmbeddedPostgres } from "../scripts/lib/postgres";
import { seedIfEmpty } from "../scripts/lib/seed";
import { capturePosting, postingRequest, startAppServer } from "../scripts/bench/lib/app-server";

/**
 * No lost and no double posting through a crash (issue 9). Its own PostgreSQL and `next start` (own data
 * directory and ports, beside the e2e server). 16 clients post 1,000 distinct repayments (a real posting
 * captured from Chromium, replayed with fresh keys); after 300 are acknowledged the Node server gets SIGKILL
 * and PostgreSQL an immediate shutdown (no checkpoint: crash recovery at restart) at the same moment. The
 * clients do what a clerk does: submit the same form (same key) again until it is acknowledged. Afterwards
 * every posting is in the journal exactly once with its audit event, and the loans' running totals and
 * instalments agree with the journal.
 */
const PG = { dataDir: ".data/e2e-crash/pg", port: 54325, database: "halfsky" };
const PORT = 3202;
const TOTAL = 1000;
const CLIENTS = 16;
const CRASH_AFTER = 300;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

test("1,000 postings through a SIGKILL of the server and an immediate stop of PostgreSQL: each acknowledged posting exactly once, the journal balances", async ({
  browser,
}) => {
  test.setTimeout(900_000);
  let database = await startEmbeddedPostgres({ ...PG, fresh: true });
  let app: Awaited<ReturnType<typeof startAppServer>> | null = null;
  try {
    await applyMigrations(database.url);
    await seedIfEmpty(database.url, () => {});
    app = await startAppServer(database.url, PORT);
    const loans = (
      await query<{ id: number }>(
        database.url,
        `select id from "Loan" where "countyCode" = '620123' and status = 'REPAYING' order by id limit 20`,
      )
    ).map((r) => r.id);
    expect(loans.length).toBe(20);
    const captured = await capturePosting(browser, app, "yz_staff", DEMO_PASSWORD, loans[0]!);
    const totals = (url: string) =>
      query<{ id: number; p: string; i: string }>(
        url,
        `select id, "principalRepaid"::text p, "interestRepaid"::text i from "Loan" where id = any($1) order by id`,
        [loans],
      );
    const before = await totals(database.url);

    const run = `crash-${Date.now()}`;
    const keys = Array.from({ length: TOTAL }, (_, i) => `${run}-${i}`);
    const acknowledged = new Set<string>();
    let attempts = 0;
    let next = 0;
    let crashedAt = -1;
    const baseUrl = app.baseUrl;

    const submit = async (i: number): Promise<boolean> => {
      const req = postingRequest(captured, loans[i % loans.length]!, keys[i]!);
      try {
        const res = await fetch(baseUrl + req.path, {
          method: "POST",
          headers: req.headers,
          body: req.body,
          signal: AbortSignal.timeout(20_000),
        });
        return res.status === 200 && /"ok":true/.test(await res.text());
      } catch {
        return false; // connection refused or reset: the server is down
      }
    };
    const client = async () => {
      for (let i = next++; i < TOTAL; i = next++) {
        for (let tries = 0; !(await submit(i)); tries++) {
          attempts++;
          if (tries > 300) throw new Error(`posting ${keys[i]} never acknowledged`);
          await sleep(100);
        }
        attempts++;
        acknowledged.add(keys[i]!);
      }
    };
    const crash = async () => {
      while (acknowledged.size < CRASH_AFTER) await sleep(10);
      crashedAt = acknowledged.size;
      await Promise.all([app!.crash(), database.crash()]);
      await sleep(1000); // the clients meet refused connections meanwhile
      database = await startEmbeddedPostgres(PG); // crash recovery from the WAL
      app = await startAppServer(database.url, PORT);
    };
    await Promise.all([...Array.from({ length: CLIENTS }, client), crash()]);

    console.log(
      `crash after ${crashedAt} acknowledged postings; ${attempts} submissions for ${TOTAL} postings`,
    );
    expect(crashedAt, "the crash came mid-run").toBeGreaterThanOrEqual(CRASH_AFTER);
    expect(crashedAt).toBeLessThan(TOTAL);
    expect(attempts, "some submissions failed while the server was down and were sent again").toBeGreaterThan(
      TOTAL,
    );
    expect(acknowledged.size).toBe(TOTAL);

    // Every acknowledged posting exactly once, each with its audit event (same transaction).
    const rows = await query<{ k: string; id: number }>(
      database.url,
      `select "idempotencyKey" k, id from "RepaymentEntry" where "idempotencyKey" like $1`,
      [`${run}-%`],
    );
    expect(rows.length).toBe(TOTAL);
    expect(new Set(rows.map((r) => r.k))).toEqual(acknowledged);
    const audited = await query<{ n: string }>(
      database.url,
      `select count(distinct "entityId") n from "AuditEvent" where action = 'repayment.post' and outcome = 'OK' and "entityId" = any($1)`,
      [rows.map((r) => String(r.id))],
    );
    expect(Number(audited[0]!.n)).toBe(TOTAL);

    // The journal balances: running totals = journal sums, instalments allocate exactly the principal repaid,
    // and the interest of this run is 1,000 × 1.00 元.
    const mismatches = await query(
      database.url,
      `select l.id from "Loan" l
        left join (select "loanId", sum(principal) p, sum(interest) i from "RepaymentEntry" group by "loanId") j on j."loanId" = l.id
        left join (select "loanId", sum("principalPaid") p from "Instalment" group by "loanId") s on s."loanId" = l.id
        where l.id = any($1) and (l."principalRepaid" <> coalesce(j.p, 0) or l."interestRepaid" <> coalesce(j.i, 0) or l."principalRepaid" <> coalesce(s.p, 0))`,
      [loans],
    );
    expect(mismatches).toEqual([]);
    const after = await totals(database.url);
    const fen = (s: string) => BigInt(s.replace(".", ""));
    const added = after.reduce((sum, r, k) => sum + fen(r.i) - fen(before[k]!.i), 0n);
    expect(added).toBe(BigInt(TOTAL) * 100n);
    expect(after.map((r) => r.p)).toEqual(before.map((r) => r.p));
  } finally {
    await app?.stop();
    await database.stop();
  }
});
