import "server-only";
import { unstable_rethrow } from "next/navigation";
import { DomainError, domainErrorMessage, type Permission } from "@/domain";
import { requireAnyPermission } from "./authz";
import { AppError, fieldErrorsOf } from "./errors";
import { requireActor, type Actor } from "./session";
import { auditAnonymousRefusal } from "./refusals";

/** The one result shape of every server action. */
export type ActionResult<T = unknown> =
  | { ok: true; data: T; message?: string }
  | {
      ok: false;
      message: string;
      fieldErrors?: Record<string, string[]>;
      values?: Record<string, string>;
      meta?: Record<string, unknown>;
    };

export { fieldErrorsOf };

function formValues(input: unknown): Record<string, string> | undefined {
  if (!(input instanceof FormData)) return undefined;
  const values: Record<string, string> = {};
  for (const [k, v] of input.entries())
    if (typeof v === "string" && !k.startsWith("$ACTION") && k !== "password") values[k] = v.slice(0, 1000);
  return values;
}

function toObject(input: unknown): unknown {
  if (input instanceof FormData) {
    const o: Record<string, string> = {};
    for (const [k, v] of input.entries()) if (typeof v === "string" && !k.startsWith("$ACTION")) o[k] = v;
    return o;
  }
  return input;
}

/** The fields of an action's input whose text contains a NUL byte (any depth). */
function nulFields(input: unknown, path = ""): string[] {
  if (typeof input === "string") return input.includes("\u0000") ? [path || "form"] : [];
  if (input instanceof FormData)
    return [...input.entries()].flatMap(([k, v]) =>
      typeof v === "string" && v.includes("\u0000") ? [k] : [],
    );
  if (input && typeof input === "object")
    return Object.entries(input).flatMap(([k, v]) => nulFields(v, path ? `${path}.${k}` : k));
  return [];
}

/**
 * The permission an action needs: one, or several when which one depends on the input (approving a claim needs
 * claim.approve, submitting it claim.write) — then the role must hold at least one of them here, and the
 * service checks the exact one once the input is known.
 */
export type ActionPermission = Permission | readonly [Permission, ...Permission[]];

/**
 * Wraps a server action: session → permission of the role → handler → one result shape. The input is looked
 * at only after the caller has been found to hold the right, so a malformed input from someone without it is
 * refused and audited like any other refusal (decision 012: a sessionless call folded per address; a signed-in
 * user's refusal one event). The handler gets the input as a plain object (a form's fields as strings) and
 * passes it to the service, which parses it — once, with its own schema (decision 018) — and checks the
 * permission again and the region; a parse failure comes back as field messages with the values typed.
 * Expected errors carry a message for the user; unexpected ones are logged and masked. Every server action is
 * a public endpoint: nothing here trusts the client.
 */
export function defineAction<T>(
  name: string,
  permission: ActionPermission,
  handler: (actor: Actor, input: unknown) => Promise<T>,
) {
  const permissions: readonly Permission[] = typeof permission === "string" ? [permission] : permission;
  return async (input: unknown): Promise<ActionResult<T>> => {
    const values = formValues(input);
    let actor: Actor;
    try {
      actor = await requireActor();
    } catch {
      await auditAnonymousRefusal("action.no-session", name); // folded per address (decision 012)
      return { ok: false, message: "登录已过期，请重新登录" };
    }
    try {
      await requireAnyPermission(actor, permissions, { action: name, entity: "Action" });
    } catch (e) {
      if (e instanceof AppError) return { ok: false, message: e.message };
      console.error(`[action ${name}]`, e);
      return { ok: false, message: "系统错误，操作未完成，请稍后重试" };
    }
    // A NUL byte cannot be stored in PostgreSQL text: refuse it at the field instead of failing the query.
    const nul = nulFields(input);
    if (nul.length)
      return {
        ok: false,
        message: "请检查标出的字段",
        fieldErrors: Object.fromEntries(nul.map((k) => [k, ["含有无法保存的控制字符（NUL），请删除后重试"]])),
        values,
      };
    try {
      const data = await handler(actor, toObject(input));
      return { ok: true, data };
    } catch (e) {
      unstable_rethrow(e); // redirect() / notFound() from the handler are not errors
      if (e instanceof AppError)
        return { ok: false, message: e.message, fieldErrors: e.fieldErrors, values, meta: e.meta };
      if (e instanceof DomainError) {
        const message = domainErrorMessage(e); // the English e.message is for the log
        return { ok: false, message, fieldErrors: e.field ? { [e.field]: [message] } : undefined, values };
      }
      console.error(`[action ${name}]`, e);
      return { ok: false, message: "系统错误，操作未完成，请稍后重试", values };
    }
  };
}

/** For forms used with React's useActionState: (previous state, form data) → result. */
export function defineFormAction<T>(
  name: string,
  permission: ActionPermission,
  handler: (actor: Actor, input: unknown) => Promise<T>,
) {
  const run = defineAction(name, permission, handler);
  return async (_prev: ActionResult<T> | null, formData: FormData): Promise<ActionResult<T>> => run(formData);
}
