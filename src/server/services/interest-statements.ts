import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  compareClaimLine,
  fenToYuan,
  INTEREST_FIELDS,
  parseStatementAmount,
  suggestInterestMapping,
  type DifferenceCause,
  type InterestField,
  type InterestMapping,
} from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { conflict, invalid, parseOrInvalid } from "../errors";
import { decToFen } from "../db-values";
import { readStatementFile, StatementFileError, statementFileMessage } from "../spreadsheet/read-statement";

/**
 * The bank's interest statement for a quarter (issue 18 item 7): uploaded on a draft subsidy claim, each row
 * matched to the claim's line by contract number, the bank's interest and claimed subsidy set next to the
 * computed ones with the difference to the fen and its likely cause (src/domain/interest-statement.ts). A claim
 * with differences is submitted only when each carries a reason (claims.transitionClaim checks; audited here).
 * The column mapping is saved per county and bank (kind INTEREST) as the repayment statements' is.
 */

const FIELD_LABELS: Record<InterestField, string> = {
  contractNo: "合同号/借据号",
  borrowerName: "借款人",
  interest: "利息",
  subsidy: "申请贴息",
};

const mappingSchema = z
  .object(Object.fromEntries(INTEREST_FIELDS.map((f) => [f, z.string().trim().max(128).optional()])))
  .transform((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v)) as InterestMapping);

export const interestStatementInput = z.object({
  claimId: z.coerce.number().int().positive(),
  fileName: z.string().trim().min(1).max(255).default("利息清单"),
  mapping: z
    .string()
    .max(4000)
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "列对应关系无效，请重新选择" });
        return z.NEVER;
      }
    })
    .pipe(mappingSchema)
    .optional(),
});

async function draftClaim(actor: Actor, claimId: number, action: string) {
  await requirePermission(actor, "claim.write", { action, entity: "SubsidyClaim", entityId: claimId });
  const claim = await requireInScope(actor, await db.subsidyClaim.findUnique({ where: { id: claimId } }), {
    action,
    entity: "SubsidyClaim",
    entityId: claimId,
  });
  if (claim.status !== "DRAFT" && claim.status !== "REJECTED")
    throw conflict("只有草稿或被驳回的贴息申请可以核对银行利息清单");
  return claim;
}

async function sheetOf(file: Buffer) {
  try {
    return await readStatementFile(file);
  } catch (e) {
    if (e instanceof StatementFileError) throw invalid({ file: [statementFileMessage(e.problem)] });
    throw e;
  }
}

/** The file's headers and first rows, the bank's saved mapping and a proposal; writes nothing. */
export async function readInterestHeaders(actor: Actor, raw: unknown, file: Buffer) {
  const input = parseOrInvalid(interestStatementInput, raw);
  const claim = await draftClaim(actor, input.claimId, "interestStatement.headers");
  const sheet = await sheetOf(file);
  const saved = await db.bankStatementMapping.findUnique({
    where: {
      countyCode_bankId_kind: { countyCode: claim.countyCode, bankId: claim.bankId, kind: "INTEREST" },
    },
  });
  return {
    encoding: sheet.encoding,
    headers: sheet.headers,
    sample: sheet.rows.slice(0, 5).map((r) => ({ row: r.row, cells: r.cells.map((c) => c.slice(0, 64)) })),
    saved: (saved?.columns as InterestMapping | undefined) ?? null,
    suggested: suggestInterestMapping(sheet.headers),
  };
}

