/**
 * Repayment schedules (DOMAIN.md §3). Principal of the instalments adds up exactly to the loan principal.
 * - INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY (按季付息到期还本): interest on actual days through each
 *   quarterly settlement date (20 Mar/Jun/Sep/Dec, inclusive) and to maturity; principal at maturity.
 * - BULLET (到期一次还本付息): principal and interest on actual days at maturity.
 * - EQUAL_INSTALMENT (等额本息) and EQUAL_PRINCIPAL (等额本金): monthly, on the disbursement day of each
 *   month (clamped to the month's last day), interest at the monthly rate (annual ÷ 12) on the opening
 *   balance — the banks' convention for amortising loans.
 */
import { addDays, addMonths, daysBetween, settlementDatesBetween, type IsoDate } from "./dates";
import { fail } from "./errors";
import { assertBasis, assertRateBp, interestFen } from "./interest";
import { assertFen, roundHalfUp, toSafeNumber, type Fen } from "./money";

export const REPAYMENT_METHODS = [
  "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
  "EQUAL_INSTALMENT",
  "EQUAL_PRINCIPAL",
  "BULLET",
] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

export interface ScheduleLine {
  seq: number;
  /** First day of interest of this instalment; `days` of interest are counted from it. For quarterly
   *  settlement the period ends with the due date (the 20th) inclusive; otherwise the due date is excluded. */
  periodStart: IsoDate;
  dueDate: IsoDate;
  days: number;
  principalFen: Fen;
  interestFen: Fen;
  /** Principal outstanding after this instalment. */
  balanceAfterFen: Fen;
}

export interface ScheduleInput {
  principalFen: Fen;
  rateBp: number;
  startDate: IsoDate;
  termMonths: number;
  method: RepaymentMethod;
  basis: number;
  /** Interest settled annually on 20 December instead of quarterly (policy setting). */
  annualSettlement?: boolean;
}

export function maturityDate(startDate: IsoDate, termMonths: number): IsoDate {
  return addMonths(startDate, termMonths);
}

export function buildSchedule(input: ScheduleInput): ScheduleLine[] {
  const { principalFen, rateBp, startDate, termMonths, method } = input;
  assertFen(principalFen, "principal");
  if (principalFen === 0) fail("NEGATIVE_AMOUNT", "principal must be more than zero", "principal");
  assertRateBp(rateBp);
  const basis = assertBasis(input.basis);
  if (!Number.isSafeInteger(termMonths) || termMonths < 1 || termMonths > 600) {
    fail(
      "BAD_TERM",
      `term must be a whole number of months between 1 and 600, got ${termMonths}`,
      "termMonths",
    );
  }
  const maturity = maturityDate(startDate, termMonths);

  switch (method) {
    case "BULLET": {
      const days = daysBetween(startDate, maturity);
      return [
        {
          seq: 1,
          periodStart: startDate,
          dueDate: maturity,
          days,
          principalFen,
          interestFen: interestFen({ principalFen, rateBp, days, basis }),
          balanceAfterFen: 0,
        },
      ];
    }
    case "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY": {
      // 按季结息: interest is settled on the 20th and covers the days through the 20th (the next period
      // starts on the 21st), the same periods as the subsidy claims (settlementPeriod). The last period
      // runs to maturity (exclusive).
      const settlements = settlementDatesBetween(startDate, maturity, input.annualSettlement).filter(
        (d) => addDays(d, 1) < maturity,
      );
      const dates = [...settlements, maturity];
      let from = startDate;
      return dates.map((due, i) => {
        const last = i === dates.length - 1;
        const accrualEnd = last ? due : addDays(due, 1);
        const days = daysBetween(from, accrualEnd);
        const line: ScheduleLine = {
          seq: i + 1,
          periodStart: from,
          dueDate: due,
          days,
          principalFen: last ? principalFen : 0,
          interestFen: interestFen({ principalFen, rateBp, days, basis }),
          balanceAfterFen: last ? 0 : principalFen,
        };
        from = accrualEnd;
        return line;
      });
    }
    case "EQUAL_INSTALMENT":
    case "EQUAL_PRINCIPAL": {
      const n = termMonths;
      const monthlyDen = 120_000n; // rate bp × 12 months
      let payment = 0n;
      if (method === "EQUAL_INSTALMENT") {
        if (rateBp === 0) payment = roundHalfUp(BigInt(principalFen), BigInt(n));
        else {
          // A = P·i·(1+i)^n / ((1+i)^n − 1), i = r / 120000, computed exactly on integers.
          const g = (monthlyDen + BigInt(rateBp)) ** BigInt(n);
          const b = monthlyDen ** BigInt(n);
          payment = roundHalfUp(BigInt(principalFen) * BigInt(rateBp) * g, monthlyDen * (g - b));
        }
      }
      const evenPrincipal = BigInt(principalFen) / BigInt(n);
      let balance = BigInt(principalFen);
      const lines: ScheduleLine[] = [];
      for (let k = 1; k <= n; k++) {
        const periodStart = addMonths(startDate, k - 1);
        const due = addMonths(startDate, k);
        const interest = roundHalfUp(balance * BigInt(rateBp), monthlyDen);
        let principal: bigint;
        if (k === n) principal = balance;
        else if (method === "EQUAL_PRINCIPAL") principal = evenPrincipal;
        else principal = payment - interest > balance ? balance : payment - interest;
        if (principal < 0n) principal = 0n;
        balance -= principal;
        lines.push({
          seq: k,
          periodStart,
          dueDate: due,
          days: daysBetween(periodStart, due),
          principalFen: toSafeNumber(principal),
          interestFen: toSafeNumber(interest),
          balanceAfterFen: toSafeNumber(balance),
        });
      }
      return lines;
    }
    default:
      fail(
        "BAD_METHOD",
        `unknown repayment method "${String(method)}"; use one of ${REPAYMENT_METHODS.join(", ")}`,
        "method",
      );
  }
}
