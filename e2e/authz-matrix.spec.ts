import fs from "node:fs";
import path from "node:path";
import {
  expect,
  test,
  type APIRequestContext,
  type APIResponse,
  type BrowserContext,
} from "@playwright/test";
import type { Client } from "pg";
import { can, ROLES, type Permission, type Role } from "../src/domain/roles";
import { makeResidentId } from "../src/domain/identity";
import { e2eDb, login } from "./helpers";

/**
 * Authorization matrix (issue 9). Every server action and route handler the production build exposes is read
 * from the build's manifests, so a new one cannot be missed: one without an entry below fails the test. Each
 * is called by raw HTTP with no session, with every role that lacks the permission (in the record's own
 * region), and with a user of another region who has the permission, on a record of 榆中县. Expected: refused,
 * nothing written (every table except the audit trail unchanged), nothing of the record in the answer, and
 * the refusal in the audit trail. Roles that may act, in their own region, are exercised by the journeys.
 */

const TARGET_COUNTY = "620123"; // 榆中县

type Ids = Record<
  | "loan"
  | "loanVersion"
  | "applied"
  | "appliedVersion"
  | "entry"
  | "borrower"
  | "borrowerVersion"
  | "claim"
  | "claimVersion"
  | "comp"
  | "compVersion"
  | "request"
  | "fund"
  | "user"
  | "bank"
  | "statementFile"
  | "statementRow"
  | "claimBankLine"
  | "case"
  | "rectification"
  | "reward"
  | "attachment"
  | "creditRating"
  | "insurancePolicy"
  | "insuranceClaim"
  | "insuranceClaimVersion"
  | "organisation",
  number
> & {
  village: string;
  /** A line of the demo organisation's benefit schedule ("borrowerId:year"). */
  orgLine: string;
  secrets: string[];
};

/** How an action is reached: `record` = it touches a record of 榆中县; `own` = only the caller's own county (no foreign record to name). */
interface Call {
  permission: Permission;
  scope: "record" | "own";
  fields: (r: Ids, n: number) => Record<string, string>;
  /** Actions called with a plain object (defineAction) rather than (state, FormData). */
  json?: boolean;
}
/** Public actions; `formOnly`: bound straight to a <form action> (one FormData argument, no previous state). */
type ActionEntry = { calls: Call[] } | { public: string; fields: Record<string, string>; formOnly?: boolean };

const ID = makeResidentId("620123", "1990-01-01", 124); // a woman of 榆中县 (even sequence)

const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const key = (n: number) => `authz-matrix-${Date.now()}-${n}`;

