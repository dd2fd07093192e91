import "server-only";
import { parse } from "csv-parse/sync";

/**
 * RFC 4180 CSV already decoded to text (quoted fields, doubled quotes, CRLF or LF; a comma, or a tab when the
 * first line has tabs and no commas), read by csv-parse. `null` when it has more than `maxRows` rows: it stops
 * reading one row past the limit, so a huge file is not parsed to the end.
 */
export function parseCsv(text: string, maxRows: number): string[][] | null {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = !firstLine.includes(",") && firstLine.includes("\t") ? "\t" : ",";
  const rows = parse(text, {
    delimiter,
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    relax_quotes: true,
    bom: true,
    to_line: maxRows + 1,
  }) as string[][];
  return rows.length > maxRows ? null : rows;
}
