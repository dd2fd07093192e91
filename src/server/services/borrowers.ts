import "server-only";
import { pinyin } from "pinyin-pro";
import { codePrefix } from "../prefix";
import { z } from "zod";
import {
  can,
  countyOf,
  maskIdNumber,
  maySearch,
  parseResidentId,
  personalAccess,
  personalView,
  scopeFilter,
  searchKind,
  type IsoDate,
} from "@/domain";
import { Prisma, type HouseholdType } from "@/generated/prisma/client";
import { db } from "../db";
import { actorFields, writeAudit } from "../audit";
import { AppError, conflict, invalid, parseOrInvalid } from "../errors";
import { dateToIso, isoToDate } from "../db-values";
import { todayShanghai } from "../clock";
import {
  inScope,
  requireInScope,
  requirePermission,
  requireRegionInScope,
  scopeWhere,
  type Actor,
} from "../authz";

export const HOUSEHOLD_TYPES = ["POVERTY_ALLEVIATED", "MONITORED", "GENERAL"] as const;

const text = (max: number, required: string) =>
  z.string().trim().min(1, required).max(max, `不能超过${max}个字`);

/** The borrower form, as the server validates it (the same rules for the form and the Excel import). */
export const borrowerInput = z.object({
  name: text(32, "请填写姓名").regex(/^[\p{Script=Han}A-Za-z·・\s]+$/u, "姓名只能包含汉字、字母或间隔号"),
  idNumber: z.string().trim().max(18, "身份证号码应为18位").min(1, "请填写身份证号码"),
  phone: z
    .string()
    .trim()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, "请填写11位手机号码或带区号的固定电话"),
  villageCode: z.string().regex(/^\d{12}$/, "请选择所在村"),
  householdType: z.enum(HOUSEHOLD_TYPES, { message: "请选择户类型" }),
  creditRated: z
    .union([z.literal("on"), z.literal("true"), z.literal("false"), z.literal(""), z.boolean()])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
  industry: text(64, "请填写从事产业"),
  address: z
    .string()
    .trim()
    .max(128, "不能超过128个字")
    .nullish()
    .transform((v) => v || null),
});
export type BorrowerInput = z.input<typeof borrowerInput>;

export const borrowerUpdateInput = borrowerInput.extend({
  id: z.coerce.number().int().positive(),
  version: z.coerce.number().int().positive(),
});

export interface BorrowerDto {
  id: number;
  name: string;
  idNumberMasked: string;
  sex: string;
  /** Birth date and age only for readers with the reveal right; everyone else gets the birth year. */
  birthDate: IsoDate | null;
  age: number | null;
  birthYear: number | null;
  /** 138****5678 unless the reader may see phones (phoneMasked). */
  phone: string;
  phoneMasked: boolean;
  countyCode: string;
  villageCode: string;
  villageName: string;
  townshipName: string;
  countyName: string;
  householdType: HouseholdType;
  creditRated: boolean;
  industry: string;
  address: string | null;
  version: number;
  canEdit: boolean;
  canReveal: boolean;
}

const borrowerSelect = {
  id: true,
  name: true,
  idNumber: true,
  sex: true,
  birthDate: true,
  phone: true,
  countyCode: true,
  villageCode: true,
  householdType: true,
  creditRated: true,
  industry: true,
  address: true,
  version: true,
} satisfies Prisma.BorrowerSelect;

type BorrowerRow = Prisma.BorrowerGetPayload<{ select: typeof borrowerSelect }>;

/**
 * 信用户 from the credit ratings (issue 23): a household with an approved rating is 信用户 while one is in force
 * on the day; the stored yes/no stands only for households never rated in the app (entered or imported before).
 */
async function ratedOn(ids: number[], today: IsoDate): Promise<Map<number, boolean>> {
  const out = new Map<number, boolean>();
  if (!ids.length) return out;
  const rows = await db.creditRating.findMany({
    where: { borrowerId: { in: ids }, status: "APPROVED" },
    select: { borrowerId: true, validFrom: true, validTo: true },
  });
  for (const r of rows)
    out.set(
      r.borrowerId,
      (out.get(r.borrowerId) ?? false) || (dateToIso(r.validFrom) <= today && dateToIso(r.validTo) >= today),
    );
  return out;
}

