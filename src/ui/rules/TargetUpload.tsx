"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";

type Answer =
  | { ok: true; count: number; errors: [] }
  | { ok: false; count: 0; errors: { row: number; column: string; message: string }[] }
  | { ok: false; message?: string; fieldErrors?: Record<string, string[]> };

/** Uploads a targets .xlsx: all rows or none; the errors by row and column. */
export function TargetUpload({
  labels,
}: {
  labels: { file: string; upload: string; done: string; failed: string };
}) {
  const router = useRouter();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <form
      className="space-y-2"
      data-testid="target-upload"
      onSubmit={(e) => {
        e.preventDefault();
        setPending(true);
        const body = new FormData(e.currentTarget);
        void fetch("/targets/upload", { method: "POST", body })
          .then((r) => r.json() as Promise<Answer>)
          .then((a) => {
            setAnswer(a);
            if (a.ok) router.refresh();
          })
          .finally(() => setPending(false));
      }}
    >
      <label className="block text-sm font-medium text-stone-700" htmlFor="target-file">
        {labels.file}
      </label>
      <input id="target-file" name="file" type="file" accept=".xlsx" />
      <button
        type="submit"
        disabled={pending}
        className="ml-2 rounded-md border border-stone-300 px-3 py-1.5 hover:bg-stone-100 disabled:opacity-60"
      >
        {labels.upload}
      </button>
      {answer?.ok && (
        <p role="status" className="text-sm text-green-800">
          {labels.done.replace("{n}", String(answer.count))}
        </p>
      )}
      {answer && !answer.ok && (
        <div role="alert" className="text-sm text-red-700" data-testid="target-upload-errors">
          <p>{labels.failed}</p>
          <ul className="list-disc pl-5">
            {"errors" in answer
              ? answer.errors.map((e) => (
                  <li key={`${e.row}-${e.column}-${e.message}`}>
                    {e.row} · {e.column}：{e.message}
                  </li>
                ))
              : Object.values(answer.fieldErrors ?? {})
                  .flat()
                  .concat(answer.message ? [answer.message] : [])
                  .map((m) => <li key={m}>{m}</li>)}
          </ul>
        </div>
      )}
    </form>
  );
}
