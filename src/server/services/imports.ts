import "server-only";
import { createHash } from "node:crypto";
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
  REPAYMENT_METHODS,
  replayJournal,
  resolvePolicy,
  scopeFilter,
  yuanToFen,
  type IsoDate,
  type JournalEntry,
} from "@/domain";
import { db } from "../db";
import { requirePermission, type Actor } from "../authz";
import { actorFields, writeAudit } from "../audit";
import { bulkInsert } from "../bulk";
import { invalid } from "../errors";
import { todayShanghai } from "../money";
import { borrowerInput, checkIdNumber, type HOUSEHOLD_TYPES } from "./borrowers";
import { loadLpr, loadPolicies } from "./policies";

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

const HOUSEHOLD_LABELS: Record<(typeof HOUSEHOLD_TYPES)[number], string> = { POVERTY_ALLEVIATED: "脱贫户", MONITORED: "监测户", GENERAL: "一般农户" };
const PROGRAMME_LABELS = { WOMEN: "妇女创业担保贷款", POVERTY: "脱贫人口小额信贷" } as const;
const reverse = <K extends string>(m: Record<K, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K>;

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
    db.region.findMany({ where: { level: "VILLAGE", code: { startsWith: prefix } }, orderBy: { code: "asc" }, select: { code: true, name: true } }),
    db.bank.findMany({ orderBy: { id: "asc" } }),
  ]);
  const wb = new ExcelJS.Workbook();
  const loans = wb.addWorksheet(LOAN_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  loans.columns = LOAN_COLUMNS.map(([key, header]) => ({ header, key, width: Math.max(12, header.length * 2 + 4) }));
  const v = villages[0]?.code ?? "620123101201";
  loans.addRow({ name: "王秀英", idNumber: "620123199001010023", phone: "13912345678", villageCode: v, householdType: "一般农户", industry: "肉牛养殖", programme: PROGRAMME_LABELS.WOMEN, bank: banks[0]?.name ?? "", contractNo: "HT2025-0001", amount: "50000.00", termMonths: 24, method: METHOD_LABELS.INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY, ratePercent: "4.50", disbursedDate: "2025-03-10", purpose: "扩大养殖规模" });
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
      loans.getCell(`${col}${r}`).dataValidation = { type: "list", allowBlank: true, formulae: [formula], showErrorMessage: true, errorTitle: "请从列表中选择", error: "请从下拉列表中选择" };
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

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("text" in v && typeof v.text === "string") return v.text.trim();
    if ("result" in v) return cellText(v.result as ExcelJS.CellValue);
    if ("richText" in v) return v.richText.map((t) => t.text).join("").trim();
    return "";
  }
  return String(v).trim();
}

function readSheet(wb: ExcelJS.Workbook, name: string, columns: readonly (readonly [string, string])[]): { row: number; values: Record<string, string> }[] {
  const sheet = wb.getWorksheet(name);
  if (!sheet) return [];
  const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map(cellText);
  const index = columns.map(([key, label]) => [key, header.indexOf(label)] as const);
  const out: { row: number; values: Record<string, string> }[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = Object.fromEntries(index.map(([key, i]) => [key, i > 0 ? cellText(row.getCell(i).value) : ""]));
    if (Object.values(values).every((x) => x === "")) return;
    out.push({ row: n, values });
  });
  return out;
}

const money = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, "金额格式不正确（元，最多两位小数）");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 2025-03-10");

interface PlannedLoan {
  row: number;
  idNumber: string;
  borrower: { name: string; phone: string; villageCode: string; householdType: (typeof HOUSEHOLD_TYPES)[number]; industry: string; sex: string; birthDate: IsoDate };
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
}

