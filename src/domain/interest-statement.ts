/**
 * The bank's interest statement for a quarter (DOMAIN.md §15): per loan, the interest it charged and the
 * subsidy it claims, checked against the computed claim line. A difference is shown to the fen with its
 * likely cause — found by recomputing the line the ways a bank's system commonly differs: on the original
 * principal instead of the daily balance (BALANCE), over other days (DAYS: another day count or basis), at
 * another rate (RATE), or claiming subsidy for days that earn none (EXCLUDED).
 */
import { parseYuanEntry } from "./amount-input";
import { interestFromBalanceDays } from "./balance-days";
import { roundHalfUp, type Fen } from "./money";

export const INTEREST_FIELDS = ["contractNo", "borrowerName", "interest", "subsidy"] as const;
export type InterestField = (typeof INTEREST_FIELDS)[number];
export type InterestMapping = Partial<Record<InterestField, string>>;

const HINTS: Record<InterestField, readonly string[]> = {
  contractNo: ["借据号", "合同号", "合同编号", "贷款合同号", "借款合同号"],
  borrowerName: ["借款人", "客户名称", "户名", "姓名"],
  interest: ["应收利息", "利息", "计息金额", "本季利息"],
  subsidy: ["申请贴息", "贴息金额", "贴息", "财政贴息"],
};

export function suggestInterestMapping(headers: readonly string[]): InterestMapping {
  const out: InterestMapping = {};
  const used = new Set<string>();
  for (const f of INTEREST_FIELDS) {
    const clean = (h: string) => h.replace(/[\s\u3000]|（元）|\(元\)/gu, "");
    const h =
      headers.find((x) => !used.has(x) && HINTS[f].includes(clean(x))) ??
      headers.find(
        (x) =>
          !used.has(x) &&
          HINTS[f].some((k) => clean(x).includes(k)) &&
          !(f === "interest" && clean(x).includes("贴息")),
      );
    if (h) {
      out[f] = h;
      used.add(h);
    }
  }
  return out;
}

export type DifferenceCause =
  "BALANCE" | "DAYS" | "RATE" | "EXCLUDED" | "NOT_IN_CLAIM" | "NOT_IN_STATEMENT" | "UNKNOWN";

export interface ComputedLine {
  interestFen: Fen;
  subsidyFen: Fen;
  days: number;
  excludedDays: number;
  /** Original principal of the loan (what a bank's simple formula uses). */
  principalFen: Fen;
  balanceFenDays: number;
  contractRateBp: number;
  basis: number;
}

export interface LineComparison {
  interestDiffFen: Fen;
  subsidyDiffFen: Fen;
  cause: DifferenceCause | null;
  /** RATE: the rate the bank's interest implies (bp); DAYS: the days it implies. */
  implied?: number;
}

/** Bank minus computed, with the likely cause of a difference (null when both agree to the fen). */
export function compareClaimLine(
  c: ComputedLine,
  bank: { interestFen: Fen; subsidyFen: Fen },
): LineComparison {
  const interestDiffFen = bank.interestFen - c.interestFen;
  const subsidyDiffFen = bank.subsidyFen - c.subsidyFen;
  const base = { interestDiffFen, subsidyDiffFen };
  if (interestDiffFen === 0 && subsidyDiffFen === 0) return { ...base, cause: null };
  if (interestDiffFen === 0)
    return { ...base, cause: c.excludedDays > 0 && subsidyDiffFen > 0 ? "EXCLUDED" : "UNKNOWN" };
  const simple = (days: number, basis = c.basis) =>
    interestFromBalanceDays(c.principalFen * days, c.contractRateBp, basis);
  if (c.balanceFenDays !== c.principalFen * c.days && bank.interestFen === simple(c.days))
    return { ...base, cause: "BALANCE" };
  // Other days: a day more or fewer at either end, or the other day-count basis.
  const otherBasis = c.basis === 360 ? 365 : 360;
  if (bank.interestFen === interestFromBalanceDays(c.balanceFenDays, c.contractRateBp, otherBasis))
    return { ...base, cause: "DAYS", implied: c.days };
  const otherDays = (ds: number[]) => {
    for (const d of ds) {
      const days = c.days + d;
      if (days <= 0 || c.days <= 0) continue;
      const fenDays = Number(roundHalfUp(BigInt(c.balanceFenDays) * BigInt(days), BigInt(c.days)));
      if (
        bank.interestFen === interestFromBalanceDays(fenDays, c.contractRateBp, c.basis) ||
        bank.interestFen === simple(days)
      )
        return days;
    }
    return null;
  };
  const oneDay = otherDays([-1, 1]);
  if (oneDay !== null) return { ...base, cause: "DAYS", implied: oneDay };
  // Another rate: one that rates are quoted in (whole 5 bp), which gives the bank's interest exactly.
  if (c.balanceFenDays > 0) {
    const impliedBp = Number(
      roundHalfUp(BigInt(bank.interestFen) * BigInt(c.basis) * 10_000n, BigInt(c.balanceFenDays)),
    );
    if (
      impliedBp !== c.contractRateBp &&
      impliedBp % 5 === 0 &&
      bank.interestFen === interestFromBalanceDays(c.balanceFenDays, impliedBp, c.basis)
    )
      return { ...base, cause: "RATE", implied: impliedBp };
  }
  const fewDays = otherDays([-2, 2, -3, 3]);
  if (fewDays !== null) return { ...base, cause: "DAYS", implied: fewDays };
  return { ...base, cause: "UNKNOWN" };
}

/** A bank's amount cell ("1,301.81", "1301.81元", empty = 0), exactly; null if unreadable. */
export function parseStatementAmount(text: string): Fen | null {
  const t = text.trim();
  if (t === "") return 0;
  const r = parseYuanEntry(t);
  return r.ok ? r.value : null;
}
