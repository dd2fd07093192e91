import { beforeEach, describe, expect, it } from "vitest";
import { formatRate } from "@/domain";
import { db } from "@/server/db";
import { portfolioFigures } from "@/server/read-models/figures";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

const YI = 10_000_000_000; // 1亿元 in fen

describe("the Lanzhou check (DOMAIN.md: 2015 loans due 5.66亿, recovered 5.62亿)", () => {
  beforeEach(resetDatabase);

  it("shows 到期还款率 99.29% for 2015", async () => {
    await seedRegions();
    const ctx = await seedProgrammeAndPolicy();
    const staff = await makeUser("COUNTY_STAFF", "620123");
    // Loans of 兰州市's counties maturing in 2015: 5.66亿 in all, of which 5.62亿 was repaid.
    const plan = [
      { village: "620123101201", principal: 2.5 * YI, repaid: 2.5 * YI },
      { village: "620121101201", principal: 1.66 * YI, repaid: 1.62 * YI },
      { village: "620123101201", principal: 1.5 * YI, repaid: 1.5 * YI },
    ];
    let k = 0;
    for (const p of plan) {
      const loan = await makeLoan({
        borrower: await makeBorrower(p.village, staff.id, `借款人${k}`),
        ctx,
        makerId: staff.id,
        principalFen: p.principal,
        disbursedDate: "2014-06-15",
        termMonths: 12 + k,
        rateBp: 435,
      });
      // Journal entry and the loan's running total in one transaction, as the posting service keeps them.
      await db.$transaction([
        db.repaymentEntry.create({
          data: {
            loanId: loan.id,
            countyCode: loan.countyCode,
            kind: "REPAYMENT",
            valueDate: new Date(`2015-0${6 + k}-15T00:00:00Z`),
            principal: (p.repaid / 100).toFixed(2),
            interest: "0.00",
            idempotencyKey: `lz-${k++}`,
            createdById: staff.id,
          },
        }),
        db.loan.update({
          where: { id: loan.id },
          data: { principalRepaid: { increment: (p.repaid / 100).toFixed(2) } },
        }),
      ]);
    }
    // A loan maturing in 2016 is outside the window.
    await makeLoan({
      borrower: await makeBorrower("620123101201", staff.id, "窗口外"),
      ctx,
      makerId: staff.id,
      principalFen: YI,
      disbursedDate: "2015-03-01",
      termMonths: 12,
    });
    const f = await portfolioFigures("620100", "2016-03-31", { from: "2015-01-01", to: "2015-12-31" });
    expect(f.maturedFen).toBe(5.66 * YI);
    expect(f.recoveredFen).toBe(5.62 * YI);
    expect(formatRate(f.rates.maturityRepayment)).toBe("99.29%");
  });
});
