import { notFound } from "next/navigation";

/**
 * Any URL no page answers (e.g. /rules, a folder of pages with no page of its own): the app's own 404 inside its
 * frame and navigation (src/app/(app)/not-found.tsx), in the user's language — not Next's bare English page.
 */
export default function Missing(): never {
  notFound();
}
