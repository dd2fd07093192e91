import "server-only";
import { creditCheck, loanEligibility, resolvePolicy, type IsoDate } from "@/domain";
import { db } from "../db";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { dateToIso } from "../db-values";
import { todayShanghai } from "../clock";
import { loadPolicies } from "./policies";
import { creditErrors, ratingsOf } from "./credit";
import { eligibilityErrors, eligibilityRules, suspensionsOf } from "../read-models/rules";

export interface ApplyState {
  programmes: { code: string; name: string; reasons: string[] }[];
  /** True when at least one programme would take an application today. */
  canApply: boolean;
}

/**
 * Why a borrower cannot apply today, per programme (issue 20 item 6): an open loan, a pending application, the
 * cap of subsidised loans, age or sex under the programme's policy, a suspended township or village. The same
 * loanEligibility the application runs, without the loan's own numbers.
 */
export async function borrowerApplyState(
  actor: Actor,
  borrowerId: number,
  today: IsoDate = todayShanghai(),
): Promise<ApplyState> {
  const target = { action: "borrower.applyState", entity: "Borrower", entityId: borrowerId };
  await requirePermission(actor, "loan.read", target);
  const b = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id: borrowerId },
      select: { id: true, countyCode: true, villageCode: true, sex: true, birthDate: true },
    }),
    target,
  );
  const [programmes, policies, loans, ratings] = await Promise.all([
    db.programme.findMany({ orderBy: { id: "asc" }, select: { code: true, name: true } }),
    loadPolicies(db),
    db.loan.findMany({
      where: { borrowerId: b.id, status: { not: "REJECTED" } },
      select: { status: true, programme: { select: { code: true } } },
    }),
    ratingsOf(db, b.id),
  ]);
  const out: ApplyState["programmes"] = [];
  for (const p of programmes) {
    const policy = resolvePolicy(policies, { programmeCode: p.code, regionCode: b.villageCode, date: today });
    if (!policy) {
      out.push({ ...p, reasons: [`${today} 本县没有生效的该项目政策`] });
      continue;
    }
    const problems = loanEligibility({
      rules: eligibilityRules(policy),
      on: today,
      borrower: { sex: b.sex, birthDate: dateToIso(b.birthDate) },
      previousLoans: loans.filter((l) => l.programme.code === p.code),
      suspensions: await suspensionsOf(db, b.villageCode, policy, today),
    });
    // A policy that requires a credit rating in force (issue 23): without one she cannot apply (no amount yet).
    const credit = creditCheck({
      ratings,
      on: today,
      amountFen: 0,
      ratingRequired: policy.creditRatingRequired,
    });
    out.push({
      ...p,
      reasons: [
        ...(eligibilityErrors(problems, policy.name).borrowerId ?? []),
        ...(creditErrors(credit, policy.name).borrowerId ?? []),
      ],
    });
  }
  return { programmes: out, canApply: out.some((p) => p.reasons.length === 0) };
}
