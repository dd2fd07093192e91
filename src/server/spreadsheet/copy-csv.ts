import { StringDecoder } from "node:string_decoder";

/**
 * Records of PostgreSQL's `COPY … TO STDOUT WITH (FORMAT csv)` output, fed a chunk at a time (chunks split
 * records and UTF-8 sequences anywhere). Comma-separated, LF-terminated; a field is quoted when it holds a
 * comma, a quote, CR or LF (quotes doubled) or is the empty string; NULL is an empty unquoted field — both read
 * as "". Used by the .xlsx export so that no row outlives its chunk (issue 17 item 7).
 */
const SLICE = 16 * 1024;

export class CopyCsvRecords {
  private rest = "";
  private readonly decoder = new StringDecoder("utf8");

  /**
   * The records completed by `chunk`; an unfinished one is kept for the next chunk. The chunk is decoded a
   * SLICE at a time: a string of more than 128 KB would be allocated in V8's large-object space (old
   * generation) and, garbage at once, stay until a full collection.
   */
  push(chunk: Buffer): string[][] {
    if (chunk.length <= SLICE) return this.parse(this.rest + this.decoder.write(chunk));
    const out: string[][] = [];
    for (let at = 0; at < chunk.length; at += SLICE)
      for (const r of this.parse(this.rest + this.decoder.write(chunk.subarray(at, at + SLICE)))) out.push(r);
    return out;
  }

  /** At the end of the stream: anything left over is a truncated record. */
  end(): void {
    const left = this.rest + this.decoder.end();
    this.rest = "";
    if (left !== "") throw new Error("COPY output ended inside a record");
  }

  private parse(t: string): string[][] {
    const out: string[][] = [];
    const n = t.length;
    let done = 0; // start of the first record not yet complete
    let i = 0;
    records: while (i < n) {
      const rec: string[] = [];
      for (;;) {
        if (i >= n) break records;
        if (t.charCodeAt(i) === 34 /* " */) {
          let v = "";
          let j = i + 1;
          for (;;) {
            const q = t.indexOf('"', j);
            if (q === -1 || q + 1 >= n) break records; // the closing quote (or what follows it) not here yet
            if (t.charCodeAt(q + 1) === 34) {
              v += t.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            v += t.slice(j, q);
            i = q + 1;
            break;
          }
          rec.push(v);
        } else {
          let j = i;
          for (let c = t.charCodeAt(j); j < n && c !== 44 && c !== 10; c = t.charCodeAt(++j));
          if (j >= n) break records;
          rec.push(t.slice(i, j));
          i = j;
        }
        const c = t.charCodeAt(i);
        i++;
        if (c === 44 /* , */) continue;
        if (c === 10 /* LF */) break;
        throw new Error("malformed COPY output (a quoted field not followed by a comma or line end)");
      }
      out.push(rec);
      done = i;
    }
    this.rest = done === 0 ? t : t.slice(done);
    return out;
  }
}
