import "server-only";
import { yuanField } from "../fields";
import { createHash, randomInt } from "node:crypto";
import ExcelJS from "exceljs";
import { z } from "zod";
import {
  METHOD_LABELS,
  buildSchedule,
  contractRateCapBp,
  borrowerRateBp,
  countyOf,
  fenToYuan,
  lprOn,
  maskIdNumber,
  REPAYMENT_METHODS,
  replayJournal,
  resolvePolicy,
  scopeFilter,
  yuanToFen,
  parsePercentEntry,
  type IsoDate,
  type JournalEntry,
  loanEligibility,
} from "@/domain";
import { db } from "../db";
import { requirePermission, type Actor } from "../authz";
import { actorFields, writeAudit, writeAuditSql } from "../audit";
import { copyLine, copyRows, reserveIds } from "../copy";
import { streamPool } from "../stream-db";
import { conflict, invalid } from "../errors";
import { todayShanghai } from "../clock";
import { readXlsx, SpreadsheetError } from "../spreadsheet/read-xlsx";
import { UPLOAD_LIMITS } from "@/config/limits";
import { borrowerInput, checkIdNumber, type HOUSEHOLD_TYPES } from "./borrowers";
import { loadLpr, loadPolicies } from "./policies";
import { eligibilityErrors, eligibilityRules } from "../read-models/rules";

/** The import column that shows an eligibility problem of each form field. */
const ELIGIBILITY_COLUMN: Record<string, string> = {
  amount: "amount",
  termMonths: "termMonths",
  contractRate: "ratePercent",
  borrowerId: "idNumber",
};

/**
 * Import of a county's existing Excel ledger (台账): borrowers, their disbursed loans and the historical
 * repayments. Every row is checked with the rules of the forms (the same zod schema and ID-number rules for
 * borrowers; policy caps, LPR rate cap and schedules for loans); nothing is written unless the whole file is
 * clean, and then everything is written in one transaction. Natural keys make a re-upload write nothing new:
 * borrowers by ID number, loans by contract number within the county, repayments by a key derived from the
 * row's content.
 */
export const LOAN_SHEET = "借款人与贷款";
export const REPAYMENT_SHEET = "还款记录";

export const LOAN_COLUMNS = [
  ["name", "借款人姓名"],
  ["idNumber", "身份证号"],
  ["phone", "手机号"],
  ["villageCode", "村代码"],
  ["householdType", "户类型"],
  ["industry", "产业"],
  ["programme", "项目"],
  ["bank", "贷款银行"],
  ["contractNo", "借款合同号"],
  ["amount", "贷款金额（元）"],
  ["termMonths", "期限（月）"],
  ["method", "还款方式"],
  ["ratePercent", "合同年利率（%）"],
  ["disbursedDate", "放款日期"],
  ["purpose", "贷款用途"],
] as const;
export const REPAYMENT_COLUMNS = [
  ["contractNo", "借款合同号"],
  ["valueDate", "还款日期"],
  ["principal", "本金（元）"],
  ["interest", "利息（元）"],
] as const;

