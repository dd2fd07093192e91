import fs from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

/**
 * Next.js and React are pinned to exact versions, and the installed ones must not fall in a range with a
 * published advisory (SECURITY.md). Add an advisory here when one is published; the test then fails until
 * the pin is raised past it.
 */
const ADVISORIES: { pkg: string; id: string; vulnerable: string; what: string }[] = [
  {
    pkg: "next",
    id: "CVE-2025-29927",
    vulnerable: ">=11.1.4 <12.3.5 || >=13.0.0 <13.5.9 || >=14.0.0 <14.2.25 || >=15.0.0 <15.2.3",
    what: "middleware bypass with x-middleware-subrequest",
  },
  {
    pkg: "next",
    id: "CVE-2024-34351",
    vulnerable: ">=13.4.0 <14.1.1",
    what: "SSRF in server actions (Host header)",
  },
  {
    pkg: "next",
    id: "CVE-2024-46982",
    vulnerable: ">=13.5.1 <13.5.7 || >=14.0.0 <14.2.10",
    what: "cache poisoning of pages router",
  },
  {
    pkg: "next",
    id: "CVE-2025-57822",
    vulnerable: ">=0.9.9 <14.2.32 || >=15.0.0 <15.4.7",
    what: "SSRF through middleware redirect handling",
  },
  {
    pkg: "next",
    id: "CVE-2025-66478",
    vulnerable:
      ">=15.0.0 <15.0.5 || >=15.1.0 <15.1.9 || >=15.2.0 <15.2.6 || >=15.3.0 <15.3.6 || >=15.4.0 <15.4.8 || >=15.5.0 <15.5.7 || >=16.0.0 <16.0.7",
    what: "remote code execution through React Server Components (React2Shell)",
  },
  {
    pkg: "next",
    id: "CVE-2025-55184",
    vulnerable:
      ">=15.0.0 <15.0.7 || >=15.1.0 <15.1.11 || >=15.2.0 <15.2.8 || >=15.3.0 <15.3.8 || >=15.4.0 <15.4.10 || >=15.5.0 <15.5.9 || >=16.0.0 <16.0.10",
    what: "denial of service / source exposure through Server Components",
  },
  {
    pkg: "react",
    id: "CVE-2025-55182",
    vulnerable: ">=19.0.0 <19.0.1 || >=19.1.0 <19.1.2 || >=19.2.0 <19.2.1",
    what: "remote code execution in React Server Components",
  },
  {
    pkg: "react-dom",
    id: "CVE-2025-55182",
    vulnerable: ">=19.0.0 <19.0.1 || >=19.1.0 <19.1.2 || >=19.2.0 <19.2.1",
    what: "remote code execution in React Server Components",
  },
  {
    pkg: "react",
    id: "CVE-2025-67779",
    vulnerable: ">=19.0.0 <19.0.3 || >=19.1.0 <19.1.4 || >=19.2.0 <19.2.3",
    what: "denial of service in React Server Components (incomplete fix of CVE-2025-55184)",
  },
  { pkg: "next-auth", id: "CVE-2023-48309", vulnerable: "<4.24.5", what: "session tampering (mock session)" },
];

const installed = (pkg: string) =>
  (
    JSON.parse(fs.readFileSync(path.resolve("node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

describe("dependency versions", () => {
  it("Next.js, React and next-auth are pinned to exact versions", () => {
    const deps = (
      JSON.parse(fs.readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> }
    ).dependencies;
    for (const pkg of ["next", "react", "react-dom", "next-auth"])
      expect(semver.valid(deps[pkg]), `${pkg} ${deps[pkg]}`).not.toBeNull();
  });

  it("no installed version falls in a published advisory's range", () => {
    const hits = ADVISORIES.filter((a) =>
      semver.satisfies(installed(a.pkg), a.vulnerable, { includePrerelease: true }),
    );
    expect(hits.map((a) => `${a.pkg}@${installed(a.pkg)}: ${a.id} (${a.what})`)).toEqual([]);
  });

  it("the check does catch a vulnerable version", () => {
    expect(semver.satisfies("15.2.2", ADVISORIES[0]!.vulnerable)).toBe(true);
    expect(semver.satisfies("19.2.0", ADVISORIES.find((a) => a.id === "CVE-2025-55182")!.vulnerable)).toBe(
      true,
    );
    expect(semver.satisfies("16.0.6", ADVISORIES.find((a) => a.id === "CVE-2025-66478")!.vulnerable)).toBe(
      true,
    );
  });
});
