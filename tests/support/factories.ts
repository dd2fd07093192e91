/**
 * Test factories: a valid region tree, users, policy, bank, borrower and loan, each in one line.
 * They write through the app's own database client.
 */
import { hash } from "@node-rs/argon2";
import {
  buildSchedule,
  fenToYuan,
  makeResidentId,
  type IsoDate,
  type RepaymentMethod,
  type Role,
} from "@/domain";
import { ARGON2_OPTIONS } from "@/config/argon2";
import { db } from "@/server/db";
import type { Actor } from "@/server/authz";

export const PASSWORD = "Test@12345";
let passwordHash: string | undefined;

/** 甘肃省 › 兰州市 › 榆中县/永登县 and 湖南省 › 永州市 › 道县, one township and village each. */
export async function seedRegions() {
  const rows = [
    ["000000", "全国", "PROVINCE", null],
    ["620000", "甘肃省", "PROVINCE", "000000"],
    ["620100", "兰州市", "CITY", "620000"],
    ["620123", "榆中县", "COUNTY", "620100"],
    ["620123101", "城关镇", "TOWNSHIP", "620123"],
    ["620123101201", "王家村", "VILLAGE", "620123101"],
    ["620121", "永登县", "COUNTY", "620100"],
    ["620121101", "城关镇", "TOWNSHIP", "620121"],
    ["620121101201", "李家村", "VILLAGE", "620121101"],
    ["430000", "湖南省", "PROVINCE", "000000"],
    ["431100", "永州市", "CITY", "430000"],
    ["431124", "道县", "COUNTY", "431100"],
    ["431124101", "道江镇", "TOWNSHIP", "431124"],
    ["431124101201", "桃园村", "VILLAGE", "431124101"],
  ] as const;
  for (const [code, name, level, parentCode] of rows)
    await db.region.create({ data: { code, name, level, parentCode } });
}

let userSeq = 0;
export async function makeUser(
  role: Role,
  regionCode: string,
  overrides: { username?: string; disabled?: boolean } = {},
): Promise<Actor> {
  passwordHash ??= await hash(PASSWORD, ARGON2_OPTIONS);
  const u = await db.user.create({
    data: {
      username: overrides.username ?? `u${++userSeq}_${role.toLowerCase()}`,
      displayName: `测试${role}`,
      passwordHash,
      role,
      regionCode,
      disabled: overrides.disabled ?? false,
    },
    include: { region: true },
  });
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    regionCode: u.regionCode,
    regionName: u.region.name,
    ip: "127.0.0.1",
  };
}

export async function seedProgrammeAndPolicy() {
  const programme = await db.programme.create({
    data: { code: "WOMEN", name: "妇女创业担保贷款", nameEn: "Women's guaranteed business loans" },
  });
  const policy = await db.policyVersion.create({
    data: {
      programmeId: programme.id,
      regionCode: "000000",
      validFrom: new Date("2016-01-01T00:00:00Z"),
      name: "测试政策",
      maxPrincipal: "300000.00",
      maxTermMonths: 36,
      rateRule: "LPR_1Y_PLUS_SPREAD",
      rateCapSpreadBp: 300,
      subsidyMode: "LPR_MINUS_SPREAD",
      borrowerSpreadBp: 150,
      shareProvincial: 1,
      shareCounty: 1,
    },
  });
  const bank = await db.bank.create({ data: { code: "ABC", name: "中国农业银行" } });
  return { programme, policy, bank };
}

let idSeq = 0;
export async function makeBorrower(villageCode: string, createdById: number, name = "王秀英") {
  const county = villageCode.slice(0, 6);
  return db.borrower.create({
    data: {
      countyCode: county,
      villageCode,
      name,
      idNumber: makeResidentId(county, "1985-03-15", (++idSeq % 499) * 2),
      sex: "F",
      birthDate: new Date("1985-03-15T00:00:00Z"),
      phone: "13800138000",
      industry: "肉牛养殖",
      createdById,
    },
  });
}

export async function makeLoan(args: {
  borrower: { id: number; countyCode: string; villageCode: string };
  ctx: Awaited<ReturnType<typeof seedProgrammeAndPolicy>>;
  makerId: number;
  principalFen?: number;
  disbursedDate?: IsoDate;
  termMonths?: number;
  rateBp?: number;
  method?: RepaymentMethod;
}) {
  const principalFen = args.principalFen ?? 5_000_000;
  const disbursedDate = args.disbursedDate ?? "2025-01-10";
  const termMonths = args.termMonths ?? 12;
  const rateBp = args.rateBp ?? 515;
  const method = args.method ?? "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY";
  const schedule = buildSchedule({
    principalFen,
    rateBp,
    startDate: disbursedDate,
    termMonths,
    method,
    basis: 360,
  });
  return db.loan.create({
    data: {
      countyCode: args.borrower.countyCode,
      villageCode: args.borrower.villageCode,
      borrowerId: args.borrower.id,
      programmeId: args.ctx.programme.id,
      policyVersionId: args.ctx.policy.id,
      bankId: args.ctx.bank.id,
      applicationNo: `SQ${args.borrower.countyCode}${++idSeq}`,
      contractNo: `HT${idSeq}`,
      requestedPrincipal: fenToYuan(principalFen),
      principal: fenToYuan(principalFen),
      termMonths,
      method,
      purpose: "扩大养殖",
      industry: "肉牛养殖",
      contractRateBp: rateBp,
      borrowerRateBp: 215,
      status: "REPAYING",
      applicationDate: new Date(`${disbursedDate}T00:00:00Z`),
      disbursedDate: new Date(`${disbursedDate}T00:00:00Z`),
      maturityDate: new Date(`${schedule.at(-1)!.dueDate}T00:00:00Z`),
      makerId: args.makerId,
      instalments: {
        create: schedule.map((l) => ({
          countyCode: args.borrower.countyCode,
          seq: l.seq,
          dueDate: new Date(`${l.dueDate}T00:00:00Z`),
          principalDue: fenToYuan(l.principalFen),
          interestDue: fenToYuan(l.interestFen),
        })),
      },
    },
  });
}

/** The 1-year and 5-year LPR published 2025-05-20 (3.65% and 4.20% in these tests). */
export async function seedLpr() {
  await db.lprRate.createMany({
    data: [
      { effectiveDate: new Date("2025-05-20T00:00:00Z"), term: "ONE_YEAR", rateBp: 365 },
      { effectiveDate: new Date("2025-05-20T00:00:00Z"), term: "FIVE_YEAR", rateBp: 420 },
    ],
  });
}

/** The pre-loan survey fields an application carries (issue 23 item 2): a valid household for any test amount. */
export const SURVEY = {
  surveyDate: "2026-02-20",
  householdSize: "4",
  labourers: "2",
  household: "四口之家，自有住房，无其他贷款",
  annualIncome: "36000",
  incomeSource: "种植和务工",
  project: "扩大养殖规模，本村有稳定销路",
  projectInvestment: "10000000",
} as const;
