/**
 * Whether a request's Origin is this site, as Next.js decides it for server actions (action-handler's
 * parseHostHeader): the Origin's host must equal the first X-Forwarded-Host (kept only from a trusted
 * proxy, src/config/forwarded.ts), else the Host. A missing Origin, `null`, or anything that is not a URL is
 * not this site. Used by the front server (scripts/lib/front.ts) and by route handlers (src/server/route.ts).
 */
export function originIsHost(
  origin: string | null | undefined,
  forwardedHost: string | null | undefined,
  host: string | null | undefined,
): boolean {
  if (!origin || origin === "null") return false;
  const expected = forwardedHost?.split(",")[0]?.trim() || host;
  if (!expected) return false;
  try {
    return new URL(origin).host === expected;
  } catch {
    return false;
  }
}
