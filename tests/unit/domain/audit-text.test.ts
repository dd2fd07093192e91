import { describe, expect, it } from "vitest";
import { auditMessage, codeKey, exclusionText } from "@/domain";
import zh from "../../../messages/zh-CN.json";
import en from "../../../messages/en.json";

describe("plain words for codes", () => {
  const has = (k: string) => k in zh.codes.actions;
  it.each([
    ["loan.apply", "loan_apply"],
    ["repayment.reverse", "repayment_reverse"],
    ["ledger.read.loans", "ledger_read"],
    ["dashboard.loans.overdue", "dashboard_loans"],
    ["something.else", null],
  ])("%s → %s", (code, key) => expect(codeKey(code, has)).toBe(key));

  it.each([
    ["outside scope 620123", { key: "outsideScope", values: { region: "620123" } }],
    ["region 620121 outside scope 620123", { key: "outsideScope", values: { region: "620123" } }],
    [
      "role COUNTY_STAFF lacks loan.approve",
      { key: "lacksPermission", values: { role: "COUNTY_STAFF", permission: "loan.approve" } },
    ],
    [
      "role ADMIN lacks claim.write or claim.approve",
      { key: "lacksPermission", values: { role: "ADMIN", permission: "claim.write or claim.approve" } },
    ],
    ["not found", { key: "notFound", values: {} }],
    ["self-approval", { key: "selfApproval", values: {} }],
    ["用户取消或连接中断", null],
  ])("%s", (text, parsed) => expect(auditMessage(text)).toEqual(parsed));

  it("both languages name the same codes", () => {
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === "object" ? keys(v as object).map((x) => `${k}.${x}`) : [k],
      );
    expect(keys(en.codes).sort()).toEqual(keys(zh.codes).sort());
    expect(keys(en.forms).sort()).toEqual(keys(zh.forms).sort());
  });

  it("stored exclusion codes read as words", () => {
    expect(exclusionText("OVERDUE")).toBe("逾期本金不贴息");
    expect(exclusionText("OVERDUE,EXTENSION")).toBe("逾期本金不贴息；展期期间不贴息");
    expect(exclusionText("逾期本金不贴息")).toBe("逾期本金不贴息");
    expect(exclusionText(null)).toBeNull();
  });
});