/** Compares the bank's statement with the claim's lines and keeps the comparison; replaces an earlier one. */
export async function uploadInterestStatement(actor: Actor, raw: unknown, file: Buffer) {
  const input = parseOrInvalid(interestStatementInput, raw);
  const claim = await draftClaim(actor, input.claimId, "interestStatement.upload");
  const sheet = await sheetOf(file);
  const saved = await db.bankStatementMapping.findUnique({
    where: {
      countyCode_bankId_kind: { countyCode: claim.countyCode, bankId: claim.bankId, kind: "INTEREST" },
    },
  });
  const mapping = input.mapping ?? (saved?.columns as InterestMapping | undefined);
  if (!mapping) throw invalid({ mapping: ["请先为该银行的利息清单选择各列的对应关系"] });
  const problems: string[] = [];
  for (const f of ["contractNo", "interest", "subsidy"] as const)
    if (!mapping[f]) problems.push(`请为“${FIELD_LABELS[f]}”选择对应的列`);
  for (const f of INTEREST_FIELDS)
    if (mapping[f] && !sheet.headers.includes(mapping[f]))
      problems.push(`文件中没有“${mapping[f]}”列（“${FIELD_LABELS[f]}”原来对应的列），请重新选择`);
  if (problems.length) throw invalid({ mapping: problems });
  const col = (f: InterestField) => sheet.headers.indexOf(mapping[f]!);
  const errors: string[] = [];
  const rows: { row: number; contractNo: string; interestFen: number; subsidyFen: number }[] = [];
  const seen = new Map<string, number>();
  for (const r of sheet.rows) {
    const contractNo = (r.cells[col("contractNo")] ?? "").trim();
    const interest = parseStatementAmount(r.cells[col("interest")] ?? "");
    const subsidy = parseStatementAmount(r.cells[col("subsidy")] ?? "");
    if (!contractNo) errors.push(`第 ${r.row} 行“${mapping.contractNo}”列：请填写合同号/借据号`);
    else if (seen.has(contractNo))
      errors.push(`第 ${r.row} 行“${mapping.contractNo}”列：与第 ${seen.get(contractNo)} 行重复`);
    if (interest === null) errors.push(`第 ${r.row} 行“${mapping.interest}”列：金额无法识别，或超过两位小数`);
    if (subsidy === null) errors.push(`第 ${r.row} 行“${mapping.subsidy}”列：金额无法识别，或超过两位小数`);
    if (contractNo) seen.set(contractNo, r.row);
    if (contractNo && interest !== null && subsidy !== null)
      rows.push({ row: r.row, contractNo, interestFen: interest, subsidyFen: subsidy });
  }
  if (errors.length)
    throw invalid({ file: errors.slice(0, 50) }, `文件有 ${errors.length} 处错误，未写入任何数据`);

  const lines = await db.subsidyClaimLine.findMany({
    where: { claimId: claim.id },
    include: { loan: { select: { contractNo: true, policyVersion: { select: { dayCountBasis: true } } } } },
  });
  const byContract = new Map(rows.map((r) => [r.contractNo, r]));
  const sha256 = createHash("sha256").update(file).digest("hex");
  const out: {
    loanId: number | null;
    rowNo: number | null;
    contractNo: string | null;
    bankInterestFen: number | null;
    bankSubsidyFen: number | null;
    interestDiffFen: number;
    subsidyDiffFen: number;
    cause: DifferenceCause | null;
    implied: number | null;
  }[] = [];
  const claimed = new Set<string>();
  for (const l of lines) {
    const contractNo = l.loan.contractNo;
    const bank = contractNo ? byContract.get(contractNo) : undefined;
    const computed = {
      interestFen: decToFen(l.interest),
      subsidyFen: decToFen(l.subsidy),
      days: l.days,
      excludedDays: l.excludedDays,
      principalFen: decToFen(l.principal),
      balanceFenDays: l.balanceDays === null ? decToFen(l.principal) * l.days : decToFen(l.balanceDays),
      contractRateBp: l.contractRateBp,
      basis: l.loan.policyVersion.dayCountBasis,
    };
    if (!bank) {
      out.push({
        loanId: l.loanId,
        rowNo: null,
        contractNo,
        bankInterestFen: null,
        bankSubsidyFen: null,
        interestDiffFen: -computed.interestFen,
        subsidyDiffFen: -computed.subsidyFen,
        cause: "NOT_IN_STATEMENT",
        implied: null,
      });
      continue;
    }
    claimed.add(bank.contractNo);
    const c = compareClaimLine(computed, bank);
    out.push({
      loanId: l.loanId,
      rowNo: bank.row,
      contractNo,
      bankInterestFen: bank.interestFen,
      bankSubsidyFen: bank.subsidyFen,
      interestDiffFen: c.interestDiffFen,
      subsidyDiffFen: c.subsidyDiffFen,
      cause: c.cause,
      implied: c.implied ?? null,
    });
  }
  for (const r of rows)
    if (!claimed.has(r.contractNo))
      out.push({
        loanId: null,
        rowNo: r.row,
        contractNo: r.contractNo,
        bankInterestFen: r.interestFen,
        bankSubsidyFen: r.subsidyFen,
        interestDiffFen: r.interestFen,
        subsidyDiffFen: r.subsidyFen,
        cause: "NOT_IN_CLAIM",
        implied: null,
      });
  const differences = out.filter((o) => o.cause !== null).length;
  await db.$transaction(async (tx) => {
    const current = await tx.subsidyClaim.findUniqueOrThrow({ where: { id: claim.id } });
    if (current.status !== "DRAFT" && current.status !== "REJECTED")
      throw conflict("该贴息申请已提交，不能再核对");
    await tx.claimBankLine.deleteMany({ where: { claimId: claim.id } });
    await tx.claimBankLine.createMany({
      data: out.map((o) => ({
        claimId: claim.id,
        countyCode: claim.countyCode,
        loanId: o.loanId,
        rowNo: o.rowNo,
        contractNo: o.contractNo?.slice(0, 64) ?? null,
        bankInterest: o.bankInterestFen === null ? null : fenToYuan(o.bankInterestFen),
        bankSubsidy: o.bankSubsidyFen === null ? null : fenToYuan(o.bankSubsidyFen),
        interestDiff: fenToYuan(o.interestDiffFen),
        subsidyDiff: fenToYuan(o.subsidyDiffFen),
        cause: o.cause,
        implied: o.implied,
        fileSha256: sha256,
      })),
    });
    if (JSON.stringify(saved?.columns ?? null) !== JSON.stringify(mapping))
      await tx.bankStatementMapping.upsert({
        where: {
          countyCode_bankId_kind: { countyCode: claim.countyCode, bankId: claim.bankId, kind: "INTEREST" },
        },
        create: {
          countyCode: claim.countyCode,
          bankId: claim.bankId,
          kind: "INTEREST",
          columns: mapping,
          updatedById: actor.id,
        },
        update: { columns: mapping, updatedById: actor.id, version: { increment: 1 } },
      });
    await writeAudit(tx, {
      action: "interestStatement.upload",
      entity: "SubsidyClaim",
      entityId: String(claim.id),
      countyCode: claim.countyCode,
      after: {
        fileName: input.fileName,
        sha256,
        rows: rows.length,
        lines: lines.length,
        differences,
        mapping,
      },
      outcome: "OK",
      ...actorFields(actor),
    });
  });
  return { lines: out.length, differences };
}

