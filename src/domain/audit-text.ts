/**
 * Audit events carry codes (actions, entities, roles) and refusal messages written by the server in English
 * ("outside scope 620123"). Screens and exports show words: these find the message key for a code; the words
 * are translations (messages/*.json, "codes").
 */

/** "loan.request.extension" → "loan_request_extension", then shorter prefixes; the first key `has` knows. */
export function codeKey(code: string, has: (key: string) => boolean): string | null {
  const parts = code.split(".");
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join("_");
    if (has(key)) return key;
  }
  return null;
}

export type AuditMessage =
  | { key: "outsideScope" | "nationalData"; values: { region: string } }
  | { key: "lacksPermission"; values: { role: string; permission: string } }
  | { key: "notFound" | "selfApproval"; values: Record<string, never> };

/** The refusal messages written by src/server/authz.ts, as message keys; null for any other text. */
export const AUDIT_MESSAGE_PATTERNS: { re: RegExp; key: AuditMessage["key"]; names: string[] }[] = [
  { re: /^(?:region \d+ )?outside scope (\d*)$/, key: "outsideScope", names: ["region"] },
  {
    re: /^role ([A-Z_]+) lacks ([a-zA-Z.]+(?: or [a-zA-Z.]+)*)$/,
    key: "lacksPermission",
    names: ["role", "permission"],
  },
  { re: /^not found(?: or outside scope)?$/, key: "notFound", names: [] },
  { re: /^self-approval$/, key: "selfApproval", names: [] },
  { re: /^national data, actor region (\d*)$/, key: "nationalData", names: ["region"] },
];

export function auditMessage(message: string | null): AuditMessage | null {
  if (!message) return null;
  for (const p of AUDIT_MESSAGE_PATTERNS) {
    const m = p.re.exec(message);
    if (m)
      return {
        key: p.key,
        values: Object.fromEntries(p.names.map((n, i) => [n, m[i + 1]!])),
      } as AuditMessage;
  }
  return null;
}
