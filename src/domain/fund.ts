/**
 * Risk compensation fund (风险补偿金), compensation (代偿) and reward fund (DOMAIN.md §6–8); suspension is
 * rules.ts `suspensionState` (§13).
 */
import { fail } from "./errors";
import { assertFen, roundHalfUp, sumFen, toSafeNumber, type Fen } from "./money";
import type { IsoDate } from "./dates";
import { ratio } from "./portfolio";
import { splitByShares } from "./split";

export interface FundPosition {
  /** balance ÷ outstanding guaranteed principal (null when nothing is outstanding). */
  coverage: number | null;
  /** outstanding ÷ balance (null when the balance is zero). */
  leverage: number | null;
  /** cap × balance − outstanding (negative: over the cap by that much). */
  headroomFen: Fen;
  overCap: boolean;
}

export function riskFundPosition(args: {
  balanceFen: Fen;
  outstandingFen: Fen;
  leverageCap: number;
}): FundPosition {
  assertFen(args.balanceFen, "fund balance", true);
  assertFen(args.outstandingFen, "outstanding principal");
  if (!Number.isFinite(args.leverageCap) || args.leverageCap <= 0 || args.leverageCap > 1000)
    fail("BAD_RATIO", `leverage cap must be positive (at most 1000), got ${args.leverageCap}`);
  const capTimesBalance = BigInt(Math.round(args.leverageCap * 100)) * BigInt(args.balanceFen);
  const headroom = roundHalfUp(capTimesBalance - 100n * BigInt(args.outstandingFen), 100n);
  return {
    coverage: ratio(args.balanceFen, args.outstandingFen),
    leverage: ratio(args.outstandingFen, args.balanceFen),
    headroomFen: toSafeNumber(headroom),
    overCap: headroom < 0n,
  };
}

export type CompensationRefusal =
  "NOT_PAST_DUE_ENOUGH" | "NOTHING_UNPAID" | "ANNUAL_CAP_REACHED" | "FUND_EMPTY";

export const COMPENSATION_REFUSALS: Record<CompensationRefusal, string> = {
  NOT_PAST_DUE_ENOUGH: "逾期天数未达到代偿条件",
  NOTHING_UNPAID: "该贷款没有未偿本金",
  ANNUAL_CAP_REACHED: "本年度代偿额已达上限",
  FUND_EMPTY: "风险补偿金余额不足",
};

export type CompensationResult =
  | { eligible: true; amountFen: Fen; bankShareFen: Fen; cappedBy: "ANNUAL_CAP" | "BALANCE" | null }
  | { eligible: false; reason: CompensationRefusal };

/**
 * 代偿: when a loan is at least `minDaysPastDue` days past due, the fund pays its share of the unpaid
 * principal (round half-up), limited by an optional annual cap (share of the fund balance, less what was
 * already paid this year) and by the balance itself.
 */
export function compensation(args: {
  unpaidPrincipalFen: Fen;
  daysPastDue: number;
  minDaysPastDue: number;
  fundShareBp: number;
  fundBalanceFen: Fen;
  annualCapBp?: number | null;
  paidThisYearFen?: Fen;
}): CompensationResult {
  assertFen(args.unpaidPrincipalFen, "unpaid principal");
  assertFen(args.fundBalanceFen, "fund balance", true);
  if (!Number.isSafeInteger(args.fundShareBp) || args.fundShareBp < 0 || args.fundShareBp > 10_000)
    fail("BAD_RATIO", "fund share must be 0–10000 bp");
  if (
    args.annualCapBp != null &&
    (!Number.isSafeInteger(args.annualCapBp) || args.annualCapBp < 0 || args.annualCapBp > 10_000)
  )
    fail("BAD_RATIO", "annual cap must be 0–10000 bp");
  if (args.paidThisYearFen !== undefined) assertFen(args.paidThisYearFen, "paid this year");
  if (!Number.isFinite(args.daysPastDue) || !Number.isFinite(args.minDaysPastDue))
    fail("BAD_DAYS", "days past due must be numbers", "daysPastDue");
  if (args.daysPastDue < args.minDaysPastDue) return { eligible: false, reason: "NOT_PAST_DUE_ENOUGH" };
  if (args.unpaidPrincipalFen === 0) return { eligible: false, reason: "NOTHING_UNPAID" };
  const full = toSafeNumber(roundHalfUp(BigInt(args.unpaidPrincipalFen) * BigInt(args.fundShareBp), 10_000n));
  let amount = full;
  let cappedBy: "ANNUAL_CAP" | "BALANCE" | null = null;
  if (args.annualCapBp != null) {
    const cap =
      toSafeNumber(
        roundHalfUp(BigInt(Math.max(0, args.fundBalanceFen)) * BigInt(args.annualCapBp), 10_000n),
      ) - (args.paidThisYearFen ?? 0);
    if (cap <= 0) return { eligible: false, reason: "ANNUAL_CAP_REACHED" };
    if (cap < amount) {
      amount = cap;
      cappedBy = "ANNUAL_CAP";
    }
  }
  if (args.fundBalanceFen <= 0) return { eligible: false, reason: "FUND_EMPTY" };
  if (args.fundBalanceFen < amount) {
    amount = args.fundBalanceFen;
    cappedBy = "BALANCE";
  }
  return { eligible: true, amountFen: amount, bankShareFen: args.unpaidPrincipalFen - full, cappedBy };
}

