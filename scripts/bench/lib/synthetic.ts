/**
 * Synthetic provincial data for the benchmarks (issue 8): a province of 10 cities × 8 counties × 10 townships
 * × 10 villages, ~0.8 borrowers per loan, loans disbursed 2019–2026 with real schedules (src/domain
 * buildSchedule) and a journal replayed by src/domain (so Loan/Instalment running totals are consistent),
 * a few percent late or defaulting, a few keying mistakes reversed. Loaded with COPY; indexes are dropped
 * during the load and rebuilt after it. Deterministic: the same size gives the same data.
 */
import { once } from "node:events";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  addDays,
  addMonths,
  buildSchedule,
  lprOn,
  makeResidentId,
  replayJournal,
  daysPastDue,
  type IsoDate,
  type JournalEntry,
  type RepaymentMethod,
} from "../../../src/domain";
import { ARGON2_OPTIONS } from "../../../src/config/argon2";
import { BANKS, DEMO_PASSWORD, GIVEN, LPR, SURNAMES } from "../../../prisma/demo/seed";
import { rng } from "../../../prisma/demo/rng";
import { applyMigrations } from "../../lib/migrate";
import { progressBar } from "./bench-db";

export const BENCH_AS_OF: IsoDate = "2026-11-20";
/** Bump when the generated data changes shape: a kept database of another version is rebuilt. */
export const GENERATOR_VERSION = 1;
export const PROVINCE = "610000";
export const CITIES = 10;
export const COUNTIES_PER_CITY = 8;
const TOWNSHIPS = 10;
const VILLAGES = 10;
/** The first city is the provincial capital: a fifth of all lending (the city the benchmarks time). */
export const BIG_CITY = "610100";

export interface BenchMeta {
  loans: number;
  borrowers: number;
  instalments: number;
  journal: number;
  version: number;
  seconds: number;
}

export async function readMeta(client: pg.Client): Promise<BenchMeta | null> {
  const t = await client.query(`SELECT to_regclass('public."_bench_meta"') AS t`);
  if (!t.rows[0].t) return null;
  const r = await client.query(`SELECT meta FROM "_bench_meta" LIMIT 1`);
  return (r.rows[0]?.meta as BenchMeta | undefined) ?? null;
}

const cityCode = (c: number) => `61${String(c + 1).padStart(2, "0")}00`;
const countyCode = (c: number, k: number) =>
  `61${String(c + 1).padStart(2, "0")}${String(k + 1).padStart(2, "0")}`;

