import "server-only";
import { cache } from "react";
import { can, formatDateTime, formatYuan, scopeFilter, type IsoDate, type Role } from "@/domain";
import { db } from "../db";
import { scopeWhere, type Actor } from "../authz";
import { codePrefix } from "../prefix";
import { decToFen, dateToIso } from "../db-values";
import { todayShanghai } from "../clock";
import { comingDueList, type ComingDueList } from "./coming-due";
import { caseBoard, rowsOfCases, type CaseBoard, type CaseRow } from "./collection";
import { hasInbox, waitingForMe, type InboxItem } from "./inbox";
import { regionLines } from "./dashboard";
import { lateClaims } from "./claims";
import { overdueVisits } from "./visits";
import { missedBenefits } from "./organisations";

/**
 * The page after login (issue 20 item 1): for each role only what that person has to act on, each item one
 * click from where it is done. The navigation's counts come from the same functions (cached per request),
 * so they always match the lists.
 *
 * A later list (the bank statements' unmatched rows, …) is one more entry in HOME_SECTIONS: the roles that
 * see it and a loader returning its count, its first items and the page where the whole list is.
 */
export interface HomeItem {
  key: string;
  /** A code the page translates (an approval kind, an alert kind), or null. */
  tag: string | null;
  title: string;
  /** Values for the section's message (messages "home.facts.<section>"). */
  facts: Record<string, string | number>;
  href: string;
  flagged?: boolean;
}

export interface HomeSection {
  key: string;
  /** Message keys of the title and the facts, when not "home.sections.<key>" / "home.facts.<key>". */
  messages?: { title: string; facts: string };
  count: number;
  href: string;
  items: HomeItem[];
}

interface SectionDef {
  key: string;
  roles: readonly Role[];
  /** An exception list (late claims): shown only when it has something. */
  onlyWhenAny?: boolean;
  load: (actor: Actor, today: IsoDate) => Promise<HomeSection>;
}

const FIRST = 8;
const yuan = (fen: number) => formatYuan(fen, false);

/** Per request: the work lists behind the home page and the navigation's counts. */
export const myComingDue = cache((actor: Actor, today: IsoDate): Promise<ComingDueList> =>
  comingDueList(actor, {}, today),
);
export const myCases = cache((actor: Actor, today: IsoDate): Promise<CaseBoard> =>
  caseBoard(actor, undefined, today),
);
export const myInbox = cache((actor: Actor, today: IsoDate): Promise<InboxItem[]> =>
  hasInbox(actor) ? waitingForMe(actor, today) : Promise.resolve([]),
);

const caseItem = (c: CaseRow): HomeItem => ({
  key: `case-${c.id}`,
  tag: c.state.flagged ? "BROKEN_PROMISE" : null,
  title: `${c.borrowerName} · ${c.villageName}`,
  facts: { days: c.daysPastDue, amount: yuan(c.outstandingFen), last: c.lastActivity ?? "—" },
  href: `/collection/${c.id}`,
  flagged: c.state.flagged,
});

