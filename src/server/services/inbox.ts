import "server-only";
import { can, daysBetween, scopeFilter, type IsoDate, type Permission } from "@/domain";
import { db } from "../db";
import { requirePermission, scopeWhere, type Actor } from "../authz";
import { decToFen } from "../db-values";
import { todayShanghai } from "../clock";

/**
 * 待我审核 (DOMAIN §16 "Waiting for me"): everything in the approver's region waiting for a second person,
 * never what she entered herself, oldest first with its age in days. Each item links to the record's own
 * page, where the existing service decides — this module only reads.
 *
 * A later kind of approval (reward allocations, rectifications, monthly reports) is one more entry in
 * INBOX_SOURCES: a permission and a query returning pending items in scope that the actor did not make.
 */
export type InboxKind =
  "APPLICATION" | "EXTENSION" | "WRITE_OFF" | "VOID" | "SUBSIDY_CLAIM" | "COMPENSATION_CLAIM" | (string & {});

export interface InboxItem {
  kind: InboxKind;
  /** The record's id (unique within its kind). */
  id: number;
  href: string;
  /** Who or what it is about: the borrower, or the claim's bank and quarter. */
  subject: string;
  amountFen: number | null;
  makerName: string;
  countyCode: string;
  /** When it was entered (ISO instant) and its age in whole days (Beijing calendar days). */
  since: string;
  ageDays: number;
}

type Raw = Omit<InboxItem, "ageDays" | "since" | "makerName"> & { since: Date; makerId: number };

export interface InboxSource {
  kind: InboxKind | InboxKind[];
  /** The permission of the service that decides it (the decision itself stays there). */
  permission: Permission;
  pending: (actor: Actor) => Promise<Raw[]>;
}

const notMine = (actor: Actor) => ({ makerId: { not: actor.id } });
/** County-level records (claims cover a whole county): none for a township or village scope. */
const countyLevel = (actor: Actor) => scopeFilter(actor.regionCode).column === "countyCode";

export const INBOX_SOURCES: InboxSource[] = [
  {
    kind: "APPLICATION",
    permission: "loan.approve",
    pending: async (actor) =>
      (
        await db.loan.findMany({
          where: { ...scopeWhere(actor), status: "APPLIED", ...notMine(actor) },
          select: {
            id: true,
            countyCode: true,
            createdAt: true,
            makerId: true,
            requestedPrincipal: true,
            borrower: { select: { name: true } },
          },
        })
      ).map((l) => ({
        kind: "APPLICATION",
        id: l.id,
        href: `/loans/${l.id}`,
        subject: l.borrower.name,
        amountFen: decToFen(l.requestedPrincipal),
        countyCode: l.countyCode,
        since: l.createdAt,
        makerId: l.makerId,
      })),
  },
  {
    kind: ["EXTENSION", "WRITE_OFF", "VOID"],
    permission: "loan.approve",
    pending: async (actor) =>
      (
        await db.loanRequest.findMany({
          where: { loan: scopeWhere(actor), status: "PENDING", ...notMine(actor) },
          select: {
            id: true,
            kind: true,
            countyCode: true,
            createdAt: true,
            makerId: true,
            loan: {
              select: {
                id: true,
                principal: true,
                principalRepaid: true,
                borrower: { select: { name: true } },
              },
            },
          },
        })
      ).map((r) => ({
        kind: r.kind,
        id: r.id,
        href: `/loans/${r.loan.id}#requests`,
        subject: r.loan.borrower.name,
        amountFen: decToFen(r.loan.principal) - decToFen(r.loan.principalRepaid),
        countyCode: r.countyCode,
        since: r.createdAt,
        makerId: r.makerId,
      })),
  },
  {
    kind: "SUBSIDY_CLAIM",
    permission: "claim.approve",
    pending: async (actor) =>
      !countyLevel(actor)
        ? []
        : (
            await db.subsidyClaim.findMany({
              where: { ...scopeWhere(actor), status: "SUBMITTED", ...notMine(actor) },
              select: {
                id: true,
                countyCode: true,
                createdAt: true,
                makerId: true,
                year: true,
                quarter: true,
                subsidyTotal: true,
                bank: { select: { name: true } },
              },
            })
          ).map((c) => ({
            kind: "SUBSIDY_CLAIM",
            id: c.id,
            href: `/claims/${c.id}`,
            subject: `${c.bank.name} ${c.year}Q${c.quarter}`,
            amountFen: decToFen(c.subsidyTotal),
            countyCode: c.countyCode,
            since: c.createdAt,
            makerId: c.makerId,
          })),
  },
  {
    kind: "COMPENSATION_CLAIM",
    permission: "claim.approve",
    pending: async (actor) =>
      (
        await db.compensationClaim.findMany({
          where: { loan: scopeWhere(actor), status: "SUBMITTED", ...notMine(actor) },
          select: {
            id: true,
            countyCode: true,
            createdAt: true,
            makerId: true,
            amount: true,
            loan: { select: { borrower: { select: { name: true } } } },
          },
        })
      ).map((c) => ({
        kind: "COMPENSATION_CLAIM",
        id: c.id,
        href: `/fund#comp-${c.id}`,
        subject: c.loan.borrower.name,
        amountFen: decToFen(c.amount),
        countyCode: c.countyCode,
        since: c.createdAt,
        makerId: c.makerId,
      })),
  },
  {
    // Credit rating (issue 23): a household's rating waits for a second person.
    kind: "CREDIT_RATING",
    permission: "credit.approve",
    pending: async (actor) =>
      (
        await db.creditRating.findMany({
          where: { ...scopeWhere(actor), status: "PENDING", ...notMine(actor) },
          select: {
            id: true,
            countyCode: true,
            createdAt: true,
            makerId: true,
            creditLimit: true,
            borrower: { select: { id: true, name: true } },
          },
        })
      ).map((c) => ({
        kind: "CREDIT_RATING",
        id: c.id,
        href: `/borrowers/${c.borrower.id}#credit`,
        subject: c.borrower.name,
        amountFen: decToFen(c.creditLimit),
        countyCode: c.countyCode,
        since: c.createdAt,
        makerId: c.makerId,
      })),
  },
];

/** Whether the role approves anything the inbox lists. */
export function hasInbox(actor: Pick<Actor, "role">): boolean {
  return INBOX_SOURCES.some((s) => can(actor.role, s.permission));
}

/** Everything waiting for this approver, oldest first. */
export async function waitingForMe(actor: Actor, today: IsoDate = todayShanghai()): Promise<InboxItem[]> {
  if (!hasInbox(actor)) {
    await requirePermission(actor, "loan.approve", { action: "inbox.read", entity: "Inbox" });
    return [];
  }
  const sources = INBOX_SOURCES.filter((s) => can(actor.role, s.permission));
  const raw = (await Promise.all(sources.map((s) => s.pending(actor)))).flat();
  const makers = new Map(
    (
      await db.user.findMany({
        where: { id: { in: [...new Set(raw.map((r) => r.makerId))] } },
        select: { id: true, displayName: true },
      })
    ).map((u) => [u.id, u.displayName]),
  );
  return raw
    .sort((a, b) => a.since.getTime() - b.since.getTime() || a.id - b.id)
    .map(({ makerId, since, ...r }) => ({
      ...r,
      makerName: makers.get(makerId) ?? "",
      since: since.toISOString(),
      ageDays: Math.max(0, daysBetween(todayShanghai(since), today)),
    }));
}