const ACTIONS: Record<string, ActionEntry> = {
  // The monthly report (issue 22): the service also requires the level's own role and region.
  "src/app/(app)/reports/monthly/actions.ts#prepareReportAction": {
    calls: [
      {
        permission: "report.prepare",
        scope: "record",
        fields: () => ({ region: TARGET_COUNTY, month: "2026-10" }),
      },
    ],
  },
  "src/app/(app)/reports/monthly/actions.ts#submitReportAction": {
    calls: [
      {
        permission: "report.approve",
        scope: "record",
        fields: () => ({ region: TARGET_COUNTY, month: "2026-10" }),
      },
    ],
  },
  "src/app/(app)/reports/monthly/actions.ts#acknowledgeReportAction": {
    calls: [
      {
        permission: "report.acknowledge",
        scope: "record",
        fields: () => ({ region: TARGET_COUNTY, month: "2026-10" }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#applyAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({
          borrowerId: `${r.borrower}`,
          programmeCode: "WOMEN",
          amount: "50000",
          termMonths: "12",
          method: "BULLET",
          purpose: "扩大养殖规模",
          industry: "养殖",
          guaranteeType: "NONE",
          bankId: `${r.bank}`,
          surveyDate: today,
          householdSize: "4",
          labourers: "2",
          household: "自有住房，无其他贷款",
          annualIncome: "36000",
          incomeSource: "养殖",
          project: "扩大养殖规模",
          projectInvestment: "80000",
        }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#decideAction": {
    calls: [
      {
        permission: "loan.approve",
        scope: "record",
        fields: (r) => ({ loanId: `${r.applied}`, decision: "APPROVE", version: `${r.appliedVersion}` }),
      },
      {
        permission: "loan.approve",
        scope: "record",
        fields: (r) => ({
          loanId: `${r.applied}`,
          decision: "REJECT",
          reason: "材料不全",
          version: `${r.appliedVersion}`,
        }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#disburseAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({
          loanId: `${r.applied}`,
          contractNo: "HT-AUTHZ-0001",
          disbursedDate: today,
          amount: "50000",
          contractRate: "3.45",
          version: `${r.appliedVersion}`,
        }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#postRepaymentAction": {
    calls: [
      {
        permission: "repayment.post",
        scope: "record",
        fields: (r, n) => ({
          loanId: `${r.loan}`,
          valueDate: today,
          principal: "0",
          interest: "1.00",
          penalty: "0",
          idempotencyKey: key(n),
        }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#reverseAction": {
    calls: [
      {
        permission: "repayment.post",
        scope: "record",
        fields: (r, n) => ({ entryId: `${r.entry}`, reason: "录入错误", idempotencyKey: key(n) }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#requestChangeAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({
          loanId: `${r.loan}`,
          kind: "EXTENSION",
          months: "6",
          reason: "受灾减产，申请展期",
        }),
      },
    ],
  },
  // 贷后回访 (issue 23 item 2): the county's staff of the loan's county only.
  "src/app/(app)/loans/actions.ts#recordVisitAction": {
    calls: [
      {
        permission: "visit.write",
        scope: "record",
        fields: (r) => ({
          loanId: `${r.loan}`,
          visitDate: today,
          visitor: "李春梅",
          usage: "购买基础母牛，已入栏",
          matchesPurpose: "YES",
        }),
      },
    ],
  },
  "src/app/(app)/loans/actions.ts#decideChangeAction": {
    calls: [
      {
        permission: "loan.approve",
        scope: "record",
        fields: (r) => ({ requestId: `${r.request}`, decision: "APPROVE" }),
      },
    ],
  },
  "src/app/(app)/fund/actions.ts#depositAction": {
    calls: [
      {
        permission: "fund.write",
        scope: "record",
        fields: (r, n) => ({
          fundId: `${r.fund}`,
          fundingLevel: "COUNTY",
          amount: "10000",
          valueDate: today,
          idempotencyKey: key(n),
        }),
      },
    ],
  },
  "src/app/(app)/fund/actions.ts#requestCompensationAction": {
    calls: [{ permission: "fund.write", scope: "record", fields: (r) => ({ loanId: `${r.loan}` }) }],
  },
  "src/app/(app)/fund/actions.ts#decideCompensationAction": {
    calls: [
      {
        permission: "claim.approve",
        scope: "record",
        fields: (r) => ({ claimId: `${r.comp}`, action: "APPROVE", version: `${r.compVersion}` }),
      },
      {
        permission: "fund.write",
        scope: "record",
        fields: (r) => ({
          claimId: `${r.comp}`,
          action: "PAY",
          paidDate: today,
          version: `${r.compVersion}`,
        }),
      },
    ],
  },
  "src/app/(app)/fund/actions.ts#createFundAction": {
    calls: [
      { permission: "fund.write", scope: "own", fields: () => ({ name: "矩阵测试风险补偿金", bankId: "" }) },
    ],
  },
  "src/app/(app)/borrowers/actions.ts#createBorrowerAction": {
    calls: [
      {
        permission: "borrower.write",
        scope: "record",
        fields: (r) => ({
          name: "矩阵测试",
          idNumber: ID,
          phone: "13900000000",
          villageCode: r.village,
          householdType: "GENERAL",
          industry: "养殖",
        }),
      },
    ],
  },
  "src/app/(app)/borrowers/actions.ts#updateBorrowerAction": {
    calls: [
      {
        permission: "borrower.write",
        scope: "record",
        fields: (r) => ({
          id: `${r.borrower}`,
          version: `${r.borrowerVersion}`,
          name: "矩阵测试",
          idNumber: ID,
          phone: "13900000000",
          villageCode: r.village,
          householdType: "GENERAL",
          industry: "养殖",
        }),
      },
    ],
  },
  "src/app/(app)/borrowers/actions.ts#revealIdAction": {
    calls: [
      {
        permission: "borrower.revealId",
        scope: "record",
        json: true,
        fields: (r) => ({ id: `${r.borrower}` }),
      },
    ],
  },
  "src/app/(app)/claims/actions.ts#generateClaimAction": {
    calls: [
      {
        permission: "claim.write",
        scope: "own",
        fields: (r) => ({ bankId: `${r.bank}`, year: "2025", quarter: "1" }),
      },
    ],
  },
  "src/app/(app)/claims/actions.ts#transitionClaimAction": {
    calls: [
      {
        permission: "claim.write",
        scope: "record",
        fields: (r) => ({ claimId: `${r.claim}`, action: "SUBMIT", version: `${r.claimVersion}` }),
      },
      {
        permission: "claim.approve",
        scope: "record",
        fields: (r) => ({ claimId: `${r.claim}`, action: "APPROVE", version: `${r.claimVersion}` }),
      },
    ],
  },
  "src/app/(app)/admin/actions.ts#createUserAction": {
    calls: [
      {
        permission: "admin.manage",
        scope: "record",
        fields: () => ({
          username: "matrix_user",
          displayName: "矩阵测试",
          role: "COUNTY_STAFF",
          regionCode: TARGET_COUNTY,
          password: "Matrix@2026abc",
        }),
      },
    ],
  },
  "src/app/(app)/admin/actions.ts#disableUserAction": {
    calls: [{ permission: "admin.manage", scope: "record", fields: (r) => ({ id: `${r.user}` }) }],
  },
  "src/app/(app)/admin/actions.ts#enableUserAction": {
    calls: [{ permission: "admin.manage", scope: "record", fields: (r) => ({ id: `${r.user}` }) }],
  },
  "src/app/(app)/admin/actions.ts#unlockLoginAction": {
    calls: [{ permission: "admin.manage", scope: "record", fields: (r) => ({ id: `${r.user}` }) }],
  },
  "src/app/(app)/admin/actions.ts#resetPasswordAction": {
    calls: [
      {
        permission: "admin.manage",
        scope: "record",
        fields: (r) => ({ id: `${r.user}`, password: "Matrix@2026abc" }),
      },
    ],
  },
  "src/app/(app)/admin/actions.ts#updateUserAction": {
    calls: [
      {
        permission: "admin.manage",
        scope: "record",
        fields: (r) => ({ id: `${r.user}`, role: "COUNTY_APPROVER", regionCode: TARGET_COUNTY }),
      },
    ],
  },
  // LPR is national reference data: only an administrator of the whole country maintains it.
  "src/app/(app)/admin/actions.ts#addLprAction": {
    calls: [
      {
        permission: "admin.manage",
        scope: "record",
        fields: () => ({ effectiveDate: "2030-01-20", term: "ONE_YEAR", rate: "3.00" }),
      },
    ],
  },
  "src/app/(app)/admin/actions.ts#createRegionAction": {
    calls: [
      {
        permission: "admin.manage",
        scope: "record",
        fields: () => ({ code: "620123999", name: "矩阵测试镇", parentCode: TARGET_COUNTY }),
      },
    ],
  },
  "src/app/(app)/admin/actions.ts#createPolicyAction": {
    calls: [
      {
        permission: "admin.manage",
        scope: "record",
        fields: () => ({
          programmeId: "1",
          regionCode: TARGET_COUNTY,
          name: "矩阵测试政策",
          validFrom: "2030-01-01",
          validTo: "",
          maxPrincipal: "300000",
          maxTermMonths: "36",
          rateRule: "LPR_1Y_PLUS_SPREAD",
          rateCapSpread: "1.50",
          subsidyMode: "FULL",
          borrowerSpread: "1.50",
          subsidyShare: "100",
          shareCentral: "0",
          shareProvincial: "0",
          shareCity: "0",
          shareCounty: "100",
          dayCountBasis: "360",
          leverageCap: "10",
          compensationShare: "80",
        }),
      },
    ],
  },
  "src/app/(app)/collection/actions.ts#recordCaseNoteAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({ caseId: `${r.case}`, note: "矩阵测试跟进", nextActionDate: today }),
      },
    ],
  },
  "src/app/(app)/collection/actions.ts#assignCaseAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({ caseId: `${r.case}`, assigneeId: `${r.user}` }),
      },
    ],
  },
  // Public by design: signing in, signing out (ends only the caller's own session) and the interface language.
  "src/app/(app)/bank-files/worklist/actions.ts#searchLoansAction": {
    calls: [{ permission: "repayment.post", scope: "own", json: true, fields: () => ({ q: "王秀" }) }],
  },
  "src/app/(app)/bank-files/worklist/actions.ts#resolveRowAction": {
    calls: [
      {
        permission: "repayment.post",
        scope: "record",
        fields: (r) => ({ rowId: `${r.statementRow}`, loanId: `${r.loan}` }),
      },
    ],
  },
  "src/app/(app)/bank-files/worklist/actions.ts#dismissRowAction": {
    calls: [
      {
        permission: "repayment.post",
        scope: "record",
        fields: (r) => ({ rowId: `${r.statementRow}`, reason: "银行确认此笔为误列" }),
      },
    ],
  },
  "src/app/(app)/claims/[id]/bank-actions.ts#differenceReasonAction": {
    calls: [
      {
        permission: "claim.write",
        scope: "record",
        fields: (r) => ({ lineId: `${r.claimBankLine}`, reason: "银行按调整前利率计息" }),
      },
    ],
  },
  // A loan's insurance and 分贷统还 organisations (issue 23 items 4–5), on the demo's records of 榆中县.
  "src/app/(app)/insurance/actions.ts#addPolicyAction": {
    calls: [
      {
        permission: "insurance.write",
        scope: "record",
        fields: (r) => ({
          loanId: `${r.loan}`,
          policyNo: "AUTHZ-POLICY-1",
          insurer: "矩阵测试保险公司",
          premium: "100",
          premiumPaidBy: "GOVERNMENT",
          coverFrom: today,
          coverTo: today,
        }),
      },
    ],
  },
  "src/app/(app)/insurance/actions.ts#fileClaimAction": {
    calls: [
      {
        permission: "insurance.write",
        scope: "record",
        fields: (r) => ({ policyId: `${r.insurancePolicy}`, claimDate: today, amount: "100" }),
      },
    ],
  },
  "src/app/(app)/insurance/actions.ts#settleClaimAction": {
    calls: [
      {
        permission: "insurance.write",
        scope: "record",
        fields: (r) => ({
          claimId: `${r.insuranceClaim}`,
          version: `${r.insuranceClaimVersion}`,
          outcome: "REJECTED",
          note: "矩阵测试",
        }),
      },
    ],
  },
  "src/app/(app)/organisations/actions.ts#registerOrganisationAction": {
    calls: [
      {
        permission: "organisation.write",
        scope: "record",
        fields: (r) => ({
          name: "矩阵测试合作社",
          creditCode: "93620123MA0MATRX1Y",
          kind: "COOPERATIVE",
          villageCode: r.village,
        }),
      },
    ],
  },
  "src/app/(app)/organisations/actions.ts#addMemberAction": {
    calls: [
      {
        permission: "organisation.write",
        scope: "record",
        fields: (r) => ({ organisationId: `${r.organisation}`, idNumber: ID, joinedOn: today }),
      },
    ],
  },
  "src/app/(app)/organisations/actions.ts#linkLoanAction": {
    calls: [
      {
        permission: "organisation.write",
        scope: "record",
        fields: (r) => ({ organisationId: `${r.organisation}`, loanId: `${r.loan}` }),
      },
    ],
  },
  "src/app/(app)/organisations/actions.ts#recordBenefitPaymentAction": {
    calls: [
      {
        permission: "organisation.write",
        scope: "record",
        fields: (r) => ({
          organisationId: `${r.organisation}`,
          line: r.orgLine,
          paidDate: today,
          amount: "1",
        }),
      },
    ],
  },
  "src/app/login/actions.ts#loginAction": {
    public: "sign-in",
    fields: { username: "nobody_here", password: "wrong-password-1" },
  },
  "src/app/(app)/layout.tsx#$$RSC_SERVER_ACTION_0": {
    public: "sign-out of the caller's own session",
    fields: {},
    formOnly: true,
  },
  "src/app/locale-action.ts#switchLocale": {
    public: "interface language cookie",
    fields: { locale: "en" },
    formOnly: true,
  },
  // The programme's running rules (issue 19), on a real rectification and reward allocation of 榆中县.
  "src/app/(app)/rules/actions.ts#recordRectificationAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({
          regionCode: r.village,
          measures: "逐户上门催收，落实包户责任制度",
          doneBy: "村两委",
          doneOn: today,
        }),
      },
    ],
  },
  "src/app/(app)/rules/actions.ts#decideRectificationAction": {
    calls: [
      {
        permission: "loan.approve",
        scope: "record",
        fields: (r) => ({ id: String(r.rectification), decision: "APPROVE" }),
      },
    ],
  },
  // Credit rating (issue 23 item 1), on a pending rating of a borrower of 榆中县.
  "src/app/(app)/credit/actions.ts#rateBorrowerAction": {
    calls: [
      {
        permission: "credit.write",
        scope: "record",
        fields: (r) => ({
          borrowerId: String(r.borrower),
          grade: "AA",
          creditLimit: "50000",
          validFrom: today,
          validTo: "2029-12-31",
          ratedOn: today,
          ratedBy: "村信用评定小组",
          committeeOn: today,
          committeeRef: "评议〔2026〕9号",
        }),
      },
    ],
  },
  "src/app/(app)/credit/actions.ts#decideRatingAction": {
    calls: [
      {
        permission: "credit.approve",
        scope: "record",
        fields: (r) => ({ id: String(r.creditRating), decision: "APPROVE" }),
      },
    ],
  },
  "src/app/(app)/credit/actions.ts#setHouseholdsAction": {
    calls: [
      {
        permission: "credit.write",
        scope: "record",
        fields: (r) => ({ villageCode: r.village, eligible: "120" }),
      },
    ],
  },
  "src/app/(app)/targets/actions.ts#setTargetAction": {
    calls: [
      {
        permission: "loan.write",
        scope: "record",
        fields: (r) => ({ regionCode: r.village, year: "2026", target: "100000" }),
      },
    ],
  },
  "src/app/(app)/rewards/actions.ts#prepareRewardAction": {
    calls: [{ permission: "claim.write", scope: "own", fields: () => ({ year: "2025" }) }],
  },
  "src/app/(app)/rewards/actions.ts#decideRewardAction": {
    calls: [
      {
        permission: "claim.approve",
        scope: "record",
        fields: (r) => ({ id: String(r.reward), decision: "APPROVE" }),
      },
    ],
  },
  "src/app/(app)/rewards/actions.ts#payRewardAction": {
    calls: [
      {
        permission: "claim.write",
        scope: "record",
        fields: (r) => ({ id: String(r.reward), paidDate: today }),
      },
    ],
  },
};

