import { beforeAll, describe, expect, it } from "vitest";
import { can, countIdCandidates, makeResidentId, type IdentityView, type IsoDate } from "@/domain";
import { db } from "@/server/db";
import { scopeWhere, type Actor } from "@/server/authz";
import { getBorrower, searchBorrowers } from "@/server/services/borrowers";
import { listLoans } from "@/server/services/loans";
import { getLoanDetail } from "@/server/services/lifecycle";
import { ledgerPage } from "@/server/services/ledgers";
import { listAuditEvents } from "@/server/services/audit-log";
import { seedIfEmpty } from "../../scripts/lib/seed";
import { DEMO_AS_OF } from "../../prisma/demo/seed";
import { resetDatabase, testUrl } from "../support/db";

/**
 * Issue items 4 and 5, on the demo data: for each demo role, everything the services hand the pages about a
 * borrower (the borrower page, the list, the loan list and loan page, the loan ledger, the audit trail) is
 * put together, and the ID numbers consistent with all of it are counted. A role without the reveal right
 * must be left with ≥ 10,000; a digit search must not narrow that; phones are masked for officials and
 * auditors.
 */
const TODAY: IsoDate = DEMO_AS_OF;
const BOUND = 10_000;
const SAMPLE = 15;

async function actorOf(username: string): Promise<Actor> {
  const u = await db.user.findUniqueOrThrow({ where: { username }, include: { region: true } });
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    regionCode: u.regionCode,
    regionName: u.region.name,
    ip: null,
  };
}

/** The characters shown by several masks of one number, position by position (they must agree). */
function union(masks: string[]): string {
  return [...Array(18).keys()]
    .map((i) => {
      const shown = new Set(masks.map((m) => m[i]).filter((c) => c !== undefined && c !== "*"));
      expect(shown.size, `masks disagree at ${i}: ${masks.join(" ")}`).toBeLessThanOrEqual(1);
      return [...shown][0] ?? "*";
    })
    .join("");
}

/** Everything the role's pages show about one borrower, as one view of her ID number. */
async function viewOf(
  actor: Actor,
  borrowerId: number,
): Promise<{ view: IdentityView; phone: string; loanViews: number }> {
  const b = await getBorrower(actor, borrowerId, TODAY);
  const masks = [b.idNumberMasked];
  const listed = (await searchBorrowers(actor, { villageCode: b.villageCode, limit: 200 }, TODAY)).rows.find(
    (r) => r.id === b.id,
  );
  if (listed) {
    masks.push(listed.idNumberMasked);
    expect(listed).toEqual(b); // the list shows nothing the page does not
  }
  const loans = (await listLoans(actor, { borrowerId: b.id, limit: 50 }, TODAY)).rows;
  masks.push(...loans.map((l) => l.borrowerIdMasked));
  for (const l of loans.slice(0, 3))
    masks.push((await getLoanDetail(actor, l.id, TODAY)).borrower.idNumberMasked);
  if (can(actor.role, "ledger.export") && loans.length) {
    const appNos = new Set(loans.map((l) => l.applicationNo));
    let after = 0;
    for (;;) {
      const page = await ledgerPage(
        actor,
        "loans",
        { region: b.villageCode, from: "2016-01-01", to: TODAY },
        after,
        200,
      );
      masks.push(...page.rows.filter((r) => appNos.has(r[1]!)).map((r) => r[4]!));
      if (!page.nextAfter) break;
      after = page.nextAfter;
    }
  }
  const view: IdentityView = {
    masked: union(masks),
    regionCode: b.countyCode,
    sex: b.sex === "M" ? "M" : "F",
    birthDate: b.birthDate,
    birthYear: b.birthYear,
    age: b.age === null ? null : { years: b.age, on: TODAY },
  };
  if (can(actor.role, "audit.read")) {
    // Whatever the audit trail recorded about her (creation, edits) counts too.
    const events = (await listAuditEvents(actor, { action: "borrower.", limit: 200 })).rows.filter(
      (e) => e.entityId === String(b.id),
    );
    for (const e of events)
      for (const rec of [e.before, e.after] as Record<string, unknown>[]) {
        if (typeof rec?.idNumber === "string") view.masked = union([view.masked, rec.idNumber]);
        if (typeof rec?.birthDate === "string" && rec.birthDate.length >= 10)
          view.birthDate = rec.birthDate.slice(0, 10);
      }
  }
  return { view, phone: b.phone, loanViews: loans.length };
}

