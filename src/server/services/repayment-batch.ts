import "server-only";
import { replayJournal, yuanToFen, fenToYuan, type IsoDate, type JournalEntry } from "@/domain";
import type { Tx } from "../db";
import { insertRows, isUniqueViolation } from "../bulk";
import { actorFields, writeAudits } from "../audit";
import type { Actor } from "../authz";
import { conflict } from "../errors";
import { checkPosting, postLockedRepayment, type PostingResult, type RepaymentPosting } from "./lifecycle";

/**
 * Many repayments at once — a bank's statement (services/bank-statements.ts) — with the loan page's journal
 * rules (lifecycle.postLockedRepayment) applied to each posting in order, as if they were posted one after
 * another on loans the caller has locked, but in a handful of statements instead of eight round trips per
 * posting (decision 020; a 50,000-row statement posted at ~20 postings/s one by one):
 *   1. the loans, their instalments and journals are read once;
 *   2. each posting is checked (checkPosting: status, value date, principal ≤ outstanding) against the loan as
 *      the postings before it left it — a loan the file pays off closes there, and a later row on it is refused
 *      as on the loan page; the first refusal throws and nothing is written;
 *   3. each loan's journal is replayed once with its new entries (src/domain replayJournal: a replay depends on
 *      the schedule and the entries only, so once at the end equals after every posting) and the changed
 *      instalments, the loans' running totals and versions (one increment per posting), the entries (ids taken
 *      from the sequence in file order) and one "repayment.post" audit event per posting are written in bulk
 *      (an UPDATE … FROM unnest each for the instalments and the loans; a few thousand entries and events per
 *      INSERT, src/server/bulk.ts).
 * A loan with a paid compensation claim (its recoveries flow back to the fund per posting) is posted one by one
 * through postLockedRepayment itself; such loans are few.
 */

export interface LoanPosting extends RepaymentPosting {
  loanId: number;
  countyCode: string;
}

interface LoanRow {
  id: number;
  status: string;
  disbursed: IsoDate;
  principal: string;
  principalRepaid: string;
}

interface InstalmentRow {
  id: number;
  loanId: number;
  seq: number;
  dueDate: IsoDate;
  principalDue: string;
  interestDue: string;
  principalPaid: string;
  interestPaid: string;
  paidDate: IsoDate | null;
}

interface EntryRow {
  id: number;
  loanId: number;
  kind: "REPAYMENT" | "REVERSAL";
  valueDate: IsoDate;
  principal: string;
  interest: string;
  penalty: string;
  reversesId: number | null;
}

function groupBy<T extends { loanId: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.loanId);
    if (list) list.push(r);
    else out.set(r.loanId, [r]);
  }
  return out;
}

const toEntry = (e: EntryRow): JournalEntry => ({
  id: e.id,
  kind: e.kind,
  valueDate: e.valueDate,
  principalFen: yuanToFen(e.principal),
  interestFen: yuanToFen(e.interest),
  penaltyFen: yuanToFen(e.penalty),
  reversesId: e.reversesId,
});

