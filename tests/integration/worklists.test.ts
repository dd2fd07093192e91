import { beforeEach, describe, expect, it } from "vitest";
import { addDays, comingDue, liftPlan } from "@/domain";
import { db } from "@/server/db";
import { toInstalment } from "@/server/db-values";
import { comingDueList, dueNotices } from "@/server/services/coming-due";
import { assignCase, getCase, listCases, recordCaseNote } from "@/server/services/collection";
import { waitingForMe } from "@/server/services/inbox";
import { homeSections, navCounts } from "@/server/services/home";
import { regionLift } from "@/server/services/lift";
import { regionLines } from "@/server/services/dashboard";
import { listLoans } from "@/server/services/loans";
import { filterLoans, loanListLedger } from "@/server/services/loan-list";
import { ledgerTotals } from "@/server/services/ledgers";
import { streamPool } from "@/server/stream-db";
import { decisionBasis } from "@/server/services/decision-basis";
import { postRepayment, requestLoanChange, reverseRepayment } from "@/server/services/lifecycle";
import { AppError } from "@/server/errors";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { resetDatabase } from "../support/db";

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const other = await makeUser("COUNTY_STAFF", "620121");
  const otherApprover = await makeUser("COUNTY_APPROVER", "620121");
  return { ctx, staff, approver, other, otherApprover };
}

const key = () => `k-${Math.random().toString(36).slice(2)}-${Date.now()}`;

