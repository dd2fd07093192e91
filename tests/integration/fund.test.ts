import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { applyForLoan, decideApplication, disburseLoan, postRepayment } from "@/server/services/lifecycle";
import {
  createFund,
  decideCompensation,
  depositToFund,
  listFunds,
  requestCompensation,
} from "@/server/services/fund";
import { makeBorrower, makeUser, seedLpr, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";
import { refusal } from "../support/refusal";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
  const borrower = await makeBorrower("620123101201", staff.id);
  const loan = await applyForLoan(
    staff,
    {
      borrowerId: borrower.id,
      programmeCode: "WOMEN",
      amount: "100000",
      termMonths: "24",
      method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
      purpose: "扩大养殖",
      industry: "肉牛养殖",
      guaranteeType: "GUARANTEE_FUND",
      bankId: ctx.bank.id,
      applicationDate: "2026-03-01",
    },
    "2026-11-23",
  );
  await decideApplication(approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
  await disburseLoan(
    staff,
    {
      loanId: loan.id,
      contractNo: "HT-1",
      disbursedDate: "2026-03-22",
      amount: "100000",
      contractRateBp: "515",
      version: 2,
    },
    "2026-11-23",
  );
  return { staff, approver, fund, loan };
}

describe("risk compensation fund", () => {
  beforeEach(resetDatabase);

  it("deposits by level once per key, and shows the position (balance, coverage, leverage, headroom)", async () => {
    const w = await world();
    const dep = {
      fundId: w.fund.id,
      fundingLevel: "COUNTY",
      amount: "10000",
      valueDate: "2026-01-15",
      idempotencyKey: "dep-00000001",
    };
    expect(await depositToFund(w.staff, dep, "2026-11-23")).toEqual({ duplicate: false });
    expect(await depositToFund(w.staff, dep, "2026-11-23")).toEqual({ duplicate: true });
    await depositToFund(
      w.staff,
      { ...dep, fundingLevel: "PROVINCIAL", idempotencyKey: "dep-00000002" },
      "2026-11-23",
    );
    const [f] = await listFunds(w.staff, "2026-11-23");
    expect(f).toMatchObject({ balanceFen: 2_000_000, outstandingFen: 10_000_000, leverageCap: 10 });
    // 100,000 outstanding on a 20,000 fund: 5× leverage, within a 10× cap, headroom 100,000
    expect(f!.position).toMatchObject({
      leverage: 5,
      coverage: 0.2,
      headroomFen: 10_000_000,
      overCap: false,
    });
    expect(
      (await refusal(depositToFund(w.approver, { ...dep, idempotencyKey: "dep-00000003" }, "2026-11-23")))
        .kind,
    ).toBe("FORBIDDEN");
  });

  it("a loan 90+ days past due gets a compensation claim; approved by another person and paid, it moves the fund balance", async () => {
    const w = await world();
    await depositToFund(
      w.staff,
      {
        fundId: w.fund.id,
        fundingLevel: "COUNTY",
        amount: "1000000",
        valueDate: "2026-01-15",
        idempotencyKey: "dep-big-0001",
      },
      "2026-11-23",
    );
    expect(
      (await refusal(requestCompensation(w.staff, { loanId: w.loan.id }, "2026-08-01"))).message,
    ).toMatch(/逾期天数未达到/); // 42 days
    const c = await requestCompensation(w.staff, { loanId: w.loan.id }, "2026-11-23");
    expect(c).toMatchObject({ amountFen: 8_000_000, daysPastDue: 156 }); // 80% of 100,000 unpaid; due 20 Jun
    expect((await refusal(requestCompensation(w.staff, { loanId: w.loan.id }, "2026-11-23"))).kind).toBe(
      "CONFLICT",
    );
    expect(
      (
        await refusal(
          decideCompensation(w.staff, { claimId: c.id, action: "APPROVE", version: 1 }, "2026-11-23"),
        )
      ).kind,
    ).toBe("FORBIDDEN");
    await decideCompensation(w.approver, { claimId: c.id, action: "APPROVE", version: 1 }, "2026-11-23");
    await decideCompensation(
      w.staff,
      { claimId: c.id, action: "PAY", paidDate: "2026-11-23", version: 2 },
      "2026-11-23",
    );
    const [f] = await listFunds(w.staff, "2026-11-23");
    expect(f!.balanceFen).toBe(100_000_000 - 8_000_000);
    expect(f!.ledger[0]).toMatchObject({ kind: "COMPENSATION", amountFen: -8_000_000 });
    expect((await db.loan.findUniqueOrThrow({ where: { id: w.loan.id } })).status).toBe("COMPENSATED");
    expect(
      (await refusal(decideCompensation(w.staff, { claimId: c.id, action: "PAY", version: 3 }, "2026-11-23")))
        .kind,
    ).toBe("CONFLICT");
    // A later recovery of 10,000 flows back to the fund in the proportion it paid (80%).
    await postRepayment(
      w.staff,
      {
        loanId: w.loan.id,
        valueDate: "2026-11-23",
        principal: "10000",
        interest: "0",
        idempotencyKey: "recovery-0001",
      },
      "2026-11-23",
    );
    const [after] = await listFunds(w.staff, "2026-11-23");
    expect(after!.ledger[0]).toMatchObject({ kind: "RECOVERY", amountFen: 800_000 });
    expect(after!.balanceFen).toBe(100_000_000 - 8_000_000 + 800_000);
  });

  it("another county sees and touches nothing of this fund", async () => {
    const w = await world();
    const dx = await makeUser("COUNTY_STAFF", "431124");
    expect(await listFunds(dx, "2026-11-23")).toEqual([]);
    expect(
      (
        await refusal(
          depositToFund(
            dx,
            {
              fundId: w.fund.id,
              fundingLevel: "COUNTY",
              amount: "1",
              valueDate: "2026-01-15",
              idempotencyKey: "dep-dx-00001",
            },
            "2026-11-23",
          ),
        )
      ).kind,
    ).toBe("NOT_FOUND");
    expect((await refusal(requestCompensation(dx, { loanId: w.loan.id }, "2026-11-23"))).kind).toBe(
      "NOT_FOUND",
    );
    expect(await db.fundLedgerEntry.count()).toBe(0);
  });

  it("a county sets up a fund per bank once; officials cannot", async () => {
    const w = await world();
    const bank = await db.bank.findFirstOrThrow();
    await createFund(w.staff, { name: "榆中县农行风险补偿金", bankId: String(bank.id) });
    expect(
      (
        await refusal(createFund(w.staff, { name: "榆中县农行风险补偿金", bankId: String(bank.id) }))
      ).fieldErrors?.bankId?.join(),
    ).toMatch(/已设立/);
    expect(
      (
        await refusal(createFund(w.staff, { name: "榆中县风险补偿金", bankId: "" }))
      ).fieldErrors?.bankId?.join(),
    ).toMatch(/已设立/); // the county-wide one exists
    expect(
      (
        await refusal(
          createFund(await makeUser("CITY_OFFICIAL", "620100"), { name: "兰州市基金", bankId: "" }),
        )
      ).kind,
    ).toBe("FORBIDDEN");
    expect(await db.riskFund.count()).toBe(2);
  });
});