/** A later recovery on a compensated loan flows back to the fund in the proportion it paid. */
export function recoveryToFund(args: { recoveredFen: Fen; compensatedFen: Fen; unpaidPrincipalFen: Fen }): {
  fundFen: Fen;
  bankFen: Fen;
} {
  assertFen(args.recoveredFen, "recovered");
  assertFen(args.compensatedFen, "compensated");
  assertFen(args.unpaidPrincipalFen, "unpaid principal", true);
  if (args.unpaidPrincipalFen <= 0) return { fundFen: 0, bankFen: args.recoveredFen };
  const fund = toSafeNumber(
    roundHalfUp(BigInt(args.recoveredFen) * BigInt(args.compensatedFen), BigInt(args.unpaidPrincipalFen)),
  );
  return { fundFen: fund, bankFen: args.recoveredFen - fund };
}

/**
 * What the fund is owed, in total, from a compensated loan (DOMAIN.md §7: recoveries flow back in the
 * proportion the fund paid): the principal recovered since the claim (unpaid then − unpaid now, never below 0)
 * times payout ÷ unpaid then, round half-up. The ledger books the difference between this and what it already
 * holds for the claim, so a reversal takes back exactly what its posting brought in, the result does not depend
 * on how the recovery was split into postings, and the fund never gets back more than it paid out.
 */
export function fundRecoveryDue(args: {
  compensatedFen: Fen;
  unpaidAtClaimFen: Fen;
  unpaidNowFen: Fen;
}): Fen {
  assertFen(args.compensatedFen, "compensated");
  assertFen(args.unpaidAtClaimFen, "unpaid principal at the claim");
  assertFen(args.unpaidNowFen, "unpaid principal now");
  const recovered = Math.max(0, args.unpaidAtClaimFen - args.unpaidNowFen);
  return recoveryToFund({
    recoveredFen: recovered,
    compensatedFen: args.compensatedFen,
    unpaidPrincipalFen: args.unpaidAtClaimFen,
  }).fundFen;
}

/**
 * Reward fund: when the recovery rate reaches the threshold, rateBp of the lending amount is awarded and
 * split by the shares (township:village:bank:county leading group = 3:2:4:1), parts adding up to the fen.
 */
export function rewardAllocation(args: {
  lendingFen: Fen;
  recoveryRate: number | null;
  threshold: number;
  rateBp: number;
  shares: readonly number[];
}): { totalFen: Fen; partsFen: Fen[] } | null {
  assertFen(args.lendingFen, "lending amount");
  if (args.recoveryRate === null || args.recoveryRate < args.threshold) return null;
  const total = toSafeNumber(roundHalfUp(BigInt(args.lendingFen) * BigInt(args.rateBp), 10_000n));
  return { totalFen: total, partsFen: splitByShares(total, args.shares) };
}

/**
 * The fund ledger in date order (value date, then entry number) with the balance after each entry. Entries
 * may be entered late (a deposit dated last month): the running balance follows the value dates, not the
 * order of entry.
 */
export function fundLedgerRunning<E extends { id: number; valueDate: IsoDate; amountFen: Fen }>(
  entries: readonly E[],
): (E & { balanceFen: Fen })[] {
  const sorted = [...entries].sort((a, b) =>
    a.valueDate < b.valueDate ? -1 : a.valueDate > b.valueDate ? 1 : a.id - b.id,
  );
  let balance = 0;
  return sorted.map((e) => {
    balance = sumFen([balance, e.amountFen]);
    return { ...e, balanceFen: balance };
  });
}