describe("coming due (到期提醒)", () => {
  beforeEach(resetDatabase);

  it("a loan is in the list exactly when the domain says it is coming due, with the same amounts", async () => {
    const w = await world();
    const loans = [];
    for (const [i, d] of ["2025-01-10", "2025-02-15", "2025-04-01", "2025-05-21", "2025-06-20"].entries()) {
      const b = await makeBorrower("620123101201", w.staff.id, `借款人${i}`);
      loans.push(
        await makeLoan({
          borrower: b,
          ctx: w.ctx,
          makerId: w.staff.id,
          disbursedDate: d,
          termMonths: 6 + i * 3,
          method: i % 2 ? "EQUAL_INSTALMENT" : "INTEREST_QUARTERLY_PRINCIPAL_AT_MATURITY",
        }),
      );
    }
    // Part of one loan's first instalment paid, another's paid in full; one loan closed.
    const first = async (loanId: number) =>
      db.instalment.findFirstOrThrow({ where: { loanId }, orderBy: { seq: "asc" } });
    const i0 = await first(loans[0]!.id);
    await postRepayment(
      w.staff,
      {
        loanId: loans[0]!.id,
        valueDate: "2025-03-01",
        principal: "0",
        interest: "100.00",
        idempotencyKey: key(),
      },
      "2025-03-01",
    );
    const i1 = await first(loans[1]!.id);
    await postRepayment(
      w.staff,
      {
        loanId: loans[1]!.id,
        valueDate: "2025-03-01",
        principal: i1.principalDue.toFixed(2),
        interest: i1.interestDue.toFixed(2),
        idempotencyKey: key(),
      },
      "2025-03-01",
    );
    await db.loan.update({ where: { id: loans[4]!.id }, data: { status: "CLOSED" } });
    void i0;

    for (const asOf of ["2025-02-20", "2025-03-01", "2025-03-20", "2025-06-01", "2025-08-25", "2025-12-01"])
      for (const days of [0, 10, 30, 90]) {
        const list = await comingDueList(w.staff, { days }, asOf);
        const expected = [];
        for (const l of await db.loan.findMany({ include: { instalments: true }, orderBy: { id: "asc" } })) {
          const d = comingDue({ status: l.status, instalments: l.instalments.map(toInstalment) }, asOf, days);
          if (d)
            expected.push({
              loanId: l.id,
              dueDate: d.dueDate,
              principalFen: d.principalFen,
              interestFen: d.interestFen,
            });
        }
        const got = list.rows
          .map((r) => ({
            loanId: r.loanId,
            dueDate: r.dueDate,
            principalFen: r.principalFen,
            interestFen: r.interestFen,
          }))
          .sort((a, b) => a.loanId - b.loanId);
        expect(got, `${asOf} + ${days}`).toEqual(expected);
        expect(list.until).toBe(addDays(asOf, days));
        expect(list.totals.principalFen).toBe(expected.reduce((s, e) => s + e.principalFen, 0));
      }
  });

  it("the policy sets N (default 30); phones only for roles that may read them; other regions see nothing", async () => {
    const w = await world();
    const b = await makeBorrower("620123101201", w.staff.id);
    const loan = await makeLoan({
      borrower: b,
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2025-01-10",
    });
    // first instalment due 2025-03-20: 31 days after 2025-02-17
    expect((await comingDueList(w.staff, {}, "2025-02-17")).rows).toEqual([]);
    expect((await comingDueList(w.staff, {}, "2025-02-18")).rows.map((r) => r.loanId)).toEqual([loan.id]);
    await db.policyVersion.update({ where: { id: w.ctx.policy.id }, data: { dueNoticeDays: 40 } });
    expect((await comingDueList(w.staff, {}, "2025-02-10")).days).toBe(40);
    expect((await comingDueList(w.staff, {}, "2025-02-10")).rows).toHaveLength(1);

    expect((await comingDueList(w.staff, {}, "2025-03-01")).rows[0]!.phone).toBe("13800138000");
    const official = await makeUser("CITY_OFFICIAL", "620100");
    expect((await comingDueList(official, {}, "2025-03-01")).rows[0]!).toMatchObject({
      phone: "138****8000",
      phoneMasked: true,
    });
    expect((await comingDueList(w.other, {}, "2025-03-01")).rows).toEqual([]);
    // a region outside one's own: "not found", audited
    await expect(comingDueList(w.other, { region: "620123101" }, "2025-03-01")).rejects.toMatchObject({
      kind: "NOT_FOUND",
    });
    expect(await db.auditEvent.count({ where: { outcome: "DENIED", userId: w.other.id } })).toBe(1);
    // the bank filter
    const bank2 = await db.bank.create({ data: { code: "CCB", name: "中国建设银行" } });
    expect((await comingDueList(w.staff, { bankId: bank2.id }, "2025-03-01")).rows).toEqual([]);
  });

  it("a page at a time: the pages together are the whole list in order; totals and villages count all of it", async () => {
    const w = await world();
    await db.region.create({
      data: { code: "620123101202", name: "张家村", level: "VILLAGE", parentCode: "620123101" },
    });
    for (const [i, v] of ["620123101201", "620123101202", "620123101201", "620123101201"].entries())
      await makeLoan({
        borrower: await makeBorrower(v, w.staff.id, `借款人${i}`),
        ctx: w.ctx,
        makerId: w.staff.id,
        principalFen: 1_000_000 * (i + 1),
      });
    const asOf = "2025-03-01";
    const all = await comingDueList(w.staff, {}, asOf);
    expect(all).toMatchObject({ page: 1, pages: 1 });
    expect(all.rows).toHaveLength(4);
    const [p1, p2, p3] = await Promise.all(
      [1, 2, 3].map((page) => comingDueList(w.staff, { limit: 2, page }, asOf)),
    );
    expect([...p1!.rows, ...p2!.rows]).toEqual(all.rows);
    expect(p3!.rows).toEqual([]);
    for (const p of [p1!, p2!, p3!]) expect(p).toMatchObject({ totals: all.totals, pages: 2 });
    expect(all.totals.loans).toBe(4);
    expect(all.totals.principalFen).toBe(all.rows.reduce((s, r) => s + r.principalFen, 0));
    // a village's count is all its loans in the filter, also where they run on to the next page
    expect(all.villages).toEqual({ "620123101201": 3, "620123101202": 1 });
    for (const p of [p1!, p2!])
      for (const r of p.rows) expect(p.villages[r.villageCode]).toBe(all.villages[r.villageCode]);
    // printing every loan of the filter and the home page take the whole list, not a page
    const printed = await dueNotices(w.staff, {}, null, asOf);
    expect(printed.notices.map((n) => n.loanId)).toEqual(all.rows.map((r) => r.loanId));
    const [home] = await homeSections(w.staff, asOf);
    expect(home).toMatchObject({ key: "comingDue", count: 4 });
    expect(home!.items.map((i) => i.key)).toEqual(all.rows.map((r) => `due-${r.loanId}`));
  });

  it("printing notices records who printed which loans; ids outside the list or the region are left out", async () => {
    const w = await world();
    const mine = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    const theirs = await makeLoan({
      borrower: await makeBorrower("620121101201", w.other.id),
      ctx: w.ctx,
      makerId: w.other.id,
    });
    const res = await dueNotices(w.staff, {}, [mine.id, theirs.id], "2025-03-01");
    expect(res.notices.map((n) => n.loanId)).toEqual([mine.id]);
    expect(res.notices[0]!.contactOffice).toBe("榆中县妇女联合会");
    const ev = await db.auditEvent.findFirstOrThrow({ where: { action: "worklist.notice.print" } });
    expect(ev).toMatchObject({ userId: w.staff.id, outcome: "OK", countyCode: "620123" });
    expect((ev.after as { loans: number[] }).loans).toEqual([mine.id]);
  });
});