export const HOME_SECTIONS: SectionDef[] = [
  {
    key: "inbox",
    roles: ["COUNTY_APPROVER"],
    load: async (actor, today) => {
      const items = await myInbox(actor, today);
      return {
        key: "inbox",
        count: items.length,
        href: "/inbox",
        items: items.slice(0, FIRST).map((i) => ({
          key: `${i.kind}-${i.id}`,
          tag: i.kind,
          title: i.subject,
          facts: { days: i.ageDays, maker: i.makerName },
          href: i.href,
        })),
      };
    },
  },
  {
    key: "comingDue",
    roles: ["COUNTY_STAFF"],
    load: async (actor, today) => {
      const list = await myComingDue(actor, today);
      return {
        key: "comingDue",
        count: list.totals.loans,
        href: "/due",
        items: list.rows.slice(0, FIRST).map((r) => ({
          key: `due-${r.loanId}`,
          tag: null,
          title: `${r.borrowerName} · ${r.townshipName} ${r.villageName}`,
          facts: { date: r.dueDate, amount: yuan(r.principalFen + r.interestFen) },
          href: `/loans/${r.loanId}`,
        })),
      };
    },
  },
  {
    key: "followUp",
    roles: ["COUNTY_STAFF"],
    load: async (actor, today) => {
      const { open } = await myCases(actor, today);
      // Broken promises first (flagged), then by days past due; only the cases shown are read in full.
      const due = open
        .filter((r) => r.needsFollowUp || r.state.flagged)
        .sort((a, b) => Number(b.state.flagged) - Number(a.state.flagged) || b.daysPastDue - a.daysPastDue);
      return {
        key: "followUp",
        count: due.length,
        href: "/collection?view=followUp",
        items: (await rowsOfCases(actor, due.slice(0, FIRST))).map(caseItem),
      };
    },
  },
  {
    // 贷后回访 (issue 23 item 2): loans whose visit is overdue under their policy's visit rule.
    key: "visits",
    roles: ["COUNTY_STAFF"],
    load: async (actor, today) => {
      const list = await overdueVisits(actor, { limit: FIRST }, today);
      return {
        key: "visits",
        messages: { title: "visits.home.title", facts: "visits.home.facts" },
        count: list.total,
        href: "/visits",
        items: list.rows.map((r) => ({
          key: `visit-${r.loanId}`,
          tag: null,
          title: `${r.borrowerName} · ${r.villageName}`,
          facts: { date: r.dueDate, days: r.daysOverdue, last: r.lastVisitDate ?? "—" },
          href: `/loans/${r.loanId}#visits`,
          flagged: true,
        })),
      };
    },
  },
  {
    key: "lines",
    roles: ["CITY_OFFICIAL"],
    load: async (actor, today) => {
      const l = await regionLines(actor, actor.regionCode, today);
      const items: HomeItem[] = [
        ...l.suspended.map((a, i) => ({
          key: `s-${i}`,
          tag: "SUSPENSION",
          title: a.message,
          facts: {},
          href: a.href,
        })),
        ...l.overCap.map((a, i) => ({
          key: `f-${i}`,
          tag: "FUND_OVER_CAP",
          title: a.message,
          facts: {},
          href: a.href,
        })),
        ...l.below.map((b) => ({
          key: `b-${b.code}`,
          tag: b.crossedThisMonth ? "BELOW_NEW" : "BELOW",
          title: b.name,
          facts: {
            rate: b.rate === null ? "—" : (b.rate * 100).toFixed(2),
            threshold: (l.threshold * 100).toFixed(2),
          },
          href: `/collection/lift?region=${b.code}`,
        })),
      ];
      return { key: "lines", count: items.length, href: "/dashboard", items: items.slice(0, FIRST) };
    },
  },
  {
    key: "exports",
    roles: ["AUDITOR"],
    load: async (actor, today) => {
      const since = new Date(Date.now() - 30 * 86_400_000);
      const where = {
        at: { gte: since },
        outcome: "OK" as const,
        action: { in: ["ledger.export", "worklist.due.export", "worklist.notice.print", "loan.list.export"] },
        ...(scopeFilter(actor.regionCode).prefix
          ? { countyCode: codePrefix(scopeFilter(actor.regionCode).prefix.slice(0, 6)) }
          : {}),
      };
      const [count, events] = await Promise.all([
        db.auditEvent.count({ where }),
        db.auditEvent.findMany({
          where,
          orderBy: { id: "desc" },
          take: FIRST,
          select: { id: true, at: true, username: true, action: true, entityId: true },
        }),
      ]);
      void today;
      return {
        key: "exports",
        count,
        href: "/audit",
        items: events.map((e) => ({
          key: `a-${e.id}`,
          tag: e.action.replaceAll(".", "_"),
          title: e.username ?? "",
          facts: { at: formatDateTime(e.at), what: e.entityId ?? "" },
          href: `/audit`,
        })),
      };
    },
  },
  {
    key: "paidClaims",
    roles: ["AUDITOR"],
    load: async (actor) => {
      const since = new Date(Date.now() - 90 * 86_400_000);
      const county = scopeFilter(actor.regionCode).column === "countyCode";
      const [subsidy, comp] = await Promise.all([
        county
          ? db.subsidyClaim.findMany({
              where: { ...scopeWhere(actor), status: "PAID", paidDate: { gte: since } },
              orderBy: { paidDate: "desc" },
              select: {
                id: true,
                year: true,
                quarter: true,
                subsidyTotal: true,
                paidDate: true,
                bank: { select: { name: true } },
              },
            })
          : Promise.resolve([]),
        db.compensationClaim.findMany({
          where: { loan: scopeWhere(actor), status: "PAID", paidDate: { gte: since } },
          orderBy: { paidDate: "desc" },
          select: {
            id: true,
            loanId: true,
            amount: true,
            paidDate: true,
            loan: { select: { borrower: { select: { name: true } } } },
          },
        }),
      ]);
      const items: HomeItem[] = [
        ...subsidy.map((c) => ({
          key: `sc-${c.id}`,
          tag: "SUBSIDY_CLAIM",
          title: `${c.bank.name} ${c.year}Q${c.quarter}`,
          facts: { date: dateToIso(c.paidDate) ?? "", amount: yuan(decToFen(c.subsidyTotal)) },
          href: `/claims/${c.id}`,
        })),
        ...comp.map((c) => ({
          key: `cc-${c.id}`,
          tag: "COMPENSATION_CLAIM",
          title: c.loan.borrower.name,
          facts: { date: dateToIso(c.paidDate) ?? "", amount: yuan(decToFen(c.amount)) },
          href: `/loans/${c.loanId}`,
        })),
      ].sort((a, b) => String(b.facts.date).localeCompare(String(a.facts.date)));
      return {
        key: "paidClaims",
        count: items.length,
        href: "/ledgers",
        items: items.slice(0, FIRST),
      };
    },
  },
  {
    key: "lateClaims",
    roles: ["COUNTY_STAFF", "COUNTY_APPROVER"],
    onlyWhenAny: true,
    load: async (actor, today) => {
      const late = await lateClaims(actor, today);
      return {
        key: "lateClaims",
        count: late.length,
        href: "/claims",
        items: late.slice(0, FIRST).map((c) => ({
          key: `late-${c.id}`,
          tag: c.step,
          title: `${c.bankName} ${c.year}Q${c.quarter}`,
          facts: { deadline: c.deadline, days: c.daysLate },
          href: `/claims/${c.id}`,
          flagged: true,
        })),
      };
    },
  },
  // 分贷统还 (issue 23 item 5): a household's benefit year past its due date and not paid in full.
  {
    key: "missedBenefits",
    roles: ["COUNTY_STAFF", "CITY_OFFICIAL", "AUDITOR"],
    onlyWhenAny: true,
    load: async (actor, today) => {
      const missed = await missedBenefits(actor, today);
      return {
        key: "missedBenefits",
        messages: {
          title: "organisations.home.sections.missedBenefits",
          facts: "organisations.home.facts.missedBenefits",
        },
        count: missed.length,
        href: "/organisations",
        items: missed.slice(0, FIRST).map((m) => ({
          key: `ob-${m.organisationId}-${m.borrowerId}-${m.year}`,
          tag: null,
          title: `${m.organisationName} · ${m.borrowerName}`,
          facts: { year: m.year, date: m.dueDate, amount: yuan(m.shortFen) },
          href: `/organisations/${m.organisationId}`,
          flagged: true,
        })),
      };
    },
  },
];

/** The home page's sections for the actor's role. */
export async function homeSections(actor: Actor, today: IsoDate = todayShanghai()): Promise<HomeSection[]> {
  const defs = HOME_SECTIONS.filter((s) => s.roles.includes(actor.role));
  const sections = await Promise.all(defs.map((s) => s.load(actor, today)));
  return sections.filter((s, i) => !defs[i]!.onlyWhenAny || s.count > 0);
}

/** The navigation's counts: the same lists the pages show. */
export async function navCounts(
  actor: Actor,
  today: IsoDate = todayShanghai(),
): Promise<{ inbox?: number; due?: number; collection?: number }> {
  const out: { inbox?: number; due?: number; collection?: number } = {};
  const loanScope = can(actor.role, "loan.read") && actor.role !== "ADMIN";
  await Promise.all([
    hasInbox(actor) ? myInbox(actor, today).then((i) => (out.inbox = i.length)) : null,
    loanScope && can(actor.role, "loan.write")
      ? myComingDue(actor, today).then((l) => (out.due = l.totals.loans))
      : null,
    loanScope && can(actor.role, "loan.write")
      ? myCases(actor, today).then((c) => (out.collection = c.counts.open))
      : null,
  ]);
  return out;
}
