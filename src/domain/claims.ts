/**
 * Building the accrual segments of a loan in a subsidy settlement period (DOMAIN.md §2: no subsidy for
 * days in an extension, for overdue principal, or when the loan is voided). The segments feed
 * periodSubsidy(), which gives the claim line's interest, subsidy and borrower share.
 */
import { addDays, maxDate, type IsoDate } from "./dates";
import type { Fen } from "./money";
import { periodSubsidy, type AccrualSegment, type PeriodSubsidy, type SubsidyMode } from "./policy";
import { splitByShares } from "./split";

export interface LoanAccrualFacts {
  disbursedDate: IsoDate;
  principalFen: Fen;
  /** Contract maturity before any extension: days from here on are extension days when `extended`. */
  originalMaturity: IsoDate;
  extended: boolean;
  voidedDate?: IsoDate | null;
  /** 超倍数放款 (DOMAIN §14): lent beyond the fund's cap — no subsidy on any day. */
  overCap?: boolean;
  principalPayments: readonly { date: IsoDate; amountFen: Fen }[];
  principalDues: readonly { dueDate: IsoDate; amountFen: Fen }[];
}

/** Segments over [periodStart, periodEndExclusive) with the principal outstanding on each day. */
export function accrualSegments(
  loan: LoanAccrualFacts,
  periodStart: IsoDate,
  periodEndExclusive: IsoDate,
): AccrualSegment[] {
  const start = maxDate(periodStart, loan.disbursedDate);
  if (start >= periodEndExclusive) return [];
  const points = new Set<IsoDate>([start, periodEndExclusive]);
  const inside = (d: IsoDate | null | undefined) => d && d > start && d < periodEndExclusive;
  for (const p of loan.principalPayments) if (inside(p.date)) points.add(p.date);
  for (const d of loan.principalDues) if (inside(d.dueDate)) points.add(d.dueDate);
  if (inside(loan.originalMaturity)) points.add(loan.originalMaturity);
  if (inside(loan.voidedDate)) points.add(loan.voidedDate!);
  const sorted = [...points].sort();

  const segments: AccrualSegment[] = [];
  for (let k = 0; k < sorted.length - 1; k++) {
    const from = sorted[k]!;
    const to = sorted[k + 1]!;
    let paid = 0;
    for (const p of loan.principalPayments) if (p.date <= from) paid += p.amountFen;
    const outstanding = loan.principalFen - paid;
    if (outstanding <= 0) continue;
    if (loan.overCap) {
      segments.push({ from, to, principalFen: outstanding, excluded: "OVER_CAP" });
      continue;
    }
    if (loan.voidedDate && from >= loan.voidedDate) {
      segments.push({ from, to, principalFen: outstanding, excluded: "VOIDED" });
      continue;
    }
    if (loan.extended && from >= loan.originalMaturity) {
      segments.push({ from, to, principalFen: outstanding, excluded: "EXTENSION" });
      continue;
    }
    let due = 0;
    for (const d of loan.principalDues) if (d.dueDate <= from) due += d.amountFen;
    const overdue = Math.max(0, Math.min(outstanding, due - paid));
    if (outstanding - overdue > 0) segments.push({ from, to, principalFen: outstanding - overdue });
    if (overdue > 0) segments.push({ from, to, principalFen: overdue, excluded: "OVERDUE" });
  }
  return segments;
}

/** One loan's claim line for a settlement period [start, endInclusive]: segments → interest, subsidy, borrower share. */
export function claimLine(args: {
  facts: LoanAccrualFacts;
  period: { start: IsoDate; end: IsoDate };
  mode: SubsidyMode;
  basis: number;
  contractRateBp: number;
  borrowerRateBp: number;
  subsidyShareBp: number;
}): PeriodSubsidy {
  const segments = accrualSegments(args.facts, args.period.start, addDays(args.period.end, 1));
  return periodSubsidy({
    mode: args.mode,
    basis: args.basis,
    contractRateBp: args.contractRateBp,
    borrowerRateBp: Math.min(args.borrowerRateBp, args.contractRateBp),
    subsidyShareBp: args.subsidyShareBp,
    disbursedDate: args.facts.disbursedDate,
    segments,
  });
}

/**
 * The claim's split among finance levels (central/provincial/city/county): the subsidy of the lines under
 * each set of policy shares is split by largest remainder, then summed by level; the levels add up to the
 * claim's subsidy total exactly.
 */
export function splitClaimByLevels(lines: readonly { subsidyFen: Fen; shares: readonly number[] }[]): Fen[] {
  const groups = new Map<string, { shares: readonly number[]; total: Fen }>();
  for (const l of lines) {
    const key = l.shares.join(":");
    const g = groups.get(key) ?? { shares: l.shares, total: 0 };
    g.total += l.subsidyFen;
    groups.set(key, g);
  }
  const levels = [0, 0, 0, 0];
  for (const g of groups.values())
    splitByShares(g.total, g.shares).forEach((part, k) => (levels[k]! += part));
  return levels;
}
