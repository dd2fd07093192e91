/**
 * The fund equals its rules: for every fund, the ledger's balance = deposits (and other entries outside the
 * claims) − payouts of the paid claims + what the fund is owed for the principal recovered since each claim,
 * computed from the repayment journal (not from the loan's running totals) with src/domain's rule.
 */
import { fundRecoveryDue, yuanToFen } from "@/domain";

type Query = <T extends Record<string, unknown>>(text: string) => Promise<T[]>;

export interface FundCheck {
  fundId: number;
  ledgerFen: number;
  expectedFen: number;
  /** Claims whose RECOVERY entries differ from what the rule says the fund is owed: [claimId, booked, due]. */
  claimsOff: [number, number, number][];
  recoveries: number;
}

export async function fundInvariant(q: Query): Promise<FundCheck[]> {
  const funds = await q<{ id: number; ledger: string; other: string }>(
    `select f.id, coalesce(sum(e.amount), 0)::text ledger,
       coalesce(sum(e.amount) filter (where e.kind not in ('COMPENSATION', 'RECOVERY')), 0)::text other
     from "RiskFund" f left join "FundLedgerEntry" e on e."fundId" = f.id group by f.id order by f.id`,
  );
  const claims = await q<{
    id: number;
    fundId: number;
    amount: string;
    unpaidPrincipal: string;
    unpaidNow: string;
    booked: string;
    n: string;
  }>(
    `select c.id, c."fundId", c.amount::text, c."unpaidPrincipal"::text,
       (l.principal - coalesce((select sum(r.principal) from "RepaymentEntry" r where r."loanId" = l.id), 0))::text "unpaidNow",
       coalesce((select sum(e.amount) from "FundLedgerEntry" e where e."compensationClaimId" = c.id and e.kind = 'RECOVERY'), 0)::text booked,
       (select count(*) from "FundLedgerEntry" e where e."compensationClaimId" = c.id and e.kind = 'RECOVERY')::text n
     from "CompensationClaim" c join "Loan" l on l.id = c."loanId" where c.status = 'PAID'`,
  );
  return funds.map((f) => {
    const mine = claims.filter((c) => c.fundId === f.id);
    let expected = yuanToFen(f.other);
    const claimsOff: [number, number, number][] = [];
    for (const c of mine) {
      const due = fundRecoveryDue({
        compensatedFen: yuanToFen(c.amount),
        unpaidAtClaimFen: yuanToFen(c.unpaidPrincipal),
        unpaidNowFen: yuanToFen(c.unpaidNow),
      });
      expected += due - yuanToFen(c.amount);
      if (yuanToFen(c.booked) !== due) claimsOff.push([c.id, yuanToFen(c.booked), due]);
    }
    return {
      fundId: f.id,
      ledgerFen: yuanToFen(f.ledger),
      expectedFen: expected,
      claimsOff,
      recoveries: mine.reduce((s, c) => s + Number(c.n), 0),
    };
  });
}
