import "server-only";
import { can, resolvePolicy, scopeFilter, type Fen, type IsoDate } from "@/domain";
import { db } from "../db";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { dateToIso, decToFen } from "../db-values";
import { todayShanghai } from "../clock";
import { fundPositions } from "./fund";
import { loadPolicies } from "./policies";
import { monthlyRates, rollingRates } from "../read-models/trends";
import { regionLines } from "./dashboard";

/**
 * The basis for a decision (issue 20 item 6), shown read-only at application and approval: the borrower's
 * previous loans and how they ended, subsidised loans so far against the policy's cap, open loans, the
 * village's and township's rate (the suspension rule's, as the dashboard computes it) and suspension, the
 * county fund's headroom, and the credit rating. It reads what exists; it decides nothing.
 */
export interface DecisionBasis {
  previous: {
    id: number;
    applicationNo: string;
    status: string;
    principalFen: Fen;
    closedDate: IsoDate | null;
  }[];
  subsidised: number;
  subsidisedCap: number | null;
  open: number;
  villageRate: number | null;
  townshipRate: number | null;
  suspensions: string[];
  fund: { headroomFen: Fen; leverage: number | null; cap: number } | null;
  rated: boolean;
}

export async function decisionBasis(
  actor: Actor,
  borrowerId: number,
  today: IsoDate = todayShanghai(),
  exceptLoanId?: number,
): Promise<DecisionBasis> {
  const target = { action: "loan.basis", entity: "Borrower", entityId: borrowerId };
  await requirePermission(actor, "loan.read", target);
  const b = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: borrowerId },
      select: { id: true, countyCode: true, villageCode: true, creditRated: true },
    }),
    target,
  );
  const township = b.villageCode.slice(0, 9);
  const [loans, policies, rates, positions, lines] = await Promise.all([
    db.loan.findMany({
      where: { borrowerId: b.id, ...(exceptLoanId ? { id: { not: exceptLoanId } } : {}) },
      orderBy: { id: "asc" },
      select: {
        id: true,
        applicationNo: true,
        status: true,
        principal: true,
        requestedPrincipal: true,
        closedDate: true,
        programme: { select: { code: true } },
      },
    }),
    loadPolicies(db, "WOMEN"),
    monthlyRates(township, today, 1),
    fundPositions(b.countyCode, today),
    can(actor.role, "dashboard.read") && scopeFilter(actor.regionCode).prefix.length <= 9
      ? regionLines(actor, township, today).catch(() => null)
      : Promise.resolve(null),
  ]);
  const policy = resolvePolicy(policies, { programmeCode: "WOMEN", regionCode: b.villageCode, date: today });
  const headroom = positions.reduce((s, f) => s + f.position.headroomFen, 0);
  const balance = positions.reduce((s, f) => s + f.balanceFen, 0);
  const outstanding = positions.reduce((s, f) => s + f.outstandingFen, 0);
  return {
    previous: loans.map((l) => ({
      id: l.id,
      applicationNo: l.applicationNo,
      status: l.status,
      principalFen: decToFen(l.principal ?? l.requestedPrincipal),
      closedDate: dateToIso(l.closedDate),
    })),
    // The same count the application rule uses: the programme's loans that were not rejected.
    subsidised: loans.filter((l) => l.programme.code === "WOMEN" && l.status !== "REJECTED").length,
    subsidisedCap: policy?.maxSubsidisedLoans ?? null,
    open: loans.filter((l) => ["APPLIED", "APPROVED", "REPAYING", "COMPENSATED"].includes(l.status)).length,
    villageRate: rollingRates(rates, b.villageCode).at(-1) ?? null,
    townshipRate: rollingRates(rates, township).at(-1) ?? null,
    suspensions: (lines?.suspended ?? [])
      .filter((a) => a.href.endsWith(township) || a.href.endsWith(b.villageCode))
      .map((a) => a.message),
    fund: positions.length
      ? {
          headroomFen: headroom,
          leverage: balance > 0 ? outstanding / balance : null,
          cap: positions[0]!.leverageCap,
        }
      : null,
    rated: b.creditRated,
  };
}
