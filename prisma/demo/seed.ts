/**
 * Demo data that looks like the real programme: the counties of the source articles, women borrowers with
 * valid ID numbers, loans 2016–2026 in the programmes' industries, quarterly repayments (some late, some
 * overdue, a few extended, compensated or written off), risk funds and subsidy claims.
 * Deterministic: a seeded RNG and a fixed as-of date, so every run produces the same data.
 * Every amount comes from src/domain (schedules, journal replay, claim lines, compensation).
 */
import { hash } from "@node-rs/argon2";
import {
  addDays,
  addMonths,
  borrowerRateBp,
  buildSchedule,
  claimLine,
  claimLineBalanceDays,
  compensation,
  contractRateCapBp,
  daysPastDue,
  fenToYuan,
  lprOn,
  makeResidentId,
  replayJournal,
  resolvePolicy,
  settlementPeriod,
  splitByShares,
  splitClaimByLevels,
  type IsoDate,
  type JournalEntry,
  type LprEntry,
  type RepaymentMethod,
  EXCLUSION_LABELS,
} from "../../src/domain";
import { ARGON2_OPTIONS } from "../../src/config/argon2";
import type { Prisma } from "../../src/generated/prisma/client";

type PrismaClient = Prisma.TransactionClient;
import { CITIES, COUNTIES, PROVINCES, villagesOf } from "./regions";
import { rng } from "./rng";
import { seedInterestSamples, seedStatementSamples } from "./statements";
import { seedCredit } from "./credit";
import { seedRules } from "./rules";
import { seedAttachments } from "./attachments";
import { seedSurveysAndVisits } from "./visits";
import { seedInsuranceAndOrganisations } from "./insurance-orgs";
import { storeFromEnv, type AttachmentStore } from "../../src/shared/storage";
import { loadToolEnv } from "../../src/config/env";

export const DEMO_AS_OF: IsoDate = "2026-11-20";
export const DEMO_PASSWORD = "Halfsky@2026";

export const DEMO_USERS = [
  { username: "admin", displayName: "系统管理员", role: "ADMIN", regionCode: "000000" },
  { username: "yz_staff", displayName: "王秀兰（榆中县妇联）", role: "COUNTY_STAFF", regionCode: "620123" },
  {
    username: "yz_approver",
    displayName: "李淑芬（榆中县妇联）",
    role: "COUNTY_APPROVER",
    regionCode: "620123",
  },
  { username: "tj_staff", displayName: "张玉梅（通江县妇联）", role: "COUNTY_STAFF", regionCode: "511921" },
  {
    username: "tj_approver",
    displayName: "刘桂英（通江县妇联）",
    role: "COUNTY_APPROVER",
    regionCode: "511921",
  },
  { username: "dx_staff", displayName: "陈春花（道县妇联）", role: "COUNTY_STAFF", regionCode: "431124" },
  {
    username: "dx_approver",
    displayName: "周红霞（道县妇联）",
    role: "COUNTY_APPROVER",
    regionCode: "431124",
  },
  { username: "lz_official", displayName: "杨丽（兰州市妇联）", role: "CITY_OFFICIAL", regionCode: "620100" },
  { username: "bz_official", displayName: "何静（巴中市妇联）", role: "CITY_OFFICIAL", regionCode: "511900" },
  {
    username: "yz_official",
    displayName: "马燕（榆中县财政局）",
    role: "CITY_OFFICIAL",
    regionCode: "620123",
  },
  { username: "dx_official", displayName: "唐敏（道县财政局）", role: "CITY_OFFICIAL", regionCode: "431124" },
  { username: "lz_auditor", displayName: "赵审（兰州市审计局）", role: "AUDITOR", regionCode: "620100" },
  // The monthly report (issue 22): a second Lanzhou official approves the city's report; a provincial official
  // (the official role scoped to a province code) receives it.
  { username: "lz_reviewer", displayName: "孙慧（兰州市妇联）", role: "CITY_OFFICIAL", regionCode: "620100" },
  { username: "gs_official", displayName: "冯瑶（甘肃省妇联）", role: "CITY_OFFICIAL", regionCode: "620000" },
] as const;

export const SURNAMES = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "赵",
  "黄",
  "周",
  "吴",
  "徐",
  "孙",
  "胡",
  "朱",
  "高",
  "林",
  "何",
  "郭",
  "马",
  "罗",
  "梁",
  "宋",
  "郑",
  "谢",
  "韩",
  "唐",
  "冯",
  "于",
  "董",
  "萧",
  "程",
  "曹",
  "袁",
  "邓",
  "许",
  "傅",
  "沈",
  "曾",
  "彭",
  "吕",
  "苏",
  "卢",
  "蒋",
  "蔡",
  "贾",
  "丁",
  "魏",
  "薛",
  "叶",
  "阎",
];
export const GIVEN = [
  "秀英",
  "桂英",
  "秀兰",
  "玉兰",
  "桂兰",
  "秀珍",
  "凤英",
  "玉梅",
  "淑珍",
  "丽",
  "静",
  "敏",
  "艳",
  "娟",
  "霞",
  "燕",
  "芳",
  "红",
  "玲",
  "萍",
  "春花",
  "海燕",
  "丽娟",
  "小红",
  "晓燕",
  "金凤",
  "翠花",
  "彩霞",
  "美玲",
  "雪梅",
  "红梅",
  "月娥",
  "爱华",
  "冬梅",
  "慧",
  "婷",
  "倩",
  "琳",
  "莉",
  "颖",
  "佳",
  "欣怡",
  "思雨",
  "梦瑶",
  "雅琴",
  "素芳",
  "巧云",
  "银花",
  "菊香",
  "兰英",
];

export const LPR: LprEntry[] = [
  // Before the 2019 LPR reform: the benchmark lending rates (1y 4.35%, 1–5y 4.75%) from 2015-10-24.
  ["2015-10-24", 435, 475],
  ["2019-08-20", 425, 485],
  ["2019-09-20", 420, 485],
  ["2019-11-20", 415, 480],
  ["2020-02-20", 405, 475],
  ["2020-04-20", 385, 465],
  ["2021-12-20", 380, 465],
  ["2022-01-20", 370, 460],
  ["2022-05-20", 370, 445],
  ["2022-08-22", 365, 430],
  ["2023-06-20", 355, 420],
  ["2023-08-21", 345, 420],
  ["2024-02-20", 345, 395],
  ["2024-07-22", 335, 385],
  ["2024-10-21", 310, 360],
  ["2025-05-20", 300, 350],
].flatMap(([d, one, five]) => [
  { effectiveDate: d as string, term: "ONE_YEAR" as const, rateBp: one as number },
  { effectiveDate: d as string, term: "FIVE_YEAR" as const, rateBp: five as number },
]);

