import { getLocale, getTranslations } from "next-intl/server";
import { formatDateTime, ROLES, ROLE_LABELS } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listUsers, regionOptions } from "@/server/services/admin";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import {
  createUserAction,
  disableUserAction,
  enableUserAction,
  resetPasswordAction,
  unlockLoginAction,
  updateUserAction,
} from "../actions";

export default async function UsersPage() {
  const actor = await pageActor();
  const t = await getTranslations("admin");
  const lang = (await getLocale()) === "en" ? "en" : "zh";
  const res = await attempt(async () => ({
    users: await listUsers(actor),
    regions: await regionOptions(actor),
  }));
  if (!res.ok) return <PageError message={res.message} />;
  const { users, regions } = res.data;
  const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r][lang] }));
  const regionOpts = regions.map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }));
  return (
    <div>
      <AdminTabs current="/admin/users" />
      <section className="mb-6 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">{t("newUser")}</h2>
        <ActionForm
          testId="create-user"
          action={createUserAction}
          submitLabel={t("createUser")}
          successMessage={t("userCreated")}
          columns={3}
          fields={[
            { name: "username", label: t("username"), hint: t("usernameHint") },
            { name: "displayName", label: t("displayName") },
            { name: "role", label: t("role"), type: "select", options: roleOptions },
            { name: "regionCode", label: t("region"), type: "select", options: regionOpts },
            { name: "password", label: t("initialPassword"), type: "password", hint: t("passwordHint") },
          ]}
        />
      </section>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="users-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">{t("username")}</th>
              <th className="px-3 py-2">{t("displayName")}</th>
              <th className="px-3 py-2">{t("roleRegion")}</th>
              <th className="px-3 py-2">{t("status")}</th>
              <th className="px-3 py-2">{t("lastLogin")}</th>
              <th className="px-3 py-2">{t("actions")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {users.map((u) => (
              <tr key={u.id} data-username={u.username}>
                <td className="px-3 py-2 font-mono">{u.username}</td>
                <td className="px-3 py-2">{u.displayName}</td>
                <td className="px-3 py-2">
                  {ROLE_LABELS[u.role][lang]} · {u.regionName}
                  {u.id !== actor.id && (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-brand-700">{t("changeRole")}</summary>
                      <ActionForm
                        testId={`update-${u.username}`}
                        action={updateUserAction}
                        hidden={{ id: String(u.id) }}
                        submitLabel={t("save")}
                        successMessage={t("savedRelogin")}
                        columns={1}
                        fields={[
                          {
                            name: "role",
                            label: t("role"),
                            type: "select",
                            options: roleOptions,
                            defaultValue: u.role,
                          },
                          {
                            name: "regionCode",
                            label: t("region"),
                            type: "select",
                            options: regionOpts,
                            defaultValue: u.regionCode,
                          },
                        ]}
                      />
                    </details>
                  )}
                </td>
                <td className="px-3 py-2">
                  {u.disabled ? (
                    <span className="text-red-700">{t("disabled")}</span>
                  ) : u.lockedUntil && u.lockedUntil > new Date().toISOString() ? (
                    t("locked")
                  ) : (
                    t("active")
                  )}
                </td>
                <td className="px-3 py-2 text-xs">{u.lastLoginAt ? formatDateTime(u.lastLoginAt) : "—"}</td>
                <td className="px-3 py-2">
                  {u.id !== actor.id && (
                    <div className="space-y-2">
                      <ActionForm
                        testId={`toggle-${u.username}`}
                        action={u.disabled ? enableUserAction : disableUserAction}
                        hidden={{ id: String(u.id) }}
                        submitLabel={u.disabled ? t("enable") : t("disable")}
                        fields={[]}
                        columns={1}
                      />
                      {u.lockedUntil && u.lockedUntil > new Date().toISOString() && (
                        <ActionForm
                          testId={`unlock-${u.username}`}
                          action={unlockLoginAction}
                          hidden={{ id: String(u.id) }}
                          submitLabel={t("unlock")}
                          successMessage={t("unlocked")}
                          fields={[]}
                          columns={1}
                        />
                      )}
                      <details>
                        <summary className="cursor-pointer text-xs text-brand-700">
                          {t("resetPassword")}
                        </summary>
                        <ActionForm
                          testId={`reset-${u.username}`}
                          action={resetPasswordAction}
                          hidden={{ id: String(u.id) }}
                          submitLabel={t("reset")}
                          successMessage={t("passwordReset")}
                          columns={1}
                          fields={[{ name: "password", label: t("newPassword"), type: "password" }]}
                        />
                      </details>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
