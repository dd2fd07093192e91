/**
 * bench:statement posts a real statement into the kept benchmark data (tens of thousands of journal entries);
 * this puts the data back as it was. Before the run, the county's figures are fingerprinted and the running
 * totals of the bank's loans and their instalments copied into side tables (in the benchmark database, so an
 * interrupted run is undone by the next one). Afterwards, in one transaction: the file's journal entries, its
 * audit events, its record and rows, the month-end staleness marks the postings raised and the mapping the run
 * saved are deleted, the loans' running totals and instalments restored from the copy, and the fingerprint taken
 * again — the transaction commits only if it equals the one taken before. The journal and the audit trail are
 * append-only for the app (triggers); the undo runs with `session_replication_role = replica`, which only a
 * superuser (the embedded cluster's owner) may set — checked before anything is posted. Sequences are not
 * rewound: the ids of later rows are higher than they would have been.
 */
import type pg from "pg";

const STATE = "_bench_statement_state";
const LOANS = "_bench_statement_loans";
const INSTALMENTS = "_bench_statement_instalments";

export interface UndoScope {
  county: string;
  bankId: number;
  sha256: string;
}

interface State extends UndoScope {
  fingerprint: Record<string, string>;
  maxEntryId: number;
  maxAuditId: number;
  maxStaleId: number;
}

/** The county's figures a statement could change, each as a count, a sum or an md5 of the rows. */
export async function fingerprint(c: pg.Client, county: string): Promise<Record<string, string>> {
  const r = await c.query<Record<string, string>>(
    `SELECT
       (SELECT count(*) || ' loans, repaid ' || coalesce(sum("principalRepaid"), 0) || ' + ' || coalesce(sum("interestRepaid"), 0)
               || ', md5 ' || md5(coalesce(string_agg(concat_ws(':', id, "principalRepaid", "interestRepaid", status,
                  "closedDate", version, "updatedAt"), ',' ORDER BY id), ''))
          FROM "Loan" WHERE "countyCode" = $1) AS loans,
       (SELECT count(*) || ' instalments, paid ' || coalesce(sum("principalPaid"), 0) || ' + ' || coalesce(sum("interestPaid"), 0)
               || ', md5 ' || md5(coalesce(string_agg(concat_ws(':', id, "principalPaid", "interestPaid", "paidDate"), ','
                  ORDER BY id), ''))
          FROM "Instalment" WHERE "countyCode" = $1) AS instalments,
       (SELECT count(*) || ' entries, ' || coalesce(sum(principal + interest + penalty), 0)
          FROM "RepaymentEntry" WHERE "countyCode" = $1) AS journal,
       (SELECT count(*)::text FROM "AuditEvent" WHERE "countyCode" = $1) AS audit,
       (SELECT count(*)::text FROM "FundLedgerEntry" WHERE "countyCode" = $1) AS fund,
       (SELECT count(*)::text FROM "SnapshotStale" WHERE "countyCode" = $1) AS stale,
       (SELECT count(*) || ' files, ' || (SELECT count(*) FROM "BankStatementRow" WHERE "countyCode" = $1) || ' rows'
          FROM "BankStatementFile" WHERE "countyCode" = $1) AS statements,
       (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY id)::text, '[]')
          FROM "BankStatementMapping" m WHERE "countyCode" = $1) AS mappings`,
    [county],
  );
  return r.rows[0]!;
}

/** Refuses early (before anything is posted) when this connection could not undo the run. */
export async function assertCanUndo(c: pg.Client): Promise<void> {
  await c.query("BEGIN");
  try {
    await c.query("SET LOCAL session_replication_role = replica");
  } catch (e) {
    throw new Error(
      `bench:statement undoes its postings as a superuser (session_replication_role); this database user may not: ${String(e)}`,
    );
  } finally {
    await c.query("ROLLBACK");
  }
}

/** Fingerprints the county and copies what the statement's commit may change; before the run. */
export async function keepForUndo(c: pg.Client, scope: UndoScope): Promise<Record<string, string>> {
  const print = await fingerprint(c, scope.county);
  await c.query("BEGIN");
  try {
    const max = async (table: string) =>
      Number((await c.query<{ m: string }>(`SELECT coalesce(max(id), 0) AS m FROM "${table}"`)).rows[0]!.m);
    const state: State = {
      ...scope,
      fingerprint: print,
      maxEntryId: await max("RepaymentEntry"),
      maxAuditId: await max("AuditEvent"),
      maxStaleId: await max("SnapshotStale"),
    };
    // (CREATE TABLE … AS takes no parameters: an empty copy of the columns, then filled.)
    await c.query(
      `CREATE TABLE "${LOANS}" AS SELECT id, "principalRepaid", "interestRepaid", status, "closedDate", version,
              "updatedAt" FROM "Loan" WITH NO DATA`,
    );
    await c.query(
      `INSERT INTO "${LOANS}" SELECT id, "principalRepaid", "interestRepaid", status, "closedDate", version, "updatedAt"
         FROM "Loan" WHERE "countyCode" = $1 AND "bankId" = $2`,
      [scope.county, scope.bankId],
    );
    await c.query(
      `CREATE TABLE "${INSTALMENTS}" AS SELECT i.id, i."principalPaid", i."interestPaid", i."paidDate"
         FROM "Instalment" i JOIN "${LOANS}" l ON l.id = i."loanId"`,
    );
    await c.query(`CREATE TABLE "${STATE}" (state jsonb NOT NULL)`);
    await c.query(`INSERT INTO "${STATE}" (state) VALUES ($1)`, [JSON.stringify(state)]);
    await c.query("COMMIT");
  } catch (e) {
    await c.query("ROLLBACK");
    throw e;
  }
  return print;
}

