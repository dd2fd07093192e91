/**
 * First pass only: refreshes the session cookie (sliding inactivity timeout) and sends anonymous page
 * requests to the login page. Every page, action and service authorises again on the server.
 */
import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/server/auth-config";

const { auth } = NextAuth(authConfig);

const PUBLIC = ["/login", "/api/auth"];

export default auth((req) => {
  const { pathname } = req.nextUrl;
  if (PUBLIC.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return NextResponse.next();
  if (!req.auth) {
    if (req.method !== "GET") return NextResponse.next(); // actions answer "please log in" themselves
    return NextResponse.redirect(new URL("/login", req.nextUrl));
  }
  return NextResponse.next();
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|css|js)$).*)"],
};
