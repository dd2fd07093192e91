/**
 * Demo data for the programme's running rules (DOMAIN §11–§14): lending targets per township for the demo
 * year, a pending and an approved rectification of suspended regions, and an approved and paid 2025 reward
 * allocation of 道县 with its ledger. Computed from the loans the seed wrote, with the domain's functions.
 */
import {
  allocateReward,
  completedMonthEnds,
  fenToYuan,
  ratioBp,
  rateWindowStart,
  suspensionState,
  yuanToFen,
  type IsoDate,
  type RateWindow,
} from "../../src/domain";
import type { Prisma } from "../../src/generated/prisma/client";

type PrismaClient = Prisma.TransactionClient;

const fen = (v: string | null) => (v === null ? 0 : yuanToFen(v));

/** Month-end rates (the policy's rate window) of every village, one query. */
async function villageRates(prisma: PrismaClient, ends: IsoDate[], window: RateWindow) {
  const values = ends.map((e) => `('${e}'::date, '${rateWindowStart(window, e)}'::date)`).join(",");
  const rows = await prisma.$queryRawUnsafe<{ v: string; e: Date; matured: string; recovered: string }[]>(`
    WITH ends(e, s) AS (VALUES ${values}),
    pairs AS (
      SELECT l.id, l."villageCode" v, l.principal, l."principalRepaid" pr, ends.e FROM "Loan" l
      JOIN ends ON l."maturityDate" >= ends.s AND l."maturityDate" <= ends.e
      WHERE l."disbursedDate" IS NOT NULL AND l.status <> 'WRITTEN_OFF'
    ),
    later AS (
      SELECT p.id, p.e, SUM(r.principal) s FROM pairs p
      JOIN "RepaymentEntry" r ON r."loanId" = p.id AND r."valueDate" > p.e AND r.principal <> 0 GROUP BY 1, 2
    )
    SELECT p.v, p.e, SUM(p.principal)::text matured, SUM(LEAST(p.principal, p.pr - COALESCE(l.s, 0)))::text recovered
    FROM pairs p LEFT JOIN later l ON l.id = p.id AND l.e = p.e GROUP BY 1, 2`);
  const out = new Map<string, { matured: number[]; recovered: number[] }>();
  const index = new Map(ends.map((e, i) => [e, i]));
  for (const r of rows) {
    const i = index.get(r.e.toISOString().slice(0, 10))!;
    let x = out.get(r.v);
    if (!x) out.set(r.v, (x = { matured: ends.map(() => 0), recovered: ends.map(() => 0) }));
    x.matured[i] = fen(r.matured);
    x.recovered[i] = fen(r.recovered);
  }
  return (prefix: string) => {
    const m = ends.map(() => 0);
    const rec = ends.map(() => 0);
    for (const [code, x] of out)
      if (code.startsWith(prefix))
        x.matured.forEach((v, i) => {
          m[i]! += v;
          rec[i]! += x.recovered[i]!;
        });
    return ends.map((e, i) => ({ monthEnd: e, rateBp: ratioBp(rec[i]!, m[i]!) }));
  };
}

