/**
 * npm run bench:statement [-- --rows 50000 --loans 1000000]
 * A bank's repayment statement of 50,000 rows against the synthetic province (issue 18 item 11): one county's
 * clerk, the bank with the most repaying loans there, a .csv in GB18030 (scripts/bench/lib/statement-file.ts).
 * It runs the screen's own service path — readStatementHeaders → previewStatement → commitStatement with the
 * bank's saved mapping — and reports the seconds and rows/s of each step, this process's RSS before and at its
 * peak (sampled every 50 ms; the services run in this process as they do in the server), and the time of a
 * raw COPY of the same journal rows into "RepaymentEntry" (in a transaction rolled back) with the ratio
 * commit ÷ COPY. The commit really posts; afterwards the data is put back exactly (lib/statement-undo.ts,
 * verified against a fingerprint of the county taken before). It uses the kept data set as it is (any size;
 * with --loans, that size or nothing) and never generates or replaces it.
 */
import { createHash } from "node:crypto";
import os from "node:os";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import iconv from "iconv-lite";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { withKeptBenchData } from "./lib/ensure";
import { fmtMb, sampleRss, table } from "./lib/measure";
import { progressBar } from "./lib/bench-db";
import { BENCH_AS_OF, BIG_CITY } from "./lib/synthetic";
import { buildStatement, STATEMENT_MAPPING, type Expected } from "./lib/statement-file";
import { assertCanUndo, keepForUndo, undoRun } from "./lib/statement-undo";
import { arg, pointAppAt, runMain } from "./lib/cli";

export const STATEMENT_TARGETS = { previewSecs: 10, commitSecs: 20, rssRiseBytes: 200 * 2 ** 20 };

export interface StatementBench {
  markdown: string;
  previewSecs: number;
  commitSecs: number;
  rssRise: number;
}

/** A full garbage collection, so that "before" is what the process holds, not what it has yet to free. */
const gc: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

const cpuSecs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};

async function copyJournalRows(c: pg.Client, fileId: number, county: string, userId: number) {
  const rows = await c.query<{ loanId: number; d: string; p: string; i: string; pen: string }>(
    `SELECT "loanId", to_char("valueDate", 'YYYY-MM-DD') AS d, principal::text AS p, interest::text AS i,
            penalty::text AS pen
       FROM "BankStatementRow" WHERE "fileId" = $1 AND category = 'POSTED' ORDER BY "rowNo"`,
    [fileId],
  );
  const text = rows.rows
    .map(
      (r, n) =>
        `${r.loanId}\t${county}\tREPAYMENT\t${r.d}\t${r.p}\t${r.i}\t${r.pen}\tbench-copy-${n}\tBANK_FILE\t${userId}\n`,
    )
    .join("");
  await c.query("BEGIN");
  try {
    const t0 = performance.now();
    const stream = c.query(
      copyFrom(
        `COPY "RepaymentEntry" ("loanId", "countyCode", kind, "valueDate", principal, interest, penalty,
               "idempotencyKey", source, "createdById") FROM STDIN`,
      ),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on("finish", resolve);
      stream.on("error", reject);
      stream.end(text);
    });
    return { rows: rows.rows.length, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await c.query("ROLLBACK"); // never kept
  }
}

