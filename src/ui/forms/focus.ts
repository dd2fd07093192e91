"use client";

import { useEffect, useRef } from "react";

/** After a refused submit, focus goes to the first field marked invalid (not back to the first field). */
export function useFocusFirstInvalid(state: { ok: boolean } | null) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state && !state.ok) ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  return ref;
}
