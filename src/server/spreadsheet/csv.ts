import "server-only";
import { parse } from "csv-parse/sync";

/**
 * RFC 4180 CSV already decoded to text (quoted fields, doubled quotes, CRLF or LF; a comma, or a tab when the
 * first line has tabs and no commas), read by csv-parse. `null` when it has more than `maxRows` rows: it stops
 * reading one row past the limit, so a huge file is not parsed to the end.
 *
 * csv-parse builds an error object, with its context, for every record whose field count differs from the first
 * record's — even when told to accept such records. Above a bank's header there is a title line or two, so that
 * was every row: 70% of the time of reading a 50,000-row statement (npm run bench:statement). The records before
 * the table (the first record whose field count the next one shares) are therefore read apart, and the rest from
 * there; the result is the same records.
 */
export function parseCsv(text: string, maxRows: number): string[][] | null {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = !firstLine.includes(",") && firstLine.includes("\t") ? "\t" : ",";
  const read = (t: string, to: number) =>
    parse(t, {
      delimiter,
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      relax_quotes: true,
      bom: true,
      to,
    }) as string[][];
  const head = read(text, 20);
  const k = head.findIndex((r, i) => r.length > 1 && r.length === head[i + 1]?.length);
  const at = k > 0 ? recordStart(text, delimiter, k) : -1;
  const before = at > 0 ? read(text.slice(0, at), k) : null;
  const rows =
    before && before.length === k && before.every((r, i) => sameRecord(r, head[i]!))
      ? before.concat(read(text.slice(at), maxRows + 1 - k))
      : read(text, maxRows + 1);
  return rows.length > maxRows ? null : rows;
}

const sameRecord = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((c, i) => c === b[i]);

/** Where the k-th record (0-based) begins; -1 if the text has fewer. Checked against csv-parse by the caller. */
function recordStart(text: string, delimiter: string, k: number): number {
  let records = 0;
  let fieldStart = true;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length && records < k; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === delimiter) fieldStart = true;
    else if (c === "\r" || c === "\n") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      records++;
      fieldStart = true;
    } else fieldStart = false;
  }
  return records === k ? i : -1;
}
