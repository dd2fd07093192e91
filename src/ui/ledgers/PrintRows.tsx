import type { ReactNode } from "react";

const CHUNK = 50;

/**
 * The rows of a long print view, rendered a chunk at a time: each chunk waits for `pace` (the server's
 * background priority for bulk work: a turn of the event loop, or a rest while others use the app) before it
 * renders, then renders the next chunk — so the server answers other users' requests between chunks instead
 * of stalling for the seconds a 5,000-row table takes to render at once.
 */
export async function PrintRows({
  rows,
  from = 0,
  cell,
  pace,
}: {
  rows: string[][];
  from?: number;
  cell: (value: string, column: number) => ReactNode;
  pace: () => Promise<void>;
}) {
  await pace();
  const end = Math.min(rows.length, from + CHUNK);
  return (
    <>
      {rows.slice(from, end).map((r) => (
        <tr key={r[0]} className="break-inside-avoid">
          {r.map((v, i) => cell(v, i))}
        </tr>
      ))}
      {end < rows.length && <PrintRows rows={rows} from={end} cell={cell} pace={pace} />}
    </>
  );
}
