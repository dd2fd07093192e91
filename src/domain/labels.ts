/** Chinese labels of the domain's codes (repayment methods, guarantees, claim statuses, finance levels, fund entries). */
import type { RepaymentMethod } from "./schedule";

export const METHOD_LABELS: Record<RepaymentMethod, string> = {
  INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY: "按季付息、到期还本",
  EQUAL_INSTALMENT: "等额本息（按月）",
  EQUAL_PRINCIPAL: "等额本金（按月）",
  BULLET: "到期一次还本付息",
};

export const GUARANTEE_LABELS: Record<string, string> = {
  GUARANTEE_FUND: "担保基金担保",
  NONE: "免担保免抵押（信用）",
  PERSONAL: "个人担保",
  COLLATERAL: "抵押",
};

export const bpToPercent = (bp: number | null) => (bp === null ? "—" : `${(bp / 100).toFixed(2)}%`);

export const CLAIM_STATUS: Record<string, string> = {
  DRAFT: "草稿",
  SUBMITTED: "待审核",
  APPROVED: "已审核待拨付",
  REJECTED: "已驳回",
  PAID: "已拨付",
};
export const LEVEL_LABELS: Record<string, string> = {
  CENTRAL: "中央财政",
  PROVINCIAL: "省级财政",
  CITY: "市级财政",
  COUNTY: "县级财政",
  BANK: "银行",
  OTHER: "其他",
};
export const FUND_KIND: Record<string, string> = {
  DEPOSIT: "注资",
  COMPENSATION: "代偿支出",
  RECOVERY: "追回",
  INTEREST: "利息收入",
  WITHDRAWAL: "划转",
};
