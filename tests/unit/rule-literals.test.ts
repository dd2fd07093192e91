import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

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
});
