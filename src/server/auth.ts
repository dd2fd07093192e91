import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { authConfig } from "./auth-config";
import { CLIENT_ADDRESS_HEADER, readClientAddress } from "@/config/forwarded";
import { env } from "./env";
import { checkLogin, loginSchema, revokeToken } from "./services/login";

/**
 * The client's address as the HTTP server (scripts/serve.ts) found it: the socket peer, or the client named
 * by a trusted proxy. Never X-Forwarded-For as a client wrote it. "unknown" (one shared, throttled bucket)
 * when the request did not come through that server.
 */
export async function clientIp(): Promise<string> {
  const h = await headers();
  return readClientAddress(h.get(CLIENT_ADDRESS_HEADER), env().AUTH_SECRET);
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  // next-auth's own POST /api/auth/signout revokes the session like the app's logout (a copied token is dead).
  events: {
    async signOut(message) {
      await revokeToken("token" in message ? message.token : null);
    },
  },
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(raw) {
        const parsed = loginSchema.safeParse(raw);
        if (!parsed.success) return null;
        const res = await checkLogin({ ...parsed.data, ip: await clientIp() });
        if (!res.ok) return null; // one answer for every failure (no error code to tell them apart)
        return { id: String(res.user.id), name: res.user.displayName, sv: res.user.sessionVersion } as {
          id: string;
          name: string;
        };
      },
    }),
  ],
});