describe("collection cases (催收) follow the journal", () => {
  beforeEach(resetDatabase);

  it("past due opens a case; a promise; the date passes unpaid → flagged; a payment closes it; a reversal reopens it", async () => {
    const w = await world();
    const loan = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    expect((await listCases(w.staff, {}, "2025-03-20")).rows).toEqual([]); // due today: not past due
    const opened = await listCases(w.staff, {}, "2025-04-01");
    expect(opened.rows).toHaveLength(1);
    const c = opened.rows[0]!;
    expect(c).toMatchObject({
      loanId: loan.id,
      daysPastDue: 12,
      state: { open: true, status: "CONTACTING" },
    });
    expect(await db.collectionCase.count()).toBe(1);
    await listCases(w.staff, {}, "2025-04-01"); // idempotent
    expect(await db.collectionCase.count()).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "collection.open" } })).toBe(1);

    const inst = await db.instalment.findFirstOrThrow({
      where: { loanId: loan.id },
      orderBy: { seq: "asc" },
    });
    const due = inst.interestDue.toFixed(2);
    await expect(
      recordCaseNote(w.staff, { caseId: c.id, status: "PROMISED", promiseDate: "2025-04-10" }, "2025-04-01"),
    ).rejects.toMatchObject({ fieldErrors: { promiseAmount: ["承诺还款须填写承诺金额"] } });
    await recordCaseNote(
      w.staff,
      {
        caseId: c.id,
        status: "PROMISED",
        promiseDate: "2025-04-10",
        promiseAmount: due,
        note: "电话联系，本人承诺",
      },
      "2025-04-01",
    );
    expect((await getCase(w.staff, c.id, "2025-04-10")).state).toMatchObject({
      status: "PROMISED",
      flagged: false,
    });
    const late = await listCases(w.staff, { view: "flagged" }, "2025-04-11");
    expect(late.rows.map((r) => r.id)).toEqual([c.id]);
    expect(late.rows[0]!.state).toMatchObject({
      status: "CONTACTING",
      flagged: true,
      promise: { kept: false },
    });

    const paid = await postRepayment(
      w.staff,
      { loanId: loan.id, valueDate: "2025-04-11", principal: "0", interest: due, idempotencyKey: key() },
      "2025-04-11",
    );
    expect((await listCases(w.staff, {}, "2025-04-11")).rows).toEqual([]);
    expect((await getCase(w.staff, c.id, "2025-04-11")).state).toMatchObject({
      open: false,
      status: "SETTLED",
    });
    expect((await listCases(w.staff, { view: "closed" }, "2025-04-11")).rows.map((r) => r.id)).toEqual([
      c.id,
    ]);
    await expect(recordCaseNote(w.staff, { caseId: c.id, note: "回访" }, "2025-04-11")).rejects.toMatchObject(
      {
        kind: "CONFLICT",
      },
    );

    await reverseRepayment(w.staff, { entryId: paid.entryId, reason: "银行退回", idempotencyKey: key() });
    const again = await getCase(w.staff, c.id, "2025-04-12");
    expect(again.state).toMatchObject({ open: true, flagged: true });
    // history: append-only events with their author, refused to change in the database
    expect(again.events.map((e) => e.status)).toEqual(["PROMISED"]);
    expect(again.events[0]!.authorName).toBe(w.staff.displayName);
    await expect(db.collectionEvent.updateMany({ data: { note: "x" } })).rejects.toThrow();
    await expect(db.collectionEvent.deleteMany({})).rejects.toThrow();
    // anything recorded after the promised date clears the flag
    await recordCaseNote(
      w.staff,
      { caseId: c.id, note: "再次联系", nextActionDate: "2025-04-20" },
      "2025-04-12",
    );
    const after = await getCase(w.staff, c.id, "2025-04-12");
    expect(after).toMatchObject({ nextActionDate: "2025-04-20", state: { flagged: false } });
    expect(await db.auditEvent.count({ where: { action: "collection.note", outcome: "OK" } })).toBe(2);
  });

  it("a page at a time: every view counts all its cases; the pages together are the view in order", async () => {
    const w = await world();
    for (const d of ["2025-01-10", "2024-12-10", "2024-11-10"])
      await makeLoan({
        borrower: await makeBorrower("620123101201", w.staff.id),
        ctx: w.ctx,
        makerId: w.staff.id,
        disbursedDate: d,
      });
    const today = "2025-04-01";
    const all = await listCases(w.staff, {}, today);
    expect(all.rows).toHaveLength(3);
    expect(all).toMatchObject({ total: 3, page: 1, pages: 1, counts: { open: 3, followUp: 3, flagged: 0 } });
    // oldest past due first
    const days = all.rows.map((r) => r.daysPastDue);
    expect(days).toEqual([...days].sort((a, b) => b - a));
    const p1 = await listCases(w.staff, { limit: 2 }, today);
    const p2 = await listCases(w.staff, { limit: 2, page: 2 }, today);
    expect([...p1.rows, ...p2.rows]).toEqual(all.rows);
    for (const p of [p1, p2]) expect(p).toMatchObject({ total: 3, pages: 2, counts: all.counts });
    const followUp = await listCases(w.staff, { view: "followUp", limit: 1, page: 3 }, today);
    expect(followUp.rows.map((r) => r.id)).toEqual([all.rows[2]!.id]);
    expect((await navCounts(w.staff, today)).collection).toBe(3);
    const home = (await homeSections(w.staff, today)).find((s) => s.key === "followUp")!;
    expect(home.count).toBe(3);
    expect(home.items.map((i) => i.key)).toEqual(all.rows.map((r) => `case-${r.id}`));
  });

  it("a follow-up is due after the policy's days; the person in charge is someone of the county", async () => {
    const w = await world();
    await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    const [c] = (await listCases(w.staff, {}, "2025-04-01")).rows;
    expect(c!.needsFollowUp).toBe(true);
    await recordCaseNote(w.staff, { caseId: c!.id, note: "上门催收" }, "2025-04-01");
    // lastActivity is the real instant; move it back to test the days
    await db.collectionCase.update({
      where: { id: c!.id },
      data: { lastActivityAt: new Date("2025-04-01T02:00:00Z") },
    });
    expect((await listCases(w.staff, { view: "followUp" }, "2025-04-14")).rows).toEqual([]);
    expect((await listCases(w.staff, { view: "followUp" }, "2025-04-15")).rows).toHaveLength(1);

    await expect(assignCase(w.staff, { caseId: c!.id, assigneeId: w.other.id })).rejects.toMatchObject({
      fieldErrors: { assigneeId: ["请选择本县的经办人或审核人"] },
    });
    await assignCase(w.staff, { caseId: c!.id, assigneeId: w.approver.id });
    expect((await getCase(w.staff, c!.id, "2025-04-15")).assigneeName).toBe(w.approver.displayName);
    // another county's staff: not found, for reading and for writing
    await expect(getCase(w.other, c!.id)).rejects.toMatchObject({ kind: "NOT_FOUND" });
    await expect(recordCaseNote(w.other, { caseId: c!.id, note: "x" })).rejects.toMatchObject({
      kind: "NOT_FOUND",
    });
    expect((await listCases(w.other, {}, "2025-04-15")).rows).toEqual([]);
    // read-only roles may read, not write
    const auditor = await makeUser("AUDITOR", "620123");
    expect((await getCase(auditor, c!.id, "2025-04-15")).can.record).toBe(false);
    await expect(recordCaseNote(auditor, { caseId: c!.id, note: "x" })).rejects.toBeInstanceOf(AppError);
  });
});

