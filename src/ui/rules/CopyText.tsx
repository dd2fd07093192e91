"use client";

import { useState } from "react";

/** Plain text ready to paste into a group message, with a copy button. */
export function CopyText({
  text,
  copyLabel,
  copiedLabel,
}: {
  text: string;
  copyLabel: string;
  copiedLabel: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2">
      <textarea
        readOnly
        value={text}
        rows={Math.min(16, text.split("\n").length + 1)}
        className="w-full rounded-md border border-stone-300 p-2 font-mono text-sm"
        data-testid="bulletin"
        aria-label={copyLabel}
      />
      <button
        type="button"
        className="rounded-md bg-brand-600 px-3 py-1.5 text-white hover:bg-brand-700"
        onClick={() => {
          void navigator.clipboard.writeText(text).then(() => setCopied(true));
        }}
      >
        {copied ? copiedLabel : copyLabel}
      </button>
    </div>
  );
}
