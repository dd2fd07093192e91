import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { CopyCsvRecords } from "@/server/spreadsheet/copy-csv";

// PostgreSQL's COPY … (FORMAT csv) quoting: a field is quoted when it holds , " CR or LF, or is empty text.
const copyLine = (r: string[]) =>
  r.map((v) => (v === "" || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(",") + "\n";

const records: string[][] = [
  ["1", "2026-02-01", "张三", "", "1000.00"],
  ["2", '他说"好"', "a,b", "line\nbreak", "crlf\r\nend"],
  ["3", "", "", "", ""],
  ["4", "😀 emoji", "ＡＢ", '""', ","],
];
/** Longer than the reader's 16 KB decoding slice, in one chunk and cut in a few places. */
const long = [["5", "a".repeat(20_000) + "末".repeat(10_000), "末", "", "-0.01"], ...records];

function readAll(bytes: Buffer, cuts: number[]): string[][] {
  const p = new CopyCsvRecords();
  const out: string[][] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    out.push(...p.push(bytes.subarray(from, at)));
    from = at;
  }
  p.end();
  return out;
}

describe("CopyCsvRecords (COPY's CSV read a chunk at a time)", () => {
  const bytes = Buffer.from(records.map(copyLine).join(""), "utf8");

  it("reads every record whole, quoted or not, whatever the chunking (every byte offset)", () => {
    expect(readAll(bytes, [])).toEqual(records);
    for (let at = 1; at < bytes.length; at++) expect(readAll(bytes, [at])).toEqual(records);
    expect(
      readAll(
        bytes,
        Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(records);
    const big = Buffer.from(long.map(copyLine).join(""), "utf8");
    expect(readAll(big, [])).toEqual(long);
    expect(readAll(big, [16_385, 30_001, 50_002])).toEqual(long);
  });

  it("reads what csv-stringify quotes the same way (NULL, written unquoted and empty, reads as empty)", () => {
    const rows = [
      ["a", "", "b"],
      ['"', "x\ny"],
    ];
    expect(readAll(Buffer.from(stringify(rows, { quoted_empty: true })), [3])).toEqual(rows);
    expect(readAll(Buffer.from("1,,3\n"), [2])).toEqual([["1", "", "3"]]);
  });

  it("refuses a truncated or malformed stream", () => {
    expect(() => readAll(Buffer.from('1,"open\n'), [])).toThrow(/ended inside a record/);
    expect(() => readAll(Buffer.from("1,2"), [])).toThrow(/ended inside a record/);
    expect(() => readAll(Buffer.from('"a"b,1\n'), [])).toThrow(/malformed/);
  });
});