async function regionNames(codes: string[]): Promise<Map<string, string>> {
  const all = new Set<string>();
  for (const c of codes) {
    all.add(c);
    all.add(c.slice(0, 9));
    all.add(c.slice(0, 6));
  }
  const rows = await db.region.findMany({
    where: { code: { in: [...all] } },
    select: { code: true, name: true },
  });
  return new Map(rows.map((r) => [r.code, r.name]));
}

function toDto(
  actor: Actor,
  b: BorrowerRow,
  names: Map<string, string>,
  today: IsoDate,
  rated: Map<number, boolean> = new Map(),
): BorrowerDto {
  const ownCountyStaff = actor.role === "COUNTY_STAFF" && inScope(actor, b);
  const access = personalAccess(actor.role);
  // ID masked for everyone (the owning county's staff may reveal it, audited); birth and phone by role.
  const view = personalView(
    { idNumber: b.idNumber, birthDate: dateToIso(b.birthDate), phone: b.phone },
    { identity: access.identity && inScope(actor, b), phone: access.phone && inScope(actor, b) },
    today,
  );
  return {
    id: b.id,
    name: b.name,
    idNumberMasked: view.idNumberMasked,
    sex: b.sex,
    birthDate: view.birthDate,
    age: view.age,
    birthYear: view.birthYear,
    phone: view.phone,
    phoneMasked: view.phoneMasked,
    countyCode: b.countyCode,
    villageCode: b.villageCode,
    villageName: names.get(b.villageCode) ?? b.villageCode,
    townshipName: names.get(b.villageCode.slice(0, 9)) ?? "",
    countyName: names.get(b.countyCode) ?? b.countyCode,
    householdType: b.householdType,
    creditRated: rated.get(b.id) ?? b.creditRated,
    industry: b.industry,
    address: b.address,
    version: b.version,
    canEdit: ownCountyStaff,
    canReveal: ownCountyStaff && can(actor.role, "borrower.revealId"),
  };
}

/**
 * The ID-number rule of the borrower form: a valid resident ID (GB 11643), from which sex and birth date are
 * taken. Who may borrow (women only, the ages) is the programme's policy, checked at application
 * (loanEligibility in src/domain), not at registration.
 */
export function checkIdNumber(
  idNumber: string,
): { ok: true; idNumber: string; sex: string; birthDate: IsoDate } | { ok: false; message: string } {
  const id = parseResidentId(idNumber);
  if (!id.ok) return { ok: false, message: id.message };
  return { ok: true, idNumber: id.idNumber, sex: id.sex, birthDate: id.birthDate };
}

/** Validates the ID number and the village; returns the facts the record stores. Throws field errors. */
async function checkBorrower(
  actor: Actor,
  input: z.output<typeof borrowerInput>,
  today: IsoDate,
  excludeId?: number,
) {
  const villageMessage = "请选择您管辖范围内的村";
  await requireRegionInScope(actor, input.villageCode, {
    action: excludeId ? "borrower.update" : "borrower.create",
    entity: "Borrower",
    entityId: excludeId,
    field: "villageCode",
    message: villageMessage,
  });
  const village = await db.region.findUnique({
    where: { code: input.villageCode },
    select: { code: true, level: true },
  });
  if (!village || village.level !== "VILLAGE") throw invalid({ villageCode: [villageMessage] });

  const id = checkIdNumber(input.idNumber);
  if (!id.ok) throw invalid({ idNumber: [id.message] });

  const existing = await db.borrower.findUnique({
    where: { idNumber: id.idNumber },
    select: { id: true, countyCode: true, villageCode: true },
  });
  if (existing && existing.id !== excludeId) {
    const own = inScope(actor, existing);
    throw new AppError(
      "INVALID",
      "该身份证号码已登记",
      {
        idNumber: [
          own ? "该身份证号码已登记，每人只能登记一次" : "该身份证号码已在其他地区登记，每人只能登记一次",
        ],
      },
      own ? { existingId: existing.id } : undefined,
    );
  }
  return { idNumber: id.idNumber, sex: id.sex, birthDate: id.birthDate };
}

/** The columns a validated form writes; the county is derived from the village, never taken from the client. */
function storedFields(
  input: z.output<typeof borrowerInput>,
  facts: Awaited<ReturnType<typeof checkBorrower>>,
) {
  return {
    countyCode: countyOf(input.villageCode),
    villageCode: input.villageCode,
    name: input.name,
    idNumber: facts.idNumber,
    sex: facts.sex,
    birthDate: isoToDate(facts.birthDate),
    phone: input.phone,
    householdType: input.householdType,
    creditRated: input.creditRated,
    industry: input.industry,
    address: input.address,
  };
}

