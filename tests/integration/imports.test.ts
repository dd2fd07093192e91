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
import { portfolioFigures } from "@/server/read-models/figures";
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

  it("no register of other counties: the preview answers as for new borrowers and is audited; the commit names one such row, writes nothing and audits it", async () => {
    const staff = await makeUser("COUNTY_STAFF", "620123");
    const yd = await makeUser("COUNTY_STAFF", "620121");
    const f = await importFile(20);
    // Rows 5 and 12 of the file: women already registered in 永登县.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(f as never);
    const sheet = wb.getWorksheet(LOAN_SHEET)!;
    const taken = [5, 12].map((row) => String(sheet.getRow(row).getCell(2).value));
    const unregistered = JSON.stringify(await previewImport(staff, f, TODAY));
    for (const idNumber of taken)
      await db.borrower.create({
        data: {
          countyCode: "620121",
          villageCode: "620121101201",
          name: "李桂兰",
          idNumber,
          sex: "F",
          birthDate: new Date("1985-03-15T00:00:00Z"),
          phone: "13800138000",
          industry: "种植",
          createdById: yd.id,
        },
      });
    const preview = await previewImport(staff, f, TODAY);
    expect(preview.errors).toEqual([]);
    expect(preview.borrowers).toEqual({ new: 20, existing: 0 });
    expect(JSON.stringify(preview)).toBe(unregistered); // the same answer as with nobody registered elsewhere
    const events = await db.auditEvent.findMany({
      where: { action: "import.preview" },
      orderBy: { id: "asc" },
    });
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ outcome: "OK", userId: staff.id, countyCode: "620123" });
    expect(events[1]!.after).toMatchObject({ rows: 60, errors: 0, loans: { new: 20, existing: 0 } });
    expect(JSON.stringify(events)).not.toContain(taken[0]);

    const refused = await refusal(commitImport(staff, f, TODAY));
    expect(refused.kind).toBe("INVALID");
    const said = refused.fieldErrors!.file!;
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^第 (5|12) 行：该身份证号码已在其他地区登记，每人只能登记一次。未导入任何数据$/);
    expect(said[0]).not.toMatch(/永登|620121/);
    expect(await db.loan.count()).toBe(0);
    expect(await db.borrower.count({ where: { countyCode: "620123" } })).toBe(0);
    const denied = await db.auditEvent.findFirstOrThrow({
      where: { action: "import.commit", outcome: "DENIED" },
    });
    expect(denied).toMatchObject({ userId: staff.id, countyCode: "620123" });
    expect(
      (denied.after as { registeredElsewhere: { row: number }[] }).registeredElsewhere.map((r) => r.row),
    ).toEqual([5, 12]);
    expect(JSON.stringify(denied)).not.toContain(taken[0]); // masked in the trail too
  });
});
