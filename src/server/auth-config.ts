/**
 * next-auth settings shared by the app (src/server/auth.ts) and the proxy (src/proxy.ts). No database here:
 * in the proxy they only refresh the session cookie (sliding inactivity timeout) and turn away anonymous page
 * requests (the proxy's other job, the security headers, does not use them). `trustHost` is safe because the
 * front server (scripts/serve.ts) drops X-Forwarded-Host unless a configured trusted proxy sent it.
 * The real checks (user still enabled, same session version, role, region) happen on the server for every
 * action and page, in src/server/session.ts. next-auth reads AUTH_SECRET itself (validated in src/server/env.ts).
 */
import type { NextAuthConfig } from "next-auth";

/** Inactivity timeout: the session cookie expires this long after the last request. */
export const INACTIVITY_SECONDS = 30 * 60;
/** Absolute lifetime: a session ends this long after login, however active. */
export const ABSOLUTE_SECONDS = 12 * 60 * 60;

export const authConfig = {
  trustHost: true,
  session: { strategy: "jwt", maxAge: INACTIVITY_SECONDS },
  jwt: { maxAge: INACTIVITY_SECONDS },
  pages: { signIn: "/login" },
  providers: [],
  logger: {
    // A wrong password is an everyday event (counted, throttled and audited in services/login.ts): one line,
    // not next-auth's stack trace. Anything else keeps its details.
    error(error) {
      const name = (error as { type?: string }).type ?? error.name;
      if (name === "CredentialsSignin") console.warn("[auth] login refused (wrong user name or password)");
      else console.error(`[auth][error] ${name}: ${error.message}`, error.cause ?? "");
    },
  },
  callbacks: {
    jwt({ token, user }) {
      const now = Math.floor(Date.now() / 1000);
      if (user) {
        const u = user as { id?: string; sv?: number };
        token.uid = Number(u.id);
        token.sv = u.sv ?? 1;
        token.loginAt = now;
      }
      if (typeof token.loginAt !== "number" || now - token.loginAt > ABSOLUTE_SECONDS) return null;
      return token;
    },
    session({ session, token }) {
      return { ...session, uid: token.uid as number, sv: token.sv as number };
    },
  },
} satisfies NextAuthConfig;
