import "server-only";
import { resolvePolicy, type IsoDate } from "@/domain";
import { db } from "../db";
import type { Actor } from "../authz";
import { loadPolicies } from "./policies";
import { decToFen } from "../db-values";
import { todayShanghai } from "../clock";

/** One programme's rules in force for the reader's region today (the 说明 pages show them). */
export interface PolicyInForce {
  programme: string;
  programmeEn: string;
  name: string;
  validFrom: IsoDate;
  regionCode: string;
  maxPrincipalFen: number;
  maxTermMonths: number;
  maxExtensionMonths: number;
  maxSubsidisedLoans: number;
  rateRule: string;
  rateCapSpreadBp: number;
  subsidyMode: string;
  borrowerSpreadBp: number;
  subsidyShareBp: number;
  dayCountBasis: number;
  leverageCap: number;
  compensationAfterDays: number;
  compensationShareBp: number;
  rewardThresholdBp: number;
  rewardRateBp: number;
  rewardShares: number[];
  suspensionThresholdBp: number;
  suspensionMonths: number;
  womenOnly: boolean;
  minAge: number;
  maxAge: number;
}

/**
 * The policy versions in force today for the reader's own region, one per programme. Any signed-in reader
 * may see the rules of her own region (they are the programme's published rules, no personal data).
 */
export async function policiesInForce(
  actor: Actor,
  today: IsoDate = todayShanghai(),
): Promise<PolicyInForce[]> {
  const [programmes, policies] = await Promise.all([
    db.programme.findMany({ orderBy: { id: "asc" } }),
    loadPolicies(db),
  ]);
  return programmes.flatMap((pr) => {
    const p = resolvePolicy(policies, { programmeCode: pr.code, regionCode: actor.regionCode, date: today });
    if (!p) return [];
    return [
      {
        programme: pr.name,
        programmeEn: pr.nameEn,
        name: p.name,
        validFrom: p.validFrom,
        regionCode: p.regionCode,
        maxPrincipalFen: decToFen(p.maxPrincipal),
        maxTermMonths: p.maxTermMonths,
        maxExtensionMonths: p.maxExtensionMonths,
        maxSubsidisedLoans: p.maxSubsidisedLoans,
        rateRule: p.rateRule,
        rateCapSpreadBp: p.rateCapSpreadBp,
        subsidyMode: p.subsidyMode,
        borrowerSpreadBp: p.borrowerSpreadBp,
        subsidyShareBp: p.subsidyShareBp,
        dayCountBasis: p.dayCountBasis,
        leverageCap: p.leverageCap,
        compensationAfterDays: p.compensationAfterDays,
        compensationShareBp: p.compensationShareBp,
        rewardThresholdBp: p.rewardThresholdBp,
        rewardRateBp: p.rewardRateBp,
        rewardShares: p.rewardShares,
        suspensionThresholdBp: p.suspensionThresholdBp,
        suspensionMonths: p.suspensionMonths,
        womenOnly: p.womenOnly,
        minAge: p.minAge,
        maxAge: p.maxAge,
      },
    ];
  });
}