export const BANKS = [
  { id: 1, code: "ABC", name: "中国农业银行" },
  { id: 2, code: "PSBC", name: "中国邮政储蓄银行" },
  { id: 3, code: "RCB", name: "农村商业银行" },
  { id: 4, code: "CCB", name: "中国建设银行" },
];

interface PolicySeed {
  id: number;
  programmeCode: "WOMEN" | "POVERTY";
  programmeId: number;
  regionCode: string;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  name: string;
  maxPrincipalFen: number;
  maxTermMonths: number;
  rateRule: "LPR_1Y_PLUS_SPREAD" | "LPR_BY_TERM";
  rateCapSpreadBp: number;
  subsidyMode: "LPR_MINUS_SPREAD" | "FULL" | "SHARE_OF_INTEREST" | "YEAR_FACTORS";
  borrowerSpreadBp: number;
  subsidyShareBp: number;
  shares: [number, number, number, number];
  dayCountBasis: number;
  leverageCap: number;
  womenOnly: boolean;
}

const WAN = 1_000_000; // 1万元 in fen

function policies(): PolicySeed[] {
  const out: PolicySeed[] = [];
  let id = 1;
  const women = (
    validFrom: IsoDate,
    validTo: IsoDate | null,
    maxWan: number,
    mode: PolicySeed["subsidyMode"],
    name: string,
    regionCode = "000000",
    extra: Partial<PolicySeed> = {},
  ) =>
    out.push({
      id: id++,
      programmeCode: "WOMEN",
      programmeId: 1,
      regionCode,
      validFrom,
      validTo,
      name,
      maxPrincipalFen: maxWan * WAN,
      maxTermMonths: 36,
      rateRule: "LPR_1Y_PLUS_SPREAD",
      rateCapSpreadBp: 300,
      subsidyMode: mode,
      borrowerSpreadBp: 150,
      subsidyShareBp: 10_000,
      shares: [0, 50, 0, 50],
      dayCountBasis: 360,
      leverageCap: 5,
      womenOnly: true,
      ...extra,
    });
  women("2016-01-01", "2020-01-01", 10, "FULL", "妇女创业担保贷款（2016：个人≤10万元，微利项目全额贴息）");
  women("2020-01-01", "2021-01-01", 20, "FULL", "妇女创业担保贷款（2020：个人≤20万元）");
  women("2021-01-01", "2023-01-01", 20, "LPR_MINUS_SPREAD", "创业担保贷款贴息（2021：借款人承担LPR−150bp）");
  women("2023-01-01", null, 30, "LPR_MINUS_SPREAD", "创业担保贷款贴息（2023：个人≤30万元）");
  // 道县: leverage up to 10× (last year's 到期还款率 ≥ 90%).
  women("2023-01-01", null, 30, "LPR_MINUS_SPREAD", "道县创业担保贷款（担保基金放大10倍）", "431124", {
    leverageCap: 10,
    shares: [0, 30, 20, 50],
  });
  // 碧江区: year factors (year 1 full, year 2 two-thirds, year 3 one-third) from 2024.
  women("2024-01-01", null, 30, "YEAR_FACTORS", "碧江区妇女创业贷款贴息（逐年递减）", "520602");

  const poverty = (
    validFrom: IsoDate,
    validTo: IsoDate | null,
    mode: PolicySeed["subsidyMode"],
    name: string,
    regionCode = "000000",
    share = 10_000,
  ) =>
    out.push({
      id: id++,
      programmeCode: "POVERTY",
      programmeId: 2,
      regionCode,
      validFrom,
      validTo,
      name,
      maxPrincipalFen: 5 * WAN,
      maxTermMonths: 36,
      rateRule: "LPR_BY_TERM",
      rateCapSpreadBp: 0,
      subsidyMode: mode,
      borrowerSpreadBp: 0,
      subsidyShareBp: share,
      shares: [40, 30, 10, 20],
      dayCountBasis: 360,
      leverageCap: 10,
      womenOnly: false,
    });
  poverty(
    "2016-01-01",
    null,
    "FULL",
    "扶贫小额信贷（5万元以下、3年期以内、免担保免抵押、基准利率、财政贴息）",
  );
  poverty(
    "2024-01-01",
    "2026-01-01",
    "SHARE_OF_INTEREST",
    "甘肃省脱贫人口小额信贷（2024–2025年贴息70%）",
    "620000",
    7000,
  );
  // Before 2016 (the Lanzhou 2014–2015 cohort below): the 2009 rule, individual ≤ 8万, full subsidy. Last,
  // so the ids of the versions above stay as they were.
  women("2009-07-01", "2016-01-01", 8, "FULL", "妇女小额担保贷款（2009：个人≤8万元，微利项目全额贴息）");
  return out;
}

type Progress = (message: string) => void;

