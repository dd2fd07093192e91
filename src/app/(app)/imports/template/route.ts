import { route } from "@/server/route";
import { importTemplate } from "@/server/services/imports";

export const GET = route(async (actor) => {
  const body = await importTemplate(actor);
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="import-template.xlsx"; filename*=UTF-8''${encodeURIComponent("贷款台账导入模板.xlsx")}`,
      "Cache-Control": "no-store",
    },
  });
});
