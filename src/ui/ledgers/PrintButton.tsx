"use client";

export function PrintButton() {
  return (
    <button
      type="button"
      onClick={() => window.print()}
      className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white"
    >
      打印
    </button>
  );
}