const HOUSEHOLD_LABELS: Record<(typeof HOUSEHOLD_TYPES)[number], string> = {
  POVERTY_ALLEVIATED: "脱贫户",
  MONITORED: "监测户",
  GENERAL: "一般农户",
};
const PROGRAMME_LABELS = { WOMEN: "妇女创业担保贷款", POVERTY: "脱贫人口小额信贷" } as const;
const reverse = <K extends string>(m: Record<K, string>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K>;

export interface CellError {
  sheet: string;
  row: number;
  column: string;
  message: string;
}

export interface ImportPreview {
  fileHash: string;
  errors: CellError[];
  borrowers: { new: number; existing: number };
  loans: { new: number; existing: number };
  repayments: { new: number; existing: number };
  rows: number;
}

/** A blank template: Chinese headers, example rows, drop-down lists (villages of the county, banks, …). */
export async function importTemplate(actor: Actor): Promise<Buffer> {
  await requirePermission(actor, "loan.write", { action: "import.template", entity: "Import" });
  const prefix = scopeFilter(actor.regionCode).prefix;
  const [villages, banks] = await Promise.all([
    db.region.findMany({
      where: { level: "VILLAGE", code: { startsWith: prefix } },
      orderBy: { code: "asc" },
      select: { code: true, name: true },
    }),
    db.bank.findMany({ orderBy: { id: "asc" } }),
  ]);
  const wb = new ExcelJS.Workbook();
  const loans = wb.addWorksheet(LOAN_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  loans.columns = LOAN_COLUMNS.map(([key, header]) => ({
    header,
    key,
    width: Math.max(12, header.length * 2 + 4),
  }));
  const v = villages[0]?.code ?? "620123101201";
  loans.addRow({
    name: "王秀英",
    idNumber: "620123199001010023",
    phone: "13912345678",
    villageCode: v,
    householdType: "一般农户",
    industry: "肉牛养殖",
    programme: PROGRAMME_LABELS.WOMEN,
    bank: banks[0]?.name ?? "",
    contractNo: "HT2025-0001",
    amount: "50000.00",
    termMonths: 24,
    method: METHOD_LABELS.INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY,
    ratePercent: "4.50",
    disbursedDate: "2025-03-10",
    purpose: "扩大养殖规模",
  });
  const lists = wb.addWorksheet("代码表");
  lists.getColumn(1).values = ["村代码", ...villages.map((x) => x.code)];
  lists.getColumn(2).values = ["村名", ...villages.map((x) => x.name)];
  lists.getColumn(3).values = ["贷款银行", ...banks.map((b) => b.name)];
  const list = (col: string, n: number) => `代码表!$${col}$2:$${col}$${Math.max(2, n + 1)}`;
  const validations: [string, string][] = [
    ["D", list("A", villages.length)],
    ["E", `"${Object.values(HOUSEHOLD_LABELS).join(",")}"`],
    ["G", `"${Object.values(PROGRAMME_LABELS).join(",")}"`],
    ["H", list("C", banks.length)],
    ["L", `"${REPAYMENT_METHODS.map((m) => METHOD_LABELS[m]).join(",")}"`],
  ];
  for (let r = 2; r <= 2000; r++) {
    for (const [col, formula] of validations) {
      loans.getCell(`${col}${r}`).dataValidation = {
        type: "list",
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        errorTitle: "请从列表中选择",
        error: "请从下拉列表中选择",
      };
    }
  }
  const reps = wb.addWorksheet(REPAYMENT_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  reps.columns = REPAYMENT_COLUMNS.map(([key, header]) => ({ header, key, width: 16 }));
  reps.addRow({ contractNo: "HT2025-0001", valueDate: "2025-06-20", principal: "0.00", interest: "625.00" });
  const help = wb.addWorksheet("说明");
  for (const line of [
    "1. 每行一笔已放款的贷款；同一借款人的多笔贷款分行填写，身份证号相同。",
    "2. 日期填写为 2025-03-10 格式；金额以元为单位，最多两位小数；利率填写百分数，如 4.50。",
    "3. 村代码、户类型、项目、贷款银行、还款方式请从下拉列表选择。",
    "4. “还款记录”表填写历史还款，按合同号对应贷款。",
    "5. 上传后系统逐行校验并显示预览；全部无误后确认导入，全部写入或全部不写入；重复上传同一文件不会重复导入。",
  ])
    help.addRow([line]);
  help.getColumn(1).width = 100;
  // Example rows are marked so that an unedited template imports nothing by mistake.
  return Buffer.from(await wb.xlsx.writeBuffer());
}

type SheetRows = {
  row: number;
  values: Record<string, string>;
  /** Cells that hold an error (#DIV/0!) or a formula, by column key: refused, never read as a value. */
  bad?: Record<string, "error" | "formula">;
}[];
type ImportSheets = { loanRows: SheetRows; repRows: SheetRows };

/** The most loan rows one file may hold (the business limit; the reader stops as it is passed). */
export const MAX_IMPORT_LOANS = 100_000;
/** The most repayment rows one file may hold. */
export const MAX_IMPORT_REPAYMENTS = 500_000;

class RowLimit extends Error {
  constructor(
    readonly sheet: string,
    readonly limit: number,
  ) {
    super("row limit");
  }
}

/**
 * The rows of the last file read, by reader and SHA-256: confirming a preview sends the same file again, and
 * the commit then validates the rows read by the preview instead of unzipping and parsing the workbook twice
 * (≈ 7 s of a 100k-loan commit). Only reading is reused; every check runs again. One file, 30 minutes, and
 * only a file within the row limits, so the cache holds at most one bounded file.
 */
const READ_CACHE_MS = 30 * 60_000;
let lastRead: { key: string; sheets: ImportSheets | null; at: number } | null = null;

/**
 * Reads the two sheets (src/server/spreadsheet/read-xlsx.ts: any part order, bounded before expansion).
 * Sheets are recognised by name, or by their header row when the file does not name them as the template
 * does; other sheets (代码表, 说明) are read through. Stops as soon as a sheet passes its row limit.
 */
async function readImportFile(file: Buffer): Promise<ImportSheets | null> {
  const sheets: Record<string, SheetRows> = {};
  await readXlsx(file, (name) => {
    let index: (readonly [string, number])[] | null = null;
    let target: string | null | undefined;
    const out: SheetRows = [];
    return {
      row({ row, cells }) {
        if (target === null) return;
        if (!index) {
          const header: string[] = [];
          for (const c of cells) header[c.col] = c.text.trim();
          target =
            name === LOAN_SHEET ||
            (!(LOAN_SHEET in sheets) && header.includes("身份证号") && header.includes("借款合同号"))
              ? LOAN_SHEET
              : name === REPAYMENT_SHEET || (!(REPAYMENT_SHEET in sheets) && header.includes("还款日期"))
                ? REPAYMENT_SHEET
                : null;
          if (!target) return;
          index = (target === LOAN_SHEET ? LOAN_COLUMNS : REPAYMENT_COLUMNS).map(
            ([key, label]) => [key, header.indexOf(label)] as const,
          );
          sheets[target] = out;
          return;
        }
        const byCol = new Map(cells.map((c) => [c.col, c]));
        const values: Record<string, string> = {};
        let bad: Record<string, "error" | "formula"> | undefined;
        let empty = true;
        for (const [key, i] of index) {
          const c = i > 0 ? byCol.get(i) : undefined;
          const v = c ? c.text.trim() : "";
          values[key] = v;
          if (c?.kind === "error" || c?.formula) (bad ??= {})[key] = c.kind === "error" ? "error" : "formula";
          if (v !== "" || c?.formula) empty = false;
        }
        if (empty) return;
        const limit = target === LOAN_SHEET ? MAX_IMPORT_LOANS : MAX_IMPORT_REPAYMENTS;
        if (out.length >= limit) throw new RowLimit(target!, limit);
        out.push(bad ? { row, values, bad } : { row, values });
      },
    };
  });
  if (!sheets[LOAN_SHEET]) return null;
  return { loanRows: sheets[LOAN_SHEET], repRows: sheets[REPAYMENT_SHEET] ?? [] };
}

/** The reader's refusal in the clerk's words (the file, not a row). */
function fileProblem(e: unknown): string {
  if (e instanceof RowLimit)
    return `“${e.sheet}”一次最多导入 ${e.limit.toLocaleString("en-US")} 行，请分批导入`;
  if (e instanceof SpreadsheetError)
    switch (e.problem.code) {
      case "TOO_LARGE":
        return `文件解压后过大（超过 ${UPLOAD_LIMITS.maxExpandedBytes / 1024 / 1024} MB 或压缩比异常），请检查文件或分批导入`;
      case "TOO_MANY_ROWS":
        return `工作表“${e.problem.sheet}”超过 ${e.problem.limit.toLocaleString("en-US")} 行`;
      case "CELL_TOO_LONG":
        return e.problem.sheet
          ? `工作表“${e.problem.sheet}”的单元格 ${e.problem.ref} 超过 ${e.problem.limit.toLocaleString("en-US")} 个字符`
          : `文件中有单元格超过 ${e.problem.limit.toLocaleString("en-US")} 个字符`;
      case "ENCRYPTED":
        return "文件已加密，请取消密码后重新上传";
      default:
        break;
    }
  return "无法读取该文件，请上传由模板填写的 .xlsx 文件";
}

const BAD_CELL: Record<"error" | "formula", string> = {
  error: "单元格是错误值（如 #DIV/0!），请改正",
  formula: "单元格是公式，请改为直接填写的数值（复制后“选择性粘贴—数值”）",
};

const money = yuanField("金额");
const isoDate = z.iso.date({ message: "日期格式应为 2025-03-10（年-月-日，须是实际存在的日期）" });

interface PlannedLoan {
  row: number;
  idNumber: string;
  borrower: {
    name: string;
    phone: string;
    villageCode: string;
    householdType: (typeof HOUSEHOLD_TYPES)[number];
    industry: string;
    sex: string;
    birthDate: IsoDate;
  };
  programmeCode: "WOMEN" | "POVERTY";
  bankId: number;
  contractNo: string;
  amountFen: number;
  termMonths: number;
  method: (typeof REPAYMENT_METHODS)[number];
  contractRateBp: number;
  borrowerRateBp: number;
  disbursedDate: IsoDate;
  purpose: string;
  policy: { id: number; programmeId: number; dayCountBasis: number; settlement: string };
  repayments: { row: number; valueDate: IsoDate; principalFen: number; interestFen: number; key: string }[];
}

interface Plan {
  preview: ImportPreview;
  loans: PlannedLoan[];
  existingBorrowers: Map<string, number>;
  /**
   * Rows whose ID number is registered in another region. Only the commit looks at them (and refuses, naming
   * one): the preview answers as if they were new, so it is no register of other counties' borrowers.
   */
  registeredElsewhere: { row: number; idNumber: string }[];
}

/** Reads and validates a file; writes nothing. */
async function plan(actor: Actor, file: Buffer, today: IsoDate): Promise<Plan> {
  const fileHash = createHash("sha256").update(file).digest("hex");
  let sheets: ImportSheets | null;
  const cacheKey = `${actor.id}|${fileHash}`;
  if (lastRead?.key === cacheKey && Date.now() - lastRead.at < READ_CACHE_MS) sheets = lastRead.sheets;
  else {
    lastRead = null;
    try {
      sheets = await readImportFile(file);
    } catch (e) {
      if (!(e instanceof RowLimit || e instanceof SpreadsheetError))
        console.warn("[import] unreadable file", fileHash, e instanceof Error ? e.message : e);
      throw invalid({ file: [fileProblem(e)] });
    }
    lastRead = { key: cacheKey, sheets, at: Date.now() };
  }
  if (!sheets) throw invalid({ file: [`文件中没有“${LOAN_SHEET}”工作表，请使用下载的模板`] });
  const { loanRows, repRows } = sheets;
  if (loanRows.length === 0)
    throw invalid({
      file: [`“${LOAN_SHEET}”工作表中没有数据行：请在表头下方逐行填写后再上传（未导入任何数据）`],
    });

  const prefix = scopeFilter(actor.regionCode).prefix;
  const [villages, banks, policies, lpr] = await Promise.all([
    db.region.findMany({ where: { level: "VILLAGE", code: { startsWith: prefix } }, select: { code: true } }),
    db.bank.findMany(),
    loadPolicies(),
    loadLpr(),
  ]);
  const villageSet = new Set(villages.map((v) => v.code));
  const bankByName = new Map(banks.map((b) => [b.name, b.id]));
  const householdOf = reverse(HOUSEHOLD_LABELS);
  const programmeOf = reverse(PROGRAMME_LABELS);
  const methodOf = reverse(METHOD_LABELS);
  const errors: CellError[] = [];
  const err = (sheet: string, row: number, column: string, message: string) =>
    errors.push({ sheet, row, column, message });
  const header = (key: string) => LOAN_COLUMNS.find(([k]) => k === key)![1];

  // Existing records (natural keys): borrowers by ID number, loans by contract number.
  const idNumbers = [...new Set(loanRows.map((r) => r.values.idNumber!.toUpperCase()))];
  const contractNos = [...new Set(loanRows.map((r) => r.values.contractNo!))];
  // (pg with one array parameter: Prisma's IN list of 100k values cost seconds to build.)
  const pool = streamPool();
  const [existingB, existingL] = await Promise.all([
    pool.query<{ id: number; idNumber: string; countyCode: string }>({
      text: `SELECT id, "idNumber", "countyCode" FROM "Borrower" WHERE "idNumber" = ANY($1::text[])`,
      values: [idNumbers],
    }),
    pool.query<{ contractNo: string; countyCode: string; idNumber: string }>({
      text: `SELECT l."contractNo", l."countyCode", b."idNumber" FROM "Loan" l JOIN "Borrower" b ON b.id = l."borrowerId" WHERE l."contractNo" = ANY($1::text[])`,
      values: [contractNos],
    }),
  ]);
  const county = prefix.slice(0, 6);
  const ownB = existingB.rows.filter((b) => b.countyCode.startsWith(county));
  const elsewhere = new Set(
    existingB.rows.filter((b) => !b.countyCode.startsWith(county)).map((b) => b.idNumber),
  );
  const existingBorrowers = new Map(ownB.map((b) => [b.idNumber, b.id]));
  const registeredElsewhere: Plan["registeredElsewhere"] = [];
  const existingLoans = new Map(existingL.rows.map((l) => [l.contractNo, l]));

  const loans: PlannedLoan[] = [];
  const seenContracts = new Map<string, number>();
  let existingLoanCount = 0;
  const existingContracts = new Set<string>();
  for (const { row, values: v, bad } of loanRows) {
    const before = errors.length;
    if (bad) {
      for (const [key, kind] of Object.entries(bad)) err(LOAN_SHEET, row, header(key), BAD_CELL[kind]);
      if (v.contractNo) seenContracts.set(v.contractNo, row); // its repayments are not reported again
      continue;
    }
    const b = borrowerInput.safeParse({
      name: v.name,
      idNumber: v.idNumber,
      phone: v.phone,
      villageCode: v.villageCode,
      householdType: householdOf[v.householdType!] ?? "",
      industry: v.industry,
      creditRated: false,
    });
    if (!b.success)
      for (const issue of b.error.issues)
        err(LOAN_SHEET, row, header(String(issue.path[0] ?? "name")), issue.message);
    const id = checkIdNumber(v.idNumber ?? "");
    if (!id.ok) err(LOAN_SHEET, row, header("idNumber"), id.message);
    if (v.villageCode && !villageSet.has(v.villageCode))
      err(LOAN_SHEET, row, header("villageCode"), "不是您管辖范围内的村代码");
    if (id.ok && elsewhere.has(id.idNumber)) registeredElsewhere.push({ row, idNumber: id.idNumber });
    const programmeCode = programmeOf[v.programme!];
    if (!programmeCode) err(LOAN_SHEET, row, header("programme"), "请从列表选择项目");
    const bankId = bankByName.get(v.bank!);
    if (!bankId) err(LOAN_SHEET, row, header("bank"), "请从列表选择贷款银行");
    const contractNo = v.contractNo ?? "";
    if (contractNo.length < 4 || contractNo.length > 64)
      err(LOAN_SHEET, row, header("contractNo"), "请填写借款合同号（4–64个字符）");
    else if (seenContracts.has(contractNo))
      err(LOAN_SHEET, row, header("contractNo"), `合同号与第 ${seenContracts.get(contractNo)} 行重复`);
    seenContracts.set(contractNo, row);
    const amount = money.safeParse(v.amount);
    if (!amount.success) err(LOAN_SHEET, row, header("amount"), amount.error.issues[0]!.message);
    const termMonths = Number(v.termMonths);
    if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > 60)
      err(LOAN_SHEET, row, header("termMonths"), "期限须为1–60的整月数");
    const method = methodOf[v.method!];
    if (!method) err(LOAN_SHEET, row, header("method"), "请从列表选择还款方式");
    const parsedRate = parsePercentEntry(v.ratePercent ?? "");
    const rate = parsedRate.ok && parsedRate.value < 10_000 ? parsedRate.value : NaN;
    if (!Number.isInteger(rate) || rate <= 0)
      err(LOAN_SHEET, row, header("ratePercent"), "利率填写百分数，如 4.50");
    const date = isoDate.safeParse(v.disbursedDate);
    if (!date.success) err(LOAN_SHEET, row, header("disbursedDate"), date.error.issues[0]!.message);
    else if (v.disbursedDate! > today) err(LOAN_SHEET, row, header("disbursedDate"), "放款日期不能晚于今天");
    if ((v.purpose ?? "").length < 2 || (v.purpose ?? "").length > 128)
      err(LOAN_SHEET, row, header("purpose"), "请填写贷款用途（2–128个字）");
    if (
      errors.length > before ||
      !b.success ||
      !id.ok ||
      !programmeCode ||
      !bankId ||
      !method ||
      !amount.success
    )
      continue;

    const existing = existingLoans.get(contractNo);
    if (existing) {
      if (existing.idNumber !== id.idNumber || !existing.countyCode.startsWith(prefix.slice(0, 6)))
        err(LOAN_SHEET, row, header("contractNo"), "该合同号已被其他贷款使用");
      else {
        existingLoanCount++;
        existingContracts.add(contractNo);
      }
      continue;
    }
    const policy = resolvePolicy(policies, {
      programmeCode,
      regionCode: v.villageCode!,
      date: v.disbursedDate!,
    });
    if (!policy) {
      err(LOAN_SHEET, row, header("programme"), `${v.disbursedDate} 本县没有生效的该项目政策`);
      continue;
    }
    const amountFen = yuanToFen(amount.data);
    let lprs: { oneYearBp: number; fiveYearBp: number };
    try {
      lprs = {
        oneYearBp: lprOn(lpr, v.disbursedDate!, "ONE_YEAR"),
        fiveYearBp: lprOn(lpr, v.disbursedDate!, "FIVE_YEAR"),
      };
    } catch {
      err(LOAN_SHEET, row, header("disbursedDate"), "该日期没有已公布的LPR，请管理员先录入");
      continue;
    }
    const cap = contractRateCapBp(
      { rateRule: policy.rateRule, rateCapSpreadBp: policy.rateCapSpreadBp },
      lprs,
      termMonths,
    );
    // One eligibility rule for the form, the import and the seed (the file is history: no open-loan check).
    const problems = loanEligibility({
      rules: eligibilityRules(policy),
      on: v.disbursedDate!,
      borrower: { sex: id.sex, birthDate: id.birthDate },
      amountFen,
      termMonths,
      contractRateBp: rate,
      rateCapBp: cap,
    });
    for (const [field, messages] of Object.entries(eligibilityErrors(problems, policy.name)))
      for (const m of messages) err(LOAN_SHEET, row, header(ELIGIBILITY_COLUMN[field] ?? "idNumber"), m);
    if (errors.length > before) continue;
    loans.push({
      row,
      idNumber: id.idNumber,
      borrower: {
        name: b.data.name,
        phone: b.data.phone,
        villageCode: b.data.villageCode,
        householdType: b.data.householdType,
        industry: b.data.industry,
        sex: id.sex,
        birthDate: id.birthDate,
      },
      programmeCode,
      bankId,
      contractNo,
      amountFen,
      termMonths,
      method,
      contractRateBp: rate,
      borrowerRateBp: borrowerRateBp(
        { subsidyMode: policy.subsidyMode, borrowerSpreadBp: policy.borrowerSpreadBp },
        lprs.oneYearBp,
        rate,
      ),
      disbursedDate: v.disbursedDate!,
      purpose: v.purpose!,
      policy: {
        id: policy.id,
        programmeId: policy.programmeId,
        dayCountBasis: policy.dayCountBasis,
        settlement: policy.settlement,
      },
      repayments: [],
    });
  }

  // Historical repayments, matched to the file's loans by contract number.
  const byContract = new Map(loans.map((l) => [l.contractNo, l]));
  let existingRepayments = 0;
  const rh = (key: string) => REPAYMENT_COLUMNS.find(([k]) => k === key)![1];
  const ordinal = new Map<string, number>();
  const keys: string[] = [];
  const pendingExisting: { row: number; key: string }[] = [];
  for (const { row, values: v, bad } of repRows) {
    if (bad) {
      for (const [key, kind] of Object.entries(bad)) err(REPAYMENT_SHEET, row, rh(key), BAD_CELL[kind]);
      continue;
    }
    const loan = byContract.get(v.contractNo ?? "");
    const date = isoDate.safeParse(v.valueDate);
    const p = money.safeParse(v.principal || "0");
    const i = money.safeParse(v.interest || "0");
    // A repayment of a loan row that has its own errors is not reported again (the loan row explains it).
    if (!loan && !existingContracts.has(v.contractNo ?? "") && !seenContracts.has(v.contractNo ?? ""))
      err(REPAYMENT_SHEET, row, rh("contractNo"), "在“借款人与贷款”表中找不到该合同号");
    if (!date.success) err(REPAYMENT_SHEET, row, rh("valueDate"), date.error.issues[0]!.message);
    if (!p.success) err(REPAYMENT_SHEET, row, rh("principal"), p.error.issues[0]!.message);
    if (!i.success) err(REPAYMENT_SHEET, row, rh("interest"), i.error.issues[0]!.message);
    if (!date.success || !p.success || !i.success) continue;
    if (yuanToFen(p.data) === 0 && yuanToFen(i.data) === 0) {
      err(REPAYMENT_SHEET, row, rh("principal"), "本金和利息不能都为 0");
      continue;
    }
    const base = `${v.contractNo}|${date.data}|${p.data}|${i.data}`;
    const n = (ordinal.get(base) ?? 0) + 1;
    ordinal.set(base, n);
    const key = `imp-${createHash("sha256").update(`${prefix}|${base}|${n}`).digest("hex").slice(0, 40)}`;
    keys.push(key);
    if (!loan) {
      // A repayment of a loan imported before: recognised by its key, or refused below.
      if (existingContracts.has(v.contractNo ?? "")) pendingExisting.push({ row, key });
      continue;
    }
    if (date.data < loan.disbursedDate || date.data > today)
      err(REPAYMENT_SHEET, row, rh("valueDate"), "还款日期须在放款日期与今天之间");
    loan.repayments.push({
      row,
      valueDate: date.data,
      principalFen: yuanToFen(p.data),
      interestFen: yuanToFen(i.data),
      key,
    });
  }
  const existingKeys = new Set(
    (
      await pool.query<{ k: string }>({
        text: `SELECT "idempotencyKey" AS k FROM "RepaymentEntry" WHERE "idempotencyKey" = ANY($1::text[])`,
        values: [keys],
      })
    ).rows.map((e) => e.k),
  );
  for (const r of pendingExisting) {
    if (existingKeys.has(r.key)) existingRepayments++;
    else err(REPAYMENT_SHEET, r.row, rh("contractNo"), "该合同已导入过，新的还款请在系统中录入");
  }
  for (const l of loans) {
    l.repayments.sort((a, b) =>
      a.valueDate < b.valueDate ? -1 : a.valueDate > b.valueDate ? 1 : a.row - b.row,
    );
    const repaid = l.repayments.reduce((s, r) => s + r.principalFen, 0);
    if (repaid > l.amountFen)
      err(
        REPAYMENT_SHEET,
        l.repayments.at(-1)!.row,
        rh("principal"),
        `合同 ${l.contractNo} 的还款本金合计超过贷款金额`,
      );
  }
  errors.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : a.sheet === LOAN_SHEET ? -1 : 1));
  const newBorrowers = new Set(loans.map((l) => l.idNumber).filter((id) => !existingBorrowers.has(id)));
  return {
    preview: {
      fileHash,
      errors,
      rows: loanRows.length + repRows.length,
      borrowers: {
        new: newBorrowers.size,
        existing: new Set(loans.map((l) => l.idNumber).filter((id) => existingBorrowers.has(id))).size,
      },
      loans: { new: loans.length, existing: existingLoanCount },
      repayments: { new: loans.reduce((s, l) => s + l.repayments.length, 0), existing: existingRepayments },
    },
    loans,
    existingBorrowers,
    registeredElsewhere,
  };
}