/** Reads and validates a file; writes nothing. */
async function plan(actor: Actor, file: Buffer, today: IsoDate): Promise<Plan> {
  const fileHash = createHash("sha256").update(file).digest("hex");
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as never);
  } catch {
    throw invalid({ file: ["无法读取该文件，请上传由模板填写的 .xlsx 文件"] });
  }
  if (!wb.getWorksheet(LOAN_SHEET)) throw invalid({ file: [`文件中没有“${LOAN_SHEET}”工作表，请使用下载的模板`] });
  const loanRows = readSheet(wb, LOAN_SHEET, LOAN_COLUMNS);
  const repRows = readSheet(wb, REPAYMENT_SHEET, REPAYMENT_COLUMNS);
  if (loanRows.length > 100_000) throw invalid({ file: ["一次最多导入 100,000 行，请分批导入"] });

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
  const err = (sheet: string, row: number, column: string, message: string) => errors.push({ sheet, row, column, message });
  const header = (key: string) => LOAN_COLUMNS.find(([k]) => k === key)![1];

  // Existing records (natural keys): borrowers by ID number, loans by contract number.
  const idNumbers = [...new Set(loanRows.map((r) => r.values.idNumber!.toUpperCase()))];
  const contractNos = [...new Set(loanRows.map((r) => r.values.contractNo!))];
  const [existingB, existingL] = await Promise.all([
    db.borrower.findMany({ where: { idNumber: { in: idNumbers } }, select: { id: true, idNumber: true, countyCode: true } }),
    db.loan.findMany({ where: { contractNo: { in: contractNos } }, select: { id: true, contractNo: true, countyCode: true, borrower: { select: { idNumber: true } } } }),
  ]);
  const existingBorrowers = new Map(existingB.map((b) => [b.idNumber, b.id]));
  const existingByIdNumber = new Map(existingB.map((b) => [b.idNumber, b]));
  const existingLoans = new Map(existingL.map((l) => [l.contractNo!, l]));

  const loans: PlannedLoan[] = [];
  const seenContracts = new Map<string, number>();
  let existingLoanCount = 0;
  const existingContracts = new Set<string>();
  for (const { row, values: v } of loanRows) {
    const before = errors.length;
    const b = borrowerInput.safeParse({ name: v.name, idNumber: v.idNumber, phone: v.phone, villageCode: v.villageCode, householdType: householdOf[v.householdType!] ?? "", industry: v.industry, creditRated: false });
    if (!b.success) for (const issue of b.error.issues) err(LOAN_SHEET, row, header(String(issue.path[0] ?? "name")), issue.message);
    const id = checkIdNumber(v.idNumber ?? "", v.disbursedDate && /^\d{4}-\d{2}-\d{2}$/.test(v.disbursedDate) ? v.disbursedDate : today);
    if (!id.ok) err(LOAN_SHEET, row, header("idNumber"), id.message);
    if (v.villageCode && !villageSet.has(v.villageCode)) err(LOAN_SHEET, row, header("villageCode"), "不是您管辖范围内的村代码");
    let other = id.ok ? existingByIdNumber.get(id.idNumber) : undefined;
    if (other && other.countyCode.startsWith(prefix.slice(0, 6))) other = undefined;
    if (other) err(LOAN_SHEET, row, header("idNumber"), "该身份证号码已在其他地区登记，每人只能登记一次");
    const programmeCode = programmeOf[v.programme!];
    if (!programmeCode) err(LOAN_SHEET, row, header("programme"), "请从列表选择项目");
    const bankId = bankByName.get(v.bank!);
    if (!bankId) err(LOAN_SHEET, row, header("bank"), "请从列表选择贷款银行");
    const contractNo = v.contractNo ?? "";
    if (contractNo.length < 4 || contractNo.length > 64) err(LOAN_SHEET, row, header("contractNo"), "请填写借款合同号（4–64个字符）");
    else if (seenContracts.has(contractNo)) err(LOAN_SHEET, row, header("contractNo"), `合同号与第 ${seenContracts.get(contractNo)} 行重复`);
    seenContracts.set(contractNo, row);
    const amount = money.safeParse(v.amount);
    if (!amount.success) err(LOAN_SHEET, row, header("amount"), amount.error.issues[0]!.message);
    const termMonths = Number(v.termMonths);
    if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > 60) err(LOAN_SHEET, row, header("termMonths"), "期限须为1–60的整月数");
    const method = methodOf[v.method!];
    if (!method) err(LOAN_SHEET, row, header("method"), "请从列表选择还款方式");
    const rate = /^\d{1,2}(\.\d{1,2})?$/.test(v.ratePercent ?? "") ? Math.round(Number(v.ratePercent) * 100) : NaN;
    if (!Number.isInteger(rate) || rate <= 0) err(LOAN_SHEET, row, header("ratePercent"), "利率填写百分数，如 4.50");
    const date = isoDate.safeParse(v.disbursedDate);
    if (!date.success) err(LOAN_SHEET, row, header("disbursedDate"), date.error.issues[0]!.message);
    else if (v.disbursedDate! > today) err(LOAN_SHEET, row, header("disbursedDate"), "放款日期不能晚于今天");
    if ((v.purpose ?? "").length < 2 || (v.purpose ?? "").length > 128) err(LOAN_SHEET, row, header("purpose"), "请填写贷款用途（2–128个字）");
    if (errors.length > before || !b.success || !id.ok || !programmeCode || !bankId || !method || !amount.success) continue;

    const existing = existingLoans.get(contractNo);
    if (existing) {
      if (existing.borrower.idNumber !== id.idNumber || !existing.countyCode.startsWith(prefix.slice(0, 6))) err(LOAN_SHEET, row, header("contractNo"), "该合同号已被其他贷款使用");
      else {
        existingLoanCount++;
        existingContracts.add(contractNo);
      }
      continue;
    }
    const policy = resolvePolicy(policies, { programmeCode, regionCode: v.villageCode!, date: v.disbursedDate! });
    if (!policy) {
      err(LOAN_SHEET, row, header("programme"), `${v.disbursedDate} 本县没有生效的该项目政策`);
      continue;
    }
    const amountFen = yuanToFen(amount.data);
    if (amountFen <= 0 || amountFen > yuanToFen(String(policy.maxPrincipal))) err(LOAN_SHEET, row, header("amount"), `须大于0且不超过政策额度上限 ${String(policy.maxPrincipal)} 元（${policy.name}）`);
    if (termMonths > policy.maxTermMonths) err(LOAN_SHEET, row, header("termMonths"), `期限超过政策上限 ${policy.maxTermMonths} 个月`);
    let lprs: { oneYearBp: number; fiveYearBp: number };
    try {
      lprs = { oneYearBp: lprOn(lpr, v.disbursedDate!, "ONE_YEAR"), fiveYearBp: lprOn(lpr, v.disbursedDate!, "FIVE_YEAR") };
    } catch {
      err(LOAN_SHEET, row, header("disbursedDate"), "该日期没有已公布的LPR，请管理员先录入");
      continue;
    }
    const cap = contractRateCapBp({ rateRule: policy.rateRule, rateCapSpreadBp: policy.rateCapSpreadBp }, lprs, termMonths);
    if (rate > cap) err(LOAN_SHEET, row, header("ratePercent"), `合同利率超过政策上限 ${(cap / 100).toFixed(2)}%`);
    if (errors.length > before) continue;
    loans.push({
      row,
      idNumber: id.idNumber,
      borrower: { name: b.data.name, phone: b.data.phone, villageCode: b.data.villageCode, householdType: b.data.householdType, industry: b.data.industry, sex: id.sex, birthDate: id.birthDate },
      programmeCode,
      bankId,
      contractNo,
      amountFen,
      termMonths,
      method,
      contractRateBp: rate,
      borrowerRateBp: borrowerRateBp({ subsidyMode: policy.subsidyMode, borrowerSpreadBp: policy.borrowerSpreadBp }, lprs.oneYearBp, rate),
      disbursedDate: v.disbursedDate!,
      purpose: v.purpose!,
      policy: { id: policy.id, programmeId: policy.programmeId, dayCountBasis: policy.dayCountBasis, settlement: policy.settlement },
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
  for (const { row, values: v } of repRows) {
    const loan = byContract.get(v.contractNo ?? "");
    const date = isoDate.safeParse(v.valueDate);
    const p = money.safeParse(v.principal || "0");
    const i = money.safeParse(v.interest || "0");
    // A repayment of a loan row that has its own errors is not reported again (the loan row explains it).
    if (!loan && !existingContracts.has(v.contractNo ?? "") && !seenContracts.has(v.contractNo ?? "")) err(REPAYMENT_SHEET, row, rh("contractNo"), "在“借款人与贷款”表中找不到该合同号");
    if (!date.success) err(REPAYMENT_SHEET, row, rh("valueDate"), date.error.issues[0]!.message);
    if (!p.success) err(REPAYMENT_SHEET, row, rh("principal"), p.error.issues[0]!.message);
    if (!i.success) err(REPAYMENT_SHEET, row, rh("interest"), i.error.issues[0]!.message);
    if (!date.success || !p.success || !i.success) continue;
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
    if (date.data < loan.disbursedDate || date.data > today) err(REPAYMENT_SHEET, row, rh("valueDate"), "还款日期须在放款日期与今天之间");
    loan.repayments.push({ row, valueDate: date.data, principalFen: yuanToFen(p.data), interestFen: yuanToFen(i.data), key });
  }
  const existingKeys = new Set((await db.repaymentEntry.findMany({ where: { idempotencyKey: { in: keys } }, select: { idempotencyKey: true } })).map((e) => e.idempotencyKey));
  for (const r of pendingExisting) {
    if (existingKeys.has(r.key)) existingRepayments++;
    else err(REPAYMENT_SHEET, r.row, rh("contractNo"), "该合同已导入过，新的还款请在系统中录入");
  }
  for (const l of loans) {
    l.repayments.sort((a, b) => (a.valueDate < b.valueDate ? -1 : a.valueDate > b.valueDate ? 1 : a.row - b.row));
    const repaid = l.repayments.reduce((s, r) => s + r.principalFen, 0);
    if (repaid > l.amountFen) err(REPAYMENT_SHEET, l.repayments.at(-1)!.row, rh("principal"), `合同 ${l.contractNo} 的还款本金合计超过贷款金额`);
  }
  errors.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : a.sheet === LOAN_SHEET ? -1 : 1));
  const newBorrowers = new Set(loans.map((l) => l.idNumber).filter((id) => !existingBorrowers.has(id)));
  return {
    preview: {
      fileHash,
      errors,
      rows: loanRows.length + repRows.length,
      borrowers: { new: newBorrowers.size, existing: new Set(loans.map((l) => l.idNumber).filter((id) => existingBorrowers.has(id))).size },
      loans: { new: loans.length, existing: existingLoanCount },
      repayments: { new: loans.reduce((s, l) => s + l.repayments.length, 0), existing: existingRepayments },
    },
    loans,
    existingBorrowers,
  };
}

