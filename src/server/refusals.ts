import "server-only";
import { recordAnonymousRefusal, type RefusalKind, type Transact } from "@/shared/refusal-window";
import { clientIp } from "./auth";
import { db } from "./db";

/** The app's transactions for src/shared/refusal-window.ts: Prisma's pool, raw SQL. */
const transact: Transact = (fn) =>
  db.$transaction((tx) =>
    fn({
      query: <R extends object>(text: string, values: unknown[]) => tx.$queryRawUnsafe<R[]>(text, ...values),
    }),
  );

/**
 * Audits a refusal of a request that names no user, folded per client address and kind (decision 012):
 * anyone can send these, so they must not fill the audit trail. Refusals of a signed-in user are not
 * folded: write them with writeAudit and actorFields.
 */
export async function auditAnonymousRefusal(
  kind: RefusalKind,
  action: string,
  detail?: string,
): Promise<void> {
  await recordAnonymousRefusal(transact, { kind, address: await clientIp(), action, detail });
}
