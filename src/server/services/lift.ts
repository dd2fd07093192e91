import "server-only";
import {
  addMonths,
  liftPlan,
  resolvePolicy,
  RULE_DEFAULTS,
  type Fen,
  type IsoDate,
  type LiftPlan,
} from "@/domain";
import { db } from "../db";
import { decToFen, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import { regionGrouping } from "../read-models/figures";
import { loadPolicies } from "./policies";
import { authoriseListRegion } from "./coming-due";
import type { Actor } from "../authz";

/**
 * What lifts a township or village over the line (DOMAIN §16): the suspension rule's rate as the dashboard
 * computes it today (loans matured in the 12 months up to today, principal recovered ÷ principal matured),
 * and the smallest set of those loans whose full payment brings it to the threshold (`liftPlan`).
 */
export interface RegionLift extends Omit<LiftPlan, "loans"> {
  region: { code: string; name: string };
  thresholdBp: number;
  window: { from: IsoDate; to: IsoDate };
  loans: {
    id: number;
    unpaidFen: Fen;
    applicationNo: string;
    borrowerName: string;
    villageName: string;
  }[];
}

export async function regionLift(
  actor: Actor,
  regionCode: string,
  asOf: IsoDate = todayShanghai(),
): Promise<RegionLift> {
  const code = await authoriseListRegion(actor, regionCode, "collection.lift");
  const g = regionGrouping(code);
  const from = addMonths(asOf, -12);
  const rows = await db.$queryRaw<
    {
      id: number;
      principal: string;
      repaid: string;
      applicationNo: string;
      name: string;
      village: string | null;
    }[]
  >`
    SELECT l.id, l.principal::text AS principal, l."principalRepaid"::text AS repaid, l."applicationNo", b.name, v.name AS village
    FROM "Loan" l JOIN "Borrower" b ON b.id = l."borrowerId" LEFT JOIN "Region" v ON v.code = l."villageCode"
    WHERE ${g.village("l")} AND l."disbursedDate" IS NOT NULL AND l.status <> 'WRITTEN_OFF'
      AND l."maturityDate" > ${isoToDate(from)} AND l."maturityDate" <= ${isoToDate(asOf)}`;
  const policy = resolvePolicy(await loadPolicies(db, "WOMEN"), {
    programmeCode: "WOMEN",
    regionCode: code,
    date: asOf,
  });
  const thresholdBp = policy?.suspensionThresholdBp ?? RULE_DEFAULTS.suspensionThresholdBp;
  const plan = liftPlan(
    rows.map((r) => ({ id: r.id, maturedFen: decToFen(r.principal), recoveredFen: decToFen(r.repaid) })),
    thresholdBp,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const region = await db.region.findUnique({ where: { code }, select: { name: true } });
  return {
    ...plan,
    region: { code, name: region?.name ?? code },
    thresholdBp,
    window: { from, to: asOf },
    loans: plan.loans.map((l) => {
      const r = byId.get(l.id)!;
      return {
        ...l,
        applicationNo: r.applicationNo,
        borrowerName: r.name,
        villageName: r.village ?? "",
      };
    }),
  };
}
