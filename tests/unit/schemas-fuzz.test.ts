import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as admin from "@/server/services/admin";
import * as auditLog from "@/server/services/audit-log";
import * as borrowers from "@/server/services/borrowers";
import * as claims from "@/server/services/claims";
import * as fund from "@/server/services/fund";
import * as lifecycle from "@/server/services/lifecycle";
import * as loans from "@/server/services/loans";
import * as login from "@/server/services/login";
import * as policies from "@/server/services/policies";

/**
 * Every input schema the server exposes (found by walking the services' exports, so a new one is covered
 * when it is added), fuzzed with fast-check: whatever arrives — wrong types, missing fields, random text,
 * 100,000-character strings — parsing never throws, refuses with a message in Chinese for the field, and
 * every field has a length limit.
 */
const modules = { admin, auditLog, borrowers, claims, fund, lifecycle, loans, login, policies };
const schemas = Object.entries(modules).flatMap(([m, exports]) =>
  Object.entries(exports)
    .filter(([, v]) => v instanceof z.ZodType)
    .map(([name, s]) => [`${m}.${name}`, s as z.ZodType] as const),
);

function fieldsOf(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, unknown>;
  };
  return Object.keys(json.properties ?? {});
}

const CJK = /[\u3400-\u9fff]/;
const value = fc.oneof(
  fc.string(),
  fc.string({ minLength: 100, maxLength: 400 }),
  fc.constantFrom("", " ", "0", "-1", "1e309", "NaN", "2025-02-30", "<script>", '=HYPERLINK("x")', "١٢٣"),
  fc.integer().map(String),
  fc.constant(undefined),
);

describe("input schemas under fuzzing", () => {
  it("finds the schemas", () => {
    expect(schemas.length).toBeGreaterThanOrEqual(20);
  });

  it.each(schemas)("%s: never throws; refusals name the field in Chinese", (_name, schema) => {
    const keys = fieldsOf(schema);
    const input = fc.oneof(
      fc.anything(),
      keys.length ? fc.dictionary(fc.constantFrom(...keys), value) : fc.constant({}),
      keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, value]))) : fc.constant({}),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const r = schema.safeParse(raw);
        if (r.success) {
          // Actions parse the form and services parse that output again: parsing must be idempotent.
          const again = schema.safeParse(r.data);
          expect(
            again.success,
            `output refused on the second parse: ${JSON.stringify(again.error?.issues)}`,
          ).toBe(true);
          expect(again.data).toEqual(r.data);
          return;
        }
        for (const issue of r.error.issues) {
          expect(issue.message, `${JSON.stringify(issue.path)}: ${issue.message}`).toMatch(CJK);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a policy and a fund without the optional fields survive the second parse (found by the authorization matrix)", () => {
    const policy = {
      programmeId: "1",
      regionCode: "620123",
      name: "政策",
      validFrom: "2030-01-01",
      validTo: "",
      maxPrincipal: "300000",
      maxTermMonths: "36",
      rateRule: "LPR_1Y_PLUS_SPREAD",
      rateCapSpread: "1.50",
      subsidyMode: "FULL",
      borrowerSpread: "1.50",
      subsidyShare: "100",
      shareCentral: "0",
      shareProvincial: "0",
      shareCity: "0",
      shareCounty: "100",
      dayCountBasis: "360",
      leverageCap: "10",
      compensationShare: "80",
    };
    for (const [schema, raw] of [
      [policies.policyInput, policy],
      [fund.createFundInput, { name: "榆中县风险补偿金", bankId: "" }],
    ] as const) {
      const once = schema.parse(raw);
      expect(schema.parse(once)).toEqual(once);
    }
  });

  it.each(schemas.filter(([, s]) => fieldsOf(s).length > 0))(
    "%s: a 100,000-character value is refused in every field",
    (_name, schema) => {
      for (const key of fieldsOf(schema)) {
        const r = schema.safeParse({ [key]: "1".repeat(100_000) });
        expect(r.success, key).toBe(false);
        const mine = r.success ? [] : r.error.issues.filter((i) => i.path[0] === key);
        expect(mine.length, `${key} has no length limit`).toBeGreaterThan(0);
      }
    },
  );
});