describe("待我审核 (waiting for me)", () => {
  beforeEach(resetDatabase);

  it("lists exactly what waits for a second person in the region, oldest first, never the approver's own", async () => {
    const w = await world();
    const b = await makeBorrower("620123101201", w.staff.id);
    const applied = await makeLoan({ borrower: b, ctx: w.ctx, makerId: w.staff.id });
    await db.loan.update({
      where: { id: applied.id },
      data: { status: "APPLIED", createdAt: new Date("2026-07-01T02:00:00Z") },
    });
    const own = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.approver.id,
    });
    await db.loan.update({ where: { id: own.id }, data: { status: "APPLIED" } });
    const decided = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    await db.loan.update({ where: { id: decided.id }, data: { status: "APPROVED" } });
    const repaying = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    const req = await requestLoanChange(
      w.staff,
      { loanId: repaying.id, kind: "VOID", reason: "资金挪作他用" },
      "2025-03-01",
    );
    const fund = await db.riskFund.create({ data: { countyCode: "620123", name: "榆中县风险补偿金" } });
    const comp = await db.compensationClaim.create({
      data: {
        loanId: repaying.id,
        fundId: fund.id,
        countyCode: "620123",
        asOfDate: new Date("2025-09-01T00:00:00Z"),
        daysPastDue: 100,
        unpaidPrincipal: "50000.00",
        fundShareBp: 8000,
        amount: "40000.00",
        makerId: w.staff.id,
      },
    });
    const claim = await db.subsidyClaim.create({
      data: {
        countyCode: "620123",
        bankId: w.ctx.bank.id,
        year: 2025,
        quarter: 1,
        periodStart: new Date("2024-12-21T00:00:00Z"),
        periodEnd: new Date("2025-03-20T00:00:00Z"),
        status: "SUBMITTED",
        interestTotal: "100.00",
        subsidyTotal: "60.00",
        borrowerTotal: "40.00",
        makerId: w.staff.id,
      },
    });
    await db.subsidyClaim.create({
      data: {
        countyCode: "620123",
        bankId: w.ctx.bank.id,
        year: 2025,
        quarter: 2,
        periodStart: new Date("2025-03-21T00:00:00Z"),
        periodEnd: new Date("2025-06-20T00:00:00Z"),
        status: "DRAFT",
        interestTotal: "1.00",
        subsidyTotal: "1.00",
        borrowerTotal: "0.00",
        makerId: w.staff.id,
      },
    });
    // another county's application
    const theirs = await makeLoan({
      borrower: await makeBorrower("620121101201", w.other.id),
      ctx: w.ctx,
      makerId: w.other.id,
    });
    await db.loan.update({ where: { id: theirs.id }, data: { status: "APPLIED" } });

    const items = await waitingForMe(w.approver, "2026-11-01");
    expect(items.map((i) => `${i.kind}:${i.id}`).sort()).toEqual(
      [
        `APPLICATION:${applied.id}`,
        `VOID:${req.id}`,
        `SUBSIDY_CLAIM:${claim.id}`,
        `COMPENSATION_CLAIM:${comp.id}`,
      ].sort(),
    );
    expect(items[0]).toMatchObject({
      kind: "APPLICATION",
      id: applied.id,
      ageDays: 123,
      href: `/loans/${applied.id}`,
    });
    for (let k = 1; k < items.length; k++) expect(items[k]!.since >= items[k - 1]!.since).toBe(true);
    expect(items.find((i) => i.kind === "VOID")!.href).toBe(`/loans/${repaying.id}#requests`);

    expect((await waitingForMe(w.otherApprover, "2026-11-01")).map((i) => i.id)).toEqual([theirs.id]);
    // the home page and the navigation count the same list
    expect((await navCounts(w.approver, "2026-11-01")).inbox).toBe(4);
    const [section] = await homeSections(w.approver, "2026-11-01");
    expect(section).toMatchObject({ key: "inbox", count: 4, href: "/inbox" });
    // staff have no inbox: refused and audited
    await expect(waitingForMe(w.staff)).rejects.toMatchObject({ kind: "FORBIDDEN" });
  });
});