interface RouteCall {
  method: "GET" | "POST";
  permission: Permission;
  scope: "record" | "own";
  url: (r: Ids) => string;
  multipart?: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>;
  /** A raw request body (the attachment upload streams the file itself, decision 041). */
  body?: { contentType: string; data: Buffer };
}
type RouteEntry = { calls: RouteCall[] } | { public: string };

const ROUTES: Record<string, RouteEntry> = {
  // The borrower's file (issue 23, decision 041).
  "/(app)/attachments/upload/route": {
    calls: [
      {
        method: "POST",
        permission: "attachment.write",
        scope: "record",
        url: (r) => `/attachments/upload?borrower=${r.borrower}&kind=CONTRACT&name=a.pdf`,
        body: { contentType: "application/pdf", data: Buffer.from("%PDF-1.4\n%%EOF\n") },
      },
    ],
  },
  "/(app)/attachments/[id]/route": {
    calls: [
      {
        method: "GET",
        permission: "attachment.read",
        scope: "record",
        url: (r) => `/attachments/${r.attachment}`,
      },
    ],
  },
  "/(app)/ledgers/[kind]/export/route": {
    calls: (
      [
        "loans",
        "journal",
        "claims",
        "fund",
        "reward",
        "bankFiles",
        "bankRows",
        "insurance",
        "insuranceClaims",
        "orgBenefits",
        "audit",
      ] as const
    ).map((k): RouteCall => ({
      method: "GET",
      permission: k === "audit" ? "audit.read" : "ledger.export",
      scope: "record",
      url: () => `/ledgers/${k}/export?format=csv&region=${TARGET_COUNTY}&from=2020-01-01&to=${today}`,
    })),
  },
  "/(app)/due/export/route": {
    calls: [
      {
        method: "GET",
        permission: "ledger.export",
        scope: "record",
        url: () => `/due/export?region=${TARGET_COUNTY}`,
      },
    ],
  },
  "/(app)/dashboard/loans/export/route": {
    calls: [
      {
        method: "GET",
        permission: "ledger.export",
        scope: "record",
        url: () => `/dashboard/loans/export?region=${TARGET_COUNTY}&asOf=2026-11-20&figure=matured`,
      },
    ],
  },
  "/(app)/loans/export/route": {
    calls: [
      {
        method: "GET",
        permission: "ledger.export",
        scope: "record",
        url: () => `/loans/export?format=csv&region=${TARGET_COUNTY}`,
      },
    ],
  },
  "/(app)/reports/monthly/export/route": {
    calls: [
      {
        method: "GET",
        permission: "dashboard.read",
        scope: "record",
        url: () => `/reports/monthly/export?region=${TARGET_COUNTY}&month=2026-10`,
      },
    ],
  },
  "/(app)/imports/template/route": {
    calls: [{ method: "GET", permission: "loan.write", scope: "own", url: () => "/imports/template" }],
  },
  "/(app)/imports/upload/route": {
    calls: [
      {
        method: "POST",
        permission: "loan.write",
        scope: "own",
        url: () => "/imports/upload",
        multipart: {
          mode: "preview",
          file: {
            name: "a.xlsx",
            mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            buffer: Buffer.from("not a workbook"),
          },
        },
      },
    ],
  },
  "/(app)/imports/bank/upload/route": {
    calls: [
      {
        method: "POST",
        permission: "repayment.post",
        scope: "own",
        url: () => "/imports/bank/upload",
        multipart: {
          mode: "preview",
          bankId: "1",
          file: { name: "a.csv", mimeType: "text/csv", buffer: Buffer.from("借据号,日期,本金,利息\r\n") },
        },
      },
    ],
  },
  "/(app)/imports/bank/sample/route": {
    calls: [
      {
        method: "GET",
        permission: "repayment.post",
        scope: "own",
        url: (r) => `/imports/bank/sample?bankId=${r.bank}`,
      },
      {
        method: "GET",
        permission: "claim.write",
        scope: "own",
        url: (r) => `/imports/bank/sample?bankId=${r.bank}&kind=INTEREST`,
      },
    ],
  },
  "/(app)/bank-files/[id]/export/route": {
    calls: [
      {
        method: "GET",
        permission: "ledger.export",
        scope: "record",
        url: (r) => `/bank-files/${r.statementFile}/export`,
      },
    ],
  },
  "/(app)/claims/[id]/bank-statement/route": {
    calls: [
      {
        method: "POST",
        permission: "claim.write",
        scope: "record",
        url: (r) => `/claims/${r.claim}/bank-statement`,
        multipart: {
          mode: "headers",
          file: { name: "a.csv", mimeType: "text/csv", buffer: Buffer.from("借据号,利息,贴息,备注\r\n") },
        },
      },
    ],
  },
  "/(app)/targets/upload/route": {
    calls: [
      {
        method: "POST",
        permission: "loan.write",
        scope: "own",
        url: () => "/targets/upload",
        multipart: {
          file: {
            name: "t.xlsx",
            mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            buffer: Buffer.from("not a workbook"),
          },
        },
      },
    ],
  },
  "/api/auth/[...nextauth]/route": {
    public: "next-auth's own endpoints (session, CSRF token, sign-in callback)",
  },
  "/icon.svg/route": { public: "the site icon" },
};

