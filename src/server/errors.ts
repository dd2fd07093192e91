import "server-only";
import type { z } from "zod";
import "./zod-messages";

/** Expected failures: carry a message for the user (Chinese) and, for forms, the field it belongs to. */
export class AppError extends Error {
  constructor(
    readonly kind: "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "INVALID" | "CONFLICT",
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
    readonly meta?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = () => new AppError("NOT_FOUND", "记录不存在或不在您的管辖范围内");
export const forbidden = () => new AppError("FORBIDDEN", "您没有执行此操作的权限");
export const unauthenticated = () => new AppError("UNAUTHENTICATED", "请先登录");
export const invalid = (fieldErrors: Record<string, string[]>, message = "请检查标出的字段") =>
  new AppError("INVALID", message, fieldErrors);
export const conflict = (message: string) => new AppError("CONFLICT", message);

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[issue.path.join(".") || "_form"] ??= []).push(issue.message);
  return out;
}

/** Parses with zod; a failure becomes an INVALID error with the messages at their fields. */
export function parseOrInvalid<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const res = schema.safeParse(raw);
  if (res.success) return res.data;
  throw invalid(fieldErrorsOf(res.error));
}

/**
 * For pages: runs a service call; an expected refusal becomes a message to show, anything else propagates.
 * A record that does not exist or lies outside the reader's region (the same answer) renders the app's
 * not-found page with HTTP 404; a refusal of the user's role or level renders the app's forbidden page with
 * HTTP 403 (decision 015). `inline` keeps both as messages: for parts of a page streamed after its status was
 * sent.
 */
export async function attempt<T>(
  fn: () => Promise<T>,
  opts: { inline?: boolean } = {},
): Promise<{ ok: true; data: T } | { ok: false; message: string }> {
  try {
    return { ok: true, data: await fn() };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (!opts.inline && (e.kind === "NOT_FOUND" || e.kind === "FORBIDDEN")) {
      // Imported here, not at the top: scripts (bench, demo data) use the services outside Next.js.
      const navigation = await import("next/navigation");
      if (e.kind === "NOT_FOUND") navigation.notFound();
      navigation.forbidden();
    }
    return { ok: false, message: e.message };
  }
}
