/**
 * Roles and what each may do. Scope (which records) is the user's region; this table says which kinds
 * of action. Enforced in src/server (every action and service), never only in the proxy.
 */
export const ROLES = ["COUNTY_STAFF", "COUNTY_APPROVER", "CITY_OFFICIAL", "AUDITOR", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "borrower.read",
  "borrower.write",
  "borrower.revealId",
  "borrower.readPhone",
  /** The borrower's file (issue 23): list and download attachments; an ID copy also needs readIdCopy. */
  "attachment.read",
  "attachment.readIdCopy",
  "attachment.write",
  "loan.read",
  "loan.write",
  "loan.approve",
  /** Issue 23 items 4–5: a loan's insurance, and 分贷统还 organisations (read with loan.read / borrower.read). */
  "insurance.write",
  "organisation.write",
  "repayment.post",
  "claim.write",
  "claim.approve",
  "fund.write",
  "dashboard.read",
  "ledger.export",
  "audit.read",
  "admin.manage",
  "report.prepare",
  "report.approve",
  "report.acknowledge",
  /** Post-loan visits (贷后回访, issue 23 item 2): record a visit to a disbursed loan's borrower. */
  "visit.write",
  /** Credit rating (评级授信, issue 23): staff record a rating and the eligible households; a second person approves. */
  "credit.write",
  "credit.approve",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MATRIX: Record<Role, readonly Permission[]> = {
  COUNTY_STAFF: [
    "borrower.read",
    "borrower.write",
    "borrower.revealId",
    "borrower.readPhone",
    "attachment.read",
    "attachment.readIdCopy",
    "attachment.write",
    "loan.read",
    "loan.write",
    "insurance.write",
    "organisation.write",
    "repayment.post",
    "claim.write",
    "fund.write",
    "dashboard.read",
    "ledger.export",
    "report.prepare",
    "visit.write",
    "credit.write",
  ],
  COUNTY_APPROVER: [
    "borrower.read",
    "borrower.readPhone",
    "attachment.read",
    "loan.read",
    "loan.approve",
    "claim.approve",
    "dashboard.read",
    "ledger.export",
    "report.approve",
    "credit.approve",
  ],
  // The monthly report (issue 22): a city (or province) official prepares her region's report, a second official
  // approves and submits it, and she acknowledges the reports of the regions just below hers.
  // Attachments (decision 041): whoever may see the borrower sees her file; an ID copy shows the full ID number,
  // so it goes only to the roles that may see that number or must check it (the county's staff, auditors).
  CITY_OFFICIAL: [
    "borrower.read",
    "attachment.read",
    "loan.read",
    "dashboard.read",
    "report.prepare",
    "report.approve",
    "report.acknowledge",
  ],
  AUDITOR: [
    "borrower.read",
    "attachment.read",
    "attachment.readIdCopy",
    "loan.read",
    "dashboard.read",
    "ledger.export",
    "audit.read",
  ],
  ADMIN: ["admin.manage", "audit.read", "dashboard.read"],
};

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  COUNTY_STAFF: { zh: "县妇联经办人", en: "County staff" },
  COUNTY_APPROVER: { zh: "县妇联审核人", en: "County approver" },
  CITY_OFFICIAL: { zh: "市级管理人员", en: "City official" },
  AUDITOR: { zh: "审计人员", en: "Auditor" },
  ADMIN: { zh: "系统管理员", en: "Administrator" },
};