export async function benchStatement(url: string, n: number): Promise<StatementBench> {
  pointAppAt(url);
  const { readStatementHeaders, previewStatement, commitStatement } =
    await import("../../src/server/services/bank-statements");
  const { todayShanghai } = await import("../../src/server/clock");
  const { db } = await import("../../src/server/db");
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const left = await undoRun(c);
    if (left)
      console.error(`Undid an interrupted run first: ${left.entries.toLocaleString("en")} journal entries.`);
    await assertCanUndo(c);

    // The county the other benchmarks time, and its bank with the most repaying loans.
    const county = `${BIG_CITY.slice(0, 4)}01`;
    const bank = (
      await c.query<{ id: number; name: string; n: number }>(
        `SELECT b.id, b.name, count(*)::int AS n FROM "Loan" l JOIN "Bank" b ON b.id = l."bankId"
          WHERE l."countyCode" = $1 AND l.status = 'REPAYING' GROUP BY b.id, b.name ORDER BY n DESC, b.id LIMIT 1`,
        [county],
      )
    ).rows[0];
    if (!bank) throw new Error(`no repaying loans in ${county}`);
    const today = todayShanghai();
    const month = BENCH_AS_OF.slice(0, 7);
    const monthEnd = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0))
      .toISOString()
      .slice(0, 10);
    const lastDay = today < monthEnd ? today : monthEnd;
    let t0 = performance.now();
    const built = await buildStatement(c, {
      county,
      bankId: bank.id,
      bankName: bank.name,
      rows: n,
      month,
      lastDay,
    });
    const buildSecs = (performance.now() - t0) / 1000;
    const u = (
      await c.query<{
        id: number;
        username: string;
        displayName: string;
        role: "COUNTY_STAFF";
        regionCode: string;
      }>(
        `SELECT id, username, "displayName", role::text AS role, "regionCode" FROM "User" WHERE username = $1`,
        [`bench_staff_${county}`],
      )
    ).rows[0];
    if (!u) throw new Error(`no clerk bench_staff_${county}`);
    const clerk = { ...u, regionName: county, ip: null };
    const sha256 = createHash("sha256").update(built.file).digest("hex");

    // Before: the county's fingerprint and a copy of what the commit may change; then the bank's layout saved,
    // as the clerk's first statement of this bank would have saved it.
    await keepForUndo(c, { county, bankId: bank.id, sha256 });
    let report: StatementBench | null = null;
    try {
      await c.query(
        `INSERT INTO "BankStatementMapping" ("countyCode", "bankId", kind, columns, "updatedById", "updatedAt")
         VALUES ($1, $2, 'REPAYMENT', $3, $4, now())
         ON CONFLICT ("countyCode", "bankId", kind) DO UPDATE SET columns = EXCLUDED.columns`,
        [county, bank.id, JSON.stringify(STATEMENT_MAPPING), clerk.id],
      );
      const raw = { bankId: bank.id, fileName: `${bank.name}-${county}-${month}-还款明细.csv` };

      // A warm server: the app's modules, Prisma's query compiler and the GB18030 tables loaded by a small
      // statement of the same bank first (its first 20 rows), as after any earlier file.
      const lines = iconv.decode(built.file, "gb18030").split("\r\n");
      const small = iconv.encode(lines.slice(0, 23).join("\r\n") + "\r\n", "gb18030");
      const smallRaw = { ...raw, mapping: JSON.stringify(STATEMENT_MAPPING) };
      await readStatementHeaders(clerk, smallRaw, small);
      await previewStatement(clerk, smallRaw, small);

      gc();
      const rssBefore = process.memoryUsage().rss;
      const heapBefore = process.memoryUsage().heapUsed;
      const load = os.loadavg();
      let rss = sampleRss(50);
      let cpu = process.cpuUsage();
      t0 = performance.now();
      const headers = await readStatementHeaders(clerk, raw, built.file);
      const headersSecs = (performance.now() - t0) / 1000;
      const saved: Record<string, string> = headers.saved ?? {};
      if (Object.entries(STATEMENT_MAPPING).some(([f, h]) => saved[f] !== h))
        throw new Error(`the saved mapping was not returned: ${JSON.stringify(headers.saved)}`);
      const withMapping = { ...raw, mapping: JSON.stringify(headers.saved) };
      t0 = performance.now();
      const preview = await previewStatement(clerk, withMapping, built.file);
      const previewSecs = (performance.now() - t0) / 1000;
      const previewRss = rss.stop();
      const previewCpu = cpuSecs(cpu);
      if (preview.errors.length)
        throw new Error(`the file has errors: ${JSON.stringify(preview.errors.slice(0, 3))}`);
      const s = preview.summary!;
      const got: Partial<Record<Expected, number>> = {
        TO_POST: s.toPost.count,
        ALREADY_POSTED: s.alreadyPosted.count,
      };
      for (const [k, v] of Object.entries(s.byReason)) got[k as Expected] = v.count;
      const kinds = [...new Set([...Object.keys(built.expected), ...Object.keys(got)])] as Expected[];
      const mismatch = kinds.filter((k) => (built.expected[k] ?? 0) !== (got[k] ?? 0));
      if (mismatch.length)
        console.error(
          `Note: the preview's categories differ from the file's construction: ${mismatch
            .map((k) => `${k} built ${built.expected[k] ?? 0}, matched ${got[k] ?? 0}`)
            .join("; ")}`,
        );

      const bar = progressBar("commit", s.toPost.count);
      rss = sampleRss(50);
      cpu = process.cpuUsage();
      t0 = performance.now();
      const committed = await commitStatement(clerk, withMapping, built.file, undefined, (done) =>
        bar.tick(done),
      );
      const commitSecs = (performance.now() - t0) / 1000;
      const commitRss = rss.stop();
      const commitCpu = cpuSecs(cpu);
      bar.done(s.toPost.count);
      gc();
      const heapAfter = process.memoryUsage().heapUsed;
      if (committed.duplicate) throw new Error("the file was committed before: nothing was posted");
      const copy = await copyJournalRows(c, committed.fileId, county, clerk.id);
      const peak = Math.max(previewRss.peak, commitRss.peak);
      const rssRise = peak - rssBefore;
      const rate = (rows: number, secs: number) => `${Math.round(rows / secs).toLocaleString("en")} rows/s`;
      const unmatchedKinds = Object.entries(s.byReason)
        .map(([k, v]) => `${k} ${v.count}`)
        .join(", ");
      const markdown = [
        `Bank statement — load average ${load.map((x) => x.toFixed(2)).join(" / ")} at the start; county ${county}, ${bank.name} (${built.loans.toLocaleString("en")} repaying loans, up to ${built.perLoan} rows each to post), ${n.toLocaleString("en")} rows, .csv GB18030 ${(built.file.length / 1e6).toFixed(1)} MB (built in ${buildSecs.toFixed(1)} s), value dates ${month}-01 → ${lastDay}`,
        "",
        table(
          ["step (clerk, services of the screen)", "time", "rows/s", "RSS before → peak (+ rise)"],
          [
            [
              "headers (read the file, saved mapping)",
              `${headersSecs.toFixed(2)} s`,
              rate(n, headersSecs),
              "",
            ],
            [
              `preview: ${s.toPost.count.toLocaleString("en")} to post (${built.byIdNumber} by ID number), ${s.alreadyPosted.count} already posted, ${s.unmatched.count} unmatched (${unmatchedKinds})`,
              `${previewSecs.toFixed(2)} s (Node CPU ${previewCpu.toFixed(1)} s)`,
              rate(n, previewSecs),
              `${fmtMb(rssBefore)} → ${fmtMb(previewRss.peak)} (+${fmtMb(previewRss.peak - rssBefore)})`,
            ],
            [
              `commit: ${committed.summary.toPost.count.toLocaleString("en")} journal entries posted, one transaction`,
              `${commitSecs.toFixed(2)} s (Node CPU ${commitCpu.toFixed(1)} s)`,
              `${rate(n, commitSecs)} (${rate(committed.summary.toPost.count, commitSecs).replace("rows", "postings")})`,
              `${fmtMb(rssBefore)} → ${fmtMb(commitRss.peak)} (+${fmtMb(commitRss.peak - rssBefore)}); JS heap in use ${fmtMb(heapBefore)} before, peak ${fmtMb(commitRss.heapPeak)}, ${fmtMb(heapAfter)} after (collected)`,
            ],
            [
              `raw COPY of the same ${copy.rows.toLocaleString("en")} rows into "RepaymentEntry" (rolled back)`,
              `${copy.seconds.toFixed(2)} s`,
              rate(copy.rows, copy.seconds),
              `commit ÷ COPY ${(commitSecs / copy.seconds).toFixed(0)}×`,
            ],
          ],
        ),
      ].join("\n");
      report = { markdown, previewSecs, commitSecs, rssRise };
    } finally {
      await db.$disconnect();
      const undone = await undoRun(c);
      if (undone)
        console.error(
          `Undone in ${undone.seconds.toFixed(1)} s: ${undone.entries.toLocaleString("en")} journal entries deleted, ${undone.loans.toLocaleString("en")} loans and ${undone.instalments.toLocaleString("en")} instalments restored; the county's figures equal those before the run (${undone.fingerprint.loans!.replace(/, md5.*/, "")}; ${undone.fingerprint.journal}).`,
        );
    }
    return report!;
  } finally {
    await c.end();
  }
}

