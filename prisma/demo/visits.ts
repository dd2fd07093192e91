/**
 * Demo survey, review and visits (issue 23 item 2): every demo application carries its pre-loan survey, every
 * decided one the approver's review notes, and the loans disbursed since 2024 their post-loan visits under their
 * policy's rule (first within N days, then every M months) — except a few neglected ones whose visit is overdue,
 * so the clerk's work list shows them; one visit in a while found the money used otherwise. The visit photos the
 * attachments step generated are linked to the visit nearest their upload. Deterministic (by loan id), in SQL.
 * Run after seedAttachments.
 */
import type { Prisma } from "../../src/generated/prisma/client";
import type { IsoDate } from "../../src/domain";

type Tx = Prisma.TransactionClient;

const HOUSEHOLD = [
  "自有住房，夫妻二人务农，子女在校读书，无其他贷款",
  "三代同堂，丈夫外出务工，本人在家种养，无不良信用记录",
  "自建砖房一处，家中有承包地8亩，老人身体健康",
  "单亲家庭，本人为主要劳动力，村委会出具情况证明",
];
const INCOME = ["种植和外出务工", "养殖收入", "个体经营和务工", "种植收入"];
const USAGE = [
  "资金已用于购置生产资料，项目正常运营",
  "规模已扩大，长势良好，预计按期销售",
  "已投入生产，有稳定收入，还款意愿强",
];
const REVIEW = [
  "入户核实家庭情况和项目，符合贷款条件，同意",
  "项目可行，还款来源稳定，担保落实，同意",
  "经村妇联主席走访核实，信用良好，同意",
];

const pick = (list: string[]) =>
  `(ARRAY[${list.map((s) => `'${s.replaceAll("'", "''")}'`).join(", ")}])[1 + (l.id % ${list.length})]`;

export async function seedSurveysAndVisits(prisma: Tx, asOf: IsoDate): Promise<number> {
  // 贷前摸底调查: one per application, by the clerk who entered it, a few days before.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "LoanSurvey" ("loanId", "countyCode", "surveyDate", "householdSize", labourers, household,
      "annualIncome", "incomeSource", project, "projectInvestment", "surveyedById", "createdAt")
    SELECT l.id, l."countyCode", l."applicationDate" - (l.id % 5), 3 + l.id % 4, 1 + l.id % 2, ${pick(HOUSEHOLD)},
      20000 + (l.id * 137 % 40) * 1000, ${pick(INCOME)}, l.industry || '：' || l.purpose,
      l."requestedPrincipal" + 10000 * (1 + l.id % 5), l."makerId", l."createdAt"
    FROM "Loan" l`);
  // 贷中审查: the approver's notes on every decided application.
  await prisma.$executeRawUnsafe(
    `UPDATE "Loan" l SET "reviewNote" = ${pick(REVIEW)} WHERE l."approverId" IS NOT NULL AND l.status <> 'REJECTED'`,
  );
  // 贷后回访: visits a few days before each due date, up to the last day the loan was open (or a few months
  // back for the neglected loans, id % 23 = 0), for loans disbursed since 2024.
  const visits = await prisma.$executeRawUnsafe(`
    WITH l AS (
      SELECT l.*, p."firstVisitDays" AS fd, p."visitEveryMonths" AS em,
             CASE WHEN l.id % 23 = 0 AND l.status = 'REPAYING' THEN DATE '${asOf}' - 150
                  ELSE LEAST(DATE '${asOf}', COALESCE(l."closedDate", DATE '${asOf}')) END AS upto
      FROM "Loan" l JOIN "PolicyVersion" p ON p.id = l."policyVersionId"
      WHERE l."disbursedDate" >= DATE '2024-01-01'
    ),
    d AS (
      SELECT l.*, k, CASE WHEN k = 0 THEN l."disbursedDate" + GREATEST(1, l.fd - 1 - l.id % 7)
                          ELSE (l."disbursedDate" + GREATEST(1, l.fd - 1 - l.id % 7) + make_interval(months => k * l.em))::date - (l.id % 5) END AS day
      FROM l, generate_series(0, 12) k
    )
    INSERT INTO "LoanVisit" ("loanId", "countyCode", "villageCode", "visitDate", visitor, usage, "matchesPurpose",
      "matchNote", "recordedById", "createdAt")
    SELECT l.id, l."countyCode", l."villageCode", l.day, u."displayName", l.industry || '：' || ${pick(USAGE)},
      NOT (l.id % 31 = 0 AND l.k = 1), CASE WHEN l.id % 31 = 0 AND l.k = 1 THEN '部分资金用于家庭开支，已督促按用途使用并记录在案' END,
      l."makerId", (l.day + TIME '16:00') AT TIME ZONE 'Asia/Shanghai'
    FROM d l JOIN "User" u ON u.id = l."makerId"
    WHERE l.day <= l.upto AND l.day >= l."disbursedDate"`);
  // The generated visit photos: each to the visit of its loan nearest its upload.
  await prisma.$executeRawUnsafe(`
    UPDATE "LoanVisit" v SET "photoId" = a.id
    FROM "Attachment" a
    WHERE a.kind = 'VISIT_PHOTO' AND v.id = (
      SELECT v2.id FROM "LoanVisit" v2 WHERE v2."loanId" = a."loanId"
      ORDER BY abs(v2."visitDate" - (a."uploadedAt" AT TIME ZONE 'Asia/Shanghai')::date), v2.id LIMIT 1)`);
  return visits;
}
