import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import {
  commitImport,
  importTemplate,
  LOAN_COLUMNS,
  LOAN_SHEET,
  previewImport,
} from "@/server/services/imports";
import { portfolioFigures } from "@/server/services/figures";
import { naiveFigures } from "../../scripts/bench/lib/naive";
import { resetDatabase, testUrl } from "../support/db";
import { makeUser, seedLpr, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { refusal } from "../support/refusal";
import { importFile } from "../support/import-files";

const TODAY = "2026-11-20";

describe("Excel import of a county's ledger", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedRegions();
    await seedLpr();
    await seedProgrammeAndPolicy();
  });

  it("one bad ID among 1,000 rows: nothing is written and the error names the row and the column", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const bad = await importFile(1000, 538);
    const preview = await previewImport(staff, bad, TODAY);
    expect(preview.errors).toEqual([
      { sheet: LOAN_SHEET, row: 538, column: "身份证号", message: expect.stringMatching(/校验/) },
    ]);
    expect((await refusal(commitImport(staff, bad, TODAY))).kind).toBe("INVALID");
    expect(await db.borrower.count()).toBe(0);
    expect(await db.loan.count()).toBe(0);
    expect(await db.repaymentEntry.count()).toBe(0);
  }, 120_000);

  it("the fixed file imports once (journal, schedules and totals consistent); the same file again imports nothing new", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const good = await importFile(1000);
    const preview = await previewImport(staff, good, TODAY);
    expect(preview.errors).toEqual([]);
    expect(preview.loans).toEqual({ new: 1000, existing: 0 });
    await commitImport(staff, good, TODAY);
    expect(await db.borrower.count()).toBe(1000);
    expect(await db.loan.count()).toBe(1000);
    expect(await db.repaymentEntry.count()).toBe(2000);
    // Written like postings: the dashboard's SQL equals the domain replay on the imported loans.
    const window = { from: "2025-01-01", to: "2026-12-31" };
    const sql = await portfolioFigures("620123", TODAY, window);
    const naive = await naiveFigures(testUrl(), "620123", TODAY, window);
    expect(sql.outstandingFen).toBe(1000 * (5_000_000 - 100_000));
    expect(sql.outstandingFen).toBe(naive.outstandingFen);
    expect(sql.rates.par30).toBe(naive.par30);

    const again = await previewImport(staff, good, TODAY);
    expect(again.errors).toEqual([]);
    expect(again.loans).toEqual({ new: 0, existing: 1000 });
    expect(again.repayments).toEqual({ new: 0, existing: 2000 });
    await commitImport(staff, good, TODAY);
    expect(await db.loan.count()).toBe(1000);
    expect(await db.repaymentEntry.count()).toBe(2000);
    expect(await db.auditEvent.count({ where: { action: "import.commit" } })).toBe(2);
  }, 180_000);

  it("the template opens with the headers and drop-down lists; other counties' villages and officials are refused", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await importTemplate(staff)) as never);
    const sheet = wb.getWorksheet(LOAN_SHEET)!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(LOAN_COLUMNS.map(([, h]) => h));
    expect(sheet.getCell("L2").dataValidation?.type).toBe("list");
    const official = await makeUser("CITY_OFFICIAL", "620100");
    expect((await refusal(previewImport(official, await importFile(1), TODAY))).kind).toBe("FORBIDDEN");
    const other = await makeUser("COUNTY_STAFF", "620121");
    const preview = await previewImport(other, await importFile(1), TODAY);
    expect(preview.errors.map((e) => e.column)).toContain("村代码");
  });

  it("writes text exactly as given (COPY escaping) and reads sheets by their headers when they are renamed", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const purpose = "扩建\\羊舍\t二期\\N";
    const f = await importFile(3, undefined, { purpose, sheetNames: ["Sheet1", "Sheet2"] });
    const preview = await previewImport(staff, f, TODAY);
    expect(preview.errors).toEqual([]);
    expect(preview.repayments.new).toBe(6);
    await commitImport(staff, f, TODAY);
    const loans = await db.loan.findMany({ select: { purpose: true, principalRepaid: true, status: true } });
    expect(loans.map((l) => l.purpose)).toEqual([purpose, purpose, purpose]);
    expect(loans.every((l) => l.principalRepaid.toFixed(2) === "1000.00" && l.status === "REPAYING")).toBe(
      true,
    );
  });

  it("two commits of the same file at once: one writes everything, the other nothing (unique keys), no half import", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const f = await importFile(300);
    const results = await Promise.allSettled([commitImport(staff, f, TODAY), commitImport(staff, f, TODAY)]);
    const failed = results.filter((r) => r.status === "rejected");
    for (const r of failed) expect((r.reason as { kind?: string }).kind).toBe("CONFLICT");
    expect(await db.loan.count()).toBe(300);
    expect(await db.instalment.count()).toBe(300 * 9);
    expect(await db.repaymentEntry.count()).toBe(600);
    expect(await db.auditEvent.count({ where: { action: "import.commit" } })).toBe(
      results.length - failed.length,
    );
  }, 120_000);
});
