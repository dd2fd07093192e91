import "server-only";
import { hash, verify } from "@node-rs/argon2";

import { ARGON2_OPTIONS as OPTIONS } from "@/config/argon2";

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal which usernames exist. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword("halfsky-timing-equaliser");
  return dummy;
}
