import { formatMultiple, formatRate, formatWan, formatYuan, type Fen } from "@/domain";

/** A next-intl translator of the "units" section (getTranslations on the server, useTranslations in the client). */
type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * Amounts, rates and multiples in the reader's language: the digits are the domain's exact formatters, the
 * units and the "no data" word come from the message files ("1,582.50 万元" / "1,582.50 (10k yuan)").
 */
export function unitFormatters(t: Translate) {
  const wan = (fen: Fen) => t("wan", { amount: formatWan(fen, false) });
  return {
    wan,
    yuan: (fen: Fen) => t("yuan", { amount: formatYuan(fen, false) }),
    rate: (value: number | null, digits?: number) =>
      value === null ? t("noData") : formatRate(value, digits),
    multiple: (value: number | null) => (value === null ? t("noData") : formatMultiple(value)),
    /** Lending headroom; a negative one is how far the cap is exceeded. */
    headroom: (fen: Fen) => (fen < 0 ? t("overCap", { amount: wan(-fen) }) : wan(fen)),
  };
}
export type UnitFormatters = ReturnType<typeof unitFormatters>;

/** A translator of the whole message tree (getTranslations() / useTranslations() without a namespace). */
type RootTranslate = { (key: string): string; has(key: string): boolean };

/** The label of a domain code from its message section ("level", "claimStatus", "method"…), else the code. */
export function codeLabel(t: RootTranslate, section: string, code: string): string {
  const key = `${section}.${code}`;
  return t.has(key) ? t(key) : code;
}
