/**
 * The portfolio figures the naive way: every loan of the region with its schedule and journal loaded into
 * JavaScript, every number from src/domain (journal replay, days past due, rates). The reference the SQL
 * aggregation is checked against (tests/integration/dashboard.test.ts) and timed against (bench:dashboard).
 */
import pg from "pg";
import {
  daysPastDue,
  maturityRepaymentRate,
  nplRatio,
  onTimeRate,
  overdueRatio,
  par,
  replayJournal,
  scopeFilter,
  yuanToFen,
  type IsoDate,
  type JournalEntry,
  type ScheduledInstalment,
} from "../../../src/domain";

export interface NaiveFigures {
  loans: number;
  outstandingFen: number;
  maturityRepayment: number | null;
  onTime: number | null;
  overdue: number | null;
  par30: number | null;
  par90: number | null;
  npl: number | null;
}

export async function naiveFigures(
  url: string,
  regionCode: string,
  asOf: IsoDate,
  window: { from: IsoDate; to: IsoDate },
): Promise<NaiveFigures> {
  const f = scopeFilter(regionCode);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Dates as text: calendar dates, no time zone.
  await client.query("SET DateStyle = 'ISO'");
  try {
    const where = `l."${f.column}" LIKE $1 AND l."disbursedDate" IS NOT NULL AND l."disbursedDate" <= $2 AND l.status <> 'WRITTEN_OFF'`;
    const args = [`${f.prefix}%`, asOf];
    const [loans, inst, journal] = await Promise.all([
      client.query<{ id: number; principal: string; maturityDate: string }>(
        `SELECT l.id, l.principal::text, l."maturityDate"::text AS "maturityDate" FROM "Loan" l WHERE ${where} ORDER BY l.id`,
        args,
      ),
      client.query<{
        loanId: number;
        seq: number;
        dueDate: string;
        principalDue: string;
        interestDue: string;
        paidDate: string | null;
      }>(
        `SELECT i."loanId", i.seq, i."dueDate"::text AS "dueDate", i."principalDue"::text AS "principalDue", i."interestDue"::text AS "interestDue", i."paidDate"::text AS "paidDate"
         FROM "Instalment" i JOIN "Loan" l ON l.id = i."loanId" WHERE ${where} ORDER BY i."loanId", i.seq`,
        args,
      ),
      client.query<{
        id: number;
        loanId: number;
        kind: "REPAYMENT" | "REVERSAL";
        valueDate: string;
        principal: string;
        interest: string;
        reversesId: number | null;
      }>(
        `SELECT e.id, e."loanId", e.kind, e."valueDate"::text AS "valueDate", e.principal::text, e.interest::text, e."reversesId"
         FROM "RepaymentEntry" e JOIN "Loan" l ON l.id = e."loanId" WHERE ${where} AND e."valueDate" <= $2 ORDER BY e."loanId", e.id`,
        args,
      ),
    ]);
    const schedules = new Map<number, (ScheduledInstalment & { paidDate: string | null })[]>();
    for (const i of inst.rows) {
      let s = schedules.get(i.loanId);
      if (!s) schedules.set(i.loanId, (s = []));
      s.push({
        seq: i.seq,
        dueDate: i.dueDate,
        principalDueFen: yuanToFen(i.principalDue),
        interestDueFen: yuanToFen(i.interestDue),
        paidDate: i.paidDate,
      });
    }
    const entries = new Map<number, JournalEntry[]>();
    for (const e of journal.rows) {
      let s = entries.get(e.loanId);
      if (!s) entries.set(e.loanId, (s = []));
      s.push({
        id: e.id,
        kind: e.kind,
        valueDate: e.valueDate,
        principalFen: yuanToFen(e.principal),
        interestFen: yuanToFen(e.interest),
        reversesId: e.reversesId,
      });
    }
    const balances: { outstandingFen: number; daysPastDue: number }[] = [];
    const matured: { maturityDate: IsoDate; principalFen: number; recoveredFen: number }[] = [];
    const dues: { dueDate: IsoDate; dueFen: number; paidByDueDateFen: number }[] = [];
    for (const l of loans.rows) {
      const schedule = schedules.get(l.id) ?? [];
      const js = entries.get(l.id) ?? [];
      const state = replayJournal(schedule, js);
      const principalFen = yuanToFen(l.principal);
      const repaid = js.reduce((s, e) => s + e.principalFen, 0);
      const outstanding = principalFen - repaid;
      if (outstanding > 0)
        balances.push({ outstandingFen: outstanding, daysPastDue: daysPastDue(state.instalments, asOf) });
      matured.push({
        maturityDate: l.maturityDate,
        principalFen,
        recoveredFen: Math.min(repaid, principalFen),
      });
      for (const i of schedule) {
        const dueFen = i.principalDueFen + i.interestDueFen;
        dues.push({
          dueDate: i.dueDate,
          dueFen,
          paidByDueDateFen: i.paidDate && i.paidDate <= i.dueDate ? dueFen : 0,
        });
      }
    }
    const upTo = asOf < window.to ? asOf : window.to;
    return {
      loans: balances.length,
      outstandingFen: balances.reduce((s, b) => s + b.outstandingFen, 0),
      maturityRepayment: maturityRepaymentRate(matured, { from: window.from, to: upTo }),
      onTime: onTimeRate(dues, { from: window.from, to: upTo }),
      overdue: overdueRatio(balances),
      par30: par(balances, 30),
      par90: par(balances, 90),
      npl: nplRatio(balances),
    };
  } finally {
    await client.end();
  }
}
