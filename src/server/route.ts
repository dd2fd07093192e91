import "server-only";
import { DomainError, domainErrorMessage } from "@/domain";
import { AppError } from "./errors";
import { getActor } from "./session";
import { originIsHost } from "@/shared/origin";
import { actorFields, writeAudit } from "./audit";
import { auditAnonymousRefusal } from "./refusals";
import { db } from "./db";
import type { Actor } from "./authz";

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, INVALID: 400, CONFLICT: 409 } as const;

/**
 * Route handlers (file downloads and uploads): session required, a POST only from this site's own pages
 * (Origin must match the Host, as Next.js checks for server actions), expected errors as JSON for the user.
 * Refusals are audited: a signed-in user's one event each, anonymous ones folded per address (decision 012).
 */
export function route<C = unknown>(
  handler: (actor: Actor, request: Request, context: C) => Promise<Response>,
) {
  return async (request: Request, context: C): Promise<Response> => {
    const name = `${request.method} ${new URL(request.url).pathname}`.slice(0, 64);
    if (request.method !== "GET") {
      const h = request.headers;
      const origin = h.get("origin");
      if (!originIsHost(origin, h.get("x-forwarded-host"), h.get("host"))) {
        const detail = `Origin ${origin === null ? "(none)" : JSON.stringify(origin.slice(0, 100))}`;
        const actor = await getActor();
        if (actor)
          await writeAudit(db, {
            action: name,
            entity: "Route",
            outcome: "DENIED",
            message: `foreign origin: ${detail}`,
            ...actorFields(actor),
          });
        else await auditAnonymousRefusal("route.origin", name, detail);
        return Response.json({ message: "请求来源不正确" }, { status: 403 });
      }
    }
    const actor = await getActor();
    if (!actor) {
      await auditAnonymousRefusal("route.no-session", name);
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