/** Validates a file and reports what would be written, row by row; writes nothing. */
export async function previewImport(
  actor: Actor,
  file: Buffer,
  today: IsoDate = todayShanghai(),
): Promise<ImportPreview> {
  await requirePermission(actor, "loan.write", { action: "import.preview", entity: "Import" });
  const { preview } = await plan(actor, file, today);
  await writeAudit(db, {
    action: "import.preview",
    entity: "Import",
    entityId: preview.fileHash.slice(0, 16),
    countyCode: actor.regionCode.length >= 6 ? actor.regionCode.slice(0, 6) : null,
    after: summary(preview),
    outcome: "OK",
    ...actorFields(actor),
  });
  return preview;
}

/** What an audit event records of a preview: the file and the counts, no ID numbers. */
function summary(p: ImportPreview) {
  return {
    fileHash: p.fileHash,
    rows: p.rows,
    errors: p.errors.length,
    borrowers: p.borrowers,
    loans: p.loans,
    repayments: p.repayments,
  };
}

/**
 * Writes a clean file in one transaction (all or nothing). The file is validated again here; a file with
 * any error writes nothing. Rows go in with COPY on one pg connection (src/server/copy.ts): borrowers, loans
 * (their schedules and journal replays are built as the loans stream out), instalments, repayments, then the
 * audit event. Ids are reserved from the sequences first, so children are written without a round trip.
 * The unique keys (ID number, application number derived from the contract, repayment keys) stop a
 * concurrent import of the same rows. `onProgress` reports loans written (with their schedules and journals).
 */
