import type { RepaymentMethod } from "@/domain";

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
