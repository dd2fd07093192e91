import Link from "next/link";
import { can } from "@/domain";
import { pageActor } from "@/server/session";
import { searchBorrowers, borrowerSearchQuery } from "@/server/services/borrowers";
import { attempt } from "@/server/errors";
import { PageError } from "@/ui/shell/PageError";

const HOUSEHOLD: Record<string, string> = { POVERTY_ALLEVIATED: "脱贫户", MONITORED: "监测户", GENERAL: "一般农户" };

export default async function BorrowersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const actor = await pageActor();
  const parsed = borrowerSearchQuery.safeParse({ q: sp.q || undefined, after: sp.after || undefined });
  const query = parsed.success ? parsed.data : { limit: 50 };
  const res = await attempt(() => searchBorrowers(actor, query));
  if (!res.ok) return <PageError message={res.message} />;
  const result = res.data;
  return (
    <div>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-xl font-semibold">借款人</h1>
        {can(actor.role, "borrower.write") && (
          <Link href="/borrowers/new" className="rounded-md bg-brand-600 px-4 py-2 text-white hover:bg-brand-700">
            登记借款人
          </Link>
        )}
      </div>
      <form role="search" className="mb-4 flex items-end gap-3">
        <div>
          <label htmlFor="q" className="block text-xs text-stone-600">
            姓名、身份证号码或手机号码
          </label>
          <input id="q" name="q" defaultValue={sp.q ?? ""} maxLength={64} className="w-80 rounded-md border border-stone-300 px-3 py-1.5" />
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-1.5 text-white hover:bg-brand-700">
          搜索
        </button>
      </form>
      <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-stone-200">
        <table className="min-w-full text-sm" data-testid="borrowers-table">
          <thead className="bg-stone-100 text-left text-xs text-stone-600">
            <tr>
              <th className="px-3 py-2">姓名</th>
              <th className="px-3 py-2">身份证号码</th>
              <th className="px-3 py-2">年龄</th>
              <th className="px-3 py-2">乡镇 · 村</th>
              <th className="px-3 py-2">户类型</th>
              <th className="px-3 py-2">信用户</th>
              <th className="px-3 py-2">产业</th>
              <th className="px-3 py-2">电话</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {result.rows.map((b) => (
              <tr key={b.id} className="hover:bg-brand-50/40">
                <td className="px-3 py-2">
                  <Link href={`/borrowers/${b.id}`} className="text-brand-700 hover:underline">
                    {b.name}
                  </Link>
                </td>
                <td className="px-3 py-2 font-mono text-xs">{b.idNumberMasked}</td>
                <td className="px-3 py-2">{b.age ?? "—"}</td>
                <td className="px-3 py-2">
                  {b.townshipName} · {b.villageName}
                </td>
                <td className="px-3 py-2">{HOUSEHOLD[b.householdType]}</td>
                <td className="px-3 py-2">{b.creditRated ? "是" : "否"}</td>
                <td className="px-3 py-2">{b.industry}</td>
                <td className="px-3 py-2">{b.phone}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.rows.length === 0 && <p className="p-6 text-center text-stone-500">没有符合条件的借款人</p>}
      </div>
      {result.nextAfter && (
        <Link href={`/borrowers?${new URLSearchParams({ ...(sp.q ? { q: sp.q } : {}), after: String(result.nextAfter) }).toString()}`} className="mt-3 inline-block text-sm text-brand-700 hover:underline">
          下一页 →
        </Link>
      )}
    </div>
  );
}
