import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ASSESSMENT_RULE, RULE_DEFAULTS } from "@/domain";

/**
 * Issue 19 item 6: no rule value remains as a literal in services or pages — each is a dated policy setting
 * (src/domain RULE_DEFAULTS only fills in where no policy version is in force). These are the literals the
 * issue found; a new one of them in src/server or src/app fails here.
 */
const KNOWN: [string, RegExp][] = [
  ["the 98% threshold in basis points", /\b9_?800\b/],
  ["the 98% threshold as a fraction", /\b0\.98\b/],
  ["the 3:2:4:1 reward split", /\[\s*3\s*,\s*2\s*,\s*4\s*,\s*1\s*\]/],
  ["the 2% reward rate as a fallback", /\?\?\s*200\b/],
  ["the 90 days of compensation in SQL", /::date\s*-\s*90\b/],
  // (PAR90 and the > 180 days bucket are definitions of DOMAIN §4–5, not rules: they are not matched.)
  ["the compensation or write-off days in a message", /逾期已达90天|逾期180天以上的贷款/],
  ["the write-off days in code", /&&\s*dpd\s*>\s*180\)/],
  ["the 18–65 ages at registration", /\b(?:MIN|MAX)_AGE\s*=\s*\d+/],
  ["women-only at registration", /仅面向女性借款人：该身份证号码为男性/],
  // A policy field read with a number as its fallback (`?.leverageCap ?? 5`): the fallback is RULE_DEFAULTS.
  [
    "a policy setting with a literal fallback",
    new RegExp(`\\.(?:${Object.keys(RULE_DEFAULTS).join("|")})\\s*\\?\\?\\s*[\\d[]`),
  ],
  [
    "the 12 months of an extension in a schema or label",
    /max\(12\b[^)]*展期|展期[^"]*[≤＜<]\s*12|展期不能超过12/,
  ],
  ["a policy field named in basis points on a form", /name:\s*"\w+Bp"/],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

describe("rule values live in the policy, not in services or pages", () => {
  const sources = [...files("src/server"), ...files("src/app")].map((p) => ({
    path: p,
    text: readFileSync(p, "utf8"),
  }));

  it("scans the services and pages", () => {
    expect(sources.some((s) => s.path.endsWith("lifecycle.ts"))).toBe(true);
    expect(sources.some((s) => s.path.endsWith("page.tsx"))).toBe(true);
  });

  it.each(KNOWN)("no %s", (_label, pattern) => {
    const hits = sources.flatMap((s) =>
      s.text
        .split("\n")
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => pattern.test(line))
        .map(({ line, i }) => `${s.path}:${i + 1}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  it("the policy and LPR admin forms start from RULE_DEFAULTS: no number typed into their defaults", () => {
    const admin = sources.filter((s) => /admin[\\/](policies|lpr)[\\/]page\.tsx$/.test(s.path));
    expect(admin).toHaveLength(2);
    const hits = admin.flatMap((s) =>
      s.text
        .split("\n")
        .filter((line) => /defaultValue:\s*"\d/.test(line))
        .map((line) => `${s.path}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  it("no rate label in basis points on screen (rates are typed and shown in %)", () => {
    for (const file of ["messages/zh-CN.json", "messages/en.json"]) {
      const hits = readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /（bp|\(bp\)|\bbp\b|基点|basis points/.test(line));
      expect(hits, file).toEqual([]);
    }
  });

  it("the policy admin form takes no rule default from a message: the labels name RULE_DEFAULTS", () => {
    const zh = JSON.parse(readFileSync("messages/zh-CN.json", "utf8")) as {
      rules: { policy: Record<string, string> };
    };
    const hits = Object.entries(zh.rules.policy).filter(([, v]) => /默认\s*\d/.test(v));
    expect(hits).toEqual([]);
  });
});

/** `name Type @default(value)` of the PolicyVersion model in prisma/schema.prisma. */
function policyColumnDefaults(): Map<string, string> {
  const schema = readFileSync("prisma/schema.prisma", "utf8");
  const model = /model PolicyVersion \{([\s\S]*?)\n\}/.exec(schema)?.[1] ?? "";
  const out = new Map<string, string>();
  for (const line of model.split("\n")) {
    const m = /^\s*(\w+)\s+\S+\s+@default\((.*)\)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe("the rule defaults are in one place and agree with the schema", () => {
  const columns = policyColumnDefaults();
  const render = (v: unknown) => (Array.isArray(v) ? `[${v.join(", ")}]` : String(v));

  it("reads the schema's defaults", () => {
    expect(columns.get("leverageCap")).toBe("10");
    expect(columns.get("rewardShares")).toBe("[3, 2, 4, 1]");
  });

  it.each(Object.entries(RULE_DEFAULTS).filter(([k]) => columns.has(k)))(
    "RULE_DEFAULTS.%s is the column's @default",
    (key, value) => {
      expect(render(value)).toBe(columns.get(key));
    },
  );

  it("every default is a column's @default but the form's starting amount and term", () => {
    expect(Object.keys(RULE_DEFAULTS).filter((k) => !columns.has(k))).toEqual([
      "maxPrincipalFen",
      "maxTermMonths",
    ]);
  });

  it("the assessment rule is the assessment* columns' @default", () => {
    expect({
      assessmentBaseBp: DEFAULT_ASSESSMENT_RULE.baseBp,
      assessmentBasePoints: DEFAULT_ASSESSMENT_RULE.basePoints,
      assessmentStepBp: DEFAULT_ASSESSMENT_RULE.stepBp,
      assessmentPointsPerStep: DEFAULT_ASSESSMENT_RULE.pointsPerStep,
      assessmentMaxPoints: DEFAULT_ASSESSMENT_RULE.maxPoints,
    }).toEqual(
      Object.fromEntries(
        [...columns].filter(([k]) => k.startsWith("assessment")).map(([k, v]) => [k, Number(v)]),
      ),
    );
  });
});