/** Posts `postings` in order; their results in the same order. */
export async function postLockedRepayments(
  tx: Tx,
  actor: Actor,
  postings: readonly LoanPosting[],
): Promise<PostingResult[]> {
  const results = new Array<PostingResult>(postings.length);
  if (!postings.length) return results;
  const loanIds = [...new Set(postings.map((p) => p.loanId))];
  const claimed = new Set(
    (
      await tx.$queryRaw<{ loanId: number }[]>`
        SELECT DISTINCT "loanId" FROM "CompensationClaim" WHERE "loanId" = ANY(${loanIds}::int[]) AND status = 'PAID'`
    ).map((c) => c.loanId),
  );
  const bulk = loanIds.filter((id) => !claimed.has(id));
  const [loans, instalments, entries] = await Promise.all([
    tx.$queryRaw<LoanRow[]>`
      SELECT id, status::text AS status, to_char("disbursedDate", 'YYYY-MM-DD') AS disbursed,
             principal::text AS principal,
             "principalRepaid"::text AS "principalRepaid"
        FROM "Loan" WHERE id = ANY(${bulk}::int[])`,
    tx.$queryRaw<InstalmentRow[]>`
      SELECT id, "loanId", seq, to_char("dueDate", 'YYYY-MM-DD') AS "dueDate", "principalDue"::text AS "principalDue",
             "interestDue"::text AS "interestDue", "principalPaid"::text AS "principalPaid",
             "interestPaid"::text AS "interestPaid", to_char("paidDate", 'YYYY-MM-DD') AS "paidDate"
        FROM "Instalment" WHERE "loanId" = ANY(${bulk}::int[]) ORDER BY "loanId", seq`,
    tx.$queryRaw<EntryRow[]>`
      SELECT id, "loanId", kind::text AS kind, to_char("valueDate", 'YYYY-MM-DD') AS "valueDate",
             principal::text AS principal, interest::text AS interest, penalty::text AS penalty, "reversesId"
        FROM "RepaymentEntry" WHERE "loanId" = ANY(${bulk}::int[]) ORDER BY "loanId", id`,
  ]);
  const loanOf = new Map(loans.map((l) => [l.id, l]));
  const instalmentsOf = groupBy(instalments);
  const entriesOf = groupBy(entries);
  const schedule = (id: number) =>
    (instalmentsOf.get(id) ?? []).map((i) => ({
      seq: i.seq,
      dueDate: i.dueDate,
      principalDueFen: yuanToFen(i.principalDue),
      interestDueFen: yuanToFen(i.interestDue),
    }));

  // Ids from the entries' own sequence, ascending in file order (the replay orders same-day entries by id).
  const mine = postings.flatMap((p, k) => (claimed.has(p.loanId) ? [] : [k]));
  const ids = (
    await tx.$queryRaw<{ id: number }[]>`
      SELECT nextval(pg_get_serial_sequence('"RepaymentEntry"', 'id'))::int AS id FROM generate_series(1, ${mine.length})`
  )
    .map((r) => r.id)
    .sort((a, b) => a - b);

  // 2. Each posting against the loan as the ones before it left it.
  const running = new Map<number, Running>();
  mine.forEach((k, n) => {
    const p = postings[k]!;
    const loan = loanOf.get(p.loanId);
    if (!loan) throw conflict("该贷款当前状态不能登记还款");
    let r = running.get(p.loanId);
    if (!r) {
      const journal = (entriesOf.get(p.loanId) ?? []).map(toEntry);
      r = {
        status: loan.status,
        repaidFen: yuanToFen(loan.principalRepaid),
        liveFen: liveRepaidFen(journal),
        principalFen: yuanToFen(loan.principal),
        journal,
        closedDate: null,
        postings: 0,
      };
      running.set(p.loanId, r);
    }
    checkPosting(
      { status: r.status, disbursedDate: loan.disbursed, outstandingFen: r.principalFen - r.repaidFen },
      p,
    );
    r.journal.push({
      id: ids[n]!,
      kind: "REPAYMENT",
      valueDate: p.valueDate,
      principalFen: p.principalFen,
      interestFen: p.interestFen,
      penaltyFen: p.penaltyFen,
    });
    r.postings++;
    // The replay's principal repaid is the sum of the live entries' principal: only a loan paid off can close.
    r.liveFen += p.principalFen;
    r.repaidFen = r.liveFen;
    let closed = false;
    if (r.principalFen - r.liveFen === 0) {
      const state = replayJournal(schedule(p.loanId), r.journal);
      closed = state.instalments.every((i) => i.paidDate !== null);
    }
    if (closed) {
      r.status = "CLOSED";
      r.closedDate = p.valueDate;
    }
    results[k] = {
      entryId: ids[n]!,
      duplicate: false,
      outstandingFen: r.principalFen - r.liveFen,
      status: closed ? "CLOSED" : loan.status,
    };
  });

  // 3. One replay per loan, then the writes.
  if (mine.length) await writeBulk(tx, actor, postings, mine, ids, running, instalmentsOf, schedule);

  // Loans with a paid compensation claim: one by one, the fund's recovery with each.
  for (const [k, p] of postings.entries())
    if (claimed.has(p.loanId))
      results[k] = await postLockedRepayment(tx, actor, { id: p.loanId, countyCode: p.countyCode }, p);
  return results;
}

interface Running {
  status: string;
  /** What the next check takes as repaid: the loan's running total, then the replay's after each posting. */
  repaidFen: number;
  /** The principal of the live entries (what the replay sums). */
  liveFen: number;
  principalFen: number;
  journal: JournalEntry[];
  closedDate: IsoDate | null;
  postings: number;
}

