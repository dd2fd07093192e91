"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/server/action";
import {
  addLpr,
  createRegion,
  createUser,
  resetPassword,
  setUserDisabled,
  unlockLogin,
  updateUserRole,
} from "@/server/services/admin";
import { createPolicyVersion } from "@/server/services/policies";

export const createUserAction = defineFormAction("user.create", "admin.manage", async (actor, input) => {
  const u = await createUser(actor, input);
  revalidatePath("/admin/users");
  return u;
});

export const disableUserAction = defineFormAction("user.disable", "admin.manage", async (actor, input) => {
  await setUserDisabled(actor, input, true);
  revalidatePath("/admin/users");
});

export const enableUserAction = defineFormAction("user.enable", "admin.manage", async (actor, input) => {
  await setUserDisabled(actor, input, false);
  revalidatePath("/admin/users");
});

export const resetPasswordAction = defineFormAction(
  "user.resetPassword",
  "admin.manage",
  async (actor, input) => {
    await resetPassword(actor, input);
  },
);

export const unlockLoginAction = defineFormAction(
  "user.unlockLogin",
  "admin.manage",
  async (actor, input) => {
    await unlockLogin(actor, input);
    revalidatePath("/admin/users");
  },
);

export const updateUserAction = defineFormAction("user.update", "admin.manage", async (actor, input) => {
  await updateUserRole(actor, input);
  revalidatePath("/admin/users");
});

export const addLprAction = defineFormAction("lpr.create", "admin.manage", async (actor, input) => {
  await addLpr(actor, input);
  revalidatePath("/admin/lpr");
});

export const createRegionAction = defineFormAction("region.create", "admin.manage", async (actor, input) => {
  await createRegion(actor, input);
  revalidatePath("/admin/regions");
});

export const createPolicyAction = defineFormAction("policy.create", "admin.manage", async (actor, input) => {
  await createPolicyVersion(actor, input);
  revalidatePath("/admin/policies");
});