describe("a masked ID number stays masked (demo data, every demo role)", () => {
  beforeAll(async () => {
    await resetDatabase();
    expect(await seedIfEmpty(testUrl(), () => {})).toBe(true);
  }, 600_000);

  it.each([
    ["yz_staff", true],
    ["yz_approver", false],
    ["yz_official", false],
    ["lz_official", false],
    ["bz_official", false],
    ["lz_auditor", false],
  ] as const)(
    "%s: the ID numbers consistent with all its pages show (reveal right: %s)",
    async (username, reveals) => {
      const actor = await actorOf(username);
      expect(can(actor.role, "borrower.revealId")).toBe(reveals);
      // The newest borrowers (the list's first page) and borrowers with disbursed loans (loan pages, ledger).
      const newest = (await searchBorrowers(actor, { limit: 5 }, TODAY)).rows;
      const withLoans = await db.borrower.findMany({
        where: { ...scopeWhere(actor), loans: { some: { disbursedDate: { not: null } } } },
        orderBy: { id: "asc" },
        select: { id: true },
      });
      const step = Math.floor(withLoans.length / (SAMPLE - newest.length));
      const sample = [
        ...newest,
        ...withLoans.filter((_, i) => i % step === 0).slice(0, SAMPLE - newest.length),
      ];
      expect(sample).toHaveLength(SAMPLE);
      const counts: number[] = [];
      let seenOnLoanPages = 0;
      for (const s of sample) {
        const { view, phone, loanViews } = await viewOf(actor, s.id);
        seenOnLoanPages += loanViews;
        const truth = await db.borrower.findUniqueOrThrow({
          where: { id: s.id },
          select: { idNumber: true, phone: true },
        });
        // The count includes the real number (the views are true), so it is never 0.
        const n = countIdCandidates(view);
        expect(n).toBeGreaterThan(0);
        counts.push(n);
        // Phones: the county's clerk and approver see them, officials and auditors see 138****5678.
        if (can(actor.role, "borrower.readPhone")) expect(phone).toBe(truth.phone);
        else {
          expect(phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
          expect(phone).toBe(`${truth.phone.slice(0, 3)}****${truth.phone.slice(7)}`);
        }
      }
      if (reveals)
        // The clerk sees the birth date (and reveals the rest, audited): the count is small.
        expect(Math.max(...counts)).toBeLessThan(100);
      else expect(Math.min(...counts), counts.join(", ")).toBeGreaterThanOrEqual(BOUND);
      expect(seenOnLoanPages, "the sample reaches loan pages").toBeGreaterThan(0);
    },
    120_000,
  );

  it.each(["yz_approver", "yz_official", "lz_official", "lz_auditor"])(
    "%s: a digit search answers the same for the right number and for a wrong one (no oracle)",
    async (username) => {
      const actor = await actorOf(username);
      const [s] = (await searchBorrowers(actor, { limit: 1 }, TODAY)).rows;
      const truth = await db.borrower.findUniqueOrThrow({
        where: { id: s!.id },
        select: { idNumber: true, phone: true, birthDate: true, countyCode: true },
      });
      const wrong = makeResidentId(
        truth.countyCode,
        truth.birthDate!.toISOString().slice(0, 10),
        (Number(truth.idNumber.slice(14, 17)) + 2) % 1000,
      );
      for (const q of [truth.idNumber, wrong]) {
        expect((await searchBorrowers(actor, { q }, TODAY)).rows, q).toEqual([]);
        expect((await listLoans(actor, { q, limit: 50 }, TODAY)).rows, q).toEqual([]);
      }
      const byPhone = (await searchBorrowers(actor, { q: truth.phone.slice(0, 7) }, TODAY)).rows;
      if (can(actor.role, "borrower.readPhone"))
        expect(byPhone.map((r) => r.id)).toContain(s!.id); // she sees the phone anyway
      else expect(byPhone).toEqual([]);
    },
  );
});