async function writeBulk(
  tx: Tx,
  actor: Actor,
  postings: readonly LoanPosting[],
  mine: readonly number[],
  ids: readonly number[],
  running: ReadonlyMap<number, Running>,
  instalmentsOf: ReadonlyMap<number, InstalmentRow[]>,
  schedule: (
    loanId: number,
  ) => { seq: number; dueDate: IsoDate; principalDueFen: number; interestDueFen: number }[],
) {
  const inst = { id: [] as number[], p: [] as string[], i: [] as string[], d: [] as (string | null)[] };
  const loanUpd = {
    id: [] as number[],
    p: [] as string[],
    i: [] as string[],
    s: [] as string[],
    d: [] as (string | null)[],
    n: [] as number[],
  };
  for (const [loanId, r] of running) {
    const state = replayJournal(schedule(loanId), r.journal);
    const rows = instalmentsOf.get(loanId) ?? [];
    for (const s of state.instalments) {
      const row = rows.find((x) => x.seq === s.seq)!;
      if (
        yuanToFen(row.principalPaid) !== s.principalPaidFen ||
        yuanToFen(row.interestPaid) !== s.interestPaidFen ||
        row.paidDate !== s.paidDate
      ) {
        inst.id.push(row.id);
        inst.p.push(fenToYuan(s.principalPaidFen));
        inst.i.push(fenToYuan(s.interestPaidFen));
        inst.d.push(s.paidDate);
      }
    }
    loanUpd.id.push(loanId);
    loanUpd.p.push(fenToYuan(state.principalRepaidFen));
    loanUpd.i.push(fenToYuan(state.interestRepaidFen));
    loanUpd.s.push(r.status);
    loanUpd.d.push(r.closedDate);
    loanUpd.n.push(r.postings);
  }
  try {
    await insertRows(
      tx,
      "RepaymentEntry",
      ENTRY_COLUMNS,
      mine.map((k, n) => [postings[k]!, ids[n]!] as const),
      ([p, id]) => ({
        id,
        loanId: p.loanId,
        countyCode: p.countyCode,
        kind: "REPAYMENT",
        valueDate: p.valueDate,
        principal: fenToYuan(p.principalFen),
        interest: fenToYuan(p.interestFen),
        penalty: fenToYuan(p.penaltyFen),
        idempotencyKey: p.idempotencyKey,
        source: p.source,
        createdById: actor.id,
      }),
    );
  } catch (e) {
    // A key already in the journal (the same file's row committed by someone else meanwhile): the transaction is
    // aborted, nothing of this file is written.
    if (isUniqueViolation(e, "RepaymentEntry_idempotencyKey_key"))
      throw conflict("有一笔还款刚刚由他人登记，本次未写入任何数据；请重新预览后再提交");
    throw e;
  }
  if (inst.id.length)
    await tx.$executeRaw`
      UPDATE "Instalment" i SET "principalPaid" = u.p::numeric, "interestPaid" = u.i::numeric, "paidDate" = u.d::date
        FROM unnest(${inst.id}::int[], ${inst.p}::text[], ${inst.i}::text[], ${inst.d}::text[]) AS u(id, p, i, d)
       WHERE i.id = u.id`;
  await tx.$executeRaw`
    UPDATE "Loan" l SET "principalRepaid" = u.p::numeric, "interestRepaid" = u.i::numeric,
           status = u.s::"LoanStatus", "closedDate" = COALESCE(u.d::date, l."closedDate"), version = l.version + u.n,
           "updatedAt" = ${new Date()}
      FROM unnest(${loanUpd.id}::int[], ${loanUpd.p}::text[], ${loanUpd.i}::text[], ${loanUpd.s}::text[],
                  ${loanUpd.d}::text[], ${loanUpd.n}::int[]) AS u(id, p, i, s, d, n)
     WHERE l.id = u.id`;
  await writeAudits(
    tx,
    mine.map((k, n) => ({
      action: "repayment.post",
      entity: "RepaymentEntry",
      entityId: String(ids[n]),
      countyCode: postings[k]!.countyCode,
      after: postings[k]!.audit,
      outcome: "OK" as const,
      ...actorFields(actor),
    })),
  );
}

const ENTRY_COLUMNS = [
  "id",
  "loanId",
  "countyCode",
  "kind",
  "valueDate",
  "principal",
  "interest",
  "penalty",
  "idempotencyKey",
  "source",
  "createdById",
];

function liveRepaidFen(journal: readonly JournalEntry[]): number {
  const reversed = new Set(journal.filter((e) => e.kind === "REVERSAL").map((e) => String(e.reversesId)));
  let sum = 0;
  for (const e of journal) if (e.kind === "REPAYMENT" && !reversed.has(String(e.id))) sum += e.principalFen;
  return sum;
}