/** fen → "123.45" (exact, no float arithmetic on money). */
function yuan(fen: number): string {
  const neg = fen < 0;
  const a = Math.abs(fen);
  return `${neg ? "-" : ""}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

/** COPY text format: tab-separated, \N for null (values here never contain tabs, newlines or backslashes). */
const row = (values: readonly (string | number | boolean | null)[]) =>
  values.map((v) => (v === null ? "\\N" : String(v))).join("\t") + "\n";

class CopyWriter {
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  private constructor(
    private stream: NodeJS.WritableStream & { on: (e: string, f: (...a: unknown[]) => void) => unknown },
    private client: pg.Client,
  ) {}
  static async open(url: string, table: string, columns: readonly string[]): Promise<CopyWriter> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("SET session_replication_role = replica"); // no FK triggers during the bulk load
    const stream = client.query(
      copyFrom(`COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`),
    );
    return new CopyWriter(stream as never, client);
  }
  async push(line: string) {
    this.buf.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 20) await this.flush();
  }
  private async flush() {
    if (!this.buf.length) return;
    const chunk = this.buf.join("");
    this.buf = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream as never, "drain");
  }
  async end() {
    await this.flush();
    const done = new Promise<void>((resolve, reject) => {
      this.stream.on("finish", () => resolve());
      this.stream.on("error", (e) => reject(e as Error));
    });
    this.stream.end();
    await done;
    await this.client.end();
  }
}

const BIG_TABLES = ["Borrower", "Loan", "Instalment", "RepaymentEntry"];

export async function generate(
  url: string,
  loansWanted: number,
  log: (m: string) => void,
): Promise<BenchMeta> {
  const t0 = Date.now();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    log("Resetting the benchmark database …");
    await admin.query(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
    await applyMigrations(url);
    const r = rng(61_0000 + loansWanted);

    // ── regions ──
    const regions: string[] = [row([PROVINCE, "样本省", "PROVINCE", null])];
    const villages: string[][] = []; // per county index (city*8+k)
    const cityWeights: number[] = [];
    for (let c = 0; c < CITIES; c++) {
      regions.push(row([cityCode(c), `样本${c + 1}市`, "CITY", PROVINCE]));
      cityWeights.push(c === 0 ? 20 : 80 / (CITIES - 1));
      for (let k = 0; k < COUNTIES_PER_CITY; k++) {
        const cc = countyCode(c, k);
        regions.push(row([cc, `样本${c + 1}市${k + 1}县`, "COUNTY", cityCode(c)]));
        const vs: string[] = [];
        for (let t = 0; t < TOWNSHIPS; t++) {
          const tc = `${cc}${100 + t + 1}`;
          regions.push(row([tc, `${k + 1}县${t + 1}镇`, "TOWNSHIP", cc]));
          for (let v = 0; v < VILLAGES; v++) {
            const vc = `${tc}${200 + v + 1}`;
            regions.push(row([vc, `${t + 1}镇${v + 1}村`, "VILLAGE", tc]));
            vs.push(vc);
          }
        }
        villages.push(vs);
      }
    }
    await admin.query(
      `INSERT INTO "Region" (code, name, level, "parentCode") VALUES ('000000', '全国', 'PROVINCE', NULL)`,
    );
    {
      const w = await CopyWriter.open(url, "Region", ["code", "name", "level", "parentCode"]);
      for (const line of regions) await w.push(line);
      await w.end();
    }

    // ── users (a staff member and an approver per county, an official per city, an auditor) ──
    const passwordHash = await hash(DEMO_PASSWORD, ARGON2_OPTIONS);
    const users: string[] = [];
    let uid = 0;
    const staffOf = new Map<string, number>();
    users.push(row([++uid, "bench_admin", "系统管理员", passwordHash, "ADMIN", "000000", "now"]));
    users.push(row([++uid, "bench_auditor", "省审计", passwordHash, "AUDITOR", PROVINCE, "now"]));
    for (let c = 0; c < CITIES; c++) {
      users.push(
        row([
          ++uid,
          `bench_official_${cityCode(c)}`,
          `样本${c + 1}市官员`,
          passwordHash,
          "CITY_OFFICIAL",
          cityCode(c),
          "now",
        ]),
      );
      for (let k = 0; k < COUNTIES_PER_CITY; k++) {
        const cc = countyCode(c, k);
        users.push(row([++uid, `bench_staff_${cc}`, `${cc}经办`, passwordHash, "COUNTY_STAFF", cc, "now"]));
        staffOf.set(cc, uid);
        users.push(
          row([++uid, `bench_approver_${cc}`, `${cc}审核`, passwordHash, "COUNTY_APPROVER", cc, "now"]),
        );
      }
    }
    {
      const w = await CopyWriter.open(url, "User", [
        "id",
        "username",
        "displayName",
        "passwordHash",
        "role",
        "regionCode",
        "updatedAt",
      ]);
      for (const line of users) await w.push(line);
      await w.end();
    }
    await admin.query(`
      INSERT INTO "Programme" (id, code, name, "nameEn") VALUES (1, 'WOMEN', '妇女创业担保贷款', 'Women''s guaranteed business loans');
      INSERT INTO "PolicyVersion" (id, "programmeId", "regionCode", "validFrom", name, "maxPrincipal", "maxTermMonths", "rateRule", "rateCapSpreadBp", "subsidyMode", "borrowerSpreadBp", "shareCentral", "shareProvincial", "shareCity", "shareCounty", "leverageCap")
        VALUES (1, 1, '000000', '2016-01-01', '样本省妇女创业担保贷款', 300000, 36, 'LPR_1Y_PLUS_SPREAD', 300, 'LPR_MINUS_SPREAD', 150, 0, 50, 20, 30, 10);`);
    for (const l of LPR)
      await admin.query(`INSERT INTO "LprRate" ("effectiveDate", term, "rateBp") VALUES ($1, $2, $3)`, [
        l.effectiveDate,
        l.term,
        l.rateBp,
      ]);
    for (const b of BANKS)
      await admin.query(`INSERT INTO "Bank" (id, code, name) VALUES ($1, $2, $3)`, [b.id, b.code, b.name]);

    // ── the big tables, without their secondary indexes while loading ──
    const idx = await admin.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname NOT LIKE '%_pkey'`,
      [BIG_TABLES],
    );
    for (const i of idx.rows) await admin.query(`DROP INDEX "${i.indexname}"`);

    const borrowersW = await CopyWriter.open(url, "Borrower", [
      "id",
      "countyCode",
      "villageCode",
      "name",
      "idNumber",
      "sex",
      "birthDate",
      "phone",
      "householdType",
      "creditRated",
      "industry",
      "createdById",
      "createdAt",
      "updatedAt",
    ]);
    const loansW = await CopyWriter.open(url, "Loan", [
      "id",
      "countyCode",
      "villageCode",
      "borrowerId",
      "programmeId",
      "policyVersionId",
      "bankId",
      "applicationNo",
      "contractNo",
      "requestedPrincipal",
      "principal",
      "termMonths",
      "method",
      "purpose",
      "industry",
      "guaranteeType",
      "contractRateBp",
      "borrowerRateBp",
      "status",
      "applicationDate",
      "decidedAt",
      "disbursedDate",
      "maturityDate",
      "closedDate",
      "principalRepaid",
      "interestRepaid",
      "makerId",
      "approverId",
      "disbursedById",
      "createdAt",
      "updatedAt",
    ]);
    const instW = await CopyWriter.open(url, "Instalment", [
      "id",
      "loanId",
      "countyCode",
      "seq",
      "dueDate",
      "principalDue",
      "interestDue",
      "principalPaid",
      "interestPaid",
      "paidDate",
    ]);
    const journalW = await CopyWriter.open(url, "RepaymentEntry", [
      "id",
      "loanId",
      "countyCode",
      "kind",
      "valueDate",
      "principal",
      "interest",
      "reversesId",
      "reason",
      "idempotencyKey",
      "source",
      "createdById",
      "createdAt",
    ]);

    const INDUSTRIES = ["养殖业", "种植业", "手工编织", "农家乐", "电商", "小商店", "餐饮", "服装加工"];
    const AMOUNTS = [
      [2, 10],
      [3, 10],
      [5, 30],
      [8, 15],
      [10, 20],
      [15, 8],
      [20, 5],
      [30, 2],
    ] as const;
    const start = "2019-01-01";
    const span = 2860; // → 2026-10-31
    const bar = progressBar("loans", loansWanted);
    const countyLoans = new Map<string, number>();
    let loanId = 0;
    let borrowerId = 0;
    let instId = 0;
    let entryId = 0;
    const perCountyBorrowers = new Map<string, number>();
    while (loanId < loansWanted) {
      const c = r.weighted(cityWeights.map((w, i) => [i, w] as const));
      const k = r.int(0, COUNTIES_PER_CITY - 1);
      const county = countyCode(c, k);
      const village = r.pick(villages[c * COUNTIES_PER_CITY + k]!);
      const n = (perCountyBorrowers.get(county) ?? 0) + 1;
      perCountyBorrowers.set(county, n);
      const birth = addDays("1962-01-01", n % 14_000);
      const idNumber = makeResidentId(county, birth, Math.floor(n / 14_000) * 2);
      const bid = ++borrowerId;
      const industry = r.pick(INDUSTRIES);
      const staff = staffOf.get(county)!;
      await borrowersW.push(
        row([
          bid,
          county,
          village,
          r.pick(SURNAMES) + r.pick(GIVEN),
          idNumber,
          "F",
          birth,
          `1${r.pick(["3", "5", "7", "8", "9"])}${String(r.int(0, 999_999_999)).padStart(9, "0")}`,
          r.weighted([
            ["POVERTY_ALLEVIATED", 30],
            ["MONITORED", 5],
            ["GENERAL", 65],
          ] as const),
          r.next() < 0.7,
          industry,
          staff,
          `${start} 10:00:00+08`,
          `${start} 10:00:00+08`,
        ]),
      );
      const nLoans = r.next() < 0.25 ? 2 : 1;
      let disbursed = addDays(start, r.int(0, span - 420));
      for (let j = 0; j < nLoans && loanId < loansWanted; j++) {
        const id = ++loanId;
        const principalFen = r.weighted(AMOUNTS) * 1_000_000;
        const termMonths = r.weighted([
          [12, 3],
          [24, 4],
          [36, 3],
        ] as const);
        const method: RepaymentMethod = r.weighted([
          ["INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY", 70],
          ["EQUAL_INSTALMENT", 15],
          ["EQUAL_PRINCIPAL", 8],
          ["BULLET", 7],
        ] as const);
        const lpr1y = lprOn(LPR, disbursed, "ONE_YEAR");
        const contractRateBp = lpr1y + r.pick([150, 200, 300]);
        const borrowerRate = Math.max(0, lpr1y - 150);
        const schedule = buildSchedule({
          principalFen,
          rateBp: contractRateBp,
          startDate: disbursed,
          termMonths,
          method,
          basis: 360,
        });
        const behaviour = r.weighted([
          ["GOOD", 930],
          ["LATE", 45],
          ["DEFAULT", 25],
        ] as const);
        const defaultAt = behaviour === "DEFAULT" ? r.int(0, schedule.length - 1) : Infinity;
        const entries: JournalEntry[] = [];
        schedule.forEach((line, i) => {
          if (i >= defaultAt) return;
          const lateBy = behaviour === "LATE" && r.next() < 0.5 ? r.int(3, 75) : 0;
          const paidOn = addDays(line.dueDate, lateBy - (lateBy === 0 ? r.int(0, 3) : 0));
          if (paidOn > BENCH_AS_OF) return;
          if (r.next() < 0.003) {
            const wrong = {
              id: ++entryId,
              kind: "REPAYMENT" as const,
              valueDate: paidOn,
              principalFen: line.principalFen,
              interestFen: line.interestFen + 10_000,
            };
            entries.push(wrong, {
              id: ++entryId,
              kind: "REVERSAL" as const,
              valueDate: paidOn,
              principalFen: -wrong.principalFen,
              interestFen: -wrong.interestFen,
              reversesId: wrong.id,
            });
          }
          entries.push({
            id: ++entryId,
            kind: "REPAYMENT",
            valueDate: paidOn,
            principalFen: line.principalFen,
            interestFen: line.interestFen,
          });
        });
        const state = replayJournal(
          schedule.map((l) => ({
            seq: l.seq,
            dueDate: l.dueDate,
            principalDueFen: l.principalFen,
            interestDueFen: l.interestFen,
          })),
          entries,
        );
        const outstanding = principalFen - state.principalRepaidFen;
        let status = "REPAYING";
        let closed: IsoDate | null = null;
        if (outstanding === 0 && state.instalments.every((i) => i.paidDate)) {
          status = "CLOSED";
          closed = state.instalments.at(-1)!.paidDate;
        } else if (
          behaviour === "DEFAULT" &&
          daysPastDue(state.instalments, BENCH_AS_OF) > 365 &&
          r.next() < 0.3
        ) {
          status = "WRITTEN_OFF";
        }
        const appDate = addDays(disbursed, -r.int(7, 30));
        const maturity = addMonths(disbursed, termMonths);
        const approver = staff + 1;
        await loansW.push(
          row([
            id,
            county,
            village,
            bid,
            1,
            1,
            r.int(1, 4),
            `SQ${county}${String(id).padStart(9, "0")}`,
            `HT${String(id).padStart(10, "0")}`,
            yuan(principalFen),
            yuan(principalFen),
            termMonths,
            method,
            `${industry}扩大生产`,
            industry,
            "GUARANTEE_FUND",
            contractRateBp,
            Math.min(borrowerRate, contractRateBp),
            status,
            appDate,
            `${addDays(appDate, 3)} 14:00:00+08`,
            disbursed,
            maturity,
            closed,
            yuan(state.principalRepaidFen),
            yuan(state.interestRepaidFen),
            staff,
            approver,
            staff,
            `${appDate} 11:00:00+08`,
            `${appDate} 11:00:00+08`,
          ]),
        );
        for (const i of state.instalments) {
          await instW.push(
            row([
              ++instId,
              id,
              county,
              i.seq,
              i.dueDate,
              yuan(i.principalDueFen),
              yuan(i.interestDueFen),
              yuan(i.principalPaidFen),
              yuan(i.interestPaidFen),
              i.paidDate,
            ]),
          );
        }
        for (const e of entries) {
          await journalW.push(
            row([
              e.id,
              id,
              county,
              e.kind,
              e.valueDate,
              yuan(e.principalFen),
              yuan(e.interestFen),
              e.reversesId ?? null,
              e.kind === "REVERSAL" ? "录入错误冲正" : null,
              `bench-${e.id}`,
              "IMPORT",
              staff,
              `${e.valueDate} 16:00:00+08`,
            ]),
          );
        }
        countyLoans.set(county, (countyLoans.get(county) ?? 0) + principalFen / 100);
        bar.tick(loanId);
        disbursed = addDays(maturity, r.int(10, 200));
        if (disbursed > addDays(start, span)) break;
      }
    }
    bar.done(loanId);
    log("Finishing COPY …");
    await Promise.all([borrowersW.end(), loansW.end(), instW.end(), journalW.end()]);

    // ── one risk fund per county, sized near its policy's cap ──
    let fundId = 0;
    for (const [county, lentYuan] of countyLoans) {
      const id = ++fundId;
      await admin.query(`INSERT INTO "RiskFund" (id, "countyCode", name) VALUES ($1, $2, $3)`, [
        id,
        county,
        `${county}妇女创业贷款风险补偿金`,
      ]);
      await admin.query(
        `INSERT INTO "FundLedgerEntry" ("fundId", "countyCode", kind, "fundingLevel", amount, "valueDate", "idempotencyKey", "createdById") VALUES ($1, $2, 'DEPOSIT', 'COUNTY', $3, '2019-01-01', $4, $5)`,
        [id, county, Math.round(lentYuan / 40), `bench-fund-${id}`, staffOf.get(county)],
      );
    }

    log(`Rebuilding ${idx.rows.length} indexes …`);
    const ib = progressBar("indexes", idx.rows.length);
    for (const [n, i] of idx.rows.entries()) {
      await admin.query(i.indexdef);
      ib.tick(n + 1);
    }
    ib.done();
    for (const t of [
      "User",
      "Borrower",
      "Loan",
      "Instalment",
      "RepaymentEntry",
      "RiskFund",
      "Programme",
      "PolicyVersion",
      "Bank",
    ]) {
      await admin.query(
        `SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), (SELECT MAX(id) FROM "${t}"))`,
      );
    }
    log("VACUUM ANALYZE …");
    await admin.query("VACUUM ANALYZE");
    const counts = await admin.query<{ b: string; l: string; i: string; j: string }>(
      `SELECT (SELECT COUNT(*) FROM "Borrower") b, (SELECT COUNT(*) FROM "Loan") l, (SELECT COUNT(*) FROM "Instalment") i, (SELECT COUNT(*) FROM "RepaymentEntry") j`,
    );
    const c = counts.rows[0]!;
    const meta: BenchMeta = {
      loans: Number(c.l),
      borrowers: Number(c.b),
      instalments: Number(c.i),
      journal: Number(c.j),
      version: GENERATOR_VERSION,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
    await admin.query(`CREATE TABLE "_bench_meta" (meta jsonb NOT NULL)`);
    await admin.query(`INSERT INTO "_bench_meta" VALUES ($1)`, [JSON.stringify(meta)]);
    return meta;
  } finally {
    await admin.end();
  }
}