export async function seedRules(prisma: PrismaClient, asOf: IsoDate, userOf: (username: string) => number) {
  const year = Number(asOf.slice(0, 4));
  const townships = await prisma.region.findMany({ where: { level: "TOWNSHIP" }, orderBy: { code: "asc" } });
  const villages = await prisma.region.findMany({ where: { level: "VILLAGE" }, orderBy: { code: "asc" } });

  // ── targets: each township's year-to-date lending against a target that makes completions differ ──
  const lent = await prisma.$queryRawUnsafe<{ t: string; lent: string }[]>(
    `SELECT substr("villageCode", 1, 9) t, SUM(principal)::text lent FROM "Loan"
     WHERE "disbursedDate" BETWEEN '${year}-01-01' AND '${asOf}' GROUP BY 1`,
  );
  const factors = [8_000, 9_500, 11_000, 13_000, 10_500]; // target = lending × 10000 / factor → 80%–130%
  const staffOf: Record<string, string> = {
    "620123": "yz_staff",
    "511921": "tj_staff",
    "431124": "dx_staff",
  };
  const targets = townships.flatMap((t, i) => {
    const l = fen(lent.find((x) => x.t === t.code)?.lent ?? null);
    const user = staffOf[t.code.slice(0, 6)];
    if (!user) return [];
    // Rounded to the 万元 as counties set them; a township that lent nothing yet gets 100万.
    const raw =
      l > 0 ? Math.round((l * 10_000) / factors[i % factors.length]! / 1_000_000) * 1_000_000 : 100_000_000;
    return [
      {
        countyCode: t.code.slice(0, 6),
        regionCode: t.code,
        year,
        target: fenToYuan(Math.max(raw, 1_000_000)),
        createdById: userOf(user),
        updatedById: userOf(user),
      },
    ];
  });
  await prisma.lendingTarget.createMany({ data: targets });

  // The demo programme's policy: the rules below read their numbers from it, as the app does.
  const policy = await prisma.policyVersion.findFirstOrThrow({
    where: { programme: { code: "WOMEN" } },
    orderBy: { id: "asc" },
  });

  // ── suspensions: the first suspended region of each demo county gets a rectification ──
  const ends = completedMonthEnds(`${year - 1}-01-01`, asOf);
  const ratesOf = await villageRates(prisma, ends, policy.rateWindow);
  const approvers: Record<string, string> = {
    "620123": "yz_approver",
    "511921": "tj_approver",
    "431124": "dx_approver",
  };
  let n = 0;
  for (const region of [...villages, ...townships]) {
    const county = region.code.slice(0, 6);
    if (!staffOf[county]) continue;
    const s = suspensionState({
      rates: ratesOf(region.code),
      thresholdBp: policy.suspensionThresholdBp,
      months: policy.suspensionMonths,
      rectifications: [],
    });
    if (!s.current) continue;
    // One approved (the region resumes at its next month-end at the line) and the others waiting.
    const approved = n === 1;
    const doneOn = s.current.start < asOf ? asOf.slice(0, 8) + "05" : asOf;
    await prisma.rectification.create({
      data: {
        countyCode: county,
        regionCode: region.code,
        suspendedSince: new Date(`${s.current.start}T00:00:00Z`),
        measures: "村两委逐户走访逾期借款人，制定还款计划；落实村干部包户催收责任，每周向县妇联报告进度",
        doneBy: `${region.name}两委`,
        doneOn: new Date(`${doneOn}T00:00:00Z`),
        status: approved ? "APPROVED" : "PENDING",
        makerId: userOf(staffOf[county]),
        approverId: approved ? userOf(approvers[county]!) : null,
        decidedAt: approved ? new Date(`${doneOn}T03:00:00Z`) : null,
        approvedOn: approved ? new Date(`${doneOn}T00:00:00Z`) : null,
      },
    });
    if (++n >= 3) break;
  }

  // ── reward: 道县 2025, approved and paid ──
  const county = "431124";
  const end = `${year - 1}-12-31`;
  const yearRates = await villageRates(prisma, [end], policy.rateWindow);
  const rate = (code: string) => yearRates(code)[0]!.rateBp;
  const lending = await prisma.$queryRawUnsafe<{ v: string; bank: number; lent: string }[]>(
    `SELECT "villageCode" v, "bankId" bank, SUM(principal)::text lent FROM "Loan"
     WHERE "countyCode" = '${county}' AND "disbursedDate" BETWEEN '${year - 1}-01-01' AND '${end}' GROUP BY 1, 2`,
  );
  const lentIn = (p: string) => lending.filter((l) => l.v.startsWith(p)).reduce((s, l) => s + fen(l.lent), 0);
  const ts = townships
    .filter((t) => t.code.startsWith(county))
    .map((t) => ({ code: t.code, lentFen: lentIn(t.code), rateBp: rate(t.code) }));
  const vs = villages
    .filter((v) => v.code.startsWith(county))
    .map((v) => ({
      code: v.code,
      townshipCode: v.code.slice(0, 9),
      lentFen: lentIn(v.code),
      rateBp: rate(v.code),
    }));
  const bankIds = [...new Set(lending.map((l) => l.bank))];
  const banks = bankIds.map((id) => {
    const by: Record<string, number> = {};
    for (const l of lending.filter((x) => x.bank === id))
      by[l.v.slice(0, 9)] = (by[l.v.slice(0, 9)] ?? 0) + fen(l.lent);
    return { id, lentFenByTownship: by };
  });
  const countyUnit = { lentFen: lentIn(county), rateBp: rate(county) };
  const res = allocateReward({
    rewardRateBp: policy.rewardRateBp,
    thresholdBp: policy.rewardThresholdBp,
    shares: policy.rewardShares,
    county: countyUnit,
    townships: ts,
    villages: vs,
    banks,
  });
  const lines = [
    ...ts.map((t, i) => ({
      kind: "TOWNSHIP" as const,
      regionCode: t.code,
      bankId: null,
      lent: t.lentFen,
      rateBp: t.rateBp,
      amount: res.townships[i]!.rewardFen,
    })),
    ...vs.map((v, i) => ({
      kind: "VILLAGE" as const,
      regionCode: v.code,
      bankId: null,
      lent: v.lentFen,
      rateBp: v.rateBp,
      amount: res.villages[i]!.rewardFen,
    })),
    ...banks.map((b, i) => ({
      kind: "BANK" as const,
      regionCode: null,
      bankId: b.id,
      lent: Object.values(b.lentFenByTownship).reduce((s, x) => s + x, 0),
      rateBp: null,
      amount: res.banks[i]!.rewardFen,
    })),
    {
      kind: "LEADING_GROUP" as const,
      regionCode: county,
      bankId: null,
      lent: countyUnit.lentFen,
      rateBp: countyUnit.rateBp,
      amount: res.leadingGroupFen,
    },
  ];
  const allocation = await prisma.rewardAllocation.create({
    data: {
      countyCode: county,
      year: year - 1,
      status: "PAID",
      policyVersionId: policy.id,
      rewardRateBp: policy.rewardRateBp,
      thresholdBp: policy.rewardThresholdBp,
      rewardShares: policy.rewardShares,
      rateWindow: policy.rateWindow,
      countyLent: fenToYuan(countyUnit.lentFen),
      countyRateBp: countyUnit.rateBp,
      total: fenToYuan(res.totalFen),
      makerId: userOf("dx_staff"),
      approverId: userOf("dx_approver"),
      decidedAt: new Date(`${year}-01-20T02:00:00Z`),
      paidDate: new Date(`${year}-02-10T00:00:00Z`),
    },
  });
  for (const l of lines) {
    const line = await prisma.rewardLine.create({
      data: {
        allocationId: allocation.id,
        countyCode: county,
        kind: l.kind,
        regionCode: l.regionCode,
        bankId: l.bankId,
        lent: fenToYuan(l.lent),
        rateBp: l.rateBp,
        amount: fenToYuan(l.amount),
      },
    });
    if (l.amount <= 0) continue;
    await prisma.rewardLedgerEntry.createMany({
      data: [
        {
          countyCode: county,
          allocationId: allocation.id,
          lineId: line.id,
          kind: "ALLOCATED",
          amount: fenToYuan(l.amount),
          valueDate: new Date(`${year}-01-20T00:00:00Z`),
          memo: `${year - 1}年奖励资金批准分配`,
          createdById: userOf("dx_approver"),
        },
        {
          countyCode: county,
          allocationId: allocation.id,
          lineId: line.id,
          kind: "PAID",
          amount: fenToYuan(-l.amount),
          valueDate: new Date(`${year}-02-10T00:00:00Z`),
          memo: `${year - 1}年奖励资金拨付`,
          createdById: userOf("dx_staff"),
        },
      ],
    });
  }
  return { targets: targets.length, rectifications: n, rewardFen: res.totalFen };
}