describe("home page and counts", () => {
  beforeEach(resetDatabase);

  it("the clerk's counts in the navigation are the lengths of the lists", async () => {
    const w = await world();
    for (const d of ["2025-01-10", "2025-02-25", "2024-10-01"])
      await makeLoan({
        borrower: await makeBorrower("620123101201", w.staff.id),
        ctx: w.ctx,
        makerId: w.staff.id,
        disbursedDate: d,
      });
    const today = "2025-03-10";
    const counts = await navCounts(w.staff, today);
    expect(counts.due).toBe((await comingDueList(w.staff, {}, today)).rows.length);
    expect(counts.collection).toBe((await listCases(w.staff, {}, today)).rows.length);
    expect(counts.due).toBeGreaterThan(0);
    expect(counts.collection).toBeGreaterThan(0);
    const sections = await homeSections(w.staff, today);
    // The loans have had no post-loan visit (issue 23 item 2): the clerk's overdue visits are a section too.
    expect(sections.map((s) => s.key)).toEqual(["comingDue", "followUp", "visits"]);
    expect(sections[0]!.count).toBe(counts.due);
  });
});

describe("what lifts a region over the line", () => {
  beforeEach(resetDatabase);

  it("names the loans whose payment brings the village to the threshold, as the domain computes it", async () => {
    const w = await world();
    const loans = [];
    for (const f of [10_000_000, 5_000_000, 2_000_000, 30_000_000])
      loans.push(
        await makeLoan({
          borrower: await makeBorrower("620123101201", w.staff.id),
          ctx: w.ctx,
          makerId: w.staff.id,
          principalFen: f,
          disbursedDate: "2025-01-10",
          termMonths: 12,
        }),
      );
    await db.loan.update({
      where: { id: loans[3]!.id },
      data: { principalRepaid: "300000.00", status: "CLOSED" },
    });
    await db.loan.update({ where: { id: loans[2]!.id }, data: { principalRepaid: "15000.00" } });
    const lift = await regionLift(w.staff, "620123101201", "2026-02-01");
    const expected = liftPlan(
      [
        { id: loans[0]!.id, maturedFen: 10_000_000, recoveredFen: 0 },
        { id: loans[1]!.id, maturedFen: 5_000_000, recoveredFen: 0 },
        { id: loans[2]!.id, maturedFen: 2_000_000, recoveredFen: 1_500_000 },
        { id: loans[3]!.id, maturedFen: 30_000_000, recoveredFen: 30_000_000 },
      ],
      9800,
    );
    expect(lift.loans.map((l) => l.id)).toEqual(expected.loans.map((l) => l.id));
    // matured 470,000.00, recovered 315,000.00 (67.02%); the two largest unpaid bring it to 465,000.00 (98.94%)
    expect(lift.loans.map((l) => l.id)).toEqual([loans[0]!.id, loans[1]!.id]);
    expect(lift.toRate).toBeCloseTo(46_500_000 / 47_000_000, 12);
    expect(lift.fromRate).toBeCloseTo(expected.fromRate!, 12);
    await expect(regionLift(w.other, "620123101201", "2026-02-01")).rejects.toMatchObject({
      kind: "NOT_FOUND",
    });
  });
});

