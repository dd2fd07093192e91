import "server-only";
import { z } from "zod";
import {
  MAX_ENTRY_LENGTH,
  normaliseYuanEntry,
  parsePercentEntry,
  bpToPercentEntry,
  type EntryRefusal,
} from "@/domain";

/**
 * The one schema of an amount field and of a percent rate field, as people type them (src/domain/amount-input.ts);
 * every amount of a form, an import and the policy goes through yuanField, with one set of messages naming the
 * field. Output is canonical ("50000.00", "4.35"). The service parses an action's input, once (decision 018).
 */
const yuanRefusal = (label: string, r: EntryRefusal) =>
  ({
    EMPTY: `请填写${label}`,
    FORMAT: `${label}请填写金额（元），如 50000、50,000.00 或 5万`,
    TOO_PRECISE: `${label}须精确到分（元最多两位小数）`,
    TOO_LARGE: `${label}过大，请核对`,
  })[r];

export const yuanField = (label: string) =>
  z
    .string({ message: `请填写${label}` })
    .max(MAX_ENTRY_LENGTH, `${label}过长，请核对`)
    .transform((v, ctx) => {
      const r = normaliseYuanEntry(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: "custom", message: yuanRefusal(label, r.reason) });
      return z.NEVER;
    });

/**
 * A rate typed in percent ("4.35" or "4.35%"), at most two decimals, within (0, maxBp] — or [0, maxBp] with
 * `allowZero` (a spread or a share that may be nil); output "4.35".
 */
export const percentField = (label: string, maxBp: number, { allowZero = false } = {}) =>
  z
    .string({ message: `请填写${label}` })
    .max(MAX_ENTRY_LENGTH, `${label}过长，请核对`)
    .transform((v, ctx) => {
      const r = parsePercentEntry(v);
      const message = !r.ok
        ? r.reason === "EMPTY"
          ? `请填写${label}`
          : `${label}以百分数填写，最多两位小数，如 4.35`
        : r.value <= 0 && !(allowZero && r.value === 0)
          ? `${label}须大于0`
          : r.value > maxBp
            ? `${label}不能超过${bpToPercentEntry(maxBp)}%`
            : null;
      if (r.ok && !message) return bpToPercentEntry(r.value);
      ctx.addIssue({ code: "custom", message: message! });
      return z.NEVER;
    });
