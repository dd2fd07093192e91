import { Readable } from "node:stream";
import { fenToYuan, neutraliseCell } from "@/domain";
import { route } from "@/server/route";
import { comingDueCallList } from "@/server/services/coming-due";
import { writeXlsx, type XlsxCell } from "@/server/spreadsheet/write-xlsx";
import zh from "../../../../../messages/zh-CN.json";

/** GET /due/export?region=&bankId=&days= — the coming-due call list as .xlsx (recorded: who, which loans). */
export const GET = route(async (actor, request) => {
  const url = new URL(request.url);
  const p = (k: string) => url.searchParams.get(k) || undefined;
  const list = await comingDueCallList(actor, { region: p("region"), bankId: p("bankId"), days: p("days") });
  const d = zh.worklists.due;
  const money = (fen: number): XlsxCell => ({ num: fenToYuan(fen), fmt: "money" });
  async function* batches(): AsyncGenerator<XlsxCell[][]> {
    yield list.rows.map((r): XlsxCell[] => [
      neutraliseCell(r.townshipName),
      neutraliseCell(r.villageName),
      neutraliseCell(r.borrowerName),
      neutraliseCell(r.phone),
      neutraliseCell(r.bankName),
      neutraliseCell(r.contractNo ?? ""),
      { date: r.dueDate },
      money(r.principalFen),
      money(r.interestFen),
      money(r.principalFen + r.interestFen),
    ]);
  }
  const chunks = writeXlsx({
    sheetName: d.sheet,
    columns: [
      { header: d.township, width: 14 },
      { header: d.village, width: 14 },
      { header: d.borrower, width: 12 },
      { header: d.phone, width: 16 },
      { header: d.bank, width: 16 },
      { header: d.contract, width: 18 },
      { header: d.dueDate, width: 12, format: "date" },
      { header: d.principal, width: 14, format: "money" },
      { header: d.interest, width: 14, format: "money" },
      { header: d.total, width: 14, format: "money" },
    ],
    batches: batches(),
  });
  const name = `${d.sheet}_${list.asOf}至${list.until}.xlsx`;
  return new Response(Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="due-${list.region}-${list.asOf}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
});
