import { describe, expect, it } from "vitest";
import {
  compareClaimLine,
  interestFromBalanceDays,
  roundHalfUp,
  suggestInterestMapping,
  type ComputedLine,
} from "@/domain";

// 30,000.00 at 4.60%, 10,000.00 repaid after 41 of 92 days: 积数 30,000×41 + 20,000×51 = 2,250,000.00 元·天.
const line: ComputedLine = {
  interestFen: 28_750,
  subsidyFen: 19_375,
  days: 92,
  excludedDays: 0,
  principalFen: 3_000_000,
  balanceFenDays: 3_000_000 * 41 + 2_000_000 * 51,
  contractRateBp: 460,
  basis: 360,
};

describe("the bank's interest statement against the claim line", () => {
  it("agrees to the fen: no difference, no cause", () => {
    expect(compareClaimLine(line, { interestFen: 28_750, subsidyFen: 19_375 })).toEqual({
      interestDiffFen: 0,
      subsidyDiffFen: 0,
      cause: null,
    });
  });
  it("finds the likely cause: original principal, days, basis, rate, excluded days", () => {
    // 30,000.00 × 4.60% × 92/360 = 352.67: the bank ignored the repayment.
    expect(compareClaimLine(line, { interestFen: 35_267, subsidyFen: 19_375 })).toMatchObject({
      interestDiffFen: 6_517,
      cause: "BALANCE",
    });
    // 365-day basis.
    const by365 = interestFromBalanceDays(line.balanceFenDays, 460, 365);
    expect(compareClaimLine(line, { interestFen: by365, subsidyFen: 19_375 }).cause).toBe("DAYS");
    // One day more (93 days at the average balance).
    const oneMore = interestFromBalanceDays(
      Number(roundHalfUp(BigInt(line.balanceFenDays) * 93n, 92n)),
      460,
      360,
    );
    expect(compareClaimLine(line, { interestFen: oneMore, subsidyFen: 19_375 })).toMatchObject({
      cause: "DAYS",
      implied: 93,
    });
    // 4.75% instead of 4.60%.
    const rate = interestFromBalanceDays(line.balanceFenDays, 475, 360);
    expect(compareClaimLine(line, { interestFen: rate, subsidyFen: 19_375 })).toMatchObject({
      cause: "RATE",
      implied: 475,
    });
    // Same interest, more subsidy on a line with days that earn none.
    expect(
      compareClaimLine({ ...line, excludedDays: 10 }, { interestFen: 28_750, subsidyFen: 20_000 }).cause,
    ).toBe("EXCLUDED");
    expect(compareClaimLine(line, { interestFen: 1, subsidyFen: 0 }).cause).toBe("UNKNOWN");
  });
  it("proposes a mapping from the bank's headers", () => {
    expect(suggestInterestMapping(["序号", "借据号", "客户名称", "本季利息", "申请贴息金额"])).toEqual({
      contractNo: "借据号",
      borrowerName: "客户名称",
      interest: "本季利息",
      subsidy: "申请贴息金额",
    });
  });
});