// ── what the build exposes ──

interface Exposed {
  id: string;
  name: string;
  workers: string[];
}

function exposedActions(): Exposed[] {
  const root = ".next/server";
  const all = JSON.parse(fs.readFileSync(path.join(root, "server-reference-manifest.json"), "utf8"))
    .node as Record<string, { workers: Record<string, unknown> }>;
  // Per-page manifests carry the source file and export name of each action id.
  const names = new Map<string, string>();
  for (const f of fs.readdirSync(path.join(root, "app"), { recursive: true }) as string[]) {
    if (!f.endsWith("server-reference-manifest.json")) continue;
    const m = JSON.parse(fs.readFileSync(path.join(root, "app", f), "utf8")).node as Record<
      string,
      { filename?: string; exportedName?: string }
    >;
    for (const [id, v] of Object.entries(m))
      if (v.filename && v.exportedName) names.set(id, `${v.filename}#${v.exportedName}`);
  }
  return Object.entries(all).map(([id, v]) => {
    const name = names.get(id);
    if (!name)
      throw new Error(
        `action ${id} is exposed by the build but no manifest names it: the matrix cannot check it`,
      );
    return { id, name, workers: Object.keys(v.workers) };
  });
}

function exposedRoutes(): string[] {
  const m = JSON.parse(fs.readFileSync(".next/server/app-paths-manifest.json", "utf8")) as Record<
    string,
    string
  >;
  return Object.keys(m).filter((k) => k.endsWith("/route"));
}

