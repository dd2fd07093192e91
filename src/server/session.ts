import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { auth, clientIp } from "./auth";
import { db } from "./db";
import { unauthenticated } from "./errors";
import { noteRequest } from "./heavy";
import type { Actor } from "./authz";

export type { Actor } from "./authz";

/**
 * The current user, or null. The session cookie only names the user; role, region and whether the
 * account still works come from the database, so disabling a user or resetting a password
 * (which bumps sessionVersion) ends their sessions at once.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = (await auth()) as { uid?: number; sv?: number } | null;
  // Someone is using the app: others' bulk work yields to them (src/server/heavy.ts).
  noteRequest(session?.uid ?? 0);
  if (!session?.uid) return null;
  const user = await db.user.findUnique({
    where: { id: session.uid },
    select: {
      id: true,
      username: true,
      displayName: true,
      role: true,
      regionCode: true,
      disabled: true,
      sessionVersion: true,
      region: { select: { name: true } },
    },
  });
  if (!user || user.disabled || user.sessionVersion !== session.sv) return null;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    regionCode: user.regionCode,
    regionName: user.region.name,
    ip: await clientIp(),
  };
});

export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) throw unauthenticated();
  return actor;
}

/** For pages: the current user, or a redirect to the login page. */
export async function pageActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/login");
  return actor;
}
