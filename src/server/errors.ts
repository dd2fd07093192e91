import "server-only";

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
export const invalid = (fieldErrors: Record<string, string[]>, message = "请检查标出的字段") => new AppError("INVALID", message, fieldErrors);
export const conflict = (message: string) => new AppError("CONFLICT", message);
