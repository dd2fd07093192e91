import { Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { exportStream } from "@/server/exports";
import { beforeEach, describe, expect, it } from "vitest";
import { addDays } from "@/domain";
import { db } from "@/server/db";
import { todayShanghai } from "@/server/clock";
import {
  addInsurancePolicy,
  fileInsuranceClaim,
  loanInsurance,
  settleInsuranceClaim,
} from "@/server/services/insurance";
import { uploadAttachment } from "@/server/services/attachments";
import { authoriseLedger, ledgerPage } from "@/server/services/ledgers";
import { resetDatabase } from "../support/db";
import { makeBorrower, makeLoan, makeUser, seedProgrammeAndPolicy, seedRegions } from "../support/factories";
import { refusal } from "../support/refusal";

/** A loan's insurance (issue 23 item 4): policies, claims (filed, paid or rejected), the ledgers, region checks. */
const VILLAGE = "620123101201";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
const today = todayShanghai();

async function world() {
  await seedRegions();
  const ctx = await seedProgrammeAndPolicy();
  const staff = await makeUser("COUNTY_STAFF", "620123");
  const other = await makeUser("COUNTY_STAFF", "620121");
  const approver = await makeUser("COUNTY_APPROVER", "620123");
  const auditor = await makeUser("AUDITOR", "620100");
  const borrower = await makeBorrower(VILLAGE, staff.id);
  const loan = await makeLoan({ borrower, ctx, makerId: staff.id, disbursedDate: addDays(today, -200) });
  const upload = (kind: string) =>
    uploadAttachment(
      staff,
      { borrowerId: borrower.id, loanId: loan.id, kind, fileName: "保险单.pdf" },
      Readable.from([PDF]),
      PDF.length,
    );
  return { staff, other, approver, auditor, borrower, loan, upload };
}

const policy = (loanId: number, extra: Record<string, string> = {}) => ({
  loanId: String(loanId),
  policyNo: "PICC-2026-0001",
  insurer: "中国人民财产保险股份有限公司榆中支公司",
  premium: "150",
  premiumPaidBy: "GOVERNMENT",
  coverFrom: addDays(today, -200),
  coverTo: addDays(today, 165),
  ...extra,
});

describe("insurance", () => {
  beforeEach(resetDatabase);

  it("county staff record a policy (with its document), file a claim and record it paid; all audited", async () => {
    const w = await world();
    const doc = await w.upload("INSURANCE_POLICY");
    const { id: policyId } = await addInsurancePolicy(
      w.staff,
      policy(w.loan.id, { attachmentId: String(doc.id) }),
    );
    const { id: claimId } = await fileInsuranceClaim(w.staff, {
      policyId: String(policyId),
      claimDate: addDays(today, -20),
      amount: "30,000",
      note: "肉牛疫病死亡",
    });
    let v = await loanInsurance(w.staff, w.loan.id);
    expect(v.policies).toEqual([
      {
        id: policyId,
        policyNo: "PICC-2026-0001",
        insurer: "中国人民财产保险股份有限公司榆中支公司",
        premiumFen: 15_000,
        premiumPaidBy: "GOVERNMENT",
        coverFrom: addDays(today, -200),
        coverTo: addDays(today, 165),
        attachment: { id: doc.id, fileName: "保险单.pdf" },
      },
    ]);
    expect(v.claims).toMatchObject([{ id: claimId, amountFen: 3_000_000, status: "FILED", paidFen: null }]);
    // More than claimed is refused; then paid 28,000 元.
    const over = await refusal(
      settleInsuranceClaim(w.staff, {
        claimId: String(claimId),
        version: "1",
        outcome: "PAID",
        paidAmount: "30000.01",
        paidDate: today,
      }),
    );
    expect(over.fieldErrors?.paidAmount?.join()).toMatch(/不能超过索赔金额/);
    await settleInsuranceClaim(w.staff, {
      claimId: String(claimId),
      version: "1",
      outcome: "PAID",
      paidAmount: "28000",
      paidDate: today,
    });
    v = await loanInsurance(w.staff, w.loan.id);
    expect(v.claims).toMatchObject([{ status: "PAID", paidFen: 2_800_000, paidDate: today, version: 2 }]);
    // Settled once: a second answer (a stale form) is refused.
    const again = await refusal(
      settleInsuranceClaim(w.staff, {
        claimId: String(claimId),
        version: "1",
        outcome: "REJECTED",
        note: "重复",
      }),
    );
    expect(again.kind).toBe("CONFLICT");
    const events = await db.auditEvent.findMany({
      where: { action: { startsWith: "insurance." }, outcome: "OK" },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.action, e.countyCode, e.userId])).toEqual([
      ["insurance.policy.create", "620123", w.staff.id],
      ["insurance.claim.file", "620123", w.staff.id],
      ["insurance.claim.settle", "620123", w.staff.id],
    ]);
    expect(events[2]!.after).toMatchObject({ outcome: "PAID", paidFen: 2_800_000 });
  });

  it("refuses a wrong document, a duplicate policy number, a claim before the cover and a rejection without reason", async () => {
    const w = await world();
    const contract = await w.upload("CONTRACT");
    const wrong = await refusal(
      addInsurancePolicy(w.staff, policy(w.loan.id, { attachmentId: String(contract.id) })),
    );
    expect(wrong.fieldErrors?.attachmentId).toBeDefined();
    const reversed = await refusal(
      addInsurancePolicy(w.staff, policy(w.loan.id, { coverTo: addDays(today, -201) })),
    );
    expect(reversed.fieldErrors?.coverTo).toBeDefined();
    const { id } = await addInsurancePolicy(w.staff, policy(w.loan.id));
    expect(
      (await refusal(addInsurancePolicy(w.staff, policy(w.loan.id)))).fieldErrors?.policyNo,
    ).toBeDefined();
    const early = await refusal(
      fileInsuranceClaim(w.staff, { policyId: String(id), claimDate: addDays(today, -201), amount: "100" }),
    );
    expect(early.fieldErrors?.claimDate).toBeDefined();
    const { id: claimId } = await fileInsuranceClaim(w.staff, {
      policyId: String(id),
      claimDate: today,
      amount: "100",
    });
    const noReason = await refusal(
      settleInsuranceClaim(w.staff, {
        claimId: String(claimId),
        version: "1",
        outcome: "REJECTED",
        note: "",
      }),
    );
    expect(noReason.fieldErrors?.note).toBeDefined();
    await settleInsuranceClaim(w.staff, {
      claimId: String(claimId),
      version: "1",
      outcome: "REJECTED",
      note: "不属于保险责任",
    });
    expect((await loanInsurance(w.staff, w.loan.id)).claims).toMatchObject([
      { status: "REJECTED", paidFen: null, note: "不属于保险责任" },
    ]);
  });

  it("another county's clerk sees and changes nothing; approvers and auditors read only", async () => {
    const w = await world();
    const { id } = await addInsurancePolicy(w.staff, policy(w.loan.id));
    const { id: claimId } = await fileInsuranceClaim(w.staff, {
      policyId: String(id),
      claimDate: today,
      amount: "100",
    });
    expect((await refusal(loanInsurance(w.other, w.loan.id))).kind).toBe("NOT_FOUND");
    expect((await refusal(addInsurancePolicy(w.other, policy(w.loan.id, { policyNo: "X-1" })))).kind).toBe(
      "NOT_FOUND",
    );
    expect(
      (await refusal(fileInsuranceClaim(w.other, { policyId: String(id), claimDate: today, amount: "1" })))
        .kind,
    ).toBe("NOT_FOUND");
    expect(
      (
        await refusal(
          settleInsuranceClaim(w.other, {
            claimId: String(claimId),
            version: "1",
            outcome: "REJECTED",
            note: "x",
          }),
        )
      ).kind,
    ).toBe("NOT_FOUND");
    for (const actor of [w.approver, w.auditor]) {
      expect((await loanInsurance(actor, w.loan.id)).canWrite).toBe(false);
      expect((await refusal(addInsurancePolicy(actor, policy(w.loan.id, { policyNo: "X-2" })))).kind).toBe(
        "FORBIDDEN",
      );
    }
    expect(await db.insurancePolicy.count()).toBe(1);
    expect(await db.insuranceClaim.count()).toBe(1);
    expect(
      await db.auditEvent.count({ where: { outcome: "DENIED", action: { startsWith: "insurance." } } }),
    ).toBe(6);
  });

  it("the insurance ledgers: policies with their claims' sums, claims of the period, for the auditor's region", async () => {
    const w = await world();
    const { id } = await addInsurancePolicy(w.staff, policy(w.loan.id));
    await addInsurancePolicy(
      w.staff,
      policy(w.loan.id, { policyNo: "PICC-2026-0002", premium: "80.50", premiumPaidBy: "BORROWER" }),
    );
    const { id: c1 } = await fileInsuranceClaim(w.staff, {
      policyId: String(id),
      claimDate: addDays(today, -10),
      amount: "5000",
    });
    await fileInsuranceClaim(w.staff, {
      policyId: String(id),
      claimDate: addDays(today, -5),
      amount: "1200.40",
    });
    await settleInsuranceClaim(w.staff, {
      claimId: String(c1),
      version: "1",
      outcome: "PAID",
      paidAmount: "4500",
      paidDate: addDays(today, -2),
    });
    const q = { region: "620100", from: addDays(today, -30), to: today };
    const pol = await ledgerPage(w.auditor, "insurance", q, 0, 100);
    const pc = (h: string) => pol.def.columns.findIndex((c) => c.header === h);
    expect(
      pol.rows.map((r) => [
        r[pc("保单号")],
        r[pc("保费（元）")],
        r[pc("保费承担方")],
        r[pc("理赔笔数")],
        r[pc("索赔金额（元）")],
        r[pc("已赔付金额（元）")],
      ]),
    ).toEqual([
      ["PICC-2026-0001", "150.00", "政府", "2", "6200.40", "4500.00"],
      ["PICC-2026-0002", "80.50", "借款人", "0", "0.00", "0.00"],
    ]);
    const claims = await ledgerPage(w.auditor, "insuranceClaims", q, 0, 100);
    const cc = (h: string) => claims.def.columns.findIndex((c) => c.header === h);
    expect(
      claims.rows.map((r) => [
        r[cc("索赔金额（元）")],
        r[cc("状态")],
        r[cc("赔付金额（元）")],
        r[cc("赔付日期")],
      ]),
    ).toEqual([
      ["5000.00", "已赔付", "4500.00", addDays(today, -2)],
      ["1200.40", "已报案", "0.00", ""],
    ]);
    // The exports (COPY, labels in SQL) are the screen's cells, and audited.
    for (const key of ["insurance", "insuranceClaims"] as const) {
      const def = await authoriseLedger(w.auditor, key, q, "ledger.export");
      const chunks: Buffer[] = [];
      for await (const c of (await exportStream(
        w.auditor,
        key,
        def,
        q,
        "兰州市",
        "csv",
        new AbortController().signal,
      )) as unknown as AsyncIterable<Uint8Array>)
        chunks.push(Buffer.from(c));
      const rows = parse(Buffer.concat(chunks).subarray(3), { relax_column_count: true }) as string[][];
      const screen = (await ledgerPage(w.auditor, key, q, 0, 100)).rows;
      expect(rows.slice(1, 1 + screen.length)).toEqual(screen);
      expect(rows[1 + screen.length]![0]).toMatch(/^合计/);
    }
    await expect
      .poll(() =>
        db.auditEvent.count({ where: { action: "ledger.export", outcome: "OK", userId: w.auditor.id } }),
      )
      .toBe(2);
    // A period before the claims: no claim rows; another county's region: refused.
    expect(
      (await ledgerPage(w.auditor, "insuranceClaims", { ...q, to: addDays(today, -11) }, 0, 100)).rows,
    ).toEqual([]);
    expect((await refusal(authoriseLedger(w.other, "insurance", { ...q, region: "620123" }))).kind).toBe(
      "NOT_FOUND",
    );
  });
});
