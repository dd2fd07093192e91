import "server-only";
import { z } from "zod";
import {
  annualSettlement,
  QUARTERS,
  recomputeYear,
  regionLevel,
  scopeFilter,
  settlementPeriod,
  type AnnualSettlement,
  type QuarterNo,
  type SettlementLoan,
  type SettlementQuarter,
} from "@/domain";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { fieldErrorsOf, invalid } from "../errors";
import { decToFen } from "../db-values";
import { todayShanghai } from "../clock";
import { codePrefix } from "../prefix";
import { requireInScope, requirePermission, type Actor } from "../authz";
import { loadClaimLoans } from "./claims";
import { loadLpr, loadPolicies } from "./policies";

/**
 * The annual settlement (清算, DOMAIN §15, issue 18 item 8) of a county's year, for one bank or all: the
 * year's claims against the year recomputed from the journal as it stands (src/domain annualSettlement), per
 * loan to the fen, per bank and quarter (a missing claim flagged) and per finance level. Read-only; printing
 * the sheet for signatures is audited. See docs/decisions/040-annual-settlement.md.
 */

const empty = (v: unknown) => (v === "" || v === null ? undefined : v);

export const settlementInput = z.object({
  year: z.coerce
    .number({ message: "年份不正确" })
    .int("年份不正确")
    .min(2009, "年份不正确")
    .max(2100, "年份不正确"),
  bankId: z.preprocess(empty, z.coerce.number().int().positive("请选择银行").optional()),
  county: z.preprocess(
    empty,
    z
      .string()
      .regex(/^\d{6}$/, "请选择县")
      .optional(),
  ),
});

const LEVELS = ["CENTRAL", "PROVINCIAL", "CITY", "COUNTY"] as const;

export interface SettlementView {
  year: number;
  today: string;
  /** The county settled; null when the actor (a city or province) has yet to choose one. */
  county: { code: string; name: string } | null;
  /** Counties the actor may choose (empty for a county's own staff). */
  counties: { code: string; name: string }[];
  banks: { id: number; name: string }[];
  bankId: number | null;
  dueQuarters: QuarterNo[];
  /** The last day of the year's last settlement period (20 December). */
  yearEnd: string;
  result: {
    quarters: (SettlementQuarter & { bankName: string })[];
    loans: (SettlementLoan & {
      applicationNo: string;
      contractNo: string | null;
      borrowerName: string;
      bankName: string;
    })[];
    levels: {
      level: (typeof LEVELS)[number];
      claimedFen: number;
      recomputedFen: number;
      differenceFen: number;
    }[];
    totals: AnnualSettlement["totals"];
  } | null;
}

export async function annualSettlementView(
  actor: Actor,
  raw: unknown,
  opts: { print?: boolean; today?: string } = {},
): Promise<SettlementView> {
  const today = opts.today ?? todayShanghai();
  const action = opts.print ? "claim.settlement.print" : "claim.settlement";
  const target = { action, entity: "SubsidyClaim" };
  await requirePermission(actor, "loan.read", target);
  // The page has no form fields to put a message next to: the refusal's message names the field.
  const parsed = settlementInput.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    throw invalid(fieldErrors, Object.values(fieldErrors).flat()[0]);
  }
  const input = parsed.data;
  const own = regionLevel(actor.regionCode) === "COUNTY" ? actor.regionCode : null;
  const countyCode = input.county ?? own;
  const counties =
    own === null
      ? await db.region.findMany({
          where: { level: "COUNTY", code: codePrefix(scopeFilter(actor.regionCode).prefix) },
          orderBy: { code: "asc" },
          select: { code: true, name: true },
        })
      : [];
  const yearEnd = settlementPeriod({ year: input.year, quarter: 4 }).end;
  const dueQuarters = QUARTERS.filter(
    (quarter) => settlementPeriod({ year: input.year, quarter }).end < today,
  );
  const base = { year: input.year, today, counties, bankId: input.bankId ?? null, dueQuarters, yearEnd };
  if (countyCode === null) return { ...base, county: null, banks: [], result: null };

  // Nothing about another county: a county outside the actor's region is "not found" (and audited).
  await requireInScope(actor, { countyCode }, { ...target, entityId: countyCode });
  const region = await db.region.findUnique({
    where: { code: countyCode },
    select: { name: true, level: true },
  });
  if (!region || region.level !== "COUNTY") throw invalid({ county: ["请选择县"] }, "请选择县");

  const banks = await db.bank.findMany({
    where: { OR: [{ loans: { some: { countyCode } } }, { claims: { some: { countyCode } } }] },
    orderBy: { id: "asc" },
    select: { id: true, name: true },
  });
  const bankWhere = input.bankId ? { bankId: input.bankId } : {};
  const lastDue = dueQuarters.at(-1);
  const [claims, loans, policies, lpr] = await Promise.all([
    db.subsidyClaim.findMany({
      where: { countyCode, year: input.year, ...bankWhere },
      include: {
        lines: { select: { loanId: true, interest: true, subsidy: true } },
        splits: { select: { level: true, amount: true } },
      },
    }),
    lastDue
      ? loadClaimLoans({
          countyCode,
          bankId: input.bankId,
          accruingFrom: settlementPeriod({ year: input.year, quarter: 1 }).start,
          disbursedBy: settlementPeriod({ year: input.year, quarter: lastDue }).end,
        })
      : Promise.resolve([]),
    loadPolicies(),
    loadLpr(),
  ]);
  const settlement = annualSettlement({
    dueQuarters,
    claims: claims.map((c) => ({
      id: c.id,
      bankId: c.bankId,
      quarter: c.quarter as QuarterNo,
      status: c.status,
      levelsFen: LEVELS.map((level) => decToFen(c.splits.find((s) => s.level === level)?.amount ?? "0")),
      lines: c.lines.map((l) => ({
        loanId: l.loanId,
        interestFen: decToFen(l.interest),
        subsidyFen: decToFen(l.subsidy),
      })),
    })),
    recomputed: recomputeYear({ year: input.year, quarters: dueQuarters, loans, policies, lpr }),
  });

  const meta = await db.loan.findMany({
    where: { id: { in: settlement.loans.map((l) => l.loanId) }, countyCode },
    select: { id: true, applicationNo: true, contractNo: true, borrower: { select: { name: true } } },
  });
  const metaOf = new Map(meta.map((m) => [m.id, m]));
  const bankName = new Map(banks.map((b) => [b.id, b.name]));
  if (opts.print)
    await writeAudit(db, {
      ...target,
      entityId: null,
      countyCode,
      after: {
        year: input.year,
        bankId: input.bankId ?? null,
        differenceFen: settlement.totals.differenceFen,
      },
      outcome: "OK",
      ...actorFields(actor),
    });
  return {
    ...base,
    county: { code: countyCode, name: region.name },
    banks,
    result: {
      quarters: settlement.quarters.map((q) => ({
        ...q,
        bankName: bankName.get(q.bankId) ?? String(q.bankId),
      })),
      loans: settlement.loans.map((l) => {
        const m = metaOf.get(l.loanId);
        return {
          ...l,
          applicationNo: m?.applicationNo ?? String(l.loanId),
          contractNo: m?.contractNo ?? null,
          borrowerName: m?.borrower.name ?? "",
          bankName: bankName.get(l.bankId) ?? String(l.bankId),
        };
      }),
      levels: settlement.levels.map((l) => ({ ...l, level: LEVELS[l.level] })),
      totals: settlement.totals,
    },
  };
}
