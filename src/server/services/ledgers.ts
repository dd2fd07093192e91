import "server-only";
import type pg from "pg";
import Cursor from "pg-cursor";
import { Prisma } from "@/generated/prisma/client";
import {
  addDays,
  AUDIT_MESSAGE_PATTERNS,
  formatDateTime,
  maskIdNumber,
  neutraliseCell,
  regionLevel,
  yuanToFen,
  type IsoDate,
  CLAIM_STATUS,
  FUND_KIND,
  LEVEL_LABELS,
} from "@/domain";
import zh from "../../../messages/zh-CN.json";
import { db } from "../db";
import { reportingPool } from "../read-db";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { actorFields, writeAudit } from "../audit";
import { invalid } from "../errors";
import { pacerFor, withHeavy } from "../heavy";
import { isoToDate } from "../db-values";
import { asOfCtes, regionGrouping } from "../read-models/figures";

/**
 * Ledgers (台账) for auditors and county staff: the loan ledger, the repayment journal, the subsidy claim
 * ledger, the risk-fund and reward ledgers, the banks' statement reconciliation records (and their rows) and
 * the audit log, for a region in scope and a period — on screen (keyset
 * pages) and exported (streamed from a database cursor, so memory stays flat whatever the size).
 */
/** "instant": a timestamptz, shown in Beijing time by formatDateTime (the header says 北京时间). */
export type ColumnType = "text" | "money" | "int" | "date" | "instant";
export interface Column {
  header: string;
  type: ColumnType;
  /** Stored code → label (status, kind, level). */
  labels?: Record<string, string>;
  /** An ID number shown masked (maskIdNumber). */
  mask?: boolean;
  /** Texts rewritten (the first pattern that matches; `to` uses $1, $2 as in String#replace). */
  rewrite?: { re: RegExp; to: string }[];
}

export interface LedgerDef {
  title: string;
  permission: "ledger.export" | "audit.read";
  columns: Column[];
  /** SQL returning one array per row (first value: the id used for keyset paging), ordered by id. */
  sql: (q: LedgerQuery, afterId: number, limit: number | null) => Prisma.Sql;
  /** Money columns summed into the totals row, named by their header (checked when the module loads): the
   *  totals row is always the plain sum of its column. */
  totals: { column: string; label: string }[];
  /** Labelled lines under the totals row, one per exclusion: the part of a total in the rows whose column
   *  `where.column` holds the stored code `where.code` (e.g. written-off loans), then the total without it. */
  parts?: { column: string; where: { column: string; code: string }; label: string; without: string }[];
  periodNote: string;
}

export interface LedgerQuery {
  region: string;
  from: IsoDate;
  to: IsoDate;
  /** The loan ledger only: loans with a balance at the end of the period (仅有余额的贷款). */
  outstanding?: boolean;
  /** A filtered list's filter (the loan list export): recorded with the export. */
  filter?: Record<string, string>;
}

const KIND: Record<string, string> = { REPAYMENT: "还款", REVERSAL: "冲正" };
const REWARD_ENTRY: Record<string, string> = { ALLOCATED: "批准分配", PAID: "拨付" };
const REWARD_LINE: Record<string, string> = {
  TOWNSHIP: "乡镇",
  VILLAGE: "村",
  BANK: "银行",
  LEADING_GROUP: "县领导小组",
};
const CODES = zh.codes;
/** Action code → words (messages "codes.actions", keyed with _ for .), with the ledgers' own read actions. */
const ACTION_LABELS: Record<string, string> = Object.fromEntries(
  Object.entries(CODES.actions).map(([k, v]) => [k.replaceAll("_", "."), v]),
);
/** The refusal messages of src/server/authz.ts in words (auditMessage's patterns, as SQL-compatible rules). */
const AUDIT_MESSAGE_RULES: { re: RegExp; to: string }[] = AUDIT_MESSAGE_PATTERNS.flatMap((p) => {
  const words = CODES.auditMessages[p.key];
  if (p.key !== "lacksPermission")
    return [{ re: p.re, to: p.names.reduce((w, n, i) => w.replace(`{${n}}`, `$${i + 1}`), words) }];
  return Object.entries(CODES.roles).map(([code, role]) => ({
    re: new RegExp(`^role ${code} lacks ([a-zA-Z.]+(?: or [a-zA-Z.]+)*)$`),
    to: words.replace("{role}", role).replace("{permission}", "$1"),
  }));
});
const OUTCOME: Record<string, string> = { OK: "成功", DENIED: "拒绝", FAILED: "失败" };
/** A bank statement row's category, unmatched reason and how the worklist settled it (messages "bankFiles"). */
const STATEMENT_CATEGORY: Record<string, string> = zh.bankFiles.category;
const STATEMENT_REASON: Record<string, string> = zh.bankFiles.reason;
const STATEMENT_RESOLUTION: Record<string, string> = CODES.statementResolution;
/** An instant as ISO 8601 UTC text; displayRow / displaySql show it in Beijing time. */
const ts = (col: string) => Prisma.raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
/** formatDateTime in SQL, for COPY ("2026/11/24 12:07:03"); tests/integration/ledgers.test.ts checks they agree. */
const instantSql = (x: string) =>
  `to_char((${x})::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY/FMMM/FMDD HH24:MI:SS')`;
