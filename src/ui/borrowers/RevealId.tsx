"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/server/action";

/**
 * Shows the full ID number on request (and the phone, where the page showed it masked); the server audits
 * every reveal.
 */
export function RevealId({
  id,
  masked,
  reveal,
  label,
  showPhone = false,
}: {
  id: number;
  masked: string;
  reveal: (input: { id: number }) => Promise<ActionResult<{ idNumber: string; phone: string }>>;
  label: string;
  showPhone?: boolean;
}) {
  const [full, setFull] = useState<{ idNumber: string; phone: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <span className="inline-flex items-center gap-2">
      <span className="font-mono" data-testid="id-number">
        {full?.idNumber ?? masked}
      </span>
      {full && showPhone && (
        <span className="font-mono" data-testid="phone-revealed">
          {full.phone}
        </span>
      )}
      {!full && (
        <button
          type="button"
          disabled={pending}
          className="rounded border border-stone-300 px-2 py-0.5 text-xs hover:bg-stone-100"
          onClick={() =>
            start(async () => {
              const res = await reveal({ id });
              if (res.ok) setFull(res.data);
              else setError(res.message);
            })
          }
        >
          {label}
        </button>
      )}
      {error && <span className="text-xs text-red-700">{error}</span>}
    </span>
  );
}