export const STATEMENT_TARGET_LINES = (r: StatementBench) =>
  [
    `preview ≤ ${STATEMENT_TARGETS.previewSecs} s → ${r.previewSecs.toFixed(1)} s ${r.previewSecs <= STATEMENT_TARGETS.previewSecs ? "(met)" : "(NOT met)"}`,
    `commit ≤ ${STATEMENT_TARGETS.commitSecs} s → ${r.commitSecs.toFixed(1)} s ${r.commitSecs <= STATEMENT_TARGETS.commitSecs ? "(met)" : "(NOT met)"}`,
    `memory ≤ +200 MB during preview and commit → +${fmtMb(r.rssRise)} ${r.rssRise <= STATEMENT_TARGETS.rssRiseBytes ? "(met)" : "(NOT met)"}`,
  ].join("\n");

async function main() {
  const rows = Number(arg("rows", "50000"));
  const loans = arg("loans", "");
  await withKeptBenchData(loans ? Number(loans) : null, async (url, meta) => {
    const res = await benchStatement(url, rows);
    console.log(
      `\nData: ${meta.loans.toLocaleString("en")} loans, ${meta.journal.toLocaleString("en")} journal rows; the data is put back after the commit.\n`,
    );
    console.log(res.markdown);
    console.log(`\nTargets:\n${STATEMENT_TARGET_LINES(res)}`);
  });
}

runMain("statement.ts", main);
