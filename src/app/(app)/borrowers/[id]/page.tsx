import Link from "next/link";
import { pageActor } from "@/server/session";
import { getBorrower } from "@/server/services/borrowers";
import { listLoans } from "@/server/services/loans";
import { attempt } from "@/server/errors";
import { PageError } from "@/ui/shell/PageError";
import { LoanTable } from "@/ui/loans/LoanTable";
import { RevealId } from "@/ui/borrowers/RevealId";
import { can } from "@/domain";
import { revealIdAction } from "../actions";

const HOUSEHOLD: Record<string, string> = { POVERTY_ALLEVIATED: "脱贫户", MONITORED: "监测户", GENERAL: "一般农户" };

export default async function BorrowerPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { id } = await params;
  const sp = await searchParams;
  const actor = await pageActor();
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) return <PageError message="记录不存在或不在您的管辖范围内" />;
  const res = await attempt(() => getBorrower(actor, n));
  if (!res.ok) return <PageError message={res.message} />;
  const b = res.data;
  const loans = can(actor.role, "loan.read") ? (await listLoans(actor, { borrowerId: b.id, limit: 50 })).rows : [];
  const row = (label: string, value: React.ReactNode) => (
    <div className="grid grid-cols-3 gap-2 py-2">
      <dt className="text-stone-500">{label}</dt>
      <dd className="col-span-2">{value}</dd>
    </div>
  );
  return (
    <div className="space-y-6">
      {sp.created && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-green-800">
          借款人已登记
        </p>
      )}
      {sp.saved && (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-green-800">
          修改已保存
        </p>
      )}
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold" data-testid="borrower-name">
          {b.name}
        </h1>
        {b.canEdit && (
          <Link href={`/borrowers/${b.id}/edit`} className="rounded-md border border-stone-300 px-3 py-1.5 hover:bg-stone-100">
            编辑
          </Link>
        )}
      </div>
      <dl className="max-w-2xl divide-y divide-stone-100 rounded-lg bg-white px-4 text-sm ring-1 ring-stone-200">
        {row("身份证号码", b.canReveal ? <RevealId id={b.id} masked={b.idNumberMasked} reveal={revealIdAction} /> : <span className="font-mono" data-testid="id-number">{b.idNumberMasked}</span>)}
        {row("性别 · 出生日期 · 年龄", `${b.sex === "F" ? "女" : "男"} · ${b.birthDate ?? "—"} · ${b.age ?? "—"}岁`)}
        {row("乡镇 · 村", `${b.townshipName} · ${b.villageName}`)}
        {row("联系电话", b.phone)}
        {row("户类型", HOUSEHOLD[b.householdType])}
        {row("信用户", b.creditRated ? "是" : "否")}
        {row("从事产业", b.industry)}
        {row("详细住址", b.address ?? "—")}
      </dl>
      {loans.length > 0 && (
        <section>
          <h2 className="mb-2 font-medium">贷款</h2>
          <LoanTable rows={loans} />
        </section>
      )}
    </div>
  );
}
