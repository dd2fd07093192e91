import "server-only";
import { DomainError, domainErrorMessage } from "@/domain";
import { AppError } from "./errors";
import { getActor } from "./session";
import { writeAudit } from "./audit";
import { db } from "./db";
import type { Actor } from "./authz";

/** The host of an Origin header, or null for `null` and anything else that is not a URL. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, INVALID: 400, CONFLICT: 409 } as const;

/**
 * Route handlers (file downloads and uploads): session required, a POST only from this site's own pages
 * (Origin must match the Host, as Next.js checks for server actions), expected errors as JSON for the user.
 */
export function route<C = unknown>(
  handler: (actor: Actor, request: Request, context: C) => Promise<Response>,
) {
  return async (request: Request, context: C): Promise<Response> => {
    if (request.method !== "GET") {
      const origin = request.headers.get("origin");
      const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
      if (!origin || !host || originHost(origin) !== host)
        return Response.json({ message: "请求来源不正确" }, { status: 403 });
    }
    const actor = await getActor();
    if (!actor) {
      await writeAudit(db, {
        action: `${request.method} ${new URL(request.url).pathname}`.slice(0, 64),
        entity: "Route",
        outcome: "DENIED",
        message: "no session",
      });
      return Response.json({ message: "请先登录" }, { status: 401 });
    }
    try {
      return await handler(actor, request, context);
    } catch (e) {
      if (e instanceof AppError)
        return Response.json({ message: e.message, fieldErrors: e.fieldErrors }, { status: STATUS[e.kind] });
      if (e instanceof DomainError) return Response.json({ message: domainErrorMessage(e) }, { status: 400 });
      console.error("[route]", e);
      return Response.json({ message: "系统错误，操作未完成，请稍后重试" }, { status: 500 });
    }
  };
}
