import { Readable } from "node:stream";
import { getTranslations } from "next-intl/server";
import { fenToYuan, neutraliseCell } from "@/domain";
import { route } from "@/server/route";
import { figureLoansExport } from "@/server/services/figure-loans";
import { writeXlsx, type XlsxCell, type XlsxColumn } from "@/server/spreadsheet/write-xlsx";

/**
 * GET /dashboard/loans/export?region=&asOf=&figure=&from=&to= — every loan behind a dashboard figure as .xlsx,
 * named by its region and date, with a totals row equal to the sum of its columns (audited: who, which loans).
 */
export const GET = route(async (actor, request) => {
  const url = new URL(request.url);
  const list = await figureLoansExport(actor, Object.fromEntries(url.searchParams));
  const t = await getTranslations("figureLoans");
  const status = await getTranslations("status");
  const money = (fen: number): XlsxCell => ({ num: fenToYuan(fen), fmt: "money" });
  const matured = list.figure === "matured";
  const columns: XlsxColumn[] = [
    { header: t("col.applicationNo"), width: 18 },
    { header: t("col.borrower"), width: 12 },
    { header: t("col.village"), width: 14 },
    { header: t("col.status"), width: 10 },
    { header: t("col.principal"), width: 16, format: "money" },
    ...(matured
      ? [
          { header: t("col.maturityDate"), width: 12, format: "date" as const },
          { header: t("col.recovered"), width: 16, format: "money" as const },
          { header: t("col.unpaid"), width: 16, format: "money" as const },
        ]
      : [
          { header: t("col.outstanding"), width: 16, format: "money" as const },
          { header: t("col.daysPastDue"), width: 10 },
          { header: t("col.oldestUnpaidDue"), width: 14, format: "date" as const },
        ]),
  ];
  const title = t("title", { region: list.regionName, figure: t(`kind.${list.figure}`), asOf: list.asOf });
  async function* batches(): AsyncGenerator<XlsxCell[][]> {
    yield list.loans.map((l): XlsxCell[] => [
      neutraliseCell(l.applicationNo),
      neutraliseCell(l.borrowerName),
      neutraliseCell(l.villageName),
      status(l.status as "REPAYING"),
      money(l.principalFen),
      ...(matured
        ? [{ date: l.maturityDate! }, money(l.recoveredFen), money(l.unpaidFen)]
        : [money(l.outstandingFen), { num: String(l.daysPastDue) }, { date: l.oldestUnpaidDue! }]),
    ]);
  }
  const sum = (f: (l: (typeof list.loans)[number]) => number) => list.loans.reduce((s, l) => s + f(l), 0);
  // The totals row is the sum of the column above it; then the list's region, date and window.
  const footer = (): XlsxCell[][] => [
    [
      t("col.total"),
      null,
      null,
      null,
      money(sum((l) => l.principalFen)),
      ...(matured
        ? [null, money(sum((l) => l.recoveredFen)), money(sum((l) => l.unpaidFen))]
        : [money(sum((l) => l.outstandingFen)), null, null]),
    ],
    [neutraliseCell(title)],
    ...(list.window ? [[neutraliseCell(t("window", { from: list.window.from, to: list.window.to }))]] : []),
  ];
  const chunks = writeXlsx({ sheetName: t("sheet"), columns, batches: batches(), footer });
  const name = `${list.regionName}_${t(`kind.${list.figure}`)}_${list.asOf}.xlsx`;
  return new Response(Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="loans-${list.figure}-${list.region}-${list.asOf}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
});