export async function createBorrower(
  actor: Actor,
  raw: unknown,
  today: IsoDate = todayShanghai(),
): Promise<BorrowerDto> {
  await requirePermission(actor, "borrower.write", { action: "borrower.create", entity: "Borrower" });
  const input = parseOrInvalid(borrowerInput, raw);
  const facts = await checkBorrower(actor, input, today);
  try {
    const created = await db.$transaction(async (tx) => {
      const b = await tx.borrower.create({
        data: {
          ...storedFields(input, facts),
          createdById: actor.id,
        },
        select: borrowerSelect,
      });
      await writeAudit(tx, {
        action: "borrower.create",
        entity: "Borrower",
        entityId: String(b.id),
        countyCode: b.countyCode,
        after: { ...b, idNumber: maskIdNumber(b.idNumber) },
        outcome: "OK",
        ...actorFields(actor),
      });
      return b;
    });
    return toDto(actor, created, await regionNames([created.villageCode]), today);
  } catch (e) {
    // Two people registering the same ID at the same moment: the unique index decides.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw invalid({ idNumber: ["该身份证号码已登记，每人只能登记一次"] });
    throw e;
  }
}

export async function updateBorrower(
  actor: Actor,
  raw: unknown,
  today: IsoDate = todayShanghai(),
): Promise<BorrowerDto> {
  const input = parseOrInvalid(borrowerUpdateInput, raw);
  const target = { action: "borrower.update", entity: "Borrower", entityId: input.id };
  await requirePermission(actor, "borrower.write", target);
  const before = await requireInScope(
    actor,
    await db.borrower.findUnique({ where: { id: input.id }, select: borrowerSelect }),
    target,
  );
  const facts = await checkBorrower(actor, input, today, input.id);
  // A household with an approved rating is 信用户 by its ratings, not by the form's checkbox (issue 23).
  const rated = await ratedOn([input.id], today);
  const updated = await db.$transaction(async (tx) => {
    // Optimistic concurrency: the update only applies to the version the user saw.
    const res = await tx.borrower.updateMany({
      where: { id: input.id, version: input.version },
      data: {
        ...storedFields(input, facts),
        ...(rated.has(input.id) ? { creditRated: before.creditRated } : {}),
        version: { increment: 1 },
      },
    });
    if (res.count === 0) throw conflict("该记录已被其他人修改，请刷新后重新编辑");
    const after = await tx.borrower.findUniqueOrThrow({ where: { id: input.id }, select: borrowerSelect });
    // Her file follows her (the region scope of attachments, decision 041).
    if (after.villageCode !== before.villageCode)
      await tx.attachment.updateMany({
        where: { borrowerId: input.id },
        data: { countyCode: after.countyCode, villageCode: after.villageCode },
      });
    // So do her credit ratings (the village's 授信率 and the region scope).
    if (after.villageCode !== before.villageCode)
      await tx.creditRating.updateMany({
        where: { borrowerId: input.id },
        data: { countyCode: after.countyCode, villageCode: after.villageCode },
      });
    await writeAudit(tx, {
      action: "borrower.update",
      entity: "Borrower",
      entityId: String(input.id),
      countyCode: after.countyCode,
      before: { ...before, idNumber: maskIdNumber(before.idNumber) },
      after: { ...after, idNumber: maskIdNumber(after.idNumber) },
      outcome: "OK",
      ...actorFields(actor),
    });
    return after;
  });
  return toDto(actor, updated, await regionNames([updated.villageCode]), today, rated);
}

export async function getBorrower(
  actor: Actor,
  id: number,
  today: IsoDate = todayShanghai(),
): Promise<BorrowerDto> {
  const target = { action: "borrower.read", entity: "Borrower", entityId: id };
  await requirePermission(actor, "borrower.read", target);
  const b = await requireInScope(
    actor,
    await db.borrower.findUnique({ where: { id }, select: borrowerSelect }),
    target,
  );
  return toDto(actor, b, await regionNames([b.villageCode]), today, await ratedOn([b.id], today));
}

export interface RevealedPersonalData {
  idNumber: string;
  phone: string;
  birthDate: IsoDate | null;
}

/**
 * The full ID number, birth date and phone, for the owning county's staff only (`borrower.revealId`); every
 * reveal is audited, naming what was revealed.
 */
export const revealInput = z.object({ id: z.number().int().positive() });

