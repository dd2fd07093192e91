import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { authConfig } from "./auth-config";
import { checkLogin, loginSchema } from "./services/login";

export class AccountLocked extends CredentialsSignin {
  override code = "locked";
}

export async function clientIp(): Promise<string> {
  const h = await headers();
  return (h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || "unknown").slice(0, 64);
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { username: {}, password: {} },
      async authorize(raw) {
        const parsed = loginSchema.safeParse(raw);
        if (!parsed.success) return null;
        const res = await checkLogin({ ...parsed.data, ip: await clientIp() });
        if (!res.ok) {
          if (res.reason === "LOCKED") throw new AccountLocked();
          return null;
        }
        return { id: String(res.user.id), name: res.user.displayName, sv: res.user.sessionVersion } as {
          id: string;
          name: string;
        };
      },
    }),
  ],
});
