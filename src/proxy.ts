/**
 * First pass only: refreshes the session cookie (sliding inactivity timeout), sends anonymous page requests to
 * the login page, and sets the per-request Content Security Policy (a fresh script nonce, which Next.js puts
 * on its own scripts) and HSTS behind TLS. Every page, action and service authorises again on the server.
 */
import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/server/auth-config";
import { contentSecurityPolicy, HSTS, newNonce } from "@/config/security-headers";
import { loadAppEnv } from "@/config/env";

const { auth } = NextAuth(authConfig);

const PUBLIC = ["/login", "/api/auth"];
/** Static files (the app icon, public/): no session needed, but they get the headers like every response. */
const ASSET = /\.(?:png|svg|ico|css|js|map|txt|webmanifest)$/;

type Handler = (r: NextRequest, e: NextFetchEvent) => Promise<Response>;

let dev: boolean | undefined; // next dev needs 'unsafe-eval' for its fast refresh

export default async function proxy(req: NextRequest, ev: NextFetchEvent) {
  const nonce = newNonce();
  const tls = req.nextUrl.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  const csp = contentSecurityPolicy(nonce, { dev: (dev ??= loadAppEnv().NODE_ENV === "development"), tls });
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  const pass = () => NextResponse.next({ request: { headers: requestHeaders } });

  let res: Response;
  if (req.method !== "GET" && req.method !== "HEAD") {
    // Actions (POST) pass straight through: they check the session themselves, and refreshing the cookie
    // here would race with signOut() clearing it.
    res = pass();
  } else {
    const withSession = auth((r) => {
      const { pathname } = r.nextUrl;
      if (PUBLIC.some((p) => pathname === p || pathname.startsWith(`${p}/`)) || ASSET.test(pathname))
        return pass();
      if (!r.auth) return NextResponse.redirect(new URL("/login", r.nextUrl));
      return pass();
    }) as unknown as Handler;
    res = await withSession(req, ev);
  }
  res.headers.set("Content-Security-Policy", csp);
  if (tls) res.headers.set("Strict-Transport-Security", HSTS);
  return res;
}

export const config = {
  // Every response but Next's own hashed build assets gets the headers, whatever the path ends with. Not the
  // attachment upload (a POST the proxy would pass through anyway): with a proxy in front, Next.js buffers the
  // request body in memory for it (up to proxyClientMaxBodySize), and a 20 MB photo must stream (decision 041).
  matcher: ["/((?!_next/static|_next/image|attachments/upload).*)"],
};