/** A URL of a page that hosts the action ("app/(app)/loans/[id]/page" → "/loans/1"). */
function pageUrl(workers: string[]): string {
  const worker = workers.find((w) => !w.includes("[")) ?? workers[0]!;
  const url = worker
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .replace(/\/\([^)]+\)/g, "")
    .replace(/\[[^\]]+\]/g, "1");
  return url || "/";
}

// ── callers ──

interface Caller {
  label: string;
  username: string | null;
  userId: number | null;
  role: Role | null;
  /** The caller's region covers 榆中县. */
  home: boolean;
}

const EXTRA_USERS = [
  { username: "tj_admin", displayName: "通江县系统管理员", role: "ADMIN", regionCode: "511921" },
  { username: "bz_auditor", displayName: "巴中市审计", role: "AUDITOR", regionCode: "511900" },
] as const;
// One user of each role whose region covers 榆中县, and other-region users of every role that writes.
const HOME = ["yz_staff", "yz_approver", "lz_official", "lz_auditor", "admin"];
const AWAY = ["tj_staff", "tj_approver", "tj_admin", "bz_auditor"];

async function fingerprint(db: Client): Promise<string> {
  const tables = await db.query<{ table_name: string; cols: string[] }>(
    `select table_name, array_agg(column_name::text) cols from information_schema.columns
      where table_schema = 'public' and table_name not in ('AuditEvent', 'LoginThrottle', 'RefusalWindow', '_prisma_migrations',
        -- the month-end snapshots: a derived cache the background job fills (issue 22), not a record
        'MonthEndFigures', 'MonthEndCountyFigures', 'MonthEndBuilt', 'SnapshotStale') group by table_name order by table_name`,
  );
  const parts = tables.rows.map(({ table_name: t, cols }) => {
    const extra = [
      cols.includes("version") ? `coalesce(sum("version"), 0)` : "0",
      cols.includes("updatedAt") ? `coalesce(max("updatedAt")::text, '')` : "''",
    ];
    return `select '${t}' t, count(*)::text || ':' || ${extra.join(" || ':' || ")} v from "${t}"`;
  });
  const res = await db.query<{ t: string; v: string }>(parts.join(" union all "));
  return res.rows
    .map((r) => `${r.t}=${r.v}`)
    .sort()
    .join(" ");
}