describe("every list is limited to the region", () => {
  beforeEach(resetDatabase);

  it("a village-scoped reader sees only that village's loans in every list", async () => {
    const w = await world();
    await db.region.create({
      data: { code: "620123101202", name: "张家村", level: "VILLAGE", parentCode: "620123101" },
    });
    const a = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    await makeLoan({
      borrower: await makeBorrower("620123101202", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
    });
    const villageStaff = await makeUser("COUNTY_STAFF", "620123101201");
    expect((await comingDueList(villageStaff, {}, "2025-03-01")).rows.map((r) => r.loanId)).toEqual([a.id]);
    expect((await listCases(villageStaff, {}, "2025-04-01")).rows.map((r) => r.loanId)).toEqual([a.id]);
    expect((await listLoans(villageStaff, { limit: 50 }, "2025-04-01")).rows.map((r) => r.id)).toEqual([
      a.id,
    ]);
    expect(await waitingForMe(await makeUser("COUNTY_APPROVER", "620123101201"))).toEqual([]);
  });
});

describe("the loans list with filters", () => {
  beforeEach(resetDatabase);

  it("filters by days past due, village, bank and dates; totals of the filter; sorting; the mask's digits", async () => {
    const w = await world();
    await db.region.create({
      data: { code: "620123101202", name: "张家村", level: "VILLAGE", parentCode: "620123101" },
    });
    const a = await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id, "甲"),
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 3_000_000,
      disbursedDate: "2025-01-10",
    });
    const b = await makeLoan({
      borrower: await makeBorrower("620123101202", w.staff.id, "乙"),
      ctx: w.ctx,
      makerId: w.staff.id,
      principalFen: 5_000_000,
      disbursedDate: "2025-05-10",
    });
    await makeLoan({
      borrower: await makeBorrower("620121101201", w.other.id, "丙"),
      ctx: w.ctx,
      makerId: w.other.id,
    });
    const asOf = "2025-07-01"; // a: due 2025-03-20 unpaid → 103 days; b: first due 2025-06-20 → 11 days
    const ids = async (f: Record<string, string>) =>
      (await filterLoans(w.staff, f, asOf)).rows.map((r) => r.id);
    expect((await ids({})).sort()).toEqual([a.id, b.id].sort());
    expect(await ids({ dpd: "90" })).toEqual([a.id]);
    expect(await ids({ dpd: "30" })).toEqual([a.id]);
    expect((await ids({ dpd: "overdue" })).sort()).toEqual([a.id, b.id].sort());
    expect(await ids({ region: "620123101202" })).toEqual([b.id]);
    expect(await ids({ disbursedFrom: "2025-03-01" })).toEqual([b.id]);
    expect(await ids({ maturityTo: "2026-02-01" })).toEqual([a.id]);
    expect(await ids({ sort: "principal", dir: "asc" })).toEqual([a.id, b.id]);
    expect(await ids({ sort: "dpd" })).toEqual([a.id, b.id]);
    const bank2 = await db.bank.create({ data: { code: "RCC", name: "农村信用社" } });
    expect(await ids({ bankId: String(bank2.id) })).toEqual([]);
    const all = await filterLoans(w.staff, { limit: "1" }, asOf);
    expect(all).toMatchObject({ total: 2, principalFen: 8_000_000, outstandingFen: 8_000_000, pages: 2 });
    expect((await filterLoans(w.staff, { limit: "1", page: "2" }, asOf)).rows).toHaveLength(1);
    // the mask shows the region and the check character: search by them, as shown
    const bo = await db.borrower.findUniqueOrThrow({ where: { id: a.borrowerId } });
    const masked = `${bo.idNumber.slice(0, 6)}***********${bo.idNumber.slice(17)}`;
    const official = await makeUser("CITY_OFFICIAL", "620100");
    expect((await filterLoans(official, { q: masked }, asOf)).rows.map((r) => r.id)).toContain(a.id);
    expect(
      (
        await filterLoans(official, { q: `${bo.idNumber.slice(0, 6)}*${bo.idNumber.slice(17)}` }, asOf)
      ).rows.map((r) => r.id),
    ).toContain(a.id);
    // the full number only with the reveal right
    expect((await filterLoans(official, { q: bo.idNumber }, asOf)).rows).toEqual([]);
    expect((await filterLoans(w.staff, { q: bo.idNumber }, asOf)).rows.map((r) => r.id)).toEqual([a.id]);
    // the export is the same filter: its rows and totals are the page's count and sums
    for (const f of [{}, { dpd: "90" }, { region: "620123101202" }]) {
      const { def, q } = await loanListLedger(w.staff, f, asOf);
      const client = await streamPool().connect();
      try {
        const totals = await ledgerTotals(client, def, q);
        const page = await filterLoans(w.staff, f, asOf);
        expect(totals.rows).toBe(page.total);
        expect(totals.sums.map((x) => x.fen)).toEqual([page.principalFen, page.outstandingFen]);
        const sql = def.sql(q, 0, null);
        const rows = await client.query({ text: sql.text, values: sql.values, rowMode: "array" });
        expect(rows.rows.map((r: unknown[]) => Number(r[0])).sort()).toEqual(
          page.rows.map((r) => r.id).sort(),
        );
      } finally {
        client.release();
      }
    }
    await expect(loanListLedger(official, {}, asOf)).rejects.toMatchObject({ kind: "FORBIDDEN" });
    // another county's region: not found
    await expect(filterLoans(w.other, { region: "620123101" }, asOf)).rejects.toMatchObject({
      kind: "NOT_FOUND",
    });
  });

  it("sorts by the borrower's name and finds by a part of it or of the numbers, also when the borrower is now registered in another county", async () => {
    const w = await world();
    const make = async (name: string) =>
      makeLoan({
        borrower: await makeBorrower("620123101201", w.staff.id, name),
        ctx: w.ctx,
        makerId: w.staff.id,
        disbursedDate: "2025-01-10",
      });
    const c = await make("丙秀兰");
    const a = await make("甲秀英");
    const b = await make("乙桂花");
    // The loan stays in its county; its borrower's record now says another county (the list must not lose her).
    await db.borrower.update({
      where: { id: a.borrowerId },
      data: { countyCode: "620121", villageCode: "620121101201" },
    });
    const asOf = "2025-07-01";
    const list = async (f: Record<string, string>) => (await filterLoans(w.staff, f, asOf)).rows;
    const names = (await list({ sort: "borrower" })).map((r) => [r.id, r.borrowerName]);
    const expected = [
      [c.id, "丙秀兰"],
      [b.id, "乙桂花"],
      [a.id, "甲秀英"],
    ].sort((x, y) => (String(x[1]) < String(y[1]) ? -1 : 1));
    expect(names).toEqual(expected);
    expect((await list({ sort: "borrower", dir: "desc" })).map((r) => r.id)).toEqual(
      expected.map((x) => x[0]).reverse(),
    );
    expect((await list({ q: "秀" })).map((r) => r.id).sort()).toEqual([a.id, c.id].sort());
    expect((await list({ q: "秀英" })).map((r) => r.id)).toEqual([a.id]);
    const page = await filterLoans(w.staff, { q: "秀英" }, asOf);
    expect(page).toMatchObject({ total: 1, principalFen: page.rows[0]!.principalFen });
    const loan = await db.loan.findUniqueOrThrow({ where: { id: b.id } });
    expect((await list({ q: loan.applicationNo.slice(2) })).map((r) => r.id)).toEqual([b.id]);
    expect(await list({ q: "没有这个人" })).toEqual([]);
  });
});

