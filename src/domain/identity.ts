/**
 * Identity numbers.
 * - 18-character resident ID (GB 11643-1999, check digit ISO 7064 MOD 11-2): region (6) · birth date (8) ·
 *   sequence (3, odd = male, even = female) · check (1).
 * - Unified social credit code (GB 32100-2015): 18 characters, check over 31 characters; cooperatives
 *   (农民专业合作社) start with "93".
 */
import { isIsoDate, type IsoDate } from "./dates";
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

/** 5113**********0014: first 4 and last 4 characters visible. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return "*".repeat(id.length);
  return id.slice(0, 4) + "*".repeat(id.length - 8) + id.slice(-4);
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
