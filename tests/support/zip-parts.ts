/**
 * Zip parts for the tests (vitest and Playwright alike: no app imports here): read a file's parts, write
 * them in a chosen order — e.g. Excel's, which puts the shared strings after the worksheets.
 */
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import yazl from "yazl";

/** The parts of a zip, by name, in the order they are stored. */
export async function zipParts(file: Buffer): Promise<[string, Buffer][]> {
  const zip = await yauzl.fromBufferPromise(file, { lazyEntries: true });
  const parts: [string, Buffer][] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith("/")) return zip.readEntry(); // a directory record
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          parts.push([entry.fileName, Buffer.concat(chunks)]);
          zip.readEntry();
        });
      });
    });
    zip.on("end", resolve);
    zip.on("error", reject);
    zip.readEntry();
  });
  return parts;
}

/** A zip of `parts` in the given order (deflated); a part may be a stream of generated content. */
export function zipOf(parts: [string, Buffer | Readable][]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of parts) {
    if (Buffer.isBuffer(body)) zip.addBuffer(body, name);
    else zip.addReadStream(body, name, { compressionLevel: 1 }); // generated payloads: fast to write
  }
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** The same parts in the order Excel writes them: the worksheets before styles and shared strings. */
export async function inExcelPartOrder(file: Buffer): Promise<Buffer> {
  const rank = (name: string) =>
    name === "[Content_Types].xml"
      ? 0
      : name.startsWith("_rels/")
        ? 1
        : name === "xl/workbook.xml"
          ? 2
          : name.startsWith("xl/_rels/")
            ? 3
            : name.startsWith("xl/worksheets/")
              ? 4
              : name.startsWith("xl/theme/")
                ? 5
                : name === "xl/styles.xml"
                  ? 6
                  : name === "xl/sharedStrings.xml"
                    ? 7
                    : 8;
  const parts = await zipParts(file);
  const sorted = [...parts].sort((a, b) => rank(a[0]) - rank(b[0]));
  if (
    sorted.findIndex(([n]) => n === "xl/sharedStrings.xml") <
    sorted.findIndex(([n]) => n.startsWith("xl/worksheets/"))
  )
    throw new Error("expected a file with shared strings and worksheets");
  return zipOf(sorted);
}