export async function commitImport(
  actor: Actor,
  file: Buffer,
  today: IsoDate = todayShanghai(),
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportPreview> {
  await requirePermission(actor, "loan.write", { action: "import.commit", entity: "Import" });
  const p = await plan(actor, file, today);
  const audit = { action: "import.commit", entity: "Import", entityId: p.preview.fileHash.slice(0, 16) };
  const countyOfActor = actor.regionCode.length >= 6 ? actor.regionCode.slice(0, 6) : null;
  if (p.preview.errors.length) {
    await writeAudit(db, {
      ...audit,
      countyCode: countyOfActor,
      after: summary(p.preview),
      outcome: "FAILED",
      message: "file has errors",
      ...actorFields(actor),
    });
    throw invalid({ file: [`文件有 ${p.preview.errors.length} 处错误，未导入任何数据；请改正后重新上传`] });
  }
  if (p.registeredElsewhere.length) {
    // As registering one borrower does: one ID number registered elsewhere is named, no more, and not which
    // region. The row is drawn at random so that the answer says nothing of the other rows (a first or
    // lowest row would tell that those before it are free). The refusal is audited with every such row.
    const named = p.registeredElsewhere[randomInt(p.registeredElsewhere.length)]!;
    await writeAudit(db, {
      ...audit,
      countyCode: countyOfActor,
      after: {
        ...summary(p.preview),
        registeredElsewhere: p.registeredElsewhere.map((r) => ({
          row: r.row,
          idNumber: maskIdNumber(r.idNumber),
        })),
        named: named.row,
      },
      outcome: "DENIED",
      message: `${p.registeredElsewhere.length} ID numbers registered in other regions`,
      ...actorFields(actor),
    });
    throw invalid({
      file: [`第 ${named.row} 行：该身份证号码已在其他地区登记，每人只能登记一次。未导入任何数据`],
    });
  }
  const countyCode = countyOf(p.loans[0]?.borrower.villageCode ?? actor.regionCode);
  const now = new Date().toISOString();
  const seen = new Set<string>();
  const fresh = p.loans.filter(
    (l) => !p.existingBorrowers.has(l.idNumber) && !seen.has(l.idNumber) && seen.add(l.idNumber),
  );

  const client = await streamPool().connect();
  try {
    await client.query("BEGIN");
    const borrowerIds = new Map(p.existingBorrowers);
    const newIds = await reserveIds(client, "Borrower", fresh.length);
    fresh.forEach((l, i) => borrowerIds.set(l.idNumber, newIds[i]!));
    await copyRows(
      client,
      "Borrower",
      [
        "id",
        "countyCode",
        "villageCode",
        "name",
        "idNumber",
        "sex",
        "birthDate",
        "phone",
        "householdType",
        "industry",
        "createdById",
        "updatedAt",
      ],
      fresh.map((l, i) => [
        newIds[i]!,
        countyOf(l.borrower.villageCode),
        l.borrower.villageCode,
        l.borrower.name,
        l.idNumber,
        l.borrower.sex,
        l.borrower.birthDate,
        l.borrower.phone,
        l.borrower.householdType,
        l.borrower.industry,
        actor.id,
        now,
      ]),
    );
    onProgress(0, p.loans.length);

    const loanIds = await reserveIds(client, "Loan", p.loans.length);
    const loanColumns = [
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
      "updatedAt",
    ];
    // COPY lines of loans k0…k1 with their schedules (replayed against the file's repayments) and journal
    // entries. Built in slices that hand the event loop back, so the previous part's COPY keeps PostgreSQL
    // busy while Node builds the next part (2 cores: one builds, one indexes).
    async function build(k0: number, k1: number) {
      const part = { loans: [] as string[], instalments: [] as string[], repayments: [] as string[] };
      for (let k = k0; k < k1; k++) {
        if ((k - k0) % 250 === 249) await new Promise((r) => setImmediate(r));
        const l = p.loans[k]!;
        const id = loanIds[k]!;
        const cc = countyOf(l.borrower.villageCode);
        const schedule = buildSchedule({
          principalFen: l.amountFen,
          rateBp: l.contractRateBp,
          startDate: l.disbursedDate,
          termMonths: l.termMonths,
          method: l.method,
          basis: l.policy.dayCountBasis,
          annualSettlement: l.policy.settlement === "ANNUAL_DEC_20TH",
        });
        const entries: JournalEntry[] = l.repayments.map((r, i) => ({
          id: i + 1,
          kind: "REPAYMENT",
          valueDate: r.valueDate,
          principalFen: r.principalFen,
          interestFen: r.interestFen,
        }));
        const state = replayJournal(
          schedule.map((x) => ({
            seq: x.seq,
            dueDate: x.dueDate,
            principalDueFen: x.principalFen,
            interestDueFen: x.interestFen,
          })),
          entries,
        );
        const closed = state.principalRepaidFen === l.amountFen && state.instalments.every((i) => i.paidDate);
        for (const s of state.instalments)
          part.instalments.push(
            copyLine([
              id,
              cc,
              s.seq,
              s.dueDate,
              fenToYuan(s.principalDueFen),
              fenToYuan(s.interestDueFen),
              fenToYuan(s.principalPaidFen),
              fenToYuan(s.interestPaidFen),
              s.paidDate,
            ]),
          );
        for (const r of l.repayments)
          part.repayments.push(
            copyLine([
              id,
              cc,
              "REPAYMENT",
              r.valueDate,
              fenToYuan(r.principalFen),
              fenToYuan(r.interestFen),
              r.key,
              "IMPORT",
              actor.id,
            ]),
          );
        const amount = fenToYuan(l.amountFen);
        const applicationNo = `DR${cc}${createHash("sha256").update(`${cc}|${l.contractNo}`).digest("hex").slice(0, 16).toUpperCase()}`;
        part.loans.push(
          copyLine([
            id,
            cc,
            l.borrower.villageCode,
            borrowerIds.get(l.idNumber)!,
            l.policy.programmeId,
            l.policy.id,
            l.bankId,
            applicationNo,
            l.contractNo,
            amount,
            amount,
            l.termMonths,
            l.method,
            l.purpose,
            l.borrower.industry,
            l.programmeCode === "POVERTY" ? "NONE" : "GUARANTEE_FUND",
            l.contractRateBp,
            l.borrowerRateBp,
            closed ? "CLOSED" : "REPAYING",
            l.disbursedDate,
            now,
            l.disbursedDate,
            schedule.at(-1)!.dueDate,
            closed ? state.instalments.at(-1)!.paidDate! : null,
            fenToYuan(state.principalRepaidFen),
            fenToYuan(state.interestRepaidFen),
            actor.id,
            actor.id,
            actor.id,
            now,
          ]),
        );
      }
      return part;
    }
    const PART = 5_000;
    const n = p.loans.length;
    let next = build(0, Math.min(PART, n));
    for (let k0 = 0; k0 < n; k0 += PART) {
      const part = await next;
      if (k0 + PART < n) {
        next = build(k0 + PART, Math.min(k0 + 2 * PART, n));
        next.catch(() => {}); // awaited in the next round; a failed COPY must not leave it unhandled
      }
      await copyRows(client, "Loan", loanColumns, part.loans);
      await copyRows(
        client,
        "Instalment",
        [
          "loanId",
          "countyCode",
          "seq",
          "dueDate",
          "principalDue",
          "interestDue",
          "principalPaid",
          "interestPaid",
          "paidDate",
        ],
        part.instalments,
      );
      await copyRows(
        client,
        "RepaymentEntry",
        [
          "loanId",
          "countyCode",
          "kind",
          "valueDate",
          "principal",
          "interest",
          "idempotencyKey",
          "source",
          "createdById",
        ],
        part.repayments,
      );
      onProgress(k0 + part.loans.length, n);
    }
    await writeAuditSql(client, {
      action: "import.commit",
      entity: "Import",
      entityId: p.preview.fileHash.slice(0, 16),
      countyCode,
      after: { borrowers: p.preview.borrowers, loans: p.preview.loans, repayments: p.preview.repayments },
      outcome: "OK",
      ...actorFields(actor),
    });
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    if (e instanceof Error && "code" in e && e.code === "23505")
      throw conflict("同一批数据正在由其他人导入或刚刚导入，本次未导入任何数据；请重新上传预览");
    throw e;
  } finally {
    client.release();
  }
  return p.preview;
}