const lastAuditId = async (db: Client) =>
  Number((await db.query(`select coalesce(max(id), 0) m from "AuditEvent"`)).rows[0].m);
const deniedSince = async (db: Client, since: number, userId: number | null) =>
  Number(
    (
      await db.query(
        `select count(*) c from "AuditEvent" where id > $1 and outcome = 'DENIED' and "userId" is not distinct from $2`,
        [since, userId],
      )
    ).rows[0].c,
  );

/**
 * Anonymous refusals recorded so far (decision 012: folded per address and minute): each adds exactly one —
 * to an event's `after.refusals` when it opens a window, else to its window's count until that is audited.
 */
const anonymousRefusals = async (db: Client) =>
  Number(
    (
      await db.query(
        `select (select coalesce(sum(count - 1), 0) from "RefusalWindow")
              + (select coalesce(sum((after->>'refusals')::int), 0) from "AuditEvent"
                  where outcome = 'DENIED' and "userId" is null and after ? 'refusals') n`,
      )
    ).rows[0].n,
  );

/** React's reply encoding of (previousState, formData) for a form action, or of (object) for a plain one. */
function actionBody(fields: Record<string, string>, json: boolean, formOnly = false) {
  if (json) {
    const o = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]),
    );
    return { data: JSON.stringify([o]), headers: { "content-type": "text/plain;charset=UTF-8" } };
  }
  // The fields first and the root ("0") last, as React sends them: the server resolves "$K1" when "0" arrives.
  const multipart = new FormData();
  for (const [k, v] of Object.entries(fields)) multipart.append(`_1_${k}`, v);
  multipart.append("0", JSON.stringify(formOnly ? ["$K1"] : ["$undefined", "$K1"]));
  return { multipart };
}

