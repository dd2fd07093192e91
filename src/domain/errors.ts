/** A rule of the domain was broken by the input. `code` is stable (UI translates it); `message` says what to fix. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export type DomainErrorCode =
  | "NEGATIVE_AMOUNT"
  | "NOT_INTEGER_FEN"
  | "BAD_RATE"
  | "BAD_DAYS"
  | "BAD_BASIS"
  | "BAD_DATE"
  | "END_BEFORE_START"
  | "BAD_METHOD"
  | "BAD_TERM"
  | "BAD_SHARES"
  | "BAD_RATIO"
  | "BAD_MONEY_STRING"
  | "BAD_REGION"
  | "NO_POLICY"
  | "NO_LPR"
  | "BAD_RULE"
  | "OVERFLOW";

export function fail(code: DomainErrorCode, message: string, field?: string): never {
  throw new DomainError(code, message, field);
}

/** What the user reads next to the field (the English `message` is for logs and developers). */
const MESSAGES_ZH: Record<DomainErrorCode, string> = {
  NEGATIVE_AMOUNT: "金额不正确：不能为负数，本金须大于0，且不能超过应还金额",
  NOT_INTEGER_FEN: "金额不正确：以元为单位最多两位小数，且数额过大",
  BAD_RATE: "利率不正确：应在0–100%之间，借款人承担的利率不能高于合同利率",
  BAD_DAYS: "天数不正确：应为不小于0的整数",
  BAD_BASIS: "计息基数应为360或365天",
  BAD_DATE: "日期不正确，请按“年-月-日”填写有效日期",
  END_BEFORE_START: "结束日期不能早于开始日期",
  BAD_METHOD: "还款方式或贴息方式不正确，请从列表中选择",
  BAD_TERM: "期限不正确：应为1–600个整月",
  BAD_SHARES: "分担比例不正确：应为不小于0的整数，且不能全为0",
  BAD_RATIO: "比例或倍数不正确",
  BAD_MONEY_STRING: "金额格式不正确：以元为单位，最多两位小数",
  BAD_REGION: "地区代码不正确：应为6位（县及以上）、9位（乡镇）或12位（村）数字",
  NO_POLICY: "该日期和地区没有适用的贴息政策版本",
  NO_LPR: "该日期之前没有发布的贷款市场报价利率（LPR）",
  BAD_RULE: "规则设置不正确：应为不小于0的整数，步长须大于0",
  OVERFLOW: "数额过大，超出可计算范围",
};

export function domainErrorMessage(e: DomainError): string {
  return MESSAGES_ZH[e.code];
}
