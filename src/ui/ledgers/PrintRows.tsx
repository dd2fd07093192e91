import type { ReactNode } from "react";

const CHUNK = 200;

/**
 * The rows of a long print view, rendered a chunk at a time: each chunk waits for the next turn of the event
 * loop before it renders and then renders the next chunk, so the server answers other users' requests between
 * chunks instead of stalling for the seconds a 5,000-row table takes to render at once.
 */
export async function PrintRows({
  rows,
  from = 0,
  cell,
}: {
  rows: string[][];
  from?: number;
  cell: (value: string, column: number) => ReactNode;
}) {
  await new Promise((r) => setImmediate(r));
  const end = Math.min(rows.length, from + CHUNK);
  return (
    <>
      {rows.slice(from, end).map((r) => (
        <tr key={r[0]} className="break-inside-avoid">
          {r.map((v, i) => cell(v, i))}
        </tr>
      ))}
      {end < rows.length && <PrintRows rows={rows} from={end} cell={cell} />}
    </>
  );
}
