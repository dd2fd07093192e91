import { AppError } from "@/server/errors";

/** Awaits a call that must be refused with an expected error, and returns that error for assertions. */
export async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}
