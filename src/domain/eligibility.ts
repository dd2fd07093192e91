/**
 * Loan eligibility (DOMAIN.md "Programmes", §13): one function for the application form, the disbursement,
 * the loan import, the seed and the borrower page. It returns codes with their numbers; the caller words them.
 */
import type { IsoDate } from "./dates";
import { ageOn } from "./identity";
import type { Fen } from "./money";

export interface EligibilityRules {
  maxPrincipalFen: Fen;
  maxTermMonths: number;
  womenOnly: boolean;
  minAge: number;
  maxAge: number;
  maxSubsidisedLoans: number;
}

export type EligibilityProblem =
  | { code: "AMOUNT_NOT_POSITIVE"; field: "amount" }
  | { code: "AMOUNT_OVER_CAP"; field: "amount"; capFen: Fen }
  | { code: "TERM_OVER_CAP"; field: "termMonths"; maxTermMonths: number }
  | { code: "RATE_OVER_CAP"; field: "contractRate"; capBp: number }
  | { code: "NOT_WOMAN"; field: "borrowerId" }
  | { code: "AGE_OUT_OF_RANGE"; field: "borrowerId"; age: number; minAge: number; maxAge: number }
  | { code: "OPEN_LOAN"; field: "borrowerId" }
  | { code: "PENDING_APPLICATION"; field: "borrowerId" }
  | { code: "MAX_LOANS"; field: "borrowerId"; count: number; max: number }
  | {
      code: "REGION_SUSPENDED";
      field: "borrowerId";
      regionCode: string;
      regionName?: string;
      since: IsoDate;
      cause: { monthEnd: IsoDate; rateBp: number | null }[];
    };

/** Loan statuses that count as open (the borrower cannot apply again) or as a pending application. */
const OPEN = new Set(["APPROVED", "REPAYING", "COMPENSATED"]);
const PENDING = new Set(["APPLIED"]);

/**
 * Every reason a loan cannot be granted, in a stable order (amount, term, rate, then the borrower).
 * Parts not given are not checked: the borrower page passes no amount; the import passes no previous loans
 * (the file is history). `previousLoans` are the borrower's loans in the programme that were not rejected.
 */
export function loanEligibility(args: {
  rules: EligibilityRules;
  on: IsoDate;
  /** Omitted at disbursement (the borrower was checked at application). */
  borrower?: { sex: string; birthDate: IsoDate | null };
  amountFen?: Fen;
  termMonths?: number;
  contractRateBp?: number;
  rateCapBp?: number | null;
  previousLoans?: readonly { status: string }[];
  suspensions?: readonly {
    regionCode: string;
    regionName?: string;
    since: IsoDate;
    cause: { monthEnd: IsoDate; rateBp: number | null }[];
  }[];
}): EligibilityProblem[] {
  const { rules } = args;
  const out: EligibilityProblem[] = [];
  if (args.amountFen !== undefined) {
    if (args.amountFen <= 0) out.push({ code: "AMOUNT_NOT_POSITIVE", field: "amount" });
    else if (args.amountFen > rules.maxPrincipalFen)
      out.push({ code: "AMOUNT_OVER_CAP", field: "amount", capFen: rules.maxPrincipalFen });
  }
  if (args.termMonths !== undefined && args.termMonths > rules.maxTermMonths)
    out.push({ code: "TERM_OVER_CAP", field: "termMonths", maxTermMonths: rules.maxTermMonths });
  if (args.contractRateBp !== undefined && args.rateCapBp != null && args.contractRateBp > args.rateCapBp)
    out.push({ code: "RATE_OVER_CAP", field: "contractRate", capBp: args.rateCapBp });
  if (args.borrower && rules.womenOnly && args.borrower.sex !== "F")
    out.push({ code: "NOT_WOMAN", field: "borrowerId" });
  if (args.borrower?.birthDate) {
    const age = ageOn(args.borrower.birthDate, args.on);
    if (age < rules.minAge || age > rules.maxAge)
      out.push({
        code: "AGE_OUT_OF_RANGE",
        field: "borrowerId",
        age,
        minAge: rules.minAge,
        maxAge: rules.maxAge,
      });
  }
  if (args.previousLoans) {
    if (args.previousLoans.some((l) => OPEN.has(l.status)))
      out.push({ code: "OPEN_LOAN", field: "borrowerId" });
    else if (args.previousLoans.some((l) => PENDING.has(l.status)))
      out.push({ code: "PENDING_APPLICATION", field: "borrowerId" });
    // Every loan that was not rejected counts towards the cap (a pending one would be the next).
    const count = args.previousLoans.filter((l) => l.status !== "REJECTED").length;
    if (count >= rules.maxSubsidisedLoans)
      out.push({ code: "MAX_LOANS", field: "borrowerId", count, max: rules.maxSubsidisedLoans });
  }
  for (const s of args.suspensions ?? []) out.push({ code: "REGION_SUSPENDED", field: "borrowerId", ...s });
  return out;
}