export interface UndoReport {
  entries: number;
  loans: number;
  instalments: number;
  seconds: number;
  fingerprint: Record<string, string>;
}

/**
 * Undoes a run whose copy is kept (this run's, or an interrupted one's): null when there is none. Throws, and
 * keeps the copy, when the county's fingerprint afterwards is not the one taken before.
 */
export async function undoRun(c: pg.Client): Promise<UndoReport | null> {
  const t0 = performance.now();
  const has = await c.query<{ t: string | null }>(`SELECT to_regclass('public."${STATE}"')::text AS t`);
  if (!has.rows[0]!.t) return null;
  const state = (await c.query<{ state: State }>(`SELECT state FROM "${STATE}"`)).rows[0]!.state;
  await c.query("BEGIN");
  try {
    await c.query("SET LOCAL session_replication_role = replica");
    const files = (
      await c.query<{ id: number }>(
        `SELECT id FROM "BankStatementFile" WHERE "countyCode" = $1 AND "bankId" = $2 AND sha256 = $3`,
        [state.county, state.bankId, state.sha256],
      )
    ).rows.map((f) => f.id);
    // The file's postings: its rows name them; any other bank-file entry of the county since the copy too.
    const entries = (
      await c.query<{ id: number }>(
        `SELECT "entryId" AS id FROM "BankStatementRow" WHERE "fileId" = ANY($1::int[]) AND "entryId" IS NOT NULL
         UNION
         SELECT id FROM "RepaymentEntry" WHERE id > $2 AND "countyCode" = $3 AND source = 'BANK_FILE'
           AND "idempotencyKey" LIKE 'bs-%'`,
        [files, state.maxEntryId, state.county],
      )
    ).rows.map((e) => e.id);
    await c.query(
      `DELETE FROM "AuditEvent" WHERE id > $1 AND (
         (entity = 'RepaymentEntry' AND action = 'repayment.post' AND "entityId" = ANY($2::text[]))
         OR (entity = 'BankStatementFile' AND "entityId" = ANY($3::text[]))
         OR (entity = 'BankStatementMapping' AND "entityId" = $4))`,
      [state.maxAuditId, entries.map(String), files.map(String), `${state.county}-${state.bankId}`],
    );
    await c.query(`DELETE FROM "FundLedgerEntry" WHERE "idempotencyKey" = ANY($1::text[])`, [
      entries.map((id) => `recovery-${id}`),
    ]);
    await c.query(`DELETE FROM "BankStatementRow" WHERE "fileId" = ANY($1::int[])`, [files]);
    await c.query(`DELETE FROM "BankStatementFile" WHERE id = ANY($1::int[])`, [files]);
    await c.query(`DELETE FROM "RepaymentEntry" WHERE id = ANY($1::int[])`, [entries]);
    await c.query(`DELETE FROM "SnapshotStale" WHERE id > $1 AND "countyCode" = $2`, [
      state.maxStaleId,
      state.county,
    ]);
    const loans = await c.query(
      `UPDATE "Loan" l SET "principalRepaid" = s."principalRepaid", "interestRepaid" = s."interestRepaid",
              status = s.status, "closedDate" = s."closedDate", version = s.version, "updatedAt" = s."updatedAt"
         FROM "${LOANS}" s
        WHERE l.id = s.id AND (l.version, l."updatedAt") IS DISTINCT FROM (s.version, s."updatedAt")`,
    );
    const instalments = await c.query(
      `UPDATE "Instalment" i SET "principalPaid" = s."principalPaid", "interestPaid" = s."interestPaid",
              "paidDate" = s."paidDate"
         FROM "${INSTALMENTS}" s
        WHERE i.id = s.id
          AND (i."principalPaid", i."interestPaid", i."paidDate") IS DISTINCT FROM (s."principalPaid", s."interestPaid", s."paidDate")`,
    );
    // The mapping as it was (the run saves the bank's layout before it starts).
    const before = JSON.parse(state.fingerprint.mappings!) as {
      bankId: number;
      kind: string;
      columns: unknown;
      version: number;
      updatedById: number;
      updatedAt: string;
    }[];
    const mine = before.find((m) => m.bankId === state.bankId && m.kind === "REPAYMENT");
    if (mine)
      await c.query(
        `UPDATE "BankStatementMapping" SET columns = $1, version = $2, "updatedById" = $3, "updatedAt" = $4
          WHERE "countyCode" = $5 AND "bankId" = $6 AND kind = 'REPAYMENT'`,
        [
          JSON.stringify(mine.columns),
          mine.version,
          mine.updatedById,
          mine.updatedAt,
          state.county,
          state.bankId,
        ],
      );
    else
      await c.query(
        `DELETE FROM "BankStatementMapping" WHERE "countyCode" = $1 AND "bankId" = $2 AND kind = 'REPAYMENT'`,
        [state.county, state.bankId],
      );
    const after = await fingerprint(c, state.county);
    const differs = Object.keys(state.fingerprint).filter((k) => state.fingerprint[k] !== after[k]);
    if (differs.length)
      throw new Error(
        `undo of bench:statement: the county's figures differ from before in ${differs
          .map((k) => `${k} (before ${state.fingerprint[k]}, after ${after[k]})`)
          .join("; ")} — rolled back, the copy is kept in ${STATE}`,
      );
    await c.query(`DROP TABLE "${STATE}", "${LOANS}", "${INSTALMENTS}"`);
    await c.query("COMMIT");
    return {
      entries: entries.length,
      loans: loans.rowCount ?? 0,
      instalments: instalments.rowCount ?? 0,
      seconds: (performance.now() - t0) / 1000,
      fingerprint: after,
    };
  } catch (e) {
    await c.query("ROLLBACK");
    throw e;
  }
}