export const BEIJING_TIME = "北京时间";
const page = (alias: string, afterId: number, limit: number | null) =>
  Prisma.sql`AND ${Prisma.raw(`${alias}.id`)} > ${afterId} ORDER BY ${Prisma.raw(`${alias}.id`)} ${limit === null ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`;

export const LEDGERS = {
  loans: {
    title: "贷款台账",
    permission: "ledger.export",
    periodNote: "期末（截止日）前放款的全部贷款，余额与逾期按截止日计算",
    columns: [
      { header: "序号", type: "int" },
      { header: "申请编号", type: "text" },
      { header: "合同号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "身份证号", type: "text", mask: true },
      { header: "村", type: "text" },
      { header: "贷款银行", type: "text" },
      { header: "放款日期", type: "date" },
      { header: "到期日期", type: "date" },
      { header: "贷款金额（元）", type: "money" },
      { header: "合同利率（%）", type: "text" },
      { header: "已还本金（元）", type: "money" },
      { header: "贷款余额（元）", type: "money" },
      { header: "状态", type: "text", labels: zh.status as Record<string, string> },
      { header: "逾期天数", type: "int" },
    ],
    totals: [
      { column: "贷款金额（元）", label: "贷款金额" },
      { column: "已还本金（元）", label: "已还本金" },
      { column: "贷款余额（元）", label: "贷款余额" },
    ],
    parts: [
      {
        column: "贷款余额（元）",
        where: { column: "状态", code: "WRITTEN_OFF" },
        label: "其中：已核销贷款",
        without: "贷款余额（不含已核销，即统计口径的贷款余额）",
      },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      const D = isoToDate(q.to);
      return Prisma.sql`
        WITH ${asOfCtes(g, D)}
        SELECT l.id, l."applicationNo", COALESCE(l."contractNo", ''), b.name, b."idNumber", COALESCE(r.name, l."villageCode"), bk.name,
               l."disbursedDate"::text, l."maturityDate"::text, l.principal::text, to_char(l."contractRateBp" / 100.0, 'FM990.00'),
               (l."principalRepaid" - COALESCE(la.p, 0))::text, (l.principal - l."principalRepaid" + COALESCE(la.p, 0))::text,
               l.status::text, COALESCE(${D}::date - lt.due, 0)
        FROM "Loan" l JOIN "Borrower" b ON b.id = l."borrowerId" JOIN "Bank" bk ON bk.id = l."bankId"
        LEFT JOIN "Region" r ON r.code = l."villageCode" LEFT JOIN later la ON la."loanId" = l.id LEFT JOIN late lt ON lt."loanId" = l.id
        WHERE ${g.village("l")} AND l."disbursedDate" IS NOT NULL AND l."disbursedDate" <= ${D}
          ${q.outstanding ? Prisma.sql`AND l.principal - l."principalRepaid" + COALESCE(la.p, 0) > 0` : Prisma.empty}
          ${page("l", afterId, limit)}`;
    },
  },
  journal: {
    title: "还款流水",
    permission: "ledger.export",
    periodNote: "起息日（还款日）在期间内的全部流水，含冲正",
    columns: [
      { header: "流水号", type: "int" },
      { header: "还款日期", type: "date" },
      { header: "申请编号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "类型", type: "text", labels: KIND },
      { header: "本金（元）", type: "money" },
      { header: "利息（元）", type: "money" },
      { header: "罚息（元）", type: "money" },
      { header: "冲正的流水号", type: "text" },
      { header: "说明", type: "text" },
      { header: "录入人", type: "text" },
      { header: `录入时间（${BEIJING_TIME}）`, type: "instant" },
    ],
    totals: [
      { column: "本金（元）", label: "本金" },
      { column: "利息（元）", label: "利息" },
      { column: "罚息（元）", label: "罚息" },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT e.id, e."valueDate"::text, l."applicationNo", b.name, e.kind::text, e.principal::text, e.interest::text, e.penalty::text,
               COALESCE(e."reversesId"::text, ''), COALESCE(e.reason, ''), COALESCE(u.username, ''), ${ts(`e."createdAt"`)}
        FROM "RepaymentEntry" e JOIN "Loan" l ON l.id = e."loanId" JOIN "Borrower" b ON b.id = l."borrowerId" LEFT JOIN "User" u ON u.id = e."createdById"
        WHERE ${g.county("e")} AND ${g.village("l")} AND e."valueDate" BETWEEN ${isoToDate(q.from)} AND ${isoToDate(q.to)} ${page("e", afterId, limit)}`;
    },
  },
  claims: {
    title: "贴息台账",
    permission: "ledger.export",
    periodNote: "结息期末在期间内的贴息申请及其明细",
    columns: [
      { header: "明细号", type: "int" },
      { header: "季度", type: "text" },
      { header: "贷款银行", type: "text" },
      { header: "申请状态", type: "text", labels: CLAIM_STATUS },
      { header: "申请编号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "计息天数", type: "int" },
      { header: "不贴息天数", type: "int" },
      { header: "不贴息原因", type: "text" },
      { header: "本金（元）", type: "money" },
      { header: "合同利率（bp）", type: "int" },
      { header: "借款人承担利率（bp）", type: "int" },
      { header: "利息（元）", type: "money" },
      { header: "贴息（元）", type: "money" },
      { header: "借款人承担（元）", type: "money" },
    ],
    totals: [
      { column: "利息（元）", label: "利息" },
      { column: "贴息（元）", label: "贴息" },
      { column: "借款人承担（元）", label: "借款人承担" },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT cl.id, c.year || 'Q' || c.quarter, bk.name, c.status::text, l."applicationNo", b.name, cl.days, cl."excludedDays", COALESCE(cl."excludedReason", ''),
               cl.principal::text, cl."contractRateBp", cl."borrowerRateBp", cl.interest::text, cl.subsidy::text, cl."borrowerShare"::text
        FROM "SubsidyClaimLine" cl JOIN "SubsidyClaim" c ON c.id = cl."claimId" JOIN "Loan" l ON l.id = cl."loanId" JOIN "Borrower" b ON b.id = l."borrowerId" JOIN "Bank" bk ON bk.id = c."bankId"
        WHERE ${g.county("cl")} AND ${g.village("l")} AND c."periodEnd" BETWEEN ${isoToDate(q.from)} AND ${isoToDate(q.to)} ${page("cl", afterId, limit)}`;
    },
  },
  fund: {
    title: "风险补偿金台账",
    permission: "ledger.export",
    periodNote: "到账日在期间内的全部基金流水（县级基金）",
    columns: [
      { header: "流水号", type: "int" },
      { header: "日期", type: "date" },
      { header: "基金", type: "text" },
      { header: "类型", type: "text", labels: FUND_KIND },
      { header: "出资层级", type: "text", labels: LEVEL_LABELS },
      { header: "金额（元）", type: "money" },
      { header: "摘要", type: "text" },
      { header: "录入人", type: "text" },
      { header: `录入时间（${BEIJING_TIME}）`, type: "instant" },
    ],
    totals: [{ column: "金额（元）", label: "金额（净额）" }],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT f.id, f."valueDate"::text, rf.name, f.kind::text, COALESCE(f."fundingLevel"::text, ''), f.amount::text, COALESCE(f.memo, ''), COALESCE(u.username, ''), ${ts(`f."createdAt"`)}
        FROM "FundLedgerEntry" f JOIN "RiskFund" rf ON rf.id = f."fundId" LEFT JOIN "User" u ON u.id = f."createdById"
        WHERE ${g.county("f")} AND f."valueDate" BETWEEN ${isoToDate(q.from)} AND ${isoToDate(q.to)} ${page("f", afterId, limit)}`;
    },
  },
  reward: {
    title: "奖励资金台账",
    permission: "ledger.export",
    periodNote: "记账日在期间内的全部奖励资金流水（批准分配记应付，拨付记支出）",
    columns: [
      { header: "流水号", type: "int" },
      { header: "日期", type: "date" },
      { header: "分配年度", type: "int" },
      { header: "类型", type: "text", labels: REWARD_ENTRY },
      { header: "对象类别", type: "text", labels: REWARD_LINE },
      { header: "对象", type: "text" },
      { header: "金额（元）", type: "money" },
      { header: "摘要", type: "text" },
      { header: "录入人", type: "text" },
      { header: `录入时间（${BEIJING_TIME}）`, type: "instant" },
    ],
    totals: [{ column: "金额（元）", label: "金额（净额：应付 − 已付）" }],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT r.id, r."valueDate"::text, a.year, r.kind::text, ln.kind::text,
               COALESCE(rg.name, bk.name, ''), r.amount::text, COALESCE(r.memo, ''), COALESCE(u.username, ''), ${ts(`r."createdAt"`)}
        FROM "RewardLedgerEntry" r JOIN "RewardAllocation" a ON a.id = r."allocationId" JOIN "RewardLine" ln ON ln.id = r."lineId"
        LEFT JOIN "Region" rg ON rg.code = ln."regionCode" LEFT JOIN "Bank" bk ON bk.id = ln."bankId" LEFT JOIN "User" u ON u.id = r."createdById"
        WHERE ${g.county("r")} AND r."valueDate" BETWEEN ${isoToDate(q.from)} AND ${isoToDate(q.to)} ${page("r", afterId, limit)}`;
    },
  },
  // The reconciliation record of each committed bank repayment statement (issue 18 item 6), and the rows behind
  // them: selected by the statement's month (YYYY-MM of its latest value date) within the period.
  bankFiles: {
    title: "还款明细对账记录",
    permission: "ledger.export",
    periodNote:
      "所属月份在期间内的银行还款明细对账记录（每份已入账文件一条）：文件合计 = 本次入账 + 已入账 + 未匹配",
    columns: [
      { header: "记录号", type: "int" },
      { header: "月份", type: "text" },
      { header: "贷款银行", type: "text" },
      { header: "文件名", type: "text" },
      { header: "SHA-256", type: "text" },
      { header: "提交人", type: "text" },
      { header: `提交时间（${BEIJING_TIME}）`, type: "instant" },
      { header: "行数", type: "int" },
      { header: "本次入账笔数", type: "int" },
      { header: "本次入账金额（元）", type: "money" },
      { header: "已入账笔数", type: "int" },
      { header: "已入账金额（元）", type: "money" },
      { header: "未匹配笔数", type: "int" },
      { header: "未匹配金额（元）", type: "money" },
      { header: "文件合计（元）", type: "money" },
      { header: "未匹配待处理笔数", type: "int" },
    ],
    totals: [
      { column: "本次入账金额（元）", label: "本次入账" },
      { column: "已入账金额（元）", label: "已入账" },
      { column: "未匹配金额（元）", label: "未匹配" },
      { column: "文件合计（元）", label: "文件合计" },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT f.id, f.month, bk.name, f."fileName", f.sha256, COALESCE(u.username, ''), ${ts(`f."createdAt"`)}, f."rowCount",
               f."postedCount", f."postedTotal"::text, f."alreadyCount", f."alreadyTotal"::text, f."unmatchedCount", f."unmatchedTotal"::text,
               f."fileTotal"::text,
               (SELECT COUNT(*) FROM "BankStatementRow" r WHERE r."fileId" = f.id AND r.category = 'UNMATCHED' AND r.resolution IS NULL)
        FROM "BankStatementFile" f JOIN "Bank" bk ON bk.id = f."bankId" LEFT JOIN "User" u ON u.id = f."createdById"
        WHERE ${g.county("f")} AND f.month BETWEEN ${q.from.slice(0, 7)} AND ${q.to.slice(0, 7)} ${page("f", afterId, limit)}`;
    },
  },
  bankRows: {
    title: "还款明细对账明细",
    permission: "ledger.export",
    periodNote:
      "所属月份在期间内的对账记录的全部明细行：入账时的类别（不再改变）、未匹配原因及待处理清单的处理结果",
    columns: [
      { header: "明细号", type: "int" },
      { header: "记录号", type: "int" },
      { header: "月份", type: "text" },
      { header: "贷款银行", type: "text" },
      { header: "文件行号", type: "int" },
      { header: "合同号/借据号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "身份证号", type: "text", mask: true },
      { header: "还款日期", type: "date" },
      { header: "本金（元）", type: "money" },
      { header: "利息（元）", type: "money" },
      { header: "罚息（元）", type: "money" },
      { header: "金额合计（元）", type: "money" },
      { header: "类别", type: "text", labels: STATEMENT_CATEGORY },
      { header: "未匹配原因", type: "text", labels: STATEMENT_REASON },
      { header: "申请编号", type: "text" },
      { header: "流水号", type: "int" },
      { header: "处理结果", type: "text", labels: STATEMENT_RESOLUTION },
      { header: "忽略理由", type: "text" },
      { header: "处理人", type: "text" },
      { header: `处理时间（${BEIJING_TIME}）`, type: "instant" },
    ],
    totals: [
      { column: "本金（元）", label: "本金" },
      { column: "利息（元）", label: "利息" },
      { column: "罚息（元）", label: "罚息" },
      { column: "金额合计（元）", label: "金额合计" },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT r.id, r."fileId", f.month, bk.name, r."rowNo", COALESCE(r."contractNo", ''), COALESCE(r."borrowerName", ''),
               COALESCE(r."idNumber", ''), r."valueDate"::text, r.principal::text, r.interest::text, r.penalty::text,
               (r.principal + r.interest + r.penalty)::text, r.category::text, COALESCE(r.reason, ''), COALESCE(l."applicationNo", ''),
               COALESCE(r."entryId"::text, ''), COALESCE(r.resolution::text, ''), COALESCE(r."dismissReason", ''),
               COALESCE(u.username, ''), COALESCE(${ts(`r."resolvedAt"`)}, '')
        FROM "BankStatementRow" r JOIN "BankStatementFile" f ON f.id = r."fileId" JOIN "Bank" bk ON bk.id = f."bankId"
        LEFT JOIN "Loan" l ON l.id = r."loanId" LEFT JOIN "User" u ON u.id = r."resolvedById"
        WHERE ${g.county("r")} AND f.month BETWEEN ${q.from.slice(0, 7)} AND ${q.to.slice(0, 7)} ${page("r", afterId, limit)}`;
    },
  },
  // A loan's insurance (issue 23 item 4): the policies whose cover overlaps the period, with their claims' sums.
  insurance: {
    title: "保险台账",
    permission: "ledger.export",
    periodNote: "保险期间与期间有交集的全部保单；索赔与赔付为截止日前的合计",
    columns: [
      { header: "保单编号", type: "int" },
      { header: "申请编号", type: "text" },
      { header: "合同号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "村", type: "text" },
      { header: "保单号", type: "text" },
      { header: "保险公司", type: "text" },
      { header: "保费（元）", type: "money" },
      { header: "保费承担方", type: "text", labels: zh.insurance.payer },
      { header: "保险起期", type: "date" },
      { header: "保险止期", type: "date" },
      { header: "理赔笔数", type: "int" },
      { header: "索赔金额（元）", type: "money" },
      { header: "已赔付金额（元）", type: "money" },
      { header: "录入人", type: "text" },
      { header: `录入时间（${BEIJING_TIME}）`, type: "instant" },
    ],
    totals: [
      { column: "保费（元）", label: "保费" },
      { column: "索赔金额（元）", label: "索赔金额" },
      { column: "已赔付金额（元）", label: "已赔付金额" },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      const D = isoToDate(q.to);
      return Prisma.sql`
        SELECT p.id, l."applicationNo", COALESCE(l."contractNo", ''), b.name, COALESCE(r.name, p."villageCode"), p."policyNo", p.insurer,
               p.premium::text, p."premiumPaidBy"::text, p."coverFrom"::text, p."coverTo"::text,
               (SELECT COUNT(*) FROM "InsuranceClaim" c WHERE c."policyId" = p.id AND c."claimDate" <= ${D}),
               (SELECT COALESCE(SUM(c.amount), 0)::numeric(16, 2) FROM "InsuranceClaim" c WHERE c."policyId" = p.id AND c."claimDate" <= ${D})::text,
               (SELECT COALESCE(SUM(c."paidAmount"), 0)::numeric(16, 2) FROM "InsuranceClaim" c WHERE c."policyId" = p.id AND c.status = 'PAID' AND c."paidDate" <= ${D})::text,
               COALESCE(u.username, ''), ${ts(`p."createdAt"`)}
        FROM "InsurancePolicy" p JOIN "Loan" l ON l.id = p."loanId" JOIN "Borrower" b ON b.id = l."borrowerId"
        LEFT JOIN "Region" r ON r.code = p."villageCode" LEFT JOIN "User" u ON u.id = p."createdById"
        WHERE ${g.county("p")} AND ${g.village("p")} AND p."coverFrom" <= ${D} AND p."coverTo" >= ${isoToDate(q.from)} ${page("p", afterId, limit)}`;
    },
  },
  insuranceClaims: {
    title: "保险理赔台账",
    permission: "ledger.export",
    periodNote: "报案日期在期间内的全部理赔；赔付按记录的结果",
    columns: [
      { header: "理赔编号", type: "int" },
      { header: "报案日期", type: "date" },
      { header: "申请编号", type: "text" },
      { header: "借款人", type: "text" },
      { header: "村", type: "text" },
      { header: "保单号", type: "text" },
      { header: "保险公司", type: "text" },
      { header: "索赔金额（元）", type: "money" },
      { header: "状态", type: "text", labels: zh.insurance.claimStatus },
      { header: "赔付金额（元）", type: "money" },
      { header: "赔付日期", type: "date" },
      { header: "说明", type: "text" },
      { header: "录入人", type: "text" },
    ],
    totals: [
      { column: "索赔金额（元）", label: "索赔金额" },
      { column: "赔付金额（元）", label: "赔付金额" },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT c.id, c."claimDate"::text, l."applicationNo", b.name, COALESCE(r.name, c."villageCode"), p."policyNo", p.insurer,
               c.amount::text, c.status::text, COALESCE(c."paidAmount", 0)::numeric(16, 2)::text, COALESCE(c."paidDate"::text, ''),
               COALESCE(c.note, ''), COALESCE(u.username, '')
        FROM "InsuranceClaim" c JOIN "InsurancePolicy" p ON p.id = c."policyId" JOIN "Loan" l ON l.id = c."loanId"
        JOIN "Borrower" b ON b.id = l."borrowerId" LEFT JOIN "Region" r ON r.code = c."villageCode" LEFT JOIN "User" u ON u.id = c."createdById"
        WHERE ${g.county("c")} AND ${g.village("c")} AND c."claimDate" BETWEEN ${isoToDate(q.from)} AND ${isoToDate(q.to)} ${page("c", afterId, limit)}`;
    },
  },
  // 分贷统还 (issue 23 item 5): each household's benefit year due in the period, what was paid for it by the end
  // of the period and its standing then (benefitStatus of src/domain/benefits.ts; ledgers.test.ts checks they agree).
  orgBenefits: {
    title: "分贷统还收益台账",
    permission: "ledger.export",
    periodNote:
      "应付日期在期间内的每户每年收益；已付为截止日前的支付，截止日前已过应付日期而未足额支付的为未按期足额支付",
    columns: [
      { header: "编号", type: "int" },
      { header: "经济组织", type: "text" },
      { header: "统一社会信用代码", type: "text" },
      { header: "农户", type: "text" },
      { header: "身份证号", type: "text", mask: true },
      { header: "年度", type: "int" },
      { header: "应付日期", type: "date" },
      { header: "贷款金额（元）", type: "money" },
      { header: "应付收益（元）", type: "money" },
      { header: "已付收益（元）", type: "money" },
      { header: "未付（元）", type: "money" },
      { header: "状态", type: "text", labels: zh.organisations.status },
    ],
    totals: [
      { column: "应付收益（元）", label: "应付收益" },
      { column: "已付收益（元）", label: "已付收益" },
      { column: "未付（元）", label: "未付" },
    ],
    parts: [
      {
        column: "未付（元）",
        where: { column: "状态", code: "MISSED" },
        label: "其中：未按期足额支付",
        without: "未付（不含未按期足额支付，即尚未到期的部分）",
      },
    ],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      const D = isoToDate(q.to);
      return Prisma.sql`
        SELECT d.id, o.name, o."creditCode", b.name, b."idNumber", d.year, d."dueDate"::text, d.credit::text, d.amount::text,
               pd.paid::text, GREATEST(d.amount - pd.paid, 0)::text,
               CASE WHEN pd.paid >= d.amount THEN 'PAID' WHEN d."dueDate" < ${D} THEN 'MISSED' ELSE 'OPEN' END
        FROM "OrganisationBenefitDue" d JOIN "EconomicOrganisation" o ON o.id = d."organisationId" JOIN "Borrower" b ON b.id = d."borrowerId"
        CROSS JOIN LATERAL (SELECT COALESCE(SUM(x.amount), 0)::numeric(16, 2) AS paid FROM "OrganisationBenefitPayment" x
          WHERE x."organisationId" = d."organisationId" AND x."borrowerId" = d."borrowerId" AND x.year = d.year AND x."paidDate" <= ${D}) pd
        WHERE ${g.county("d")} AND ${g.village("o")} AND d."dueDate" BETWEEN ${isoToDate(q.from)} AND ${D} ${page("d", afterId, limit)}`;
    },
  },
  audit: {
    title: "审计日志",
    permission: "audit.read",
    periodNote: "期间内的全部操作记录（含拒绝的访问）",
    columns: [
      { header: "编号", type: "int" },
      { header: `时间（${BEIJING_TIME}）`, type: "instant" },
      { header: "用户", type: "text" },
      { header: "角色", type: "text", labels: CODES.roles },
      { header: "操作", type: "text", labels: ACTION_LABELS },
      { header: "对象", type: "text", labels: CODES.entities },
      { header: "对象编号", type: "text" },
      { header: "县", type: "text" },
      { header: "结果", type: "text", labels: OUTCOME },
      { header: "说明", type: "text", rewrite: AUDIT_MESSAGE_RULES },
      { header: "IP", type: "text" },
      { header: "操作代码", type: "text" },
      { header: "角色代码", type: "text" },
    ],
    totals: [],
    sql: (q, afterId, limit) => {
      const g = regionGrouping(q.region);
      return Prisma.sql`
        SELECT a.id, ${ts("a.at")}, COALESCE(a.username, ''), COALESCE(a.role::text, ''), a.action, a.entity, COALESCE(a."entityId", ''), COALESCE(a."countyCode", ''),
               a.outcome::text, COALESCE(a.message, ''), COALESCE(a.ip, ''), a.action, COALESCE(a.role::text, '')
        FROM "AuditEvent" a
        WHERE ${g.county("a")} AND a.at >= ${isoToDate(q.from)}::date AT TIME ZONE 'Asia/Shanghai' AND a.at < ${isoToDate(addDays(q.to, 1))}::date AT TIME ZONE 'Asia/Shanghai'
        ${page("a", afterId, limit)}`;
    },
  },
} satisfies Record<string, LedgerDef>;

/** The index of a column named by its header; a name that is not a header (of one kind) is a bug. */
export function columnIndex(def: LedgerDef, header: string, type?: ColumnType): number {
  const i = def.columns.findIndex((c) => c.header === header);
  if (i < 0 || (type && def.columns[i]!.type !== type))
    throw new Error(`ledger ${def.title}: no ${type ?? ""} column "${header}"`);
  return i;
}

// Every total names a money column, every part a total and a column of the ledger — checked once, at load.
for (const def of Object.values(LEDGERS) as LedgerDef[]) {
  for (const t of def.totals) columnIndex(def, t.column, "money");
  for (const p of def.parts ?? []) {
    columnIndex(def, p.where.column);
    if (!def.totals.some((t) => t.column === p.column)) throw new Error(`${def.title}: a part of no total`);
  }
}

export type LedgerKey = keyof typeof LEDGERS;
export const LEDGER_KEYS = Object.keys(LEDGERS) as LedgerKey[];

export function isLedgerKey(v: string): v is LedgerKey {
  return v in LEDGERS;
}

/** Checks the period, the permission and that the region is in the actor's scope (refusals audited). */
export async function authoriseLedger(
  actor: Actor,
  key: LedgerKey,
  q: LedgerQuery,
  action = "ledger.read",
): Promise<LedgerDef> {
  const def: LedgerDef = LEDGERS[key];
  const target = { action: `${action}.${key}`, entity: "Ledger", entityId: `${key}:${q.region}` };
  await requirePermission(actor, def.permission, target);
  try {
    regionLevel(q.region);
  } catch {
    throw invalid({ region: ["地区代码不正确"] });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(q.from) || !/^\d{4}-\d{2}-\d{2}$/.test(q.to))
    throw invalid({ from: ["请选择期间"] });
  if (q.from > q.to) throw invalid({ to: ["期间止不能早于期间起"] });
  await requireInScope(actor, { countyCode: q.region.slice(0, 6), villageCode: q.region }, target);
  return def;
}

/** A value as shown (labels, masked ID numbers) and neutralised against formula injection. */
export function displayRow(def: LedgerDef, raw: unknown[]): string[] {
  return def.columns.map((c, i) => {
    const v = raw[i] === null || raw[i] === undefined ? "" : String(raw[i]);
    if (c.type === "instant") return v === "" ? "" : formatDateTime(v);
    const rule = c.rewrite?.find((r) => r.re.test(v));
    const shown = c.mask
      ? maskIdNumber(v)
      : c.labels
        ? (c.labels[v] ?? v)
        : rule
          ? v.replace(rule.re, rule.to)
          : v;
    return c.type === "text" ? neutraliseCell(shown) : shown;
  });
}

/**
 * The same display in SQL, for COPY: labels as CASE, the mask of maskIdNumber, the rule of neutraliseCell.
 * tests/integration/ledgers.test.ts checks that both give the same cells. For the .xlsx export (`"xlsx"`), the
 * cells the writer takes: amounts, counts and dates as they are (the raw text, written as numbers and dates),
 * and a text empty wherever its raw value is empty (NULL or ''), as `xlsxCells` has it.
 */
export function displaySql(
  def: LedgerDef,
  q: LedgerQuery,
  client: { escapeLiteral: (s: string) => string },
  cells: "csv" | "xlsx" = "csv",
): string {
  const lit = (v: string) => client.escapeLiteral(v);
  const cols = def.columns.map((c, i) => {
    const shown = displayColumnSql(c, i, lit);
    if (cells === "csv") return shown;
    if (c.type === "money" || c.type === "int" || c.type === "date") return `c${i}::text`;
    return `CASE WHEN COALESCE(c${i}::text, '') = '' THEN '' ELSE ${shown} END`;
  });
  return `SELECT ${cols.join(", ")} FROM (${inlineSql(def.sql(q, 0, null), client)}) AS x(${def.columns.map((_, i) => `c${i}`).join(", ")})`;
}

/** One column of displaySql: labels, mask, rewrite rules, neutralisation, instants in Beijing time. */
function displayColumnSql(c: LedgerDef["columns"][number], i: number, lit: (v: string) => string): string {
  let x = `c${i}::text`;
  if (c.type === "instant") return `CASE WHEN ${x} = '' THEN '' ELSE ${instantSql(x)} END`;
  if (c.mask)
    x = `CASE WHEN length(${x}) <> 18 THEN repeat('*', length(${x})) ELSE left(${x}, 6) || repeat('*', 11) || right(${x}, 1) END`;
  if (c.labels)
    x = `CASE ${x} ${Object.entries(c.labels)
      .map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`)
      .join(" ")} ELSE ${x} END`;
  if (c.rewrite?.length)
    x = `CASE ${c.rewrite
      .map(
        (r) =>
          `WHEN ${x} ~ ${lit(r.re.source)} THEN regexp_replace(${x}, ${lit(r.re.source)}, ${lit(r.to.replace(/\$(\d)/g, "\\$1"))})`,
      )
      .join(" ")} ELSE ${x} END`;
  if (c.type === "text")
    x = `CASE WHEN (${x}) ~ E'^[=+@\\t\\r＝＋－＠-]' THEN '''' || (${x}) ELSE (${x}) END`;
  return x;
}

/** A statement with its parameters inlined as literals (COPY takes no parameters). */
function inlineSql(sql: Prisma.Sql, client: { escapeLiteral: (s: string) => string }): string {
  return sql.text.replace(/\$(\d+)/g, (_, i: string) => {
    const v = sql.values[Number(i) - 1];
    if (typeof v === "number") return String(v);
    if (v instanceof Date) return client.escapeLiteral(v.toISOString().slice(0, 10));
    return client.escapeLiteral(String(v));
  });
}

/** Row count and the sums of the totals row, by SQL over the same statement (call inside the export's snapshot). */
export async function ledgerTotals(
  client: pg.PoolClient,
  def: LedgerDef,
  q: LedgerQuery,
): Promise<LedgerTotals> {
  const sql = def.sql(q, 0, null);
  const sums = def.totals.map(
    (t) => `COALESCE(SUM(c${columnIndex(def, t.column, "money")}::numeric), 0)::text`,
  );
  const parts = (def.parts ?? []).flatMap((p) => {
    const where = `c${columnIndex(def, p.where.column)}::text = ${client.escapeLiteral(p.where.code)}`;
    return [
      `COALESCE(SUM(c${columnIndex(def, p.column, "money")}::numeric) FILTER (WHERE ${where}), 0)::text`,
      `(COUNT(*) FILTER (WHERE ${where}))::text`,
    ];
  });
  const res = await client.query({
    text: `SELECT ${["COUNT(*)::text", ...sums, ...parts].join(", ")} FROM (${sql.text}) AS x(${def.columns.map((_, i) => `c${i}`).join(", ")})`,
    values: sql.values,
    rowMode: "array",
  });
  const row = res.rows[0] as unknown as string[];
  const totals = def.totals.map((t, i) => ({
    label: t.label,
    column: t.column,
    fen: yuanToFen(row[i + 1]!),
  }));
  const at = 1 + def.totals.length;
  return {
    rows: Number(row[0]),
    sums: totals.map(({ label, fen }) => ({ label, fen })),
    parts: (def.parts ?? []).map((p, i) => {
      const fen = yuanToFen(row[at + 2 * i]!);
      const total = totals.find((t) => t.column === p.column)!.fen;
      return { ...p, rows: Number(row[at + 2 * i + 1]), fen, withoutFen: total - fen };
    }),
  };
}

/** One screen page of a ledger (keyset: rows after `afterId`). */
export async function ledgerPage(
  actor: Actor,
  key: LedgerKey,
  q: LedgerQuery,
  afterId = 0,
  limit = 50,
): Promise<{ def: LedgerDef; rows: string[][]; nextAfter: number | null }> {
  const def = await authoriseLedger(actor, key, q);
  const sql = def.sql(q, afterId, limit + 1);
  const res = await reportingPool().query({ text: sql.text, values: sql.values, rowMode: "array" });
  const raw = res.rows as unknown[][];
  const more = raw.length > limit;
  const rows = raw.slice(0, limit);
  return { def, rows: rows.map((r) => displayRow(def, r)), nextAfter: more ? Number(rows.at(-1)![0]) : null };
}

/** The name of a region already authorised by authoriseLedger (the code itself if it has none). */
export async function ledgerRegionName(code: string): Promise<string> {
  const region = await db.region.findUnique({ where: { code }, select: { name: true } });
  return region?.name ?? code;
}

/**
 * The loan ledger for the print view: up to `maxRows` rows, in a heavy-work slot, read a page at a time at
 * background priority (src/server/heavy.ts), so a whole-province print view does not stall other users.
 */
export async function ledgerPrint(
  actor: Actor,
  q: LedgerQuery,
  maxRows: number,
): Promise<{
  def: LedgerDef;
  rows: string[][];
  truncated: boolean;
  regionName: string;
  totals: LedgerTotals;
}> {
  const def = await authoriseLedger(actor, "loans", q);
  return withHeavy(actor, "print", async () => {
    const pace = pacerFor(actor);
    const client = await reportingPool().connect();
    let broken = true;
    try {
      // One snapshot: the printed rows and the totals of the whole ledger (also rows past the printed ones).
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      // One pass (a cursor), read a batch at a time at background priority, stopped after `maxRows`.
      const rows: string[][] = [];
      let more = false;
      for await (const batch of ledgerBatches(client, def, q, undefined, 1000)) {
        if (rows.length + batch.length > maxRows) {
          rows.push(...batch.slice(0, maxRows - rows.length).map((r) => r.shown));
          more = true;
          break;
        }
        rows.push(...batch.map((r) => r.shown));
        await pace();
      }
      const totals = await ledgerTotals(client, def, q);
      await client.query("COMMIT");
      broken = false;
      return { def, rows, truncated: more, regionName: await ledgerRegionName(q.region), totals };
    } finally {
      // A connection left mid-transaction is discarded, not reused.
      client.release(broken ? true : undefined);
    }
  });
}

export interface LedgerTotals {
  rows: number;
  /** The plain sums of the totals row, in the order of `def.totals`. */
  sums: { label: string; fen: number }[];
  /** The lines under it (`def.parts`): the excluded part and the total without it. */
  parts: { label: string; without: string; column: string; rows: number; fen: number; withoutFen: number }[];
}

/** Streams a ledger from a server-side cursor in batches on `client`; stops when `signal` aborts. */
export async function* ledgerBatches(
  client: pg.PoolClient,
  def: LedgerDef,
  q: LedgerQuery,
  signal?: AbortSignal,
  batch = 2000,
): AsyncGenerator<{ raw: string[]; shown: string[] }[]> {
  const sql = def.sql(q, 0, null);
  const cursor = client.query(new Cursor(sql.text, sql.values as unknown[], { rowMode: "array" }));
  try {
    for (;;) {
      if (signal?.aborted) return;
      const rows = (await cursor.read(batch)) as unknown[][];
      if (!rows.length) break;
      yield rows.map((r) => {
        const raw = r.map((v) => (v === null || v === undefined ? "" : String(v)));
        return { raw, shown: displayRow(def, raw) };
      });
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

/**
 * The planner's estimate of a ledger's rows (milliseconds, no pass over the data): the export's progress bar
 * shows "about N rows". The exact count is in the totals row and the audit event.
 */
export async function ledgerRowEstimate(def: LedgerDef, q: LedgerQuery): Promise<number> {
  const sql = def.sql(q, 0, null);
  const res = await reportingPool().query<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>({
    text: `EXPLAIN (FORMAT JSON) ${sql.text}`,
    values: sql.values,
  });
  return Math.round(res.rows[0]!["QUERY PLAN"][0].Plan["Plan Rows"]);
}

export async function auditExport(
  actor: Actor,
  key: LedgerKey | "loanList",
  q: LedgerQuery,
  format: string,
  rows: number,
  outcome: "OK" | "FAILED",
  message?: string,
) {
  await writeAudit(db, {
    ...actorFields(actor),
    action: "ledger.export",
    entity: "Ledger",
    entityId: `${key}:${q.region}`,
    countyCode: q.region.length >= 6 && !q.region.endsWith("00") ? q.region.slice(0, 6) : null,
    after: {
      ledger: key,
      region: q.region,
      from: q.from,
      to: q.to,
      format,
      rows,
      ...(q.filter ? { filter: q.filter } : {}),
    },
    outcome,
    message: message ?? null,
  });
}
