/**
 * Personal data on screen: what each role sees of a borrower's ID number, birth and phone (SECURITY.md).
 * - The ID number is always shown masked (maskIdNumber); only `borrower.revealId` (the county's staff) sees the
 *   full birth date and age, and reveals the number, audited. Everyone else sees the birth year, never the
 *   date: with the mask that leaves ≥ 10,000 possible numbers (countIdCandidates). The birth year, not the
 *   age, because an age watched day by day changes on the birthday.
 * - Phones: `borrower.readPhone` (the county's staff and approver) see them; others see 138****5678.
 */
import { ageOn, maskIdNumber } from "./identity";
import type { IsoDate } from "./dates";
import { can, type Role } from "./roles";

/** 13812345678 → 138****5678; a landline keeps its area code and at most the last four digits, hiding ≥ 4. */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (/^1\d{10}$/.test(p)) return `${p.slice(0, 3)}****${p.slice(7)}`;
  const landline = /^(0\d{2,3})(-?)(\d{7,8})$/.exec(p);
  if (landline) {
    const [, area, dash, local] = landline as unknown as [string, string, string, string];
    const keep = Math.min(4, local.length - 4); // at least four digits hidden, as on a mobile number
    return `${area}${dash}${"*".repeat(local.length - keep)}${local.slice(-keep)}`;
  }
  return "*".repeat(p.length);
}

export interface PersonalAccess {
  /** Full birth date and age; the number itself only through the audited reveal. */
  identity: boolean;
  phone: boolean;
}

/** What a role may see of the borrowers in its region. */
export function personalAccess(role: Role): PersonalAccess {
  return { identity: can(role, "borrower.revealId"), phone: can(role, "borrower.readPhone") };
}

export interface PersonalView {
  idNumberMasked: string;
  birthDate: IsoDate | null;
  age: number | null;
  birthYear: number | null;
  phone: string;
  phoneMasked: boolean;
}

/** The ID, birth and phone fields of a borrower as a reader with `access` sees them on `today`. */
export function personalView(
  facts: { idNumber: string; birthDate: IsoDate | null; phone: string },
  access: PersonalAccess,
  today: IsoDate,
): PersonalView {
  const birth = facts.birthDate;
  return {
    idNumberMasked: maskIdNumber(facts.idNumber),
    birthDate: access.identity ? birth : null,
    age: access.identity && birth ? ageOn(birth, today) : null,
    birthYear: birth ? Number(birth.slice(0, 4)) : null,
    phone: access.phone ? facts.phone : maskPhone(facts.phone),
    phoneMasked: !access.phone,
  };
}

export type SearchKind = "ID_NUMBER" | "PHONE" | "NAME";

/**
 * What a search box text looks for. Digits search only where the reader sees them: a full ID number only
 * with the reveal right, a phone prefix only with the phone right (otherwise an exact-match or prefix
 * search would confirm guesses of the hidden digits one by one). Refused kinds find nothing.
 */
export function searchKind(q: string): SearchKind {
  if (/^\d{17}[\dXx]$/.test(q)) return "ID_NUMBER";
  if (/^\d{6,11}$/.test(q)) return "PHONE";
  return "NAME";
}

export function maySearch(kind: SearchKind, access: PersonalAccess): boolean {
  return kind === "ID_NUMBER" ? access.identity : kind === "PHONE" ? access.phone : true;
}

/**
 * An audit record's before/after as shown to its readers: ID numbers masked (again: events written before
 * the current mask carry more characters), birth dates cut to the year, phones masked — at any depth.
 */
export function redactPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPersonal);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (typeof v === "string" && k === "idNumber") return [k, maskIdNumber(v)];
      if (typeof v === "string" && k === "phone") return [k, maskPhone(v)];
      if (typeof v === "string" && k === "birthDate") return [k, v.slice(0, 4)];
      return [k, redactPersonal(v)];
    }),
  );
}
