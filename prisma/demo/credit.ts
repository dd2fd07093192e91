/**
 * Demo data of credit rating (评级授信) and credit villages (信用村), DOMAIN §11 and §18: an approved rating for
 * every household the seed marked 信用户 (some with an older, expired one), ratings awaiting approval and a
 * rejected one in each county, and the eligible households of every village with borrowers — chosen so that the
 * counties' 授信率 lie between 70% and 99% (道县 ≈ 95%, as its report says) and several villages reach the
 * 信用村 line. Its own random stream: the rest of the demo data is unchanged.
 */
import { addDays, addMonths, fenToYuan, type IsoDate } from "../../src/domain";
import type { Prisma } from "../../src/generated/prisma/client";
import { rng } from "./rng";

type PrismaClient = Prisma.TransactionClient;

const WAN = 1_000_000;
const LIMITS = { AAA: 20 * WAN, AA: 10 * WAN, A: 5 * WAN } as const;
const RATERS = [
  "村信用评定小组 张建国 李春梅 王志强",
  "村两委评级小组 刘秀珍 陈海",
  "乡镇妇联 周丽 村支书 马成",
];

export async function seedCredit(
  prisma: PrismaClient,
  asOf: IsoDate,
  makerOf: (county: string) => number,
  approverOf: (county: string) => number,
): Promise<{ approved: number; pending: number; villages: number }> {
  const r = rng(23_000_001);
  const borrowers = await prisma.borrower.findMany({
    where: { kind: "INDIVIDUAL" },
    select: { id: true, countyCode: true, villageCode: true, creditRated: true },
    orderBy: { id: "asc" },
  });
  const ratings: Prisma.CreditRatingCreateManyInput[] = [];
  const day = (d: IsoDate) => new Date(`${d}T00:00:00Z`);
  const rating = (
    b: (typeof borrowers)[number],
    ratedOn: IsoDate,
    status: "APPROVED" | "PENDING" | "REJECTED",
    note: string | null = null,
  ) => {
    const grade = r.weighted([
      ["AAA", 2],
      ["AA", 5],
      ["A", 3],
    ] as const);
    const committeeOn = addDays(ratedOn, r.int(3, 10));
    const validFrom = addDays(committeeOn, r.int(1, 10));
    ratings.push({
      countyCode: b.countyCode,
      villageCode: b.villageCode,
      borrowerId: b.id,
      grade,
      creditLimit: fenToYuan(LIMITS[grade]),
      validFrom: day(validFrom),
      validTo: day(addDays(addMonths(validFrom, 36), -1)),
      ratedOn: day(ratedOn),
      ratedBy: r.pick(RATERS),
      committeeOn: day(committeeOn),
      committeeRef: `${b.villageCode.slice(-3)}村评议〔${committeeOn.slice(0, 4)}〕${r.int(1, 12)}号`,
      committeeNotes: r.next() < 0.3 ? "经村评议委员会评议，群众公认诚实守信" : null,
      status,
      makerId: makerOf(b.countyCode),
      approverId: status === "PENDING" ? null : approverOf(b.countyCode),
      decidedAt: status === "PENDING" ? null : new Date(`${addDays(validFrom, -1)}T03:00:00Z`),
      decisionNote: note,
    });
  };
  const pendingCounties = new Set<string>();
  for (const b of borrowers) {
    if (b.creditRated) {
      // An older rating that ran out (its three years ended) for some; the current one for all.
      if (r.next() < 0.06) rating(b, addDays("2020-10-01", r.int(0, 300)), "APPROVED");
      rating(b, addDays("2024-01-05", r.int(0, 990)), "APPROVED");
    } else if (r.next() < 0.04 || !pendingCounties.has(b.countyCode)) {
      // Waiting for the county's approver (at least one per county), recorded in the last weeks.
      pendingCounties.add(b.countyCode);
      rating(b, addDays(asOf, -r.int(20, 40)), "PENDING");
    } else if (r.next() < 0.01)
      rating(b, addDays(asOf, -r.int(60, 200)), "REJECTED", "评议记录缺村民代表签字，退回补正");
  }
  for (let i = 0; i < ratings.length; i += 2000)
    await prisma.creditRating.createMany({ data: ratings.slice(i, i + 2000) });

  // Eligible households: the rated households in force ÷ a share drawn per village (道县 rated nearly all).
  const rated = new Map<string, number>();
  for (const x of ratings)
    if (
      x.status === "APPROVED" &&
      (x.validFrom as Date).toISOString().slice(0, 10) <= asOf &&
      (x.validTo as Date).toISOString().slice(0, 10) >= asOf
    )
      rated.set(x.villageCode, (rated.get(x.villageCode) ?? 0) + 1);
  const villages = [...new Set(borrowers.map((b) => b.villageCode))].sort();
  const rows = villages.map((v) => {
    const share = v.startsWith("431124") ? 0.93 + r.next() * 0.05 : 0.68 + r.next() * 0.3;
    const n = rated.get(v) ?? 0;
    return {
      villageCode: v,
      countyCode: v.slice(0, 6),
      eligible: Math.max(n, Math.round(n / share) || r.int(20, 60)),
      updatedById: makerOf(v.slice(0, 6)),
    };
  });
  await prisma.villageHouseholds.createMany({ data: rows });
  return {
    approved: ratings.filter((x) => x.status === "APPROVED").length,
    pending: ratings.filter((x) => x.status === "PENDING").length,
    villages: rows.length,
  };
}
