import { beforeEach, describe, expect, it } from "vitest";
import { subsidyForPeriod } from "@/domain";
import { db } from "@/server/db";
import { refusal } from "../support/refusal";
import {
  applicationOptions,
  applyForLoan,
  decideApplication,
  getLoanDetail,
  decideLoanChange,
  disburseLoan,
  postRepayment,
  requestLoanChange,
  reverseRepayment,
} from "@/server/services/lifecycle";
import {
  makeBorrower,
  makeLoan,
  makeUser,
  seedLpr,
  seedProgrammeAndPolicy,
  seedRegions,
  SURVEY,
} from "../support/factories";
import { resetDatabase } from "../support/db";

const TODAY = "2026-11-23";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  await seedLpr();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const staff2 = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const borrower = await makeBorrower("620123101201", staff.id);
  return { ctx, staff, staff2, approver, borrower };
}

const application = (borrowerId: number, bankId: number, o: Record<string, unknown> = {}) => ({
  borrowerId,
  programmeCode: "WOMEN",
  amount: "100000",
  termMonths: "24",
  method: "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
  purpose: "扩大肉牛养殖",
  industry: "肉牛养殖",
  guaranteeType: "GUARANTEE_FUND",
  bankId,
  ...SURVEY,
  applicationDate: "2026-03-01",
  ...o,
});

async function disbursed(w: Awaited<ReturnType<typeof world>>) {
  const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
  await decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
  await disburseLoan(
    w.staff,
    {
      loanId: loan.id,
      contractNo: "ABC-2026-0001",
      disbursedDate: "2026-03-22",
      amount: "100000",
      contractRate: "5.15",
      version: 2,
    },
    TODAY,
  );
  return loan;
}

