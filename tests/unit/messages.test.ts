import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import zh from "../../messages/zh-CN.json";

/**
 * Issue 16 item 3: UI text lives only in messages/zh-CN.json and messages/en.json, both complete. A key in one
 * language only, a Chinese word left in English, or Chinese written into a page or component fails here.
 */
const HAN = /\p{Script=Han}/u;
const ROOT = join(__dirname, "../..");

/** Every leaf of a message tree as "a.b.c" → value (array items as "a.b.0"). */
function leaves(tree: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (tree !== null && typeof tree === "object") {
    for (const [k, v] of Object.entries(tree))
      for (const [p, x] of leaves(v, `${prefix}${k}.`)) out.set(p, x);
  } else out.set(prefix.slice(0, -1), tree);
  return out;
}

describe("the message files", () => {
  const zhKeys = leaves(zh);
  const enKeys = leaves(en);

  it("have the same keys in both languages", () => {
    expect(
      [...zhKeys.keys()].filter((k) => !enKeys.has(k)),
      "keys only in zh-CN.json",
    ).toEqual([]);
    expect(
      [...enKeys.keys()].filter((k) => !zhKeys.has(k)),
      "keys only in en.json",
    ).toEqual([]);
  });

  it("have a non-empty text for every key", () => {
    const empty = [...zhKeys, ...enKeys].filter(([, v]) => typeof v !== "string" || v.trim() === "");
    expect(empty.map(([k]) => k)).toEqual([]);
  });

  // Chinese that English readers need: the switch back to Chinese, what a user types or finds in a file.
  const CHINESE_IN_ENGLISH = new Set([
    "nav.language", // "中文": the language switch names the language it switches to
    "form.creditRated", // the programme's term 信用户, glossed
    "forms.unreadableAmount", // "5万" is an input the field accepts
    "targets.file", // the column headers of the import file, as they are in the file
  ]);

  it("say nothing in Chinese in English (but the listed exceptions)", () => {
    const chinese = [...enKeys].filter(([k, v]) => HAN.test(String(v)) && !CHINESE_IN_ENGLISH.has(k));
    expect(chinese.map(([k, v]) => `${k}: ${String(v)}`)).toEqual([]);
    for (const k of CHINESE_IN_ENGLISH) expect(enKeys.has(k), `exception ${k} still exists`).toBe(true);
  });
});

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsxFiles(p);
    return name.endsWith(".tsx") ? [p] : [];
  });
}

/** The Chinese a file says outside comments: string and template literals, JSX text, regular expressions. */
function chineseOutsideComments(source: string, fileName = "x.tsx"): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    // forEachChild walks the syntax, never the comments (JSDoc included); literals and JSX text are leaves.
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateLiteralToken(node) ||
      ts.isJsxText(node) ||
      ts.isRegularExpressionLiteral(node) ||
      ts.isIdentifier(node)
    ) {
      const text = node.getText(file);
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      if (HAN.test(text)) found.push(`${line + 1}: ${text.trim()}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Chinese that must stay in code, each with its reason: data the code matches, not text it shows. */
const ALLOWED: Record<string, string[]> = {
  // Shortens the stored fund names ("…风险补偿金") for the chart's axis: it matches data.
  "src/app/(app)/dashboard/page.tsx": ["/妇女创业贷款风险补偿金|风险补偿金/"],
};

describe("pages and components", () => {
  it("finds Chinese in code but not in comments (the check itself)", () => {
    const src = [
      "// 注释",
      "/** 文档 */",
      "const a = '标签';",
      "const b = `${x} 万元`;",
      'const c = <p title="提示">正文 {/* 注释 */}</p>;',
      "const d = /风险/;",
    ].join("\n");
    expect(chineseOutsideComments(src)).toEqual([
      "3: '标签'",
      "4: } 万元`",
      '5: "提示"',
      "5: 正文",
      "6: /风险/",
    ]);
  });

  it("write no Chinese outside comments: the text is in the message files", () => {
    const offenders: string[] = [];
    for (const dir of ["src/app", "src/ui"]) {
      for (const path of tsxFiles(join(ROOT, dir))) {
        const rel = relative(ROOT, path);
        const allowed = ALLOWED[rel] ?? [];
        for (const hit of chineseOutsideComments(readFileSync(path, "utf8"), rel)) {
          if (!allowed.some((a) => hit.endsWith(a))) offenders.push(`${rel}:${hit}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("allow only Chinese that is still there", () => {
    for (const [rel, texts] of Object.entries(ALLOWED)) {
      const hits = chineseOutsideComments(readFileSync(join(ROOT, rel), "utf8"), rel);
      for (const text of texts)
        expect(
          hits.some((h) => h.endsWith(text)),
          `${rel}: ${text}`,
        ).toBe(true);
    }
  });
});
