import { ROLES, ROLE_LABELS } from "@/domain";
import { pageActor } from "@/server/session";
import { attempt } from "@/server/errors";
import { listUsers, regionOptions } from "@/server/services/admin";
import { PageError } from "@/ui/shell/PageError";
import { AdminTabs } from "@/ui/shell/AdminTabs";
import { ActionForm } from "@/ui/forms/ActionForm";
import { createUserAction, disableUserAction, enableUserAction, resetPasswordAction, updateUserAction } from "../actions";

export default async function UsersPage() {
  const actor = await pageActor();
  const res = await attempt(async () => ({ users: await listUsers(actor), regions: await regionOptions(actor) }));
  if (!res.ok) return <PageError message={res.message} />;
  const { users, regions } = res.data;
  const roleOptions = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r].zh }));
  const regionOpts = regions.map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }));
  return (
    <div>
      <h1 className="mb-2 text-xl font-semibold">系统管理</h1>
      <AdminTabs current="/admin/users" />
      <section className="mb-6 rounded-lg bg-white p-4 ring-1 ring-stone-200">
        <h2 className="mb-3 font-medium">新建用户</h2>
        <ActionForm
          testId="create-user"
          action={createUserAction}
          submitLabel="创建用户"
          successMessage="用户已创建"
          columns={3}
          fields={[
            { name: "username", label: "用户名", hint: "小写字母、数字、下划线" },
            { name: "displayName", label: "姓名（单位）" },
            { name: "role", label: "角色", type: "select", options: roleOptions },
            { name: "regionCode", label: "管辖地区", type: "select", options: regionOpts },
            { name: "password", label: "初始密码", type: "password", hint: "至少10位，含字母和数字" },
          ]}
        />
      </section>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="users-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">用户名</th>
              <th className="px-3 py-2">姓名</th>
              <th className="px-3 py-2">角色 · 地区</th>
              <th className="px-3 py-2">状态</th>
              <th className="px-3 py-2">最近登录</th>
              <th className="px-3 py-2">操作</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {users.map((u) => (
              <tr key={u.id} data-username={u.username}>
                <td className="px-3 py-2 font-mono">{u.username}</td>
                <td className="px-3 py-2">{u.displayName}</td>
                <td className="px-3 py-2">
                  {ROLE_LABELS[u.role].zh} · {u.regionName}
                  {u.id !== actor.id && (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-brand-700">修改角色或地区</summary>
                      <ActionForm
                        testId={`update-${u.username}`}
                        action={updateUserAction}
                        hidden={{ id: String(u.id) }}
                        submitLabel="保存"
                        successMessage="已保存，该用户需重新登录"
                        columns={1}
                        fields={[
                          { name: "role", label: "角色", type: "select", options: roleOptions, defaultValue: u.role },
                          { name: "regionCode", label: "管辖地区", type: "select", options: regionOpts, defaultValue: u.regionCode },
                        ]}
                      />
                    </details>
                  )}
                </td>
                <td className="px-3 py-2">{u.disabled ? <span className="text-red-700">已停用</span> : u.lockedUntil && u.lockedUntil > new Date().toISOString() ? "暂时锁定" : "正常"}</td>
                <td className="px-3 py-2 text-xs">{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—"}</td>
                <td className="px-3 py-2">
                  {u.id !== actor.id && (
                    <div className="space-y-2">
                      <ActionForm testId={`toggle-${u.username}`} action={u.disabled ? enableUserAction : disableUserAction} hidden={{ id: String(u.id) }} submitLabel={u.disabled ? "启用" : "停用"} fields={[]} columns={1} />
                      <details>
                        <summary className="cursor-pointer text-xs text-brand-700">重置密码</summary>
                        <ActionForm testId={`reset-${u.username}`} action={resetPasswordAction} hidden={{ id: String(u.id) }} submitLabel="重置" successMessage="密码已重置，原会话已失效" columns={1} fields={[{ name: "password", label: "新密码", type: "password" }]} />
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