export async function revealPersonalData(actor: Actor, raw: unknown): Promise<RevealedPersonalData> {
  const { id } = parseOrInvalid(revealInput, raw);
  const target = { action: "borrower.revealId", entity: "Borrower", entityId: id };
  await requirePermission(actor, "borrower.revealId", target);
  const b = await requireInScope(
    actor,
    await db.borrower.findUnique({
      where: { id },
      select: { idNumber: true, phone: true, birthDate: true, countyCode: true, villageCode: true },
    }),
    target,
  );
  await writeAudit(db, {
    ...target,
    entityId: String(id),
    countyCode: b.countyCode,
    after: { revealed: ["idNumber", "birthDate", "phone"] },
    outcome: "OK",
    ...actorFields(actor),
  });
  return { idNumber: b.idNumber, phone: b.phone, birthDate: dateToIso(b.birthDate) };
}

/** The full ID number (the edit form needs it): the same audited reveal. */
export async function revealIdNumber(actor: Actor, id: number): Promise<string> {
  return (await revealPersonalData(actor, { id })).idNumber;
}

export const borrowerSearchQuery = z.object({
  q: z.string().trim().max(64).optional(),
  villageCode: z
    .string()
    .regex(/^\d{9,12}$/)
    .optional(),
  after: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * Search by name, full ID number, phone or village, inside the actor's region; newest first, keyset pages.
 * A full ID number only for readers with the reveal right, a phone prefix only for readers of phones
 * (maySearch): for others such a search finds nothing, so it cannot confirm a guess of hidden digits.
 */
export async function searchBorrowers(
  actor: Actor,
  raw: z.input<typeof borrowerSearchQuery>,
  today: IsoDate = todayShanghai(),
) {
  await requirePermission(actor, "borrower.read", { action: "borrower.search", entity: "Borrower" });
  const query = parseOrInvalid(borrowerSearchQuery, raw);
  const where: Prisma.BorrowerWhereInput = { ...scopeWhere(actor) };
  if (query.villageCode) where.AND = [{ villageCode: codePrefix(query.villageCode) }];
  if (query.after) where.id = { lt: query.after };
  if (query.q) {
    const q = query.q;
    const kind = searchKind(q);
    if (!maySearch(kind, personalAccess(actor.role))) where.id = { in: [] };
    else if (kind === "ID_NUMBER") where.idNumber = q.toUpperCase();
    else if (kind === "PHONE") where.phone = codePrefix(q);
    else where.name = { contains: q };
  }
  const rows = await db.borrower.findMany({
    where,
    orderBy: { id: "desc" },
    take: query.limit + 1,
    select: borrowerSelect,
  });
  const page = rows.slice(0, query.limit);
  const [names, rated] = await Promise.all([
    regionNames(page.map((b) => b.villageCode)),
    ratedOn(
      page.map((b) => b.id),
      today,
    ),
  ]);
  return {
    rows: page.map((b) => toDto(actor, b, names, today, rated)),
    nextAfter: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Townships and villages of the actor's region, for the village picker. */
/** The letters a clerk may type to find a place: full pinyin and initials, without tones ("zhoujiabacun", "zjbc"). */
function pinyinKeys(name: string): string {
  const full = pinyin(name, { toneType: "none", type: "array", nonZh: "consecutive" }).join("");
  const initials = pinyin(name, {
    pattern: "first",
    toneType: "none",
    type: "array",
    nonZh: "consecutive",
  }).join("");
  return `${full} ${initials}`.toLowerCase();
}

export async function villageOptions(actor: Actor): Promise<VillageGroupDto[]> {
  const villages = await db.region.findMany({
    // Village codes begin with their county's (and township's) code, so the scope prefix selects them.
    where: { level: "VILLAGE", code: { startsWith: scopeFilter(actor.regionCode).prefix } },
    orderBy: { code: "asc" },
    select: { code: true, name: true, parent: { select: { name: true } } },
  });
  const groups = new Map<string, VillageGroupDto["villages"]>();
  for (const v of villages) {
    const key = v.parent?.name ?? "";
    groups.set(key, [...(groups.get(key) ?? []), { code: v.code, name: v.name, keys: pinyinKeys(v.name) }]);
  }
  return [...groups.entries()].map(([township, vs]) => ({
    township,
    keys: pinyinKeys(township),
    villages: vs,
  }));
}

/** The villages of a scope by township, with the pinyin a search may match (see pinyinKeys). */
export interface VillageGroupDto {
  township: string;
  keys: string;
  villages: { code: string; name: string; keys: string }[];
}