/** Validates a file and reports what would be written, row by row; writes nothing. */
export async function previewImport(actor: Actor, file: Buffer, today: IsoDate = todayShanghai()): Promise<ImportPreview> {
  await requirePermission(actor, "loan.write", { action: "import.preview", entity: "Import" });
  return (await plan(actor, file, today)).preview;
}

/**
 * Writes a clean file in one transaction (all or nothing). The file is validated again here; a file with
 * any error writes nothing. `onProgress` reports loans written.
 */
export async function commitImport(actor: Actor, file: Buffer, today: IsoDate = todayShanghai(), onProgress: (done: number, total: number) => void = () => {}): Promise<ImportPreview> {
  await requirePermission(actor, "loan.write", { action: "import.commit", entity: "Import" });
  const p = await plan(actor, file, today);
  if (p.preview.errors.length) throw invalid({ file: [`文件有 ${p.preview.errors.length} 处错误，未导入任何数据；请改正后重新上传`] });
  const countyCode = countyOf(p.loans[0]?.borrower.villageCode ?? actor.regionCode);
  await db.$transaction(
    async (tx) => {
      const borrowerIds = new Map(p.existingBorrowers);
      const now = new Date().toISOString();
      const seen = new Set<string>();
      const fresh = p.loans.filter((l) => !borrowerIds.has(l.idNumber) && !seen.has(l.idNumber) && seen.add(l.idNumber));
      if (fresh.length) {
        type L = (typeof fresh)[number];
        const created = await bulkInsert<L, { id: number; idNumber: string }>(
          tx,
          "Borrower",
          [
            { name: "countyCode", type: "text", value: (l) => countyOf(l.borrower.villageCode) },
            { name: "villageCode", type: "text", value: (l) => l.borrower.villageCode },
            { name: "name", type: "text", value: (l) => l.borrower.name },
            { name: "idNumber", type: "text", value: (l) => l.idNumber },
            { name: "sex", type: "text", value: (l) => l.borrower.sex },
            { name: "birthDate", type: "date", value: (l) => l.borrower.birthDate },
            { name: "phone", type: "text", value: (l) => l.borrower.phone },
            { name: "householdType", type: '"HouseholdType"', value: (l) => l.borrower.householdType },
            { name: "industry", type: "text", value: (l) => l.borrower.industry },
            { name: "createdById", type: "int", value: () => actor.id },
            { name: "updatedAt", type: "timestamptz", value: () => now },
          ],
          fresh,
          `id, "idNumber"`,
        );
        for (const b of created) borrowerIds.set(b.idNumber, b.id);
      }
      // Loans, then their schedules and journals, in bulk statements (chunks within the one transaction).
      const prepared = p.loans.map((l) => {
        const schedule = buildSchedule({ principalFen: l.amountFen, rateBp: l.contractRateBp, startDate: l.disbursedDate, termMonths: l.termMonths, method: l.method, basis: l.policy.dayCountBasis, annualSettlement: l.policy.settlement === "ANNUAL_DEC_20TH" });
        const entries: JournalEntry[] = l.repayments.map((r, i) => ({ id: i + 1, kind: "REPAYMENT", valueDate: r.valueDate, principalFen: r.principalFen, interestFen: r.interestFen }));
        const state = replayJournal(schedule.map((s) => ({ seq: s.seq, dueDate: s.dueDate, principalDueFen: s.principalFen, interestDueFen: s.interestFen })), entries);
        const closed = state.principalRepaidFen === l.amountFen && state.instalments.every((i) => i.paidDate);
        return { l, schedule, state, closed, cc: countyOf(l.borrower.villageCode) };
      });
      const CHUNK = 10_000;
      let done = 0;
      for (let i = 0; i < prepared.length; i += CHUNK) {
        const part = prepared.slice(i, i + CHUNK);
        type P = (typeof part)[number];
        const created = await bulkInsert<P, { id: number; contractNo: string | null }>(
          tx,
          "Loan",
          [
            { name: "countyCode", type: "text", value: (x) => x.cc },
            { name: "villageCode", type: "text", value: (x) => x.l.borrower.villageCode },
            { name: "borrowerId", type: "int", value: (x) => borrowerIds.get(x.l.idNumber)! },
            { name: "programmeId", type: "int", value: (x) => x.l.policy.programmeId },
            { name: "policyVersionId", type: "int", value: (x) => x.l.policy.id },
            { name: "bankId", type: "int", value: (x) => x.l.bankId },
            { name: "applicationNo", type: "text", value: (x) => `DR${x.cc}${createHash("sha256").update(`${x.cc}|${x.l.contractNo}`).digest("hex").slice(0, 16).toUpperCase()}` },
            { name: "contractNo", type: "text", value: (x) => x.l.contractNo },
            { name: "requestedPrincipal", type: "numeric", value: (x) => fenToYuan(x.l.amountFen) },
            { name: "principal", type: "numeric", value: (x) => fenToYuan(x.l.amountFen) },
            { name: "termMonths", type: "int", value: (x) => x.l.termMonths },
            { name: "method", type: '"RepaymentMethod"', value: (x) => x.l.method },
            { name: "purpose", type: "text", value: (x) => x.l.purpose },
            { name: "industry", type: "text", value: (x) => x.l.borrower.industry },
            { name: "guaranteeType", type: '"GuaranteeType"', value: (x) => (x.l.programmeCode === "POVERTY" ? "NONE" : "GUARANTEE_FUND") },
            { name: "contractRateBp", type: "int", value: (x) => x.l.contractRateBp },
            { name: "borrowerRateBp", type: "int", value: (x) => x.l.borrowerRateBp },
            { name: "status", type: '"LoanStatus"', value: (x) => (x.closed ? "CLOSED" : "REPAYING") },
            { name: "applicationDate", type: "date", value: (x) => x.l.disbursedDate },
            { name: "decidedAt", type: "timestamptz", value: () => now },
            { name: "disbursedDate", type: "date", value: (x) => x.l.disbursedDate },
            { name: "maturityDate", type: "date", value: (x) => x.schedule.at(-1)!.dueDate },
            { name: "closedDate", type: "date", value: (x) => (x.closed ? x.state.instalments.at(-1)!.paidDate! : null) },
            { name: "principalRepaid", type: "numeric", value: (x) => fenToYuan(x.state.principalRepaidFen) },
            { name: "interestRepaid", type: "numeric", value: (x) => fenToYuan(x.state.interestRepaidFen) },
            { name: "makerId", type: "int", value: () => actor.id },
            { name: "approverId", type: "int", value: () => actor.id },
            { name: "disbursedById", type: "int", value: () => actor.id },
            { name: "updatedAt", type: "timestamptz", value: () => now },
          ],
          part,
          `id, "contractNo"`,
        );
        const idOf = new Map(created.map((c) => [c.contractNo!, c.id]));
        type I = { loanId: number; cc: string; s: (typeof part)[number]["state"]["instalments"][number] };
        await bulkInsert<I>(
          tx,
          "Instalment",
          [
            { name: "loanId", type: "int", value: (r) => r.loanId },
            { name: "countyCode", type: "text", value: (r) => r.cc },
            { name: "seq", type: "int", value: (r) => r.s.seq },
            { name: "dueDate", type: "date", value: (r) => r.s.dueDate },
            { name: "principalDue", type: "numeric", value: (r) => fenToYuan(r.s.principalDueFen) },
            { name: "interestDue", type: "numeric", value: (r) => fenToYuan(r.s.interestDueFen) },
            { name: "principalPaid", type: "numeric", value: (r) => fenToYuan(r.s.principalPaidFen) },
            { name: "interestPaid", type: "numeric", value: (r) => fenToYuan(r.s.interestPaidFen) },
            { name: "paidDate", type: "date", value: (r) => r.s.paidDate },
          ],
          part.flatMap(({ l, state, cc }) => state.instalments.map((s) => ({ loanId: idOf.get(l.contractNo)!, cc, s }))),
        );
        type J = { loanId: number; cc: string; r: PlannedLoan["repayments"][number] };
        await bulkInsert<J>(
          tx,
          "RepaymentEntry",
          [
            { name: "loanId", type: "int", value: (x) => x.loanId },
            { name: "countyCode", type: "text", value: (x) => x.cc },
            { name: "kind", type: '"JournalKind"', value: () => "REPAYMENT" },
            { name: "valueDate", type: "date", value: (x) => x.r.valueDate },
            { name: "principal", type: "numeric", value: (x) => fenToYuan(x.r.principalFen) },
            { name: "interest", type: "numeric", value: (x) => fenToYuan(x.r.interestFen) },
            { name: "idempotencyKey", type: "text", value: (x) => x.r.key },
            { name: "source", type: "text", value: () => "IMPORT" },
            { name: "createdById", type: "int", value: () => actor.id },
          ],
          part.flatMap(({ l, cc }) => l.repayments.map((r) => ({ loanId: idOf.get(l.contractNo)!, cc, r }))),
        );
        done += part.length;
        onProgress(done, p.loans.length);
      }
      await writeAudit(tx, { action: "import.commit", entity: "Import", entityId: p.preview.fileHash.slice(0, 16), countyCode, after: { borrowers: p.preview.borrowers, loans: p.preview.loans, repayments: p.preview.repayments }, outcome: "OK", ...actorFields(actor) });
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
  return p.preview;
}