describe("the basis for a decision", () => {
  beforeEach(resetDatabase);

  it("shows previous loans, subsidised count against the cap, open loans, rates, fund and rating; in scope only", async () => {
    const w = await world();
    const b = await makeBorrower("620123101201", w.staff.id);
    const closed = await makeLoan({
      borrower: b,
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2023-01-10",
    });
    await db.loan.update({
      where: { id: closed.id },
      data: { status: "CLOSED", principalRepaid: "50000.00" },
    });
    await makeLoan({ borrower: b, ctx: w.ctx, makerId: w.staff.id, disbursedDate: "2025-06-10" });
    const basis = await decisionBasis(w.approver, b.id, "2025-07-01");
    expect(basis).toMatchObject({ subsidised: 2, subsidisedCap: 3, open: 1, rated: false, fund: null });
    expect(basis.previous.map((p) => p.status)).toEqual(["CLOSED", "REPAYING"]);
    expect(basis.villageRate).toBeNull(); // nothing matured in the last 12 months
    await expect(decisionBasis(w.other, b.id)).rejects.toMatchObject({ kind: "NOT_FOUND" });
  });
});

describe("the official's home page: regions over a line", () => {
  beforeEach(resetDatabase);

  it("lists the township and village that fell below the threshold this month, with the dashboard's rate", async () => {
    const w = await world();
    await makeLoan({
      borrower: await makeBorrower("620123101201", w.staff.id),
      ctx: w.ctx,
      makerId: w.staff.id,
      disbursedDate: "2025-01-10",
    });
    const official = await makeUser("CITY_OFFICIAL", "620100");
    const lines = await regionLines(official, "620100", "2026-01-15"); // matured 2026-01-10, unpaid
    expect(lines.below.map((b) => [b.code, b.rate, b.crossedThisMonth])).toEqual([
      ["620123101", 0, true],
      ["620123101201", 0, true],
    ]);
    expect(
      (await regionLines(official, "620100", "2026-02-15")).below.every((b) => !b.crossedThisMonth),
    ).toBe(true);
    const [section] = await homeSections(official, "2026-01-15");
    expect(section).toMatchObject({ key: "lines", count: 2 });
    expect(section!.items[0]!.href).toBe("/collection/lift?region=620123101");
    expect(
      (await regionLines(await makeUser("CITY_OFFICIAL", "431100"), "431100", "2026-01-15")).below,
    ).toEqual([]);
  });
});
