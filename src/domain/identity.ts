/**
 * Identity numbers.
 * - 18-character resident ID (GB 11643-1999, check digit ISO 7064 MOD 11-2): region (6) · birth date (8) ·
 *   sequence (3, odd = male, even = female) · check (1).
 * - Unified social credit code (GB 32100-2015): 18 characters, check over 31 characters; cooperatives
 *   (农民专业合作社) start with "93".
 */
import { addDays, isIsoDate, type IsoDate } from "./dates";
import { fail } from "./errors";

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = "10X98765432";

export type ResidentIdResult =
  | { ok: true; idNumber: string; birthDate: IsoDate; sex: "F" | "M"; regionCode: string }
  | { ok: false; reason: ResidentIdReason; message: string };

export type ResidentIdReason = "LENGTH" | "CHARACTERS" | "BIRTH_DATE" | "CHECK_DIGIT";

export const RESIDENT_ID_MESSAGES: Record<ResidentIdReason, string> = {
  LENGTH: "身份证号码应为18位",
  CHARACTERS: "身份证号码前17位应为数字，最后一位为数字或X",
  BIRTH_DATE: "身份证号码中的出生日期无效",
  CHECK_DIGIT: "身份证号码校验位不正确，请核对",
};

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export function parseResidentId(input: string): ResidentIdResult {
  const id = input.trim().toUpperCase();
  const no = (reason: ResidentIdReason) => ({
    ok: false as const,
    reason,
    message: RESIDENT_ID_MESSAGES[reason],
  });
  if (id.length !== 18) return no("LENGTH");
  if (!/^\d{17}[\dX]$/.test(id)) return no("CHARACTERS");
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isIsoDate(birthDate) || birthDate < "1900-01-01") return no("BIRTH_DATE");
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return no("CHECK_DIGIT");
  return {
    ok: true,
    idNumber: id,
    birthDate,
    sex: Number(id[16]) % 2 === 0 ? "F" : "M",
    regionCode: id.slice(0, 6),
  };
}

/** Builds a valid ID number (for demo data and tests): region, birth date, 3-digit sequence. */
export function makeResidentId(regionCode: string, birthDate: IsoDate, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`;
  if (!/^\d{17}$/.test(first17)) throw new RangeError("makeResidentId: region 6 digits, sequence 0–999");
  return first17 + residentIdCheckChar(first17);
}

/** Age in whole years on a date. */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  if (!isIsoDate(birthDate))
    fail("BAD_DATE", `birth date must be a calendar date (got "${birthDate}")`, "birthDate");
  if (!isIsoDate(on)) fail("BAD_DATE", `date must be a calendar date (got "${on}")`, "date");
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/**
 * 620123***********4: the region (positions 1–6, which the village already implies) and the check character.
 * The birth date and the sequence stay hidden, so with the birth year and the sex (what a role without the
 * reveal sees besides) about 365 × 500 ÷ 11 ≈ 16,600 numbers remain possible (countIdCandidates). Showing
 * one more character would leave about a tenth of that. Anything that is not an 18-character number is
 * hidden whole. ledgers.ts's displaySql repeats this rule in SQL.
 */
export function maskIdNumber(id: string): string {
  if (id.length !== 18) return "*".repeat(id.length);
  return id.slice(0, 6) + "*".repeat(11) + id.slice(17);
}

/** What a page shows about a person's ID number, birth and sex: every field is a constraint on the number. */
export interface IdentityView {
  /** The number as shown: 18 characters, "*" where hidden. */
  masked: string;
  /** The region known anyway (the village's county): used where the mask hides the region. */
  regionCode: string;
  sex?: "F" | "M" | null;
  birthDate?: IsoDate | null;
  birthYear?: number | null;
  /** Age in whole years on a date. */
  age?: { years: number; on: IsoDate } | null;
}

/**
 * How many valid 18-character ID numbers agree with everything a view shows (region, birth date, sequence
 * parity, visible characters and the check character): the work left to whoever wants the full number.
 * Exact: every calendar date allowed by the view, times the sequences allowed, filtered by the check
 * character (ISO 7064 MOD 11-2) through a histogram of the sequences' contribution mod 11.
 */
export function countIdCandidates(v: IdentityView): number {
  const m = v.masked.toUpperCase();
  if (!/^[\d*]{17}[\dX*]$/.test(m) || !/^\d{6}$/.test(v.regionCode)) return 0;
  const region = [...m.slice(0, 6)].map((c, i) => (c === "*" ? v.regionCode[i]! : c)).join("");
  const shown = (i: number, c: string) => m[i] === "*" || m[i] === c;

  // The sequences (positions 15–17) the view allows, by their weighted sum mod 11.
  const bySum = new Array<number>(11).fill(0);
  for (let s = 0; s < 1000; s++) {
    const d = String(s).padStart(3, "0");
    if (v.sex && (Number(d[2]) % 2 === 0 ? "F" : "M") !== v.sex) continue;
    if (![...d].every((c, j) => shown(14 + j, c))) continue;
    bySum[
      (Number(d[0]) * ID_WEIGHTS[14] + Number(d[1]) * ID_WEIGHTS[15] + Number(d[2]) * ID_WEIGHTS[16]) % 11
    ]!++;
  }

  // The birth dates the view allows: within the narrowest year range it implies, checked one by one.
  let fromYear = 1900;
  let toYear = 2099;
  const narrow = (a: number, b: number) => {
    fromYear = Math.max(fromYear, a);
    toYear = Math.min(toYear, b);
  };
  if (v.birthDate) narrow(Number(v.birthDate.slice(0, 4)), Number(v.birthDate.slice(0, 4)));
  if (v.birthYear != null) narrow(v.birthYear, v.birthYear);
  if (v.age) {
    const y = Number(v.age.on.slice(0, 4)) - v.age.years;
    narrow(y - 1, y);
  }
  let regionSum = 0;
  for (let i = 0; i < 6; i++) regionSum += Number(region[i]) * ID_WEIGHTS[i]!;
  let count = 0;
  for (let date: IsoDate = `${fromYear}-01-01`; date <= `${toYear}-12-31`; date = addDays(date, 1)) {
    if (v.birthDate && date !== v.birthDate) continue;
    if (v.age && ageOn(date, v.age.on) !== v.age.years) continue;
    const digits = date.replaceAll("-", "");
    if (![...digits].every((c, j) => shown(6 + j, c))) continue;
    let sum = regionSum;
    for (let j = 0; j < 8; j++) sum += Number(digits[j]) * ID_WEIGHTS[6 + j]!;
    if (m[17] === "*") count += bySum.reduce((a, b) => a + b, 0);
    else count += bySum[(((ID_CHECK.indexOf(m[17]!) - sum) % 11) + 11) % 11]!;
  }
  return count;
}

const CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CHARS.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

export function isValidCreditCode(input: string): boolean {
  const code = input.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** A farmers' cooperative (农民专业合作社) registered with market regulation: "93". */
export function isCooperativeCreditCode(input: string): boolean {
  return isValidCreditCode(input) && input.trim().toUpperCase().startsWith("93");
}