export const differenceReasonInput = z.object({
  lineId: z.coerce.number().int().positive(),
  reason: z.string().trim().min(4, "请填写差异原因（至少4个字）").max(256, "不能超过256个字"),
});

/** The clerk's reason for one difference (audited). */
export async function giveDifferenceReason(actor: Actor, raw: unknown) {
  const input = parseOrInvalid(differenceReasonInput, raw);
  const line = await requireInScope(
    actor,
    await db.claimBankLine.findUnique({ where: { id: input.lineId } }),
    { action: "interestStatement.reason", entity: "ClaimBankLine", entityId: input.lineId },
  );
  const claim = await draftClaim(actor, line.claimId, "interestStatement.reason");
  return db.$transaction(async (tx) => {
    await tx.claimBankLine.update({
      where: { id: line.id },
      data: { reason: input.reason, reasonById: actor.id, reasonAt: new Date() },
    });
    await writeAudit(tx, {
      action: "interestStatement.reason",
      entity: "ClaimBankLine",
      entityId: String(line.id),
      countyCode: claim.countyCode,
      before: { reason: line.reason },
      after: { reason: input.reason, claimId: claim.id, cause: line.cause },
      outcome: "OK",
      ...actorFields(actor),
    });
    return { lineId: line.id };
  });
}

export interface ComparisonLine {
  id: number;
  loanId: number | null;
  contractNo: string | null;
  rowNo: number | null;
  bankInterestFen: number | null;
  bankSubsidyFen: number | null;
  interestDiffFen: number;
  subsidyDiffFen: number;
  cause: DifferenceCause | null;
  implied: number | null;
  reason: string | null;
}

/** The comparison kept on a claim (empty before a statement is uploaded), in the actor's region. */
export async function claimComparison(actor: Actor, claimId: number): Promise<ComparisonLine[]> {
  await requirePermission(actor, "loan.read", {
    action: "claim.read",
    entity: "SubsidyClaim",
    entityId: claimId,
  });
  await requireInScope(actor, await db.subsidyClaim.findUnique({ where: { id: claimId } }), {
    action: "claim.read",
    entity: "SubsidyClaim",
    entityId: claimId,
  });
  const rows = await db.claimBankLine.findMany({
    where: { claimId },
    orderBy: [{ cause: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    loanId: r.loanId,
    contractNo: r.contractNo,
    rowNo: r.rowNo,
    bankInterestFen: r.bankInterest === null ? null : decToFen(r.bankInterest),
    bankSubsidyFen: r.bankSubsidy === null ? null : decToFen(r.bankSubsidy),
    interestDiffFen: decToFen(r.interestDiff),
    subsidyDiffFen: decToFen(r.subsidyDiff),
    cause: r.cause,
    implied: r.implied,
    reason: r.reason,
  }));
}

/** For claims.transitionClaim: how many differences of a claim still lack a reason. */
export async function differencesWithoutReason(claimId: number): Promise<number> {
  return db.claimBankLine.count({ where: { claimId, cause: { not: null }, reason: null } });
}