test("authorization matrix: every action and route the build exposes refuses no session, the wrong role and another region; nothing written, nothing leaked, refusal audited", async ({
  browser,
  baseURL,
  playwright,
}) => {
  test.setTimeout(600_000);
  const db = await e2eDb();
  try {
    // Every exposed action and route has an entry, and every entry is still exposed.
    const actions = exposedActions();
    const actionNames = actions.map((a) => a.name);
    expect(
      actionNames.filter((n) => !(n in ACTIONS)),
      "actions without an entry in the matrix",
    ).toEqual([]);
    expect(
      Object.keys(ACTIONS).filter((n) => !actionNames.includes(n)),
      "matrix entries the build no longer exposes",
    ).toEqual([]);
    const routes = exposedRoutes();
    expect(
      routes.filter((r) => !(r in ROUTES)),
      "routes without an entry in the matrix",
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((r) => !routes.includes(r)),
      "matrix routes the build no longer exposes",
    ).toEqual([]);

    // Fixtures: records of 榆中县 and two more other-region users (same demo password as the others).
    const one = async (sql: string, params: unknown[] = []) => {
      const row = (await db.query(sql, params)).rows[0];
      expect(row, sql).toBeTruthy();
      return row;
    };
    const loan = await one(
      `select id, version, "borrowerId" from "Loan" where "countyCode" = $1 and status = 'REPAYING' and exists (select 1 from "RepaymentEntry" e where e."loanId" = "Loan".id) order by id limit 1`,
      [TARGET_COUNTY],
    );
    const applied = await one(
      `select id, version from "Loan" where "countyCode" = $1 and status = 'APPLIED' order by id limit 1`,
      [TARGET_COUNTY],
    );
    const borrower = await one(
      `select id, version, name, "idNumber", phone, "villageCode" from "Borrower" where id = $1`,
      [loan.borrowerId],
    );
    const ids: Ids = {
      loan: loan.id,
      loanVersion: loan.version,
      applied: applied.id,
      appliedVersion: applied.version,
      entry: (await one(`select id from "RepaymentEntry" where "loanId" = $1 order by id limit 1`, [loan.id]))
        .id,
      borrower: borrower.id,
      borrowerVersion: borrower.version,
      village: borrower.villageCode,
      claim: 0,
      claimVersion: 0,
      comp: 0,
      compVersion: 0,
      request: (
        await one(
          `select id from "LoanRequest" where "countyCode" = $1 order by status = 'PENDING' desc, id limit 1`,
          [TARGET_COUNTY],
        )
      ).id,
      fund: (
        await one(`select id from "RiskFund" where "countyCode" = $1 order by id limit 1`, [TARGET_COUNTY])
      ).id,
      user: (await one(`select id from "User" where username = 'yz_staff'`)).id,
      bank: (await one(`select "bankId" id from "Loan" where id = $1`, [loan.id])).id,
      statementFile: 0,
      statementRow: 0,
      claimBankLine: 0,
      rectification: 0,
      reward: 0,
      attachment: 0,
      creditRating: 0,
      insurancePolicy: (
        await one(`select id from "InsurancePolicy" where "countyCode" = $1 order by id limit 1`, [
          TARGET_COUNTY,
        ])
      ).id,
      insuranceClaim: 0,
      insuranceClaimVersion: 0,
      organisation: (
        await one(`select id from "EconomicOrganisation" where "countyCode" = $1 order by id limit 1`, [
          TARGET_COUNTY,
        ])
      ).id,
      orgLine: "",
      case: (
        await one(`select id from "CollectionCase" where "countyCode" = $1 order by id limit 1`, [
          TARGET_COUNTY,
        ])
      ).id,
      secrets: [borrower.idNumber, borrower.phone, borrower.name],
    };
    // A committed bank statement of 榆中县 with one unmatched row (the demo has none committed).
    const statementFile = await one(
      `insert into "BankStatementFile" ("countyCode", "bankId", "fileName", sha256, month, encoding, "rowCount",
         "postedCount", "postedTotal", "alreadyCount", "alreadyTotal", "unmatchedCount", "unmatchedTotal", "fileTotal",
         summary, mapping, "createdById")
       values ($1, $2, 'authz.csv', $3, '2026-11', 'utf-8', 1, 0, 0, 0, 0, 1, 12.34, 12.34, '{}', '{}', $4)
       on conflict ("countyCode", "bankId", sha256) do update set "fileName" = excluded."fileName" returning id`,
      [TARGET_COUNTY, ids.bank, "a".repeat(64), ids.user],
    );
    const statementRow = await one(
      `insert into "BankStatementRow" ("fileId", "countyCode", "rowNo", "contractNo", "valueDate", principal, interest, penalty, category, reason)
       values ($1, $2, 2, 'HT-TYPO', '2026-11-18', 0, 12.34, 0, 'UNMATCHED', 'NO_SUCH_LOAN')
       on conflict ("fileId", "rowNo") do update set "contractNo" = excluded."contractNo" returning id`,
      [statementFile.id, TARGET_COUNTY],
    );
    Object.assign(ids, { statementFile: statementFile.id, statementRow: statementRow.id });
    const claim = await one(
      `select id, version from "SubsidyClaim" where "countyCode" = $1 order by id limit 1`,
      [TARGET_COUNTY],
    );
    const comp = await one(
      `select id, version from "CompensationClaim" where "countyCode" = $1 order by id limit 1`,
      [TARGET_COUNTY],
    );
    Object.assign(ids, {
      claim: claim.id,
      claimVersion: claim.version,
      comp: comp.id,
      compVersion: comp.version,
    });
    const bankLine = await one(
      `insert into "ClaimBankLine" ("claimId", "countyCode", "rowNo", "contractNo", "bankInterest", "bankSubsidy", "interestDiff", "subsidyDiff", cause, "fileSha256")
       values ($1, $2, 2, 'HT-AUTHZ', 10.00, 5.00, 10.00, 5.00, 'NOT_IN_CLAIM', $3) returning id`,
      [claim.id, TARGET_COUNTY, "b".repeat(64)],
    );
    Object.assign(ids, { claimBankLine: bankLine.id });
    // A pending rectification and an approved reward allocation of 榆中县 (the demo has both only for 道县);
    // the allocation's year (2019) is one no journey prepares.
    const rectification = await one(
      `insert into "Rectification" ("countyCode", "regionCode", "suspendedSince", measures, "doneBy", "doneOn", "makerId")
       values ($1, $2, '2026-09-30', '逐户上门催收，落实包户责任制度', '村两委', '2026-10-15', $3) returning id`,
      [TARGET_COUNTY, ids.village, ids.user],
    );
    const reward = await one(
      `insert into "RewardAllocation" ("countyCode", year, status, "policyVersionId", "rewardRateBp", "thresholdBp",
         "rewardShares", "rateWindow", "countyLent", "countyRateBp", total, "makerId")
       select $1, 2019, 'APPROVED', p.id, 200, 9800, '{3,2,4,1}', 'YEAR_TO_DATE', 1000000, 9900, 20000, $2
       from "PolicyVersion" p order by p.id limit 1 returning id`,
      [TARGET_COUNTY, ids.user],
    );
    Object.assign(ids, { rectification: rectification.id, reward: reward.id });
    // An attachment of the borrower (its file need not exist: every refusal comes before the store is read).
    const attachment = await one(
      `insert into "Attachment" ("countyCode", "villageCode", "borrowerId", kind, "fileName", "contentType", "sizeBytes", sha256, "storageKey", "uploadedById")
       values ($1, $2, $3, 'CONTRACT', 'authz.pdf', 'application/pdf', 16, $4, $5, $6) returning id`,
      [TARGET_COUNTY, ids.village, ids.borrower, "c".repeat(64), `sha256/cc/${"c".repeat(64)}`, ids.user],
    );
    Object.assign(ids, { attachment: attachment.id });
    // A pending credit rating of the borrower (issue 23), made by the target county's staff.
    const creditRating = await one(
      `insert into "CreditRating" ("countyCode", "villageCode", "borrowerId", grade, "creditLimit", "validFrom", "validTo",
         "ratedOn", "ratedBy", "committeeOn", "committeeRef", "makerId")
       values ($1, $2, $3, 'AA', 50000, '2026-01-01', '2028-12-31', '2025-12-20', '评级小组', '2025-12-25', '评议〔2025〕1号', $4)
       returning id`,
      [TARGET_COUNTY, ids.village, ids.borrower, ids.user],
    );
    Object.assign(ids, { creditRating: creditRating.id });
    // A filed insurance claim and a line of the organisation's benefit schedule (both in the demo data).
    const insuranceClaim = await one(
      `select id, version from "InsuranceClaim" where "countyCode" = $1 and status = 'FILED' order by id limit 1`,
      [TARGET_COUNTY],
    );
    const orgLine = await one(
      `select "borrowerId" || ':' || year line from "OrganisationBenefitDue" where "organisationId" = $1 order by id limit 1`,
      [ids.organisation],
    );
    Object.assign(ids, {
      insuranceClaim: insuranceClaim.id,
      insuranceClaimVersion: insuranceClaim.version,
      orgLine: orgLine.line,
    });
    for (const u of EXTRA_USERS) {
      await db.query(
        `insert into "User" (username, "displayName", "passwordHash", role, "regionCode", "updatedAt")
         select $1, $2, "passwordHash", $3::"Role", $4, now() from "User" where username = 'yz_staff' on conflict (username) do nothing`,
        [u.username, u.displayName, u.role, u.regionCode],
      );
    }

    // Sessions: one browser context per user, signed in through the login page.
    const callers: (Caller & { request: APIRequestContext })[] = [];
    const contexts: BrowserContext[] = [];
    const anonymous = await playwright.request.newContext({ baseURL });
    callers.push({
      label: "no session",
      username: null,
      userId: null,
      role: null,
      home: true,
      request: anonymous,
    });
    for (const username of [...HOME, ...AWAY]) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await login(page, username);
      await page.close();
      const u = await one(`select id, role from "User" where username = $1`, [username]);
      callers.push({
        label: username,
        username,
        userId: u.id,
        role: u.role as Role,
        home: HOME.includes(username),
        request: context.request,
      });
    }
    for (const role of ROLES)
      expect(
        callers.some((c) => c.home && c.role === role),
        `a home caller with role ${role}`,
      ).toBe(true);

    /** Who must be refused for a call needing `permission`: no session, home roles without it, away callers with it (on a record). */
    const refusedCallers = (permission: Permission, scope: "record" | "own") =>
      callers.filter(
        (c) =>
          c.role === null ||
          (c.home && !can(c.role, permission)) ||
          (!c.home && scope === "record" && can(c.role, permission)),
      );

    let n = 0;
    const checked: string[] = [];
    const check = async (
      what: string,
      caller: Caller,
      send: () => Promise<APIResponse>,
      refused: (r: APIResponse, text: string) => boolean,
      audited = true,
    ) => {
      const before = await fingerprint(db);
      const since = await lastAuditId(db);
      const anonymousBefore = await anonymousRefusals(db);
      const r = await send();
      const text = await r.text();
      const label = `${what} as ${caller.label} → ${r.status()} ${text.slice(0, 300)}`;
      expect(refused(r, text), `refused: ${label}`).toBe(true);
      expect(text, `no stack trace: ${label}`).not.toMatch(/\n\s+at [\w.<>$]+ \(/);
      for (const s of ids.secrets)
        expect(text.includes(s), `nothing of the record (${s}): ${label}`).toBe(false);
      expect(await fingerprint(db), `nothing written: ${label}`).toBe(before);
      if (audited)
        expect(
          (await deniedSince(db, since, caller.userId)) +
            (caller.userId === null ? (await anonymousRefusals(db)) - anonymousBefore : 0),
          `refusal audited: ${label}`,
        ).toBeGreaterThan(0);
      checked.push(`${what} / ${caller.label}`);
    };

    const actionRefused = (r: APIResponse, text: string) =>
      r.status() < 500 && /"ok":false/.test(text) && !/"ok":true/.test(text);
    for (const a of actions) {
      const entry = ACTIONS[a.name]!;
      const url = pageUrl(a.workers);
      const post = (
        c: { request: APIRequestContext },
        fields: Record<string, string>,
        json = false,
        formOnly = false,
      ) => {
        const body = actionBody(fields, json, formOnly);
        const headers = {
          "next-action": a.id,
          accept: "text/x-component",
          origin: baseURL!,
          ...("headers" in body ? body.headers : {}),
        };
        return c.request.post(url, {
          headers,
          ...("multipart" in body ? { multipart: body.multipart } : { data: body.data }),
          maxRedirects: 0,
        });
      };
      if ("public" in entry) {
        // Public actions: without a session they change nothing of the programme's records and reveal nothing.
        const caller = callers[0]!;
        await check(
          `${a.name} (public: ${entry.public})`,
          caller,
          () => post(caller, entry.fields, false, entry.formOnly),
          (r) => r.status() < 500,
          a.name.includes("login"),
        );
        continue;
      }
      for (const call of entry.calls) {
        for (const caller of refusedCallers(call.permission, call.scope)) {
          await check(
            `${a.name} [${call.permission}]`,
            caller,
            () => post(caller, call.fields(ids, n++), call.json),
            actionRefused,
          );
        }
      }
    }

    for (const entry of Object.values(ROUTES)) {
      if ("public" in entry) continue;
      for (const call of entry.calls) {
        for (const caller of refusedCallers(call.permission, call.scope)) {
          const send = () =>
            call.method === "GET"
              ? caller.request.get(call.url(ids), { maxRedirects: 0 })
              : call.body
                ? caller.request.post(call.url(ids), {
                    headers: { origin: baseURL!, "content-type": call.body.contentType },
                    data: call.body.data,
                    maxRedirects: 0,
                  })
                : caller.request.post(call.url(ids), {
                    headers: { origin: baseURL! },
                    multipart: call.multipart!,
                    maxRedirects: 0,
                  });
          // Without a session the proxy sends a GET to the login page before the handler runs (and does not audit
          // it: every expired session does this); a POST reaches the handler, which refuses and audits.
          const anonymousGet = caller.role === null && call.method === "GET";
          const refused = (r: APIResponse) =>
            [401, 403, 404].includes(r.status()) ||
            (anonymousGet && r.status() === 307 && /\/login$/.test(r.headers()["location"] ?? ""));
          await check(
            `${call.method} ${call.url(ids)} [${call.permission}]`,
            caller,
            send,
            refused,
            !anonymousGet,
          );
        }
      }
    }
    // The matrix really ran: every action and route with calls was tried by at least no-session, a wrong role and another region.
    expect(checked.length).toBeGreaterThan(100);
    for (const c of contexts) await c.close();
    await anonymous.dispose();
  } finally {
    await db.end();
  }
});
