/**
 * npm run bench:import [-- --rows 100000]
 * Builds an import file of N loans (one borrower each, two historical repayments each) for one county and
 * times the preview (validation of every row) and the all-or-nothing commit, in a fresh database of its own
 * on the benchmark server. Prints rows/s.
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import pg from "pg";
import { makeResidentId } from "../../src/domain";
import { LPR, BANKS } from "../../prisma/demo/seed";
import { loadToolEnv } from "../../src/config/env";
import { applyMigrations } from "../lib/migrate";
import { openBenchDatabase } from "./lib/bench-db";
import { table } from "./lib/measure";
import { arg, pointAppAt, runMain } from "./lib/cli";

const COUNTY = "610101";
const VILLAGES = Array.from({ length: 10 }, (_, t) =>
  Array.from({ length: 10 }, (_, v) => `${COUNTY}${101 + t}${201 + v}`),
).flat();

async function freshDatabase(serverUrl: string): Promise<string> {
  const url = new URL(serverUrl);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS halfsky_bench_import WITH (FORCE)");
  await admin.query("CREATE DATABASE halfsky_bench_import");
  await admin.end();
  url.pathname = "/halfsky_bench_import";
  const target = url.toString();
  await applyMigrations(target);
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  await c.query(
    `INSERT INTO "Region" (code, name, level, "parentCode") VALUES ('000000','全国','PROVINCE',NULL), ('610000','样本省','PROVINCE','000000'), ('610100','样本1市','CITY','610000'), ('${COUNTY}','样本县','COUNTY','610100')`,
  );
  for (const v of VILLAGES) {
    await c.query(
      `INSERT INTO "Region" (code, name, level, "parentCode") VALUES ($1, $2, 'TOWNSHIP', $3) ON CONFLICT DO NOTHING`,
      [v.slice(0, 9), `${v.slice(6, 9)}镇`, COUNTY],
    );
    await c.query(`INSERT INTO "Region" (code, name, level, "parentCode") VALUES ($1, $2, 'VILLAGE', $3)`, [
      v,
      `${v.slice(9)}村`,
      v.slice(0, 9),
    ]);
  }
  await c.query(
    `INSERT INTO "User" (id, username, "displayName", "passwordHash", role, "regionCode", "updatedAt") VALUES (1, 'bench_import', '导入经办', 'x', 'COUNTY_STAFF', '${COUNTY}', now())`,
  );
  await c.query(
    `INSERT INTO "Programme" (id, code, name, "nameEn") VALUES (1, 'WOMEN', '妇女创业担保贷款', 'Women')`,
  );
  await c.query(
    `INSERT INTO "PolicyVersion" ("programmeId", "regionCode", "validFrom", name, "maxPrincipal", "maxTermMonths", "rateRule", "rateCapSpreadBp", "subsidyMode", "borrowerSpreadBp") VALUES (1, '000000', '2016-01-01', '样本政策', 300000, 36, 'LPR_1Y_PLUS_SPREAD', 300, 'LPR_MINUS_SPREAD', 150)`,
  );
  for (const l of LPR)
    await c.query(`INSERT INTO "LprRate" ("effectiveDate", term, "rateBp") VALUES ($1, $2, $3)`, [
      l.effectiveDate,
      l.term,
      l.rateBp,
    ]);
  for (const b of BANKS)
    await c.query(`INSERT INTO "Bank" (id, code, name) VALUES ($1, $2, $3)`, [b.id, b.code, b.name]);
  await c.end();
  return target;
}

async function importFile(n: number): Promise<Buffer> {
  // The service's own sheet names and headers (the bench runs with --conditions=react-server).
  const { LOAN_COLUMNS, LOAN_SHEET, REPAYMENT_COLUMNS, REPAYMENT_SHEET } =
    await import("../../src/server/services/imports");
  const wb = new ExcelJS.Workbook();
  const loans = wb.addWorksheet(LOAN_SHEET);
  loans.addRow(LOAN_COLUMNS.map(([, header]) => header));
  const reps = wb.addWorksheet(REPAYMENT_SHEET);
  reps.addRow(REPAYMENT_COLUMNS.map(([, header]) => header));
  for (let i = 0; i < n; i++) {
    const birth = new Date(Date.UTC(1965, 0, 1) + (i % 12_000) * 86_400_000).toISOString().slice(0, 10);
    const contract = `HT-BENCH-${String(i).padStart(7, "0")}`;
    loans.addRow([
      "王秀英",
      makeResidentId(COUNTY, birth, Math.floor(i / 12_000) * 2),
      "13912345678",
      VILLAGES[i % VILLAGES.length],
      "一般农户",
      "肉牛养殖",
      "妇女创业担保贷款",
      BANKS[i % BANKS.length]!.name,
      contract,
      "50000.00",
      24,
      "按季付息、到期还本",
      "4.50",
      "2025-06-10",
      "扩大养殖",
    ]);
    reps.addRow([contract, "2025-06-20", "0.00", "62.50"]);
    reps.addRow([contract, "2025-09-20", "1000.00", "575.00"]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function benchImport(serverUrl: string, n: number): Promise<string> {
  const url = await freshDatabase(serverUrl);
  pointAppAt(url);
  const { previewImport, commitImport } = await import("../../src/server/services/imports");
  const { db } = await import("../../src/server/db");
  const actor = {
    id: 1,
    username: "bench_import",
    displayName: "导入经办",
    role: "COUNTY_STAFF" as const,
    regionCode: COUNTY,
    regionName: "样本县",
    ip: null,
  };
  try {
    let t0 = performance.now();
    // The file is the same for the same n: built once (≈ 45 s at 100k) and kept beside the bench data.
    const cached = path.resolve(loadToolEnv().HALFSKY_DATA_DIR, "bench", `import-${n}.xlsx`);
    const file = fs.existsSync(cached) ? fs.readFileSync(cached) : await importFile(n);
    if (!fs.existsSync(cached)) {
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      fs.writeFileSync(cached, file);
    }
    const buildSecs = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const preview = await previewImport(actor, file, "2026-11-20");
    const previewSecs = (performance.now() - t0) / 1000;
    if (preview.errors.length)
      throw new Error(`unexpected errors: ${JSON.stringify(preview.errors.slice(0, 3))}`);
    t0 = performance.now();
    await commitImport(actor, file, "2026-11-20");
    const commitSecs = (performance.now() - t0) / 1000;
    const loans = await db.loan.count();
    t0 = performance.now();
    const again = await previewImport(actor, file, "2026-11-20");
    const againSecs = (performance.now() - t0) / 1000;
    return table(
      [
        "import of loans",
        "file (.xlsx)",
        "preview (validate every row)",
        "commit (validate again + write, one transaction)",
        "re-upload preview",
      ],
      [
        [
          `${n.toLocaleString("en")} loans + ${(2 * n).toLocaleString("en")} repayments → ${loans.toLocaleString("en")} loans written`,
          `${(file.length / 1e6).toFixed(1)} MB, ${fs.existsSync(cached) && buildSecs < 5 ? "reused" : "built"} in ${buildSecs.toFixed(1)} s`,
          `${previewSecs.toFixed(1)} s (${Math.round(n / previewSecs).toLocaleString("en")} rows/s)`,
          `${commitSecs.toFixed(1)} s (${Math.round(n / commitSecs).toLocaleString("en")} loans/s)`,
          `${againSecs.toFixed(1)} s, ${again.loans.new} new`,
        ],
      ],
    );
  } finally {
    await db.$disconnect();
    await (await import("../../src/server/stream-db")).streamPool().end();
  }
}

async function main() {
  const n = Number(arg("rows", "100000"));
  const bench = await openBenchDatabase();
  try {
    console.log(await benchImport(bench.url, n));
    console.log("\nTarget: import of 100k loans ≤ 30 s.");
  } finally {
    await bench.embedded?.stop();
  }
}

runMain("import.ts", main);
