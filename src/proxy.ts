/**
 * First pass only: refreshes the session cookie (sliding inactivity timeout) and sends anonymous page
 * requests to the login page. Every page, action and service authorises again on the server.
 */
import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/server/auth-config";

const { auth } = NextAuth(authConfig);

const PUBLIC = ["/login", "/api/auth"];

const withSession = auth((req) => {
  const { pathname } = req.nextUrl;
  if (PUBLIC.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return NextResponse.next();
  if (!req.auth) return NextResponse.redirect(new URL("/login", req.nextUrl));
  return NextResponse.next();
});

export default function proxy(req: NextRequest, ev: NextFetchEvent) {
  // Actions (POST) pass straight through: they check the session themselves, and refreshing the cookie
  // here would race with signOut() clearing it.
  if (req.method !== "GET" && req.method !== "HEAD") return NextResponse.next();
  return (withSession as unknown as (r: NextRequest, e: NextFetchEvent) => Promise<Response>)(req, ev);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|css|js)$).*)"],
};
