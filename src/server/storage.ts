import "server-only";
import { storeFromEnv, type AttachmentStore } from "@/shared/storage";
import { env } from "./env";

let cached: AttachmentStore | undefined;

/** The app's attachment store, as the environment configures it (decision 041). */
export function attachmentStore(): AttachmentStore {
  cached ??= storeFromEnv(env());
  return cached;
}