describe("loan lifecycle", () => {
  beforeEach(resetDatabase);

  it("two approvers deciding one application at the same moment: one decision stands, the other is told it changed", async () => {
    const w = await world();
    const approver2 = await makeUser("COUNTY_APPROVER", "620123");
    const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    const results = await Promise.allSettled([
      decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 1 }),
      decideApplication(approver2, { loanId: loan.id, decision: "REJECT", reason: "材料不全", version: 1 }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ kind: "CONFLICT" });
    const row = await db.loan.findUniqueOrThrow({ where: { id: loan.id } });
    expect(row.status).toBe((won[0] as PromiseFulfilledResult<{ status: string }>).value.status);
    expect(row.version).toBe(2);
    expect(
      await db.auditEvent.count({
        where: {
          entity: "Loan",
          entityId: String(loan.id),
          action: { in: ["loan.approve", "loan.reject"] },
          outcome: "OK",
        },
      }),
    ).toBe(1);
  });

  it("application → approval by another person → disbursement with the schedule and the 2021 borrower rate", async () => {
    const w = await world();
    const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    expect(loan.applicationNo).toMatch(/^SQ62012320260301\d{5}$/);
    await decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
    const res = await disburseLoan(
      w.staff,
      {
        loanId: loan.id,
        contractNo: "ABC-2026-0001",
        disbursedDate: "2026-03-22",
        amount: "100000",
        contractRate: "5.15",
        version: 2,
      },
      TODAY,
    );
    expect(res).toEqual({ instalments: 9, maturityDate: "2028-03-22", borrowerRateBp: 215 }); // LPR 3.65% − 150bp
    const row = await db.loan.findUniqueOrThrow({
      where: { id: loan.id },
      include: { instalments: { orderBy: { seq: "asc" } } },
    });
    expect(row.status).toBe("REPAYING");
    expect(row.instalments[0]).toMatchObject({ seq: 1 });
    // first period 2026-03-22 → 2026-06-20 inclusive is 91 days: the DOMAIN.md worked example's interest
    expect(row.instalments[0]!.interestDue.toFixed(2)).toBe("1301.81");
    expect(
      subsidyForPeriod({
        principalFen: 10_000_000,
        contractRateBp: 515,
        borrowerRateBp: 215,
        days: 91,
        basis: 360,
      }).interestFen,
    ).toBe(130_181);
    const audit = (
      await db.auditEvent.findMany({ where: { entity: "Loan", outcome: "OK" }, orderBy: { id: "asc" } })
    ).map((e) => e.action);
    expect(audit).toEqual(["loan.apply", "loan.approve", "loan.disburse"]);
  });

  it("applies the policy: amount and term caps, women only, one open loan, the limit of subsidised loans", async () => {
    const w = await world();
    const a = (o: Record<string, unknown>) =>
      refusal(applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id, o), TODAY));
    expect((await a({ amount: "300000.01" })).fieldErrors?.amount?.join()).toMatch(/额度上限/);
    expect((await a({ termMonths: "48" })).fieldErrors?.termMonths?.join()).toMatch(/期限超过/);
    expect((await a({ amount: "12.345" })).fieldErrors?.amount).toBeDefined();
    expect((await a({ applicationDate: "2030-01-01" })).fieldErrors?.applicationDate).toBeDefined();
    await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    expect((await a({})).fieldErrors?.borrowerId?.join()).toMatch(/未结清/);
    // three earlier subsidised loans, all closed → the fourth is refused
    await db.loan.updateMany({ data: { status: "CLOSED" } });
    for (let i = 0; i < 2; i++)
      await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY).then(() =>
        db.loan.updateMany({ data: { status: "CLOSED" } }),
      );
    expect((await a({})).fieldErrors?.borrowerId?.join()).toMatch(/达到上限 3 次/);
    expect(await db.loan.count()).toBe(3);
  });

  it("nobody approves their own entry; staff cannot approve; another county cannot touch it", async () => {
    const w = await world();
    const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    const selfApprover = await makeUser("COUNTY_APPROVER", "620123");
    const own = await applyForLoan(
      w.staff,
      application((await makeBorrower("620123101201", w.staff.id, "李桂兰")).id, w.ctx.bank.id),
      TODAY,
    );
    await db.loan.update({ where: { id: own.id }, data: { makerId: selfApprover.id } });
    expect(
      (await refusal(decideApplication(selfApprover, { loanId: own.id, decision: "APPROVE", version: 1 })))
        .message,
    ).toMatch(/不能审批自己/);
    // The attempt is in the audit trail (SECURITY.md: refusals are audited), with who and which record.
    expect(
      await db.auditEvent.findMany({
        where: { action: "loan.approve", outcome: "DENIED", entityId: String(own.id) },
        select: { userId: true, countyCode: true, message: true },
      }),
    ).toEqual([{ userId: selfApprover.id, countyCode: "620123", message: "self-approval" }]);
    expect(
      (await refusal(decideApplication(w.staff, { loanId: loan.id, decision: "APPROVE", version: 1 }))).kind,
    ).toBe("FORBIDDEN");
    const dxApprover = await makeUser("COUNTY_APPROVER", "431124");
    expect(
      (await refusal(decideApplication(dxApprover, { loanId: loan.id, decision: "APPROVE", version: 1 })))
        .kind,
    ).toBe("NOT_FOUND");
    expect(
      (
        await refusal(decideApplication(w.approver, { loanId: loan.id, decision: "REJECT", version: 1 }))
      ).fieldErrors?.reason?.join(),
    ).toMatch(/理由/);
    await decideApplication(w.approver, {
      loanId: loan.id,
      decision: "REJECT",
      reason: "经营计划不清",
      version: 1,
    });
    expect((await db.loan.findUniqueOrThrow({ where: { id: loan.id } })).status).toBe("REJECTED");
    expect(
      (await refusal(decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 2 })))
        .kind,
    ).toBe("CONFLICT");
  });

  it("disbursement checks the rate cap (LPR + 300bp), the approved amount and the dates", async () => {
    const w = await world();
    const loan = await applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id), TODAY);
    await decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
    const d = (o: Record<string, unknown>) =>
      refusal(
        disburseLoan(
          w.staff,
          {
            loanId: loan.id,
            contractNo: "ABC-1",
            disbursedDate: "2026-03-22",
            amount: "100000",
            contractRate: "5.15",
            version: 2,
            ...o,
          },
          TODAY,
        ),
      );
    expect((await d({ contractRate: "6.66" })).fieldErrors?.contractRate?.join()).toMatch(/6\.65%/);
    expect((await d({ amount: "100000.01" })).fieldErrors?.amount).toBeDefined();
    expect((await d({ disbursedDate: "2026-02-01" })).fieldErrors?.disbursedDate?.join()).toMatch(/早于申请/);
    expect((await d({ version: 1 })).kind).toBe("CONFLICT");
    expect(await db.instalment.count()).toBe(0);
  });

  it('amounts as typed ("10万", "100,000.00", full-width) and the rate in percent; the caps are on offer before', async () => {
    const w = await world();
    const options = await applicationOptions("620123101201", TODAY);
    expect(options.programmes.find((p) => p.code === "WOMEN")?.capFen).toBeGreaterThan(0);
    const loan = await applyForLoan(
      w.staff,
      application(w.borrower.id, w.ctx.bank.id, { amount: "10万" }),
      TODAY,
    );
    const row = await db.loan.findUniqueOrThrow({ where: { id: loan.id } });
    expect(row.requestedPrincipal.toFixed(2)).toBe("100000.00");
    const tooPrecise = await refusal(
      applyForLoan(w.staff, application(w.borrower.id, w.ctx.bank.id, { amount: "1.1234567万" }), TODAY),
    );
    expect(tooPrecise.fieldErrors?.amount?.join()).toMatch(/精确到分/);
    await decideApplication(w.approver, { loanId: loan.id, decision: "APPROVE", version: 1 });
    const detail = await getLoanDetail(w.staff, loan.id, "2026-03-22");
    expect(detail.disburseRateCapBp).toBe(665); // LPR 3.65% + 300bp
    const bp = await refusal(
      disburseLoan(
        w.staff,
        {
          loanId: loan.id,
          contractNo: "ABC-9",
          disbursedDate: "2026-03-22",
          amount: "100,000.00",
          contractRate: "515",
          version: 2,
        },
        TODAY,
      ),
    );
    expect(bp.fieldErrors?.contractRate?.join()).toMatch(/不能超过20\.00%/); // basis points typed by habit
    await disburseLoan(
      w.staff,
      {
        loanId: loan.id,
        contractNo: "ABC-9",
        disbursedDate: "2026-03-22",
        amount: "１００，０００．００元",
        contractRate: "5.15%",
        version: 2,
      },
      TODAY,
    );
    const done = await db.loan.findUniqueOrThrow({ where: { id: loan.id } });
    expect(done.principal?.toFixed(2)).toBe("100000.00");
    expect(done.contractRateBp).toBe(515);
  });

  it("posts repayments once per key (double click), allocates them, reverses one by a reversal entry, closes when repaid", async () => {
    const w = await world();
    const loan = await disbursed(w);
    const p1 = {
      loanId: loan.id,
      valueDate: "2026-06-20",
      principal: "0",
      interest: "1301.81",
      idempotencyKey: "key-0000001",
    };
    const first = await postRepayment(w.staff, p1, TODAY);
    const again = await postRepayment(w.staff, p1, TODAY);
    expect(again).toEqual({ ...first, duplicate: true });
    const second = await postRepayment(
      w.staff,
      {
        loanId: loan.id,
        valueDate: "2026-07-01",
        principal: "20000",
        interest: "0",
        idempotencyKey: "key-0000002",
      },
      TODAY,
    );
    expect(second.outstandingFen).toBe(8_000_000);
    await reverseRepayment(w.staff2, {
      entryId: second.entryId,
      reason: "银行流水重复导入",
      idempotencyKey: "rev-0000001",
    });
    const entries = await db.repaymentEntry.findMany({ where: { loanId: loan.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.kind, e.principal.toFixed(2), e.interest.toFixed(2)])).toEqual([
      ["REPAYMENT", "0.00", "1301.81"],
      ["REPAYMENT", "20000.00", "0.00"],
      ["REVERSAL", "-20000.00", "0.00"],
    ]);
    const l = await db.loan.findUniqueOrThrow({
      where: { id: loan.id },
      include: { instalments: { orderBy: { seq: "asc" } } },
    });
    expect(l.principalRepaid.toFixed(2)).toBe("0.00");
    expect(l.instalments[0]!.paidDate?.toISOString().slice(0, 10)).toBe("2026-06-20");
    expect(
      (
        await refusal(
          reverseRepayment(w.staff, {
            entryId: second.entryId,
            reason: "再次冲正",
            idempotencyKey: "rev-0000002",
          }),
        )
      ).kind,
    ).toBe("CONFLICT");
    expect(
      (
        await refusal(
          postRepayment(
            w.staff,
            {
              loanId: loan.id,
              valueDate: "2026-07-02",
              principal: "100000.01",
              interest: "0",
              idempotencyKey: "key-0000003",
            },
            TODAY,
          ),
        )
      ).fieldErrors?.principal?.join(),
    ).toMatch(/超过贷款余额/);
    expect(
      (
        await refusal(
          postRepayment(
            w.staff,
            {
              loanId: loan.id,
              valueDate: "2026-12-01",
              principal: "1",
              interest: "0",
              idempotencyKey: "key-0000004",
            },
            TODAY,
          ),
        )
      ).fieldErrors?.valueDate,
    ).toBeDefined();

    // pay everything due → closed
    const instalments = l.instalments;
    let k = 10;
    for (const i of instalments.slice(1)) {
      await postRepayment(
        w.staff,
        {
          loanId: loan.id,
          valueDate: "2026-11-20",
          principal: i.principalDue.toFixed(2),
          interest: i.interestDue.toFixed(2),
          idempotencyKey: `key-close-${k++}`,
        },
        TODAY,
      );
    }
    expect((await db.loan.findUniqueOrThrow({ where: { id: loan.id } })).status).toBe("CLOSED");
  });

  it("a reversal with another county's idempotency key is refused and tells nothing of that county's loan", async () => {
    const w = await world();
    const loan = await disbursed(w);
    const mine = await postRepayment(
      w.staff,
      {
        loanId: loan.id,
        valueDate: "2026-07-01",
        principal: "1000",
        interest: "0",
        idempotencyKey: "own-key-0001",
      },
      TODAY,
    );
    // 道县: a loan of 123,456.78 with a posting and a reversal whose keys a 榆中县 clerk has learnt or guessed.
    const dxStaff = await makeUser("COUNTY_STAFF", "431124");
    const dxBorrower = await makeBorrower("431124101201", dxStaff.id, "赵春花");
    const dxLoan = await makeLoan({
      borrower: dxBorrower,
      ctx: w.ctx,
      makerId: dxStaff.id,
      principalFen: 12_345_678,
    });
    const dxPost = await postRepayment(
      dxStaff,
      {
        loanId: dxLoan.id,
        valueDate: "2025-03-01",
        principal: "3456.78",
        interest: "0",
        idempotencyKey: "dx-post-0001",
      },
      TODAY,
    );
    await reverseRepayment(dxStaff, {
      entryId: dxPost.entryId,
      reason: "重复录入",
      idempotencyKey: "dx-rev-00001",
    });
    const entries = await db.repaymentEntry.count();
    for (const key of ["dx-post-0001", "dx-rev-00001", "own-key-0001"]) {
      const e = await refusal(
        reverseRepayment(w.staff, { entryId: mine.entryId, reason: "银行退回", idempotencyKey: key }),
      );
      expect(e.kind).toBe("INVALID");
      const said = JSON.stringify(e);
      expect(said).not.toMatch(/12345678|123456\.78|REPAYING|outstanding|道县|431124/);
      expect(e.fieldErrors?.idempotencyKey).toEqual(["提交标识无效，请刷新页面后重新提交"]);
    }
    expect(await db.repaymentEntry.count()).toBe(entries);
    expect(
      await db.auditEvent.count({
        where: { action: "repayment.reverse", outcome: "DENIED", userId: w.staff.id, countyCode: "620123" },
      }),
    ).toBe(3);
    // Its own key again is the same reversal, answered once.
    const rev = await reverseRepayment(w.staff, {
      entryId: mine.entryId,
      reason: "银行退回",
      idempotencyKey: "own-rev-0001",
    });
    expect(
      await reverseRepayment(w.staff, {
        entryId: mine.entryId,
        reason: "银行退回",
        idempotencyKey: "own-rev-0001",
      }),
    ).toEqual({ ...rev, duplicate: true });
  });

  it("50 parallel submissions of one repayment post once; parallel distinct postings on one loan all land, totals exact", async () => {
    const w = await world();
    const loan = await disbursed(w);
    const same = {
      loanId: loan.id,
      valueDate: "2026-06-20",
      principal: "100.00",
      interest: "0",
      idempotencyKey: "same-key-123",
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => postRepayment(w.staff, same, TODAY)));
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const distinct = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postRepayment(
          w.staff,
          { ...same, principal: "10.01", idempotencyKey: `distinct-${String(i).padStart(4, "0")}` },
          TODAY,
        ),
      ),
    );
    expect(distinct.every((r) => !r.duplicate)).toBe(true);
    const l = await db.loan.findUniqueOrThrow({ where: { id: loan.id } });
    expect(l.principalRepaid.toFixed(2)).toBe("300.20"); // 100.00 + 20 × 10.01
    expect(await db.repaymentEntry.count({ where: { loanId: loan.id } })).toBe(21);
  });

  it("roles without repayment.post and other counties are refused, nothing written, refusal audited", async () => {
    const w = await world();
    const loan = await disbursed(w);
    const p = {
      loanId: loan.id,
      valueDate: "2026-06-20",
      principal: "0",
      interest: "1",
      idempotencyKey: "refused-0001",
    };
    expect((await refusal(postRepayment(w.approver, p, TODAY))).kind).toBe("FORBIDDEN");
    const dx = await makeUser("COUNTY_STAFF", "431124");
    expect((await refusal(postRepayment(dx, p, TODAY))).kind).toBe("NOT_FOUND");
    expect(await db.repaymentEntry.count()).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "repayment.post", outcome: "DENIED" } })).toBe(2);
  });

  it("extension: once, ≤ the policy's months (12 by default), approved by another person; the unpaid principal moves to the new maturity", async () => {
    const w = await world();
    const loan = await disbursed(w);
    expect(
      (
        await refusal(
          requestLoanChange(
            w.staff,
            { loanId: loan.id, kind: "EXTENSION", months: "13", reason: "受灾减产" },
            TODAY,
          ),
        )
      ).fieldErrors?.months?.join(),
    ).toMatch(/规定的 12 个月/);
    const r = await requestLoanChange(
      w.staff,
      { loanId: loan.id, kind: "EXTENSION", months: "12", reason: "受灾减产，申请展期" },
      TODAY,
    );
    expect(
      (
        await refusal(
          requestLoanChange(
            w.staff,
            { loanId: loan.id, kind: "EXTENSION", months: "6", reason: "再次申请展期" },
            TODAY,
          ),
        )
      ).kind,
    ).toBe("CONFLICT");
    expect((await refusal(decideLoanChange(w.staff, { requestId: r.id, decision: "APPROVE" }))).kind).toBe(
      "FORBIDDEN",
    );
    await decideLoanChange(w.approver, { requestId: r.id, decision: "APPROVE" });
    const l = await db.loan.findUniqueOrThrow({
      where: { id: loan.id },
      include: { instalments: { orderBy: { seq: "asc" } } },
    });
    expect(l.extendedMaturityDate?.toISOString().slice(0, 10)).toBe("2029-03-22");
    expect(l.instalments.reduce((s, i) => s + BigInt(i.principalDue.toFixed(2).replace(".", "")), 0n)).toBe(
      10_000_000n,
    );
    expect(l.instalments.at(-1)!.dueDate.toISOString().slice(0, 10)).toBe("2029-03-22");
    const again = await requestLoanChange(
      w.staff,
      { loanId: loan.id, kind: "EXTENSION", months: "3", reason: "第二次展期" },
      TODAY,
    ).catch((e: unknown) => e);
    expect((again as { fieldErrors?: Record<string, string[]> }).fieldErrors?.months?.join()).toMatch(
      /只能展期一次/,
    );
  });

  it("extension: the longest is the loan's policy setting — beyond it refused on months naming the limit, within it accepted", async () => {
    const w = await world();
    const loan = await disbursed(w);
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { maxExtensionMonths: 6 } });
    const ask = (months: string) =>
      requestLoanChange(
        w.staff,
        { loanId: loan.id, kind: "EXTENSION", months, reason: "受灾减产，申请展期" },
        TODAY,
      );
    const e = await refusal(ask("7"));
    expect(e.kind).toBe("INVALID");
    expect(e.fieldErrors?.months).toEqual(["展期不能超过政策「测试政策」规定的 6 个月"]);
    expect(e.message).toBe("展期不能超过政策「测试政策」规定的 6 个月");
    expect((await refusal(ask("1.5"))).fieldErrors?.months?.join()).toMatch(/整数/);
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { maxExtensionMonths: 0 } });
    expect((await refusal(ask("1"))).fieldErrors?.months).toEqual(["政策「测试政策」不允许展期"]);
    expect(await db.loanRequest.count()).toBe(0);
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { maxExtensionMonths: 6 } });
    const r = await ask("6");
    expect(await db.loanRequest.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({
      kind: "EXTENSION",
      status: "PENDING",
      months: 6,
    });
  });

  it("write-off: only for compensated loans or 180+ days past due, approved by another person", async () => {
    const w = await world();
    const loan = await disbursed(w);
    expect(
      (
        await refusal(
          requestLoanChange(
            w.staff,
            { loanId: loan.id, kind: "WRITE_OFF", reason: "借款人失联无法收回" },
            TODAY,
          ),
        )
      ).kind,
    ).toBe("CONFLICT"); // 156 days
    const r = await requestLoanChange(
      w.staff,
      { loanId: loan.id, kind: "WRITE_OFF", reason: "借款人失联无法收回" },
      "2027-01-01",
    );
    expect(
      (await refusal(decideLoanChange(w.approver, { requestId: r.id, decision: "REJECT" }))).fieldErrors
        ?.note,
    ).toBeDefined();
    await decideLoanChange(w.approver, { requestId: r.id, decision: "APPROVE" });
    expect((await db.loan.findUniqueOrThrow({ where: { id: loan.id } })).status).toBe("WRITTEN_OFF");
    expect(
      (
        await refusal(
          postRepayment(
            w.staff,
            {
              loanId: loan.id,
              valueDate: "2026-11-01",
              principal: "1",
              interest: "0",
              idempotencyKey: "after-write-off",
            },
            TODAY,
          ),
        )
      ).kind,
    ).toBe("CONFLICT");
  });
});