export async function seedDemo(
  prisma: PrismaClient,
  progress: Progress = () => {},
  store: AttachmentStore = storeFromEnv(loadToolEnv()),
): Promise<{ borrowers: number; loans: number; journal: number }> {
  const r = rng(20_160_101);
  const step = (m: string) => progress(`  · ${m}\n`);

  // ── regions ──
  step("地区 regions");
  const regions: {
    code: string;
    name: string;
    level: "PROVINCE" | "CITY" | "COUNTY" | "TOWNSHIP" | "VILLAGE";
    parentCode: string | null;
  }[] = [{ code: "000000", name: "全国", level: "PROVINCE", parentCode: null }];
  for (const p of PROVINCES)
    regions.push({ code: p.code, name: p.name, level: "PROVINCE", parentCode: "000000" });
  for (const c of CITIES)
    regions.push({ code: c.code, name: c.name, level: "CITY", parentCode: c.provinceCode });
  const villagesByCounty = new Map<string, string[]>();
  COUNTIES.forEach((county, ci) => {
    regions.push({ code: county.code, name: county.name, level: "COUNTY", parentCode: county.cityCode });
    const villages: string[] = [];
    county.townships.forEach((t, ti) => {
      const tCode = `${county.code}${String(100 + ti + 1).padStart(3, "0")}`;
      regions.push({ code: tCode, name: t, level: "TOWNSHIP", parentCode: county.code });
      villagesOf(ci, ti).forEach((v, vi) => {
        const vCode = `${tCode}${String(200 + vi + 1).padStart(3, "0")}`;
        regions.push({ code: vCode, name: v, level: "VILLAGE", parentCode: tCode });
        villages.push(vCode);
      });
    });
    villagesByCounty.set(county.code, villages);
  });
  // parents first
  const order = { PROVINCE: 0, CITY: 1, COUNTY: 2, TOWNSHIP: 3, VILLAGE: 4 };
  regions.sort((a, b) =>
    a.code === "000000" ? -1 : b.code === "000000" ? 1 : order[a.level] - order[b.level],
  );
  await prisma.region.createMany({ data: regions });

  // ── users ──
  step("用户 users");
  const passwordHash = await hash(DEMO_PASSWORD, ARGON2_OPTIONS);
  await prisma.user.createMany({ data: DEMO_USERS.map((u, i) => ({ id: i + 1, ...u, passwordHash })) });
  const makerOf = (county: string) =>
    DEMO_USERS.findIndex((u) => u.role === "COUNTY_STAFF" && u.regionCode === county) + 1 || 1;
  const approverOf = (county: string) =>
    DEMO_USERS.findIndex((u) => u.role === "COUNTY_APPROVER" && u.regionCode === county) + 1 || 1;

  // ── programmes, policies, LPR, banks ──
  step("项目、政策版本、LPR、银行 programmes, policies, LPR, banks");
  await prisma.programme.createMany({
    data: [
      { id: 1, code: "WOMEN", name: "妇女创业担保贷款", nameEn: "Women's guaranteed business loans" },
      { id: 2, code: "POVERTY", name: "脱贫人口小额信贷", nameEn: "Poverty-alleviation microcredit" },
    ],
  });
  const pols = policies();
  await prisma.policyVersion.createMany({
    data: pols.map((p) => ({
      id: p.id,
      programmeId: p.programmeId,
      regionCode: p.regionCode,
      validFrom: new Date(`${p.validFrom}T00:00:00Z`),
      validTo: p.validTo ? new Date(`${p.validTo}T00:00:00Z`) : null,
      name: p.name,
      maxPrincipal: fenToYuan(p.maxPrincipalFen),
      maxTermMonths: p.maxTermMonths,
      rateRule: p.rateRule,
      rateCapSpreadBp: p.rateCapSpreadBp,
      subsidyMode: p.subsidyMode,
      borrowerSpreadBp: p.borrowerSpreadBp,
      subsidyShareBp: p.subsidyShareBp,
      shareCentral: p.shares[0],
      shareProvincial: p.shares[1],
      shareCity: p.shares[2],
      shareCounty: p.shares[3],
      dayCountBasis: p.dayCountBasis,
      leverageCap: p.leverageCap,
      womenOnly: p.womenOnly,
      annualCompensationCapBp: 2000,
    })),
  });
  await prisma.lprRate.createMany({
    data: LPR.map((l) => ({
      effectiveDate: new Date(`${l.effectiveDate}T00:00:00Z`),
      term: l.term,
      rateBp: l.rateBp,
    })),
  });
  await prisma.bank.createMany({ data: BANKS });

  // ── borrowers and loans ──
  step("借款人与贷款 borrowers and loans");
  const countyWeights = [
    ["511921", 25],
    ["620121", 12],
    ["620122", 10],
    ["620123", 18],
    ["431124", 20],
    ["520602", 8],
    ["520603", 7],
  ] as const;
  const banksOf: Record<string, number[]> = {
    "511921": [1, 3],
    "620121": [1, 2],
    "620122": [2, 3],
    "620123": [1, 2, 3],
    "431124": [1, 3, 4],
    "520602": [2, 3],
    "520603": [1, 2],
  };
  const NB = 3200;
  const usedIds = new Set<string>();
  const borrowers: Prisma.BorrowerCreateManyInput[] = [];
  const loans: Record<string, unknown>[] = [];
  const instalments: Record<string, unknown>[] = [];
  const journal: Record<string, unknown>[] = [];
  const requests: Record<string, unknown>[] = [];
  const compensated: { loanId: number; county: string; unpaidFen: number; dpdDate: IsoDate; dpd: number }[] =
    [];
  interface LoanFacts {
    id: number;
    county: string;
    bankId: number;
    programmeCode: "WOMEN" | "POVERTY";
    principalFen: number;
    disbursedDate: IsoDate;
    originalMaturity: IsoDate;
    extended: boolean;
    contractRateBp: number;
    lpr1yAtContract: number;
    dues: { dueDate: IsoDate; amountFen: number }[];
    payments: { date: IsoDate; amountFen: number }[];
    outstandingFen: number;
    status: string;
  }
  const facts: LoanFacts[] = [];
  let loanId = 0;
  let entryId = 0;
  let instId = 0;
  const start = "2016-03-01";
  const spanDays = 3900; // → late 2026
  const lastDisbursement = "2026-10-31";

  for (let b = 1; b <= NB; b++) {
    const county = r.weighted(countyWeights);
    const info = COUNTIES.find((c) => c.code === county)!;
    const village = r.pick(villagesByCounty.get(county)!);
    let idNumber: string;
    let birth: IsoDate;
    do {
      birth = `${r.int(1962, 2000)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;
      idNumber = makeResidentId(county, birth, r.int(0, 499) * 2); // even sequence: female
    } while (usedIds.has(idNumber));
    usedIds.add(idNumber);
    const household = r.weighted([
      ["POVERTY_ALLEVIATED", 35],
      ["MONITORED", 5],
      ["GENERAL", 60],
    ] as const);
    const industry = r.pick(info.industries);
    borrowers.push({
      id: b,
      countyCode: county,
      villageCode: village,
      name: r.pick(SURNAMES) + r.pick(GIVEN),
      idNumber,
      sex: "F",
      birthDate: new Date(`${birth}T00:00:00Z`),
      phone: `1${r.pick(["3", "5", "7", "8", "9"])}${String(r.int(0, 999_999_999)).padStart(9, "0")}`,
      householdType: household,
      creditRated: r.next() < 0.7,
      industry,
      createdById: makerOf(county),
      createdAt: new Date(`${addDays(start, r.int(0, 200))}T02:00:00Z`),
    });

    const nLoans = r.next() < 0.36 ? 2 : 1;
    let earliest = addDays(start, r.int(0, spanDays - 400));
    for (let k = 0; k < nLoans; k++) {
      const disbursed = earliest;
      if (disbursed > lastDisbursement) break;
      const programmeCode: "WOMEN" | "POVERTY" =
        household !== "GENERAL" && r.next() < 0.55 ? "POVERTY" : "WOMEN";
      const policy = resolvePolicy(pols, { programmeCode, regionCode: village, date: disbursed })!;
      const amounts = programmeCode === "POVERTY" ? [1, 2, 3, 5] : [2, 3, 5, 8, 10, 15, 20];
      const principalFen = Math.min(r.pick(amounts) * WAN, policy.maxPrincipalFen);
      const termMonths = r.weighted([
        [12, 3],
        [24, 4],
        [36, 3],
      ] as const);
      const method: RepaymentMethod = r.weighted([
        ["INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY", 80],
        ["BULLET", 8],
        ["EQUAL_PRINCIPAL", 6],
        ["EQUAL_INSTALMENT", 6],
      ] as const);
      const lpr = {
        oneYearBp: lprOn(LPR, disbursed, "ONE_YEAR"),
        fiveYearBp: lprOn(LPR, disbursed, "FIVE_YEAR"),
      };
      const cap = contractRateCapBp(policy, lpr, termMonths);
      const contractRateBp = programmeCode === "POVERTY" ? cap : lpr.oneYearBp + r.pick([150, 200, 300]);
      const bRate = borrowerRateBp(policy, lpr.oneYearBp, contractRateBp);
      const id = ++loanId;
      const bankId = r.pick(banksOf[county]!);
      const behaviour = r.weighted([
        ["GOOD", 895],
        ["LATE", 45],
        ["DEFAULT", 35],
        ["EXTENDED", 25],
      ] as const);
      const extended =
        behaviour === "EXTENDED" && method === "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY" && termMonths <= 24;
      const originalMaturity = addMonths(disbursed, termMonths);
      const appDate = addDays(disbursed, -r.int(7, 30));
      const recent = disbursed > addDays(DEMO_AS_OF, -120);
      const pending = recent && r.next() < 0.5;
      const base = {
        id,
        countyCode: county,
        villageCode: village,
        borrowerId: b,
        programmeId: programmeCode === "WOMEN" ? 1 : 2,
        policyVersionId: policy.id,
        bankId,
        applicationNo: `SQ${county}${appDate.replaceAll("-", "")}${String(id).padStart(5, "0")}`,
        requestedPrincipal: fenToYuan(principalFen),
        termMonths,
        method,
        purpose: `${industry}扩大生产`,
        industry,
        guaranteeType: programmeCode === "POVERTY" ? "NONE" : "GUARANTEE_FUND",
        applicationDate: new Date(`${appDate}T00:00:00Z`),
        makerId: makerOf(county),
        createdAt: new Date(`${appDate}T03:00:00Z`),
      };
      if (pending) {
        const approved = r.next() < 0.4;
        loans.push({
          ...base,
          status: approved ? "APPROVED" : "APPLIED",
          approverId: approved ? approverOf(county) : null,
          decidedAt: approved ? new Date(`${addDays(appDate, 3)}T06:00:00Z`) : null,
        });
        break;
      }

      const schedule = buildSchedule({
        principalFen,
        rateBp: contractRateBp,
        startDate: disbursed,
        termMonths: extended ? termMonths + 12 : termMonths,
        method,
        basis: policy.dayCountBasis,
      });
      const defaultAt = behaviour === "DEFAULT" ? r.int(0, schedule.length - 1) : Infinity;
      const loanEntries: JournalEntry[] = [];
      schedule.forEach((line, i) => {
        if (i >= defaultAt) return;
        const lateBy = behaviour === "LATE" && r.next() < 0.6 ? r.int(3, 45) : 0;
        const paidOn = addDays(line.dueDate, lateBy - (lateBy === 0 ? r.int(0, 3) : 0));
        if (paidOn > DEMO_AS_OF) return;
        const amount = { principalFen: line.principalFen, interestFen: line.interestFen };
        // A few keying mistakes corrected by reversal, as the journal allows.
        if (r.next() < 0.004) {
          const wrong = {
            id: ++entryId,
            kind: "REPAYMENT" as const,
            valueDate: paidOn,
            principalFen: amount.principalFen,
            interestFen: amount.interestFen + 10_000,
          };
          const rev = {
            id: ++entryId,
            kind: "REVERSAL" as const,
            valueDate: paidOn,
            principalFen: -wrong.principalFen,
            interestFen: -wrong.interestFen,
            reversesId: wrong.id,
          };
          loanEntries.push(wrong, rev);
        }
        loanEntries.push({ id: ++entryId, kind: "REPAYMENT", valueDate: paidOn, ...amount });
      });
      const state = replayJournal(
        schedule.map((l) => ({
          seq: l.seq,
          dueDate: l.dueDate,
          principalDueFen: l.principalFen,
          interestDueFen: l.interestFen,
        })),
        loanEntries,
      );
      const outstandingFen = principalFen - state.principalRepaidFen;
      const dpd = daysPastDue(
        state.instalments.map((i) => ({
          dueDate: i.dueDate,
          principalDueFen: i.principalDueFen,
          interestDueFen: i.interestDueFen,
          principalPaidFen: i.principalPaidFen,
          interestPaidFen: i.interestPaidFen,
        })),
        DEMO_AS_OF,
      );
      let status = "REPAYING";
      let closedDate: IsoDate | null = null;
      if (outstandingFen === 0 && state.instalments.every((i) => i.paidDate)) {
        status = "CLOSED";
        closedDate = state.instalments.at(-1)!.paidDate;
      } else if (dpd >= 90 && behaviour === "DEFAULT") {
        const roll = r.next();
        if (roll < 0.5) {
          status = "COMPENSATED";
          compensated.push({
            loanId: id,
            county,
            unpaidFen: outstandingFen,
            dpdDate: addDays(DEMO_AS_OF, -(dpd - 95)),
            dpd: 95,
          });
        } else if (roll < 0.7 && dpd > 365) {
          status = "WRITTEN_OFF";
          requests.push({
            loanId: id,
            countyCode: county,
            kind: "WRITE_OFF",
            status: "APPROVED",
            reason: "借款人因病丧失劳动能力，经多次催收无法收回",
            makerId: makerOf(county),
            approverId: approverOf(county),
            decidedAt: new Date(`${addDays(DEMO_AS_OF, -30)}T06:00:00Z`),
          });
        }
      }
      if (extended && originalMaturity <= DEMO_AS_OF) {
        requests.push({
          loanId: id,
          countyCode: county,
          kind: "EXTENSION",
          status: "APPROVED",
          months: 12,
          reason: "受灾减产，申请展期一年",
          makerId: makerOf(county),
          approverId: approverOf(county),
          decidedAt: new Date(`${addDays(originalMaturity, -20)}T06:00:00Z`),
        });
      }
      loans.push({
        ...base,
        status,
        contractNo: `HT${bankId}${disbursed.replaceAll("-", "")}${String(id).padStart(5, "0")}`,
        principal: fenToYuan(principalFen),
        contractRateBp,
        borrowerRateBp: bRate,
        approverId: approverOf(county),
        decidedAt: new Date(`${addDays(appDate, 3)}T06:00:00Z`),
        disbursedDate: new Date(`${disbursed}T00:00:00Z`),
        maturityDate: new Date(`${originalMaturity}T00:00:00Z`),
        extendedMaturityDate:
          extended && originalMaturity <= DEMO_AS_OF
            ? new Date(`${addMonths(disbursed, termMonths + 12)}T00:00:00Z`)
            : null,
        closedDate: closedDate ? new Date(`${closedDate}T00:00:00Z`) : null,
        principalRepaid: fenToYuan(state.principalRepaidFen),
        interestRepaid: fenToYuan(state.interestRepaidFen),
        disbursedById: makerOf(county),
      });
      for (const i of state.instalments) {
        instalments.push({
          id: ++instId,
          loanId: id,
          countyCode: county,
          seq: i.seq,
          dueDate: new Date(`${i.dueDate}T00:00:00Z`),
          principalDue: fenToYuan(i.principalDueFen),
          interestDue: fenToYuan(i.interestDueFen),
          principalPaid: fenToYuan(i.principalPaidFen),
          interestPaid: fenToYuan(i.interestPaidFen),
          paidDate: i.paidDate ? new Date(`${i.paidDate}T00:00:00Z`) : null,
        });
      }
      for (const e of loanEntries) {
        journal.push({
          id: e.id,
          loanId: id,
          countyCode: county,
          kind: e.kind,
          valueDate: new Date(`${e.valueDate}T00:00:00Z`),
          principal: fenToYuan(e.principalFen),
          interest: fenToYuan(e.interestFen),
          reversesId: e.reversesId ?? null,
          reason: e.kind === "REVERSAL" ? "利息录入错误，冲正" : null,
          idempotencyKey: `seed-${e.id}`,
          source: "BANK",
          createdById: makerOf(county),
          createdAt: new Date(`${e.valueDate}T08:00:00Z`),
        });
      }
      facts.push({
        id,
        county,
        bankId,
        programmeCode,
        principalFen,
        disbursedDate: disbursed,
        originalMaturity,
        extended,
        contractRateBp,
        lpr1yAtContract: lpr.oneYearBp,
        dues: state.instalments
          .filter((i) => i.principalDueFen > 0)
          .map((i) => ({ dueDate: i.dueDate, amountFen: i.principalDueFen })),
        payments: state.principalPayments,
        outstandingFen: status === "REPAYING" || status === "COMPENSATED" ? outstandingFen : 0,
        status,
      });
      earliest = addDays(extended ? addMonths(disbursed, termMonths + 12) : originalMaturity, r.int(10, 120));
    }
    if (b % 400 === 0) progress(`    ${b}/${NB} 借款人 borrowers, ${loanId} 笔贷款 loans\n`);
  }

  // ── 兰州市 2014–2015 (DOMAIN §17: "2015 loans due 5.66亿, recovered 5.62亿", 99.29%) ──
  // 7,075 one-year bullet loans of 8万 (the 2009 rule's cap) disbursed in 2014 in 永登/皋兰/榆中, all maturing
  // in 2015: 5.66亿 due. 50 of them (400万) are repaid only in March 2016, so by 31 December 2015 5.62亿 was
  // recovered. Its own RNG: the data above is unchanged by it.
  step("兰州市2014–2015年贷款 the Lanzhou 2015 cohort");
  {
    const lr = rng(20_150_101);
    const LZ = [
      ["620121", 35],
      ["620122", 25],
      ["620123", 40],
    ] as const;
    const N = 7075;
    const lateEvery = Math.floor(N / 50); // every 141st loan: 50 loans paid late
    const policy = pols.at(-1)!;
    let late = 0;
    for (let k = 0; k < N; k++) {
      const county = lr.weighted(LZ);
      const village = lr.pick(villagesByCounty.get(county)!);
      let idNumber: string;
      let birth: IsoDate;
      do {
        birth = `${lr.int(1960, 1990)}-${String(lr.int(1, 12)).padStart(2, "0")}-${String(lr.int(1, 28)).padStart(2, "0")}`;
        idNumber = makeResidentId(county, birth, lr.int(0, 499) * 2);
      } while (usedIds.has(idNumber));
      usedIds.add(idNumber);
      const b = borrowers.length + 1;
      const disbursed = addDays("2014-01-02", Math.floor((k * 362) / N));
      const industry = lr.pick(COUNTIES.find((c) => c.code === county)!.industries);
      borrowers.push({
        id: b,
        countyCode: county,
        villageCode: village,
        name: lr.pick(SURNAMES) + lr.pick(GIVEN),
        idNumber,
        sex: "F",
        birthDate: new Date(`${birth}T00:00:00Z`),
        phone: `1${lr.pick(["3", "5", "8"])}${String(lr.int(0, 999_999_999)).padStart(9, "0")}`,
        householdType: "GENERAL",
        creditRated: true,
        industry,
        createdById: makerOf(county),
        createdAt: new Date(`${addDays(disbursed, -20)}T02:00:00Z`),
      });
      const id = ++loanId;
      const principalFen = 8 * WAN;
      const contractRateBp = 600; // the 2014 one-year benchmark lending rate
      const schedule = buildSchedule({
        principalFen,
        rateBp: contractRateBp,
        startDate: disbursed,
        termMonths: 12,
        method: "BULLET",
        basis: policy.dayCountBasis,
      });
      const line = schedule[0]!;
      const isLate = (k + 1) % lateEvery === 0 && late < 50;
      if (isLate) late++;
      const paidOn = isLate ? addDays("2016-03-01", late) : line.dueDate;
      const entry: JournalEntry = {
        id: ++entryId,
        kind: "REPAYMENT",
        valueDate: paidOn,
        principalFen: line.principalFen,
        interestFen: line.interestFen,
      };
      const state = replayJournal(
        [
          {
            seq: 1,
            dueDate: line.dueDate,
            principalDueFen: line.principalFen,
            interestDueFen: line.interestFen,
          },
        ],
        [entry],
      );
      const appDate = addDays(disbursed, -10);
      const bankId = lr.pick(banksOf[county]!);
      loans.push({
        id,
        countyCode: county,
        villageCode: village,
        borrowerId: b,
        programmeId: 1,
        policyVersionId: policy.id,
        bankId,
        applicationNo: `SQ${county}${appDate.replaceAll("-", "")}${String(id).padStart(5, "0")}`,
        requestedPrincipal: fenToYuan(principalFen),
        termMonths: 12,
        method: "BULLET",
        purpose: `${industry}扩大生产`,
        industry,
        guaranteeType: "GUARANTEE_FUND",
        applicationDate: new Date(`${appDate}T00:00:00Z`),
        makerId: makerOf(county),
        createdAt: new Date(`${appDate}T03:00:00Z`),
        status: "CLOSED",
        contractNo: `HT${bankId}${disbursed.replaceAll("-", "")}${String(id).padStart(5, "0")}`,
        principal: fenToYuan(principalFen),
        contractRateBp,
        borrowerRateBp: 0,
        approverId: approverOf(county),
        decidedAt: new Date(`${addDays(appDate, 3)}T06:00:00Z`),
        disbursedDate: new Date(`${disbursed}T00:00:00Z`),
        maturityDate: new Date(`${line.dueDate}T00:00:00Z`),
        closedDate: new Date(`${paidOn}T00:00:00Z`),
        principalRepaid: fenToYuan(state.principalRepaidFen),
        interestRepaid: fenToYuan(state.interestRepaidFen),
        disbursedById: makerOf(county),
      });
      const i = state.instalments[0]!;
      instalments.push({
        id: ++instId,
        loanId: id,
        countyCode: county,
        seq: 1,
        dueDate: new Date(`${i.dueDate}T00:00:00Z`),
        principalDue: fenToYuan(i.principalDueFen),
        interestDue: fenToYuan(i.interestDueFen),
        principalPaid: fenToYuan(i.principalPaidFen),
        interestPaid: fenToYuan(i.interestPaidFen),
        paidDate: i.paidDate ? new Date(`${i.paidDate}T00:00:00Z`) : null,
      });
      journal.push({
        id: entry.id,
        loanId: id,
        countyCode: county,
        kind: "REPAYMENT",
        valueDate: new Date(`${paidOn}T00:00:00Z`),
        principal: fenToYuan(entry.principalFen),
        interest: fenToYuan(entry.interestFen),
        reversesId: null,
        reason: null,
        idempotencyKey: `seed-${entry.id}`,
        source: "BANK",
        createdById: makerOf(county),
        createdAt: new Date(`${paidOn}T08:00:00Z`),
      });
    }
  }

  // ── one borrower per county with two open loans of one bank (DOMAIN §15's ambiguous row) ──
  // The rules allow one open loan per programme: a woman of a 脱贫户 or 监测户 household may repay a 妇女创业担保贷款
  // and a 脱贫人口小额信贷 side by side. A bank statement row carrying only her ID number then matches two loans
  // (the sample statements below include one). Made by giving a repaying 脱贫人口小额信贷 of the county and bank to
  // the first such borrower with one repaying 妇女创业担保贷款: no random draw, so the rest of the data is unchanged.
  {
    const byBorrower = new Map<number, Record<string, unknown>[]>();
    for (const l of loans) {
      const list = byBorrower.get(l.borrowerId as number) ?? [];
      list.push(l);
      byBorrower.set(l.borrowerId as number, list);
    }
    for (const county of Object.keys(banksOf)) {
      const women = borrowers.filter((b) => {
        const own = byBorrower.get(b.id!) ?? [];
        return (
          b.countyCode === county &&
          b.householdType !== "GENERAL" &&
          own.length === 1 &&
          own[0]!.programmeId === 1 &&
          own[0]!.status === "REPAYING"
        );
      });
      for (const woman of women) {
        const bankId = byBorrower.get(woman.id!)![0]!.bankId;
        const second = loans.find(
          (l) =>
            l.countyCode === county &&
            l.programmeId === 2 &&
            l.status === "REPAYING" &&
            l.bankId === bankId &&
            (byBorrower.get(l.borrowerId as number)?.length ?? 0) === 1,
        );
        if (!second) continue;
        second.borrowerId = woman.id;
        second.villageCode = woman.villageCode;
        break;
      }
    }
  }

  step("写入借款人、贷款、还款计划、还款流水 writing borrowers, loans, schedules, journal");
  await prisma.borrower.createMany({ data: borrowers });
  for (let i = 0; i < loans.length; i += 2000)
    await prisma.loan.createMany({ data: loans.slice(i, i + 2000) as never });
  for (let i = 0; i < instalments.length; i += 5000)
    await prisma.instalment.createMany({ data: instalments.slice(i, i + 5000) as never });
  for (let i = 0; i < journal.length; i += 5000)
    await prisma.repaymentEntry.createMany({ data: journal.slice(i, i + 5000) as never });
  await prisma.loanRequest.createMany({ data: requests as never });

  // ── risk funds ──
  step("风险补偿金 risk funds");
  let ledgerId = 0;
  const ledger: Record<string, unknown>[] = [];
  const funds = COUNTIES.map((c, i) => ({
    id: i + 1,
    countyCode: c.code,
    name: `${c.name}妇女创业担保贷款风险补偿金`,
    bankId: null,
  }));
  await prisma.riskFund.createMany({ data: funds });
  const balances = new Map<string, number>();
  for (const f of funds) {
    const outstanding = facts
      .filter((l) => l.county === f.countyCode)
      .reduce((s, l) => s + l.outstandingFen, 0);
    // 永登县 is deliberately short of its 5× cap so the dashboards show a leverage alert.
    const targetLeverage = f.countyCode === "620121" ? 5.6 : 2.5 + r.next() * 2;
    const totalWan = Math.max(100, Math.round(outstanding / targetLeverage / WAN / 3) * 3);
    const parts = splitByShares(totalWan * WAN, [1, 1, 1]);
    (["COUNTY", "CITY", "PROVINCIAL"] as const).forEach((level, k) => {
      ledger.push({
        id: ++ledgerId,
        fundId: f.id,
        countyCode: f.countyCode,
        kind: "DEPOSIT",
        fundingLevel: level,
        amount: fenToYuan(parts[k]!),
        valueDate: new Date(`2016-0${k + 1}-15T00:00:00Z`),
        memo: "风险补偿金注资（县:市:省 = 1:1:1）",
        idempotencyKey: `seed-fund-${ledgerId}`,
        createdById: makerOf(f.countyCode),
      });
    });
    balances.set(f.countyCode, totalWan * WAN);
  }
  // ── compensation claims (代偿), paid out of the fund ──
  let claimId = 0;
  const comps: Record<string, unknown>[] = [];
  for (const c of compensated) {
    const fund = funds.find((f) => f.countyCode === c.county)!;
    const res = compensation({
      unpaidPrincipalFen: c.unpaidFen,
      daysPastDue: c.dpd,
      minDaysPastDue: 90,
      fundShareBp: 8000,
      fundBalanceFen: balances.get(c.county)!,
      annualCapBp: null,
    });
    if (!res.eligible) continue;
    const id = ++claimId;
    comps.push({
      id,
      loanId: c.loanId,
      fundId: fund.id,
      countyCode: c.county,
      status: "PAID",
      asOfDate: new Date(`${c.dpdDate}T00:00:00Z`),
      daysPastDue: c.dpd,
      unpaidPrincipal: fenToYuan(c.unpaidFen),
      fundShareBp: 8000,
      amount: fenToYuan(res.amountFen),
      makerId: makerOf(c.county),
      approverId: approverOf(c.county),
      decidedAt: new Date(`${addDays(c.dpdDate, 5)}T06:00:00Z`),
      paidDate: new Date(`${addDays(c.dpdDate, 12)}T00:00:00Z`),
    });
    ledger.push({
      id: ++ledgerId,
      fundId: fund.id,
      countyCode: c.county,
      kind: "COMPENSATION",
      amount: fenToYuan(-res.amountFen),
      valueDate: new Date(`${addDays(c.dpdDate, 12)}T00:00:00Z`),
      compensationClaimId: id,
      memo: `代偿贷款 ${c.loanId}（基金承担80%）`,
      idempotencyKey: `seed-fund-${ledgerId}`,
      createdById: makerOf(c.county),
    });
    balances.set(c.county, balances.get(c.county)! - res.amountFen);
  }
  await prisma.compensationClaim.createMany({ data: comps as never });
  await prisma.fundLedgerEntry.createMany({ data: ledger as never });

  // ── subsidy claims: 2025 Q1 … 2026 Q3 per county and bank; the last quarter's are drafts, waiting for the
  // bank's interest statement to be checked against them (the sample interest statements, below) ──
  step("贴息申请 subsidy claims");
  const quarters: { year: number; quarter: 1 | 2 | 3 | 4 }[] = [];
  for (const year of [2025, 2026])
    for (const quarter of [1, 2, 3, 4] as const)
      if (year === 2025 || quarter <= 3) quarters.push({ year, quarter });
  let sClaimId = 0;
  const sClaims: Record<string, unknown>[] = [];
  const sLines: Record<string, unknown>[] = [];
  const sSplits: Record<string, unknown>[] = [];
  for (const county of COUNTIES.map((c) => c.code)) {
    for (const bankId of banksOf[county]!) {
      for (const q of quarters) {
        const period = settlementPeriod(q);
        const lines: {
          loanId: number;
          res: ReturnType<typeof claimLine>;
          balance: ReturnType<typeof claimLineBalanceDays>;
          principalFen: number;
          contract: number;
          borrower: number;
          shares: [number, number, number, number];
        }[] = [];
        for (const l of facts) {
          if (l.county !== county || l.bankId !== bankId || l.disbursedDate > period.end) continue;
          const policy = resolvePolicy(pols, {
            programmeCode: l.programmeCode,
            regionCode: county,
            date: period.end,
          })!;
          const borrower = borrowerRateBp(policy, l.lpr1yAtContract, l.contractRateBp);
          const lineFacts = {
            disbursedDate: l.disbursedDate,
            principalFen: l.principalFen,
            originalMaturity: l.originalMaturity,
            extended: l.extended,
            principalPayments: l.payments,
            principalDues: l.dues,
          };
          const res = claimLine({
            facts: lineFacts,
            period,
            mode: policy.subsidyMode,
            basis: policy.dayCountBasis,
            contractRateBp: l.contractRateBp,
            borrowerRateBp: borrower,
            subsidyShareBp: policy.subsidyShareBp,
          });
          if (res.days === 0) continue;
          lines.push({
            loanId: l.id,
            res,
            balance: claimLineBalanceDays(lineFacts, period),
            principalFen: l.principalFen,
            contract: l.contractRateBp,
            borrower,
            shares: policy.shares,
          });
        }
        if (!lines.length) continue;
        // A planted gap for the annual settlement (清算): 榆中县's 农村商业银行 never claimed 2025 Q3, so the
        // settlement of 2025 shows a missing quarter and its subsidy as the difference (the clerk can still
        // generate it).
        if (county === "620123" && bankId === 3 && q.year === 2025 && q.quarter === 3) continue;
        const id = ++sClaimId;
        const latest = q.year === 2026 && q.quarter === 3;
        // The steps' days (deadlines 10 / 5 / 20 days by default): generated 3 days after the settlement date,
        // submitted after 8 (every 5th claim after 12: late), approved 4 days later (every 4th after 7: late),
        // paid 18 days after approval (every 6th after 25: late). Beijing 10:00 = 02:00 UTC.
        const submittedOn = addDays(period.end, id % 5 === 0 ? 12 : 8);
        const decidedOn = addDays(submittedOn, id % 4 === 0 ? 7 : 4);
        const paidOn = addDays(decidedOn, id % 6 === 0 ? 25 : 18);
        const totals = lines.reduce(
          (t, x) => ({ i: t.i + x.res.interestFen, s: t.s + x.res.subsidyFen, b: t.b + x.res.borrowerFen }),
          { i: 0, s: 0, b: 0 },
        );
        sClaims.push({
          id,
          countyCode: county,
          bankId,
          year: q.year,
          quarter: q.quarter,
          periodStart: new Date(`${period.start}T00:00:00Z`),
          periodEnd: new Date(`${period.end}T00:00:00Z`),
          status: latest ? "DRAFT" : "PAID",
          payee: "BANK",
          interestTotal: fenToYuan(totals.i),
          subsidyTotal: fenToYuan(totals.s),
          borrowerTotal: fenToYuan(totals.b),
          makerId: makerOf(county),
          approverId: latest ? null : approverOf(county),
          createdAt: new Date(`${addDays(period.end, 3)}T02:00:00Z`),
          submittedAt: new Date(`${submittedOn}T02:00:00Z`),
          decidedAt: latest ? null : new Date(`${decidedOn}T06:00:00Z`),
          paidDate: latest ? null : new Date(`${paidOn}T00:00:00Z`),
        });
        for (const x of lines) {
          sLines.push({
            claimId: id,
            loanId: x.loanId,
            countyCode: county,
            days: x.res.days,
            excludedDays: x.res.excludedDays,
            excludedReason: x.res.excludedReasons.map((r) => EXCLUSION_LABELS[r]).join("；") || null,
            principal: fenToYuan(x.principalFen),
            contractRateBp: x.contract,
            borrowerRateBp: x.borrower,
            interest: fenToYuan(x.res.interestFen),
            subsidy: fenToYuan(x.res.subsidyFen),
            borrowerShare: fenToYuan(x.res.borrowerFen),
            balanceDays: fenToYuan(x.balance.balanceFenDays),
            excludedBalanceDays: fenToYuan(x.balance.excludedFenDays),
          });
        }
        // Per-level split (largest remainder) of the subsidy under each set of policy shares, summed by level.
        const levelTotals = splitClaimByLevels(
          lines.map((x) => ({ subsidyFen: x.res.subsidyFen, shares: x.shares })),
        );
        (["CENTRAL", "PROVINCIAL", "CITY", "COUNTY"] as const).forEach((level, k) =>
          sSplits.push({ claimId: id, countyCode: county, level, amount: fenToYuan(levelTotals[k]!) }),
        );
      }
    }
  }
  await prisma.subsidyClaim.createMany({ data: sClaims as never });
  for (let i = 0; i < sLines.length; i += 5000)
    await prisma.subsidyClaimLine.createMany({ data: sLines.slice(i, i + 5000) as never });
  await prisma.subsidyClaimSplit.createMany({ data: sSplits as never });

  // ── collection cases (催收, issue 20): a few overdue loans per county, one with a promise already broken,
  // one with a promise still standing, one extension asked for, one in legal collection, one with a next step.
  step("催收案件 collection cases");
  const asOf = new Date(`${DEMO_AS_OF}T00:00:00Z`);
  const overdue = await prisma.$queryRaw<
    { id: number; countyCode: string; villageCode: string; since: Date }[]
  >`
    SELECT l.id, l."countyCode", l."villageCode", MIN(i."dueDate") AS since
    FROM "Loan" l JOIN "Instalment" i ON i."loanId" = l.id
    WHERE l.status = 'REPAYING' AND i."paidDate" IS NULL AND i."dueDate" < ${asOf}
    GROUP BY l.id ORDER BY l.id`;
  const plans: {
    status: string | null;
    promise?: [number, string];
    next?: number;
    assign?: boolean;
    note: string;
  }[] = [
    { status: "PROMISED", promise: [5, "5000.00"], assign: true, note: "电话联系本人，承诺下周还款" },
    { status: "PROMISED", promise: [60, "3000.00"], note: "上门走访，家中养殖出栏后还款" },
    { status: "EXTENSION_REQUESTED", assign: true, note: "借款人申请展期，已指导准备材料" },
    { status: "LEGAL", note: "多次催收无果，移交依法清收" },
    { status: null, next: 3, note: "村妇联主席协助联系，约定再次上门" },
  ];
  for (const county of COUNTIES.map((c) => c.code)) {
    const loansHere = overdue.filter((o) => o.countyCode === county).slice(0, 6);
    for (const [k, o] of loansHere.entries()) {
      const since = o.since.toISOString().slice(0, 10);
      const on = addDays(since, 1) > addDays(DEMO_AS_OF, -10) ? addDays(since, 1) : addDays(DEMO_AS_OF, -10);
      const at = new Date(`${on}T02:00:00Z`);
      const plan = plans[k];
      const created = await prisma.collectionCase.create({
        data: {
          loanId: o.id,
          countyCode: county,
          villageCode: o.villageCode,
          openedAt: new Date(`${addDays(since, 1)}T01:00:00Z`),
          assigneeId: plan?.assign ? makerOf(county) : null,
          nextActionDate: plan?.next ? new Date(`${addDays(DEMO_AS_OF, plan.next)}T00:00:00Z`) : null,
          lastActivityAt: plan ? at : null,
        },
      });
      if (!plan) continue; // the sixth: nothing recorded yet (needs a follow-up)
      if (plan.status === "EXTENSION_REQUESTED") {
        // …and the extension request itself, waiting for the approver (ids were given explicitly above).
        const [row] = await prisma.$queryRaw<
          { next: number }[]
        >`SELECT COALESCE(MAX(id), 0) + 1 AS next FROM "LoanRequest"`;
        const next = Number(row!.next);
        await prisma.loanRequest.create({
          data: {
            id: next,
            loanId: o.id,
            countyCode: county,
            kind: "EXTENSION",
            months: 6,
            reason: "受灾减产，申请展期6个月",
            makerId: makerOf(county),
            createdAt: at,
          },
        });
      }
      if (plan.assign)
        await prisma.collectionEvent.create({
          data: {
            caseId: created.id,
            countyCode: county,
            kind: "ASSIGN",
            onDate: new Date(`${on}T00:00:00Z`),
            assigneeId: makerOf(county),
            authorId: makerOf(county),
            at,
          },
        });
      await prisma.collectionEvent.create({
        data: {
          caseId: created.id,
          countyCode: county,
          kind: "NOTE",
          onDate: new Date(`${on}T00:00:00Z`),
          status: plan.status as never,
          promiseDate: plan.promise ? new Date(`${addDays(DEMO_AS_OF, plan.promise[0])}T00:00:00Z`) : null,
          promiseAmount: plan.promise ? plan.promise[1] : null,
          nextActionDate: plan.next ? new Date(`${addDays(DEMO_AS_OF, plan.next)}T00:00:00Z`) : null,
          note: plan.note,
          authorId: makerOf(county),
          at,
        },
      });
    }
  }

  // Explicit ids were used: move the sequences past them.
  for (const table of [
    "User",
    "Programme",
    "PolicyVersion",
    "LprRate",
    "Bank",
    "Borrower",
    "Loan",
    "Instalment",
    "RepaymentEntry",
    "LoanRequest",
    "RiskFund",
    "FundLedgerEntry",
    "CompensationClaim",
    "SubsidyClaim",
    "SubsidyClaimLine",
    "SubsidyClaimSplit",
  ]) {
    await prisma.$executeRawUnsafe(
      `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM "${table}"), 1))`,
    );
  }
  step("银行还款明细与利息清单示例 sample bank statements");
  await seedStatementSamples(prisma, DEMO_AS_OF);
  await seedInterestSamples(prisma, DEMO_AS_OF);
  // ── the programme's running rules: targets, rectifications, a reward allocation (DOMAIN §11–§14) ──
  step("任务数、整改与奖励 targets, rectifications, reward");
  await seedRules(prisma, DEMO_AS_OF, (username) => DEMO_USERS.findIndex((u) => u.username === username) + 1);
  step("评级授信与信用村 credit ratings, eligible households");
  await seedCredit(prisma, DEMO_AS_OF, makerOf, approverOf);
  step("附件 attachments (generated contracts and visit photos)");
  await seedAttachments(
    prisma,
    store,
    (username) => DEMO_USERS.findIndex((u) => u.username === username) + 1,
  );
  step("贷前调查、审查意见与贷后回访 surveys, review notes, visits");
  await seedSurveysAndVisits(prisma, DEMO_AS_OF);
  step("保险与分贷统还经济组织 insurance and a 分贷统还 organisation");
  await seedInsuranceAndOrganisations(
    prisma,
    store,
    DEMO_AS_OF,
    (username) => DEMO_USERS.findIndex((u) => u.username === username) + 1,
  );
  return { borrowers: borrowers.length, loans: loans.length, journal: journal.length };
}
