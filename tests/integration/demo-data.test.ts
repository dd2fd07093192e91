import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditVillage, parseResidentId, yuanToFen } from "@/domain";
import { applyMigrations } from "../../scripts/lib/migrate";
import { seedIfEmpty } from "../../scripts/lib/seed";
import { sql, testUrl } from "../support/db";
import { fundInvariant } from "../support/fund-invariant";

// The demo data goes into its own database of the test cluster, loaded once for this file.
const dbName = `demo_${process.pid}`;
const url = () => testUrl().replace(/\/[^/]+$/, `/${dbName}`);
let client: pg.Client;
const q = async <T extends pg.QueryResultRow>(text: string) => (await client.query<T>(text)).rows;

describe("demo data", () => {
  beforeAll(async () => {
    await sql(`create database ${dbName}`);
    await applyMigrations(url());
    expect(await seedIfEmpty(url(), () => {})).toBe(true);
    client = new pg.Client({ connectionString: url() });
    await client.connect();
  }, 600_000); // the demo data holds the Lanzhou 2014–2015 cohort too (7,075 loans): minutes under load
  afterAll(async () => {
    await client?.end();
  });

  it("loads only once: a second start does not reseed", async () => {
    expect(await seedIfEmpty(url(), () => {})).toBe(false);
  });

  it("has ≥ 3,000 women borrowers with valid ID numbers and ≥ 4,000 loans from 2016 to 2026 in the source counties", async () => {
    const borrowers = await q<{ idNumber: string; countyCode: string }>(
      `select "idNumber", "countyCode" from "Borrower"`,
    );
    expect(borrowers.length).toBeGreaterThanOrEqual(3000);
    for (const b of borrowers) {
      const id = parseResidentId(b.idNumber);
      expect(id.ok && id.sex === "F" && id.regionCode === b.countyCode).toBe(true);
    }
    const [loans] = await q<{ n: string; first: string; last: string; min: string; max: string }>(
      `select count(*) n, min("applicationDate")::text first, max("applicationDate")::text last, min("requestedPrincipal")::text min, max("requestedPrincipal")::text max from "Loan"`,
    );
    expect(Number(loans!.n)).toBeGreaterThanOrEqual(4000);
    expect(loans!.first < "2016-12-31" && loans!.last > "2026-01-01").toBe(true);
    expect([loans!.min, loans!.max]).toEqual(["10000.00", "200000.00"]);
    const counties = (
      await q<{ countyCode: string }>(`select distinct "countyCode" from "Loan" order by 1`)
    ).map((r) => r.countyCode);
    expect(counties).toEqual(["431124", "511921", "520602", "520603", "620121", "620122", "620123"]);
  });

  it("has every status the lifecycle knows: repaying, closed, overdue, extended, compensated, written off, pending applications", async () => {
    const statuses = new Set(
      (await q<{ status: string }>(`select distinct status from "Loan"`)).map((r) => r.status),
    );
    for (const s of ["APPLIED", "REPAYING", "CLOSED", "COMPENSATED", "WRITTEN_OFF"])
      expect(statuses).toContain(s);
    const [x] = await q<{ extended: string; overdue: string; reversals: string }>(`select
      (select count(*) from "Loan" where "extendedMaturityDate" is not null) extended,
      (select count(distinct "loanId") from "Instalment" i join "Loan" l on l.id = i."loanId" where l.status = 'REPAYING' and i."paidDate" is null and i."dueDate" < '2026-11-20') overdue,
      (select count(*) from "RepaymentEntry" where kind = 'REVERSAL') reversals`);
    expect(Number(x!.extended)).toBeGreaterThan(10);
    expect(Number(x!.overdue)).toBeGreaterThan(20);
    expect(Number(x!.reversals)).toBeGreaterThan(0);
  });

  it("is consistent: schedules sum to the principal, the journal to the repaid totals, claims to their lines and splits", async () => {
    const badSchedules = await q(
      `select l.id from "Loan" l join "Instalment" i on i."loanId" = l.id group by l.id, l.principal having sum(i."principalDue") <> l.principal`,
    );
    expect(badSchedules).toEqual([]);
    const badJournal = await q(
      `select l.id from "Loan" l left join "RepaymentEntry" e on e."loanId" = l.id where l.principal is not null group by l.id, l."principalRepaid" having coalesce(sum(e.principal), 0) <> l."principalRepaid"`,
    );
    expect(badJournal).toEqual([]);
    const badClaims = await q(
      `select c.id from "SubsidyClaim" c join "SubsidyClaimLine" x on x."claimId" = c.id group by c.id having sum(x.subsidy) <> c."subsidyTotal" or sum(x.interest) <> c."interestTotal" or sum(x."borrowerShare") <> c."borrowerTotal"`,
    );
    expect(badClaims).toEqual([]);
    const badSplits = await q(
      `select c.id from "SubsidyClaim" c join "SubsidyClaimSplit" s on s."claimId" = c.id group by c.id having sum(s.amount) <> c."subsidyTotal"`,
    );
    expect(badSplits).toEqual([]);
    const [lines] = await q<{ n: string; bad: string; excluded: string }>(
      `select count(*) n, count(*) filter (where subsidy + "borrowerShare" <> interest or subsidy > interest) bad, count(*) filter (where "excludedDays" > 0) excluded from "SubsidyClaimLine"`,
    );
    expect(Number(lines!.n)).toBeGreaterThan(1000);
    expect(Number(lines!.bad)).toBe(0);
    expect(Number(lines!.excluded)).toBeGreaterThan(0); // overdue / extension days earn no subsidy
  });

  it("gives the annual settlement (清算) of 2025 a difference to show, and the claims' steps their dates", async () => {
    // 榆中县's 农村商业银行 (bank 3) claimed 2025 Q1, Q2 and Q4 but not Q3, while its loans earned subsidy then.
    const quarters = await q<{ quarter: number }>(
      `select quarter from "SubsidyClaim" where "countyCode" = '620123' and "bankId" = 3 and year = 2025 order by 1`,
    );
    expect(quarters.map((r) => r.quarter)).toEqual([1, 2, 4]);
    const [earning] = await q<{ n: string }>(
      `select count(*) n from "Loan" where "countyCode" = '620123' and "bankId" = 3 and status <> 'APPLIED'
         and "disbursedDate" <= '2025-09-20' and "maturityDate" >= '2025-06-21'`,
    );
    expect(Number(earning!.n)).toBeGreaterThan(0);
    // Every claim has its steps' dates in order: generated ≤ submitted ≤ decided ≤ paid (Beijing days).
    const [steps] = await q<{
      n: string;
      undated: string;
      disorder: string;
      late: string;
    }>(`select count(*) n,
      count(*) filter (where "submittedAt" is null) undated,
      count(*) filter (where "createdAt" > "submittedAt" or "submittedAt" > "decidedAt"
        or ("decidedAt" at time zone 'Asia/Shanghai')::date > "paidDate") disorder,
      count(*) filter (where ("submittedAt" at time zone 'Asia/Shanghai')::date > "periodEnd" + 10) late
      from "SubsidyClaim"`);
    expect(Number(steps!.n)).toBeGreaterThan(50);
    expect([Number(steps!.undated), Number(steps!.disorder)]).toEqual([0, 0]);
    expect(Number(steps!.late)).toBeGreaterThan(0); // some submitted late, to show on the claim page
  });

  it("has a risk fund per county with deposits by level and compensation payouts", async () => {
    const funds = await q<{
      countyCode: string;
      deposits: string;
      levels: string;
      payouts: string;
    }>(`select f."countyCode",
      sum(e.amount) filter (where e.kind = 'DEPOSIT') deposits, count(distinct e."fundingLevel") levels,
      count(*) filter (where e.kind = 'COMPENSATION') payouts from "RiskFund" f join "FundLedgerEntry" e on e."fundId" = f.id group by 1`);
    expect(funds).toHaveLength(7);
    expect(funds.every((f) => Number(f.deposits) > 0 && Number(f.levels) === 3)).toBe(true);
    expect(funds.reduce((s, f) => s + Number(f.payouts), 0)).toBeGreaterThan(10);
  });

  it("every fund equals its rules: ledger = deposits − payouts + its share of what the journal recovered", async () => {
    const funds = await fundInvariant(q);
    expect(funds).toHaveLength(7);
    for (const f of funds) {
      expect(f.claimsOff).toEqual([]);
      expect(f.ledgerFen).toBe(f.expectedFen);
      expect(f.ledgerFen).toBeGreaterThan(0);
    }
  });

  it("has demo users for every role, with a documented password", async () => {
    const roles = new Set((await q<{ role: string }>(`select distinct role from "User"`)).map((r) => r.role));
    expect(roles).toEqual(new Set(["COUNTY_STAFF", "COUNTY_APPROVER", "CITY_OFFICIAL", "AUDITOR", "ADMIN"]));
  });

  it("has a sample bank statement for last month per county and bank, as a bank writes it (GB18030 CSV)", async () => {
    const samples = await q<{ countyCode: string; bankId: number; month: string; content: Buffer }>(
      `select "countyCode", "bankId", month, content from "BankStatementSample" where kind = 'REPAYMENT'`,
    );
    for (const county of ["620123", "511921", "431124"])
      expect(samples.filter((s) => s.countyCode === county).length).toBeGreaterThanOrEqual(2);
    for (const s of samples) {
      expect(s.month).toBe("2026-11");
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(s.content)).toThrow(); // not UTF-8
      expect(new TextDecoder("gb18030").decode(s.content)).toContain("还款明细");
    }
  });

  it("has a sample interest statement per county and bank for the last settled quarter, on its draft claim's lines", async () => {
    const samples = await q<{
      countyCode: string;
      bankId: number;
      month: string;
      content: Buffer;
      claimStatus: string | null;
      lines: string | null;
      banks: string;
    }>(
      `select s."countyCode", s."bankId", s.month, s.content, c.status::text "claimStatus",
              (select count(*) from "SubsidyClaimLine" x join "Loan" l on l.id = x."loanId"
                where x."claimId" = c.id and l."contractNo" is not null)::text lines,
              (select count(distinct "bankId") from "SubsidyClaim" y where y."countyCode" = s."countyCode")::text banks
         from "BankStatementSample" s
         left join "SubsidyClaim" c on c."countyCode" = s."countyCode" and c."bankId" = s."bankId"
          and c.year || '-Q' || c.quarter = s.month
        where s.kind = 'INTEREST'`,
    );
    expect(new Set(samples.map((s) => s.countyCode)).size).toBe(7);
    for (const s of samples) {
      expect(s.month).toBe("2026-Q3"); // settled on 2026-09-20, before the demo's date 2026-11-20
      expect(Number(s.banks)).toBe(samples.filter((x) => x.countyCode === s.countyCode).length);
      expect(s.claimStatus).toBe("DRAFT"); // a new user can upload it on the claim
      const text = new TextDecoder("gb18030").decode(s.content);
      expect(text).toContain("贴息清单");
      // The bank lists every claim line but one, and one loan the claim does not have; a title, a header, a total.
      expect(text.trimEnd().split("\r\n")).toHaveLength(Number(s.lines) + 3);
    }
  });

  it("has in each county a borrower repaying two loans of one bank (two programmes), and her ID-only row in that bank's sample statement", async () => {
    const pairs = await q<{ countyCode: string; bankId: number; idNumber: string; programmes: string }>(
      `select l."countyCode", l."bankId", b."idNumber", string_agg(distinct l."programmeId"::text, ',') programmes
       from "Loan" l join "Borrower" b on b.id = l."borrowerId" where l.status = 'REPAYING'
       group by 1, 2, 3 having count(*) = 2`,
    );
    for (const county of ["620123", "511921", "431124"]) {
      // One open loan per programme, as the rules allow.
      const pair = pairs.find((p) => p.countyCode === county && p.programmes === "1,2");
      expect(pair, county).toBeTruthy();
      const [sample] = await q<{ content: Buffer }>(
        `select content from "BankStatementSample" where "countyCode" = '${county}' and "bankId" = ${pair!.bankId} and kind = 'REPAYMENT'`,
      );
      const text = new TextDecoder("gb18030").decode(sample!.content);
      const twice = pairs.filter((p) => p.countyCode === county && p.bankId === pair!.bankId);
      expect(twice.some((p) => text.includes(p.idNumber))).toBe(true);
    }
  });

  it("every work list has items for the demo users of 榆中县 (issue 20)", async () => {
    const one = async (text: string) => Number((await q<{ n: string }>(text))[0]!.n);
    const approver = `(select id from "User" where username = 'yz_approver')`;
    // 待我审核: applications, change requests and claims entered by someone else
    expect(
      await one(
        `select count(*) n from "Loan" where "countyCode" = '620123' and status = 'APPLIED' and "makerId" <> ${approver}`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await one(
        `select count(*) n from "LoanRequest" where "countyCode" = '620123' and status = 'PENDING' and "makerId" <> ${approver}`,
      ),
    ).toBeGreaterThan(0);
    // 到期提醒: something unpaid falls due in the 30 days after the demo's date
    expect(
      await one(`select count(distinct i."loanId") n from "Instalment" i join "Loan" l on l.id = i."loanId"
        where l."countyCode" = '620123' and l.status = 'REPAYING' and i."paidDate" is null
          and i."dueDate" between date '2026-11-20' and date '2026-12-20'`),
    ).toBeGreaterThan(0);
    // 催收: cases with a broken promise, a standing one and one never followed up
    expect(
      await one(`select count(*) n from "CollectionCase" where "countyCode" = '620123'`),
    ).toBeGreaterThanOrEqual(5);
    expect(
      await one(
        `select count(*) n from "CollectionEvent" where "countyCode" = '620123' and status = 'PROMISED' and "promiseDate" < date '2026-12-01'`,
      ),
    ).toBe(1);
    expect(
      await one(
        `select count(*) n from "CollectionCase" c where "countyCode" = '620123' and not exists (select 1 from "CollectionEvent" e where e."caseId" = c.id)`,
      ),
    ).toBeGreaterThan(0);
    // the auditor's paid claims
    expect(
      await one(
        `select count(*) n from "CompensationClaim" where "countyCode" like '6201%' and status = 'PAID'`,
      ),
    ).toBeGreaterThan(0);
  });

  it("has insurance on many loans with claims, and a 分贷统还 organisation with one missed benefit payment (issue 23)", async () => {
    const [ins] = await q<{ policies: string; documents: string; claims: string[] }>(
      `select (select count(*) from "InsurancePolicy") policies,
              (select count(*) from "InsurancePolicy" p join "Attachment" a on a.id = p."attachmentId" and a.kind = 'INSURANCE_POLICY' and a."loanId" = p."loanId") documents,
              (select array_agg(status::text order by status) from "InsuranceClaim") claims`,
    );
    expect(Number(ins!.policies)).toBeGreaterThanOrEqual(100);
    expect(Number(ins!.documents)).toBeGreaterThanOrEqual(2);
    expect(ins!.claims).toEqual(["FILED", "PAID", "REJECTED"]);
    const [org] = await q<{ members: string; loans: string; dues: string; payments: string }>(
      `select (select count(*) from "OrganisationMember") members, (select count(*) from "OrganisationLoan") loans,
              (select count(*) from "OrganisationBenefitDue") dues, (select count(*) from "OrganisationBenefitPayment") payments
         from "EconomicOrganisation" where "countyCode" = '620123'`,
    );
    expect(Number(org!.members)).toBe(5);
    expect(Number(org!.loans)).toBe(5);
    expect(Number(org!.dues)).toBe(15);
    expect(Number(org!.payments)).toBeGreaterThan(1);
    // On the demo date: exactly one household-year past due and not paid in full.
    const missed = await q<{ year: number }>(
      `select d.year from "OrganisationBenefitDue" d
        where d."dueDate" < date '2026-11-20'
          and (select coalesce(sum(p.amount), 0) from "OrganisationBenefitPayment" p
                where p."organisationId" = d."organisationId" and p."borrowerId" = d."borrowerId" and p.year = d.year
                  and p."paidDate" <= date '2026-11-20') < d.amount`,
    );
    expect(missed).toHaveLength(1);
  });

  it("has the running rules: targets per township, rectifications of suspended regions, a paid reward with its ledger", async () => {
    const [t] = await q<{ n: string }>(`select count(*) n from "LendingTarget"`);
    expect(Number(t!.n)).toBeGreaterThanOrEqual(3);
    const rects = await q<{ status: string }>(`select status from "Rectification"`);
    expect(rects.length).toBeGreaterThanOrEqual(1);
    const [a] = await q<{ status: string; total: string; lines: string }>(
      `select a.status, a.total::text, (select sum(amount) from "RewardLine" l where l."allocationId" = a.id)::text lines from "RewardAllocation" a`,
    );
    expect(a!.status).toBe("PAID");
    expect(a!.lines).toBe(a!.total); // the allocation is the sum of its lines
    const [net] = await q<{ s: string | null }>(
      `select coalesce(sum(amount), 0)::text s from "RewardLedgerEntry"`,
    );
    expect(net!.s).toBe("0.00"); // allocated, then paid out in full
  });

  it("has credit ratings (approved, expired, pending in every county), eligible households and 信用村 (issue 23)", async () => {
    const D = "2026-11-20"; // DEMO_AS_OF
    const [c] = await q<{
      approved: string;
      expired: string;
      pending: string;
      counties: string;
      flags: string;
    }>(
      `select count(*) filter (where status = 'APPROVED' and "validFrom" <= '${D}' and "validTo" >= '${D}') approved,
              count(*) filter (where status = 'APPROVED' and "validTo" < '${D}') expired,
              count(*) filter (where status = 'PENDING') pending,
              count(distinct "countyCode") filter (where status = 'PENDING') counties,
              (select count(*) from "Borrower" b where b."creditRated" <> exists (select 1 from "CreditRating" r
                 where r."borrowerId" = b.id and r.status = 'APPROVED')) flags
       from "CreditRating"`,
    );
    expect(Number(c!.approved)).toBeGreaterThanOrEqual(2000);
    expect(Number(c!.expired)).toBeGreaterThan(0);
    expect(Number(c!.pending)).toBeGreaterThan(0);
    expect(Number(c!.counties)).toBe(7);
    expect(c!.flags).toBe("0"); // 信用户 exactly when an approved rating exists
    // Per village: eligible households, rated in force, and the year-to-date 到期还款率 (the dashboard's figure).
    const rows = await q<{
      v: string;
      eligible: number;
      rated: string;
      matured: string | null;
      recovered: string | null;
    }>(
      `with rated as (select "villageCode" v, count(distinct "borrowerId") n from "CreditRating"
                      where status = 'APPROVED' and "validFrom" <= '${D}' and "validTo" >= '${D}' group by 1),
            later as (select "loanId", sum(principal) p from "RepaymentEntry" where "valueDate" > '${D}' group by 1),
            m as (select l."villageCode" v, sum(l.principal) matured,
                         sum(least(l.principal, l."principalRepaid" - coalesce(la.p, 0))) recovered
                  from "Loan" l left join later la on la."loanId" = l.id
                  where l."disbursedDate" <= '${D}' and l.status <> 'WRITTEN_OFF'
                    and l."maturityDate" between '2026-01-01' and '${D}' group by 1)
       select h."villageCode" v, h.eligible, coalesce(rated.n, 0)::text rated, m.matured::text, m.recovered::text
       from "VillageHouseholds" h left join rated on rated.v = h."villageCode" left join m on m.v = h."villageCode"`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(50);
    const rule = { creditVillageRatedBp: 8000, creditVillageRepayBp: 9800 }; // the demo policies' defaults
    const qualifying = rows.filter(
      (r) =>
        creditVillage(
          {
            eligible: r.eligible,
            rated: Number(r.rated),
            maturedFen: yuanToFen(r.matured ?? "0"),
            recoveredFen: yuanToFen(r.recovered ?? "0"),
          },
          rule,
        ).qualifies,
    );
    expect(qualifying.length).toBeGreaterThanOrEqual(3);
    // 道县 rated nearly every eligible household (its report: 95.1%).
    const dx = rows.filter((r) => r.v.startsWith("431124"));
    const share = dx.reduce((s, r) => s + Number(r.rated), 0) / dx.reduce((s, r) => s + r.eligible, 0);
    expect(share).toBeGreaterThan(0.9);
  });

  it("leaves the journeys room: 榆中县's funds are within their leverage cap with room for a 10万 loan", async () => {
    const rows = await q<{ fund: string; headroom: string }>(`
      SELECT f.name fund, (COALESCE((SELECT SUM(amount) FROM "FundLedgerEntry" e WHERE e."fundId" = f.id), 0)
        * (SELECT MIN("leverageCap") FROM "PolicyVersion" p JOIN "Programme" g ON g.id = p."programmeId" WHERE g.code = 'WOMEN')
        - COALESCE((SELECT SUM(principal - "principalRepaid") FROM "Loan" l WHERE l."countyCode" = f."countyCode"
            AND l.status = 'REPAYING' AND NOT l."overCap" AND (f."bankId" IS NULL OR l."bankId" = f."bankId")), 0))::text headroom
      FROM "RiskFund" f WHERE f."countyCode" = '620123'`);
    for (const r of rows) expect(Number(r.headroom), r.fund).toBeGreaterThan(100_000);
  });

  it("has surveys on the applications, review notes, visits with photos, and a few overdue visits in 榆中县 (issue 23 item 2)", async () => {
    const [s] = await q<{ loans: string; surveyed: string; decided: string; noted: string }>(`
      SELECT (SELECT count(*) FROM "Loan") loans, (SELECT count(*) FROM "LoanSurvey") surveyed,
             (SELECT count(*) FROM "Loan" WHERE "approverId" IS NOT NULL AND status <> 'REJECTED') decided,
             (SELECT count(*) FROM "Loan" WHERE "reviewNote" IS NOT NULL) noted`);
    expect(s!.surveyed).toBe(s!.loans);
    expect(s!.noted).toBe(s!.decided);
    const [bad] = await q<{ n: string }>(`
      SELECT count(*) n FROM "LoanSurvey" v JOIN "Loan" l ON l.id = v."loanId"
      WHERE v.labourers > v."householdSize" OR v."surveyDate" > l."applicationDate" OR v."projectInvestment" < l."requestedPrincipal"`);
    expect(bad!.n).toBe("0");
    const [v] = await q<{ n: string; photos: string; mismatched: string; outside: string }>(`
      SELECT count(*) n, count("photoId") photos, count(*) FILTER (WHERE NOT "matchesPurpose") mismatched,
             count(*) FILTER (WHERE v."visitDate" < l."disbursedDate" OR v."visitDate" > DATE '2026-11-20') outside
      FROM "LoanVisit" v JOIN "Loan" l ON l.id = v."loanId"`);
    expect(Number(v!.n)).toBeGreaterThan(1000);
    expect(Number(v!.photos)).toBeGreaterThanOrEqual(3);
    expect(Number(v!.mismatched)).toBeGreaterThan(0);
    expect(v!.outside).toBe("0");
    // The overdue-visit rule (services/visits.ts) on the demo's date, for 榆中县: some, not most.
    const [o] = await q<{ overdue: string; repaying: string }>(`
      WITH due AS (
        SELECT l.id, CASE WHEN lv.last IS NULL THEN l."disbursedDate" + p."firstVisitDays"
                          ELSE (lv.last + make_interval(months => p."visitEveryMonths"))::date END AS due
        FROM "Loan" l JOIN "PolicyVersion" p ON p.id = l."policyVersionId"
        LEFT JOIN LATERAL (SELECT max("visitDate") last FROM "LoanVisit" v WHERE v."loanId" = l.id) lv ON TRUE
        WHERE l."countyCode" = '620123' AND l.status = 'REPAYING' AND l."disbursedDate" >= DATE '2024-01-01')
      SELECT count(*) FILTER (WHERE due < DATE '2026-11-20') overdue, count(*) repaying FROM due`);
    expect(Number(o!.overdue)).toBeGreaterThan(0);
    expect(Number(o!.overdue)).toBeLessThan(Number(o!.repaying) / 5);
  });
});
