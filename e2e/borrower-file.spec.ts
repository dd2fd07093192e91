import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { e2eDb, login } from "./helpers";

/**
 * The borrower's file (issue 23 item 7): a clerk rates a household of her county (approved by a second person),
 * attaches a contract and records a post-loan visit with a photo; the city's
 * auditor downloads it (audited, with the file's SHA-256); an official of another city gets neither the
 * borrower nor the file — the same 404 as for a record that does not exist.
 */
test("a clerk rates a household, attaches a contract and records a visit with a photo; the city's auditor downloads it (audited); another city's official cannot", async ({
  browser,
}) => {
  const db = await e2eDb();
  try {
    // A borrower of 榆中县 (兰州市) with a loan being repaid (the last such loan: other journeys use the first).
    const {
      rows: [b],
    } = await db.query<{ id: number; name: string; loan: number }>(
      `SELECT b.id, b.name, l.id AS loan FROM "Borrower" b JOIN "Loan" l ON l."borrowerId" = b.id
       WHERE b."countyCode" = '620123' AND l.status = 'REPAYING'
         AND NOT EXISTS (SELECT 1 FROM "CreditRating" r WHERE r."borrowerId" = b.id AND r.status = 'PENDING')
       ORDER BY l.id DESC LIMIT 1`,
    );
    const fileName = `借款合同-e2e-${Date.now()}.pdf`;
    const content = Buffer.from(`%PDF-1.4\n% HalfSky e2e contract ${fileName}\n%%EOF\n`);

    // The clerk records the household's credit rating (the village review committee's decision) …
    const clerk = await browser.newPage();
    await login(clerk, "yz_staff");
    await clerk.goto(`/borrowers/${b!.id}`);
    const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
    const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4, 10)}`;
    const credit = clerk.getByTestId("credit-rating");
    const raters = `村评级小组 王芳、李强（${Date.now()}）`;
    await credit.getByText("录入评级授信").click();
    const rate = credit.getByTestId("rate-borrower");
    await rate.getByLabel("信用等级").selectOption("AA");
    await rate.getByLabel("授信额度（元）").fill("50000");
    await rate.getByLabel("授信起始日").fill(today);
    await rate.getByLabel("授信到期日").fill(nextYear);
    await rate.getByLabel("评级人（评级小组成员）").fill(raters);
    await rate.getByLabel("村评议委员会评议日期").fill(today);
    await rate.getByLabel("评议决定编号或会议记录").fill(`e2e 评议 ${Date.now()}`);
    await rate.getByRole("button", { name: "提交审核" }).click();
    // The form gives way to the pending rating, waiting for another person.
    const mine = credit.getByRole("row").filter({ hasText: raters });
    await expect(mine).toContainText("待审核");
    await expect(mine).toContainText("等待另一位审核人审核");
    await expect(credit).toContainText("该户有待审核的评级授信，审核后才能再录入");

    // … which the county's approver (a second person) approves: the limit is then in force.
    const approver = await browser.newPage();
    await login(approver, "yz_approver");
    await approver.goto(`/borrowers/${b!.id}`);
    await approver.getByRole("button", { name: "审核通过" }).click();
    const approved = approver.getByTestId("credit-rating").getByRole("row").filter({ hasText: raters });
    await expect(approved).toContainText("有效");
    await expect(approved).not.toContainText("待审核");
    await expect(approver.getByTestId("credit-current")).toContainText("授信额度 50,000.00 元");
    await approver.close();

    // She uploads the contract on the borrower's page.
    await clerk.goto(`/borrowers/${b!.id}`);
    const section = clerk.getByTestId("attachments");
    await section.getByLabel("类别").selectOption("CONTRACT");
    await section
      .getByLabel("文件")
      .setInputFiles({ name: fileName, mimeType: "application/pdf", buffer: content });
    await section.getByRole("button", { name: "上传附件" }).click();
    await expect(section.getByRole("status")).toContainText(`已上传：${fileName}`);
    const row = section.getByTestId("attachments-table").getByRole("row").filter({ hasText: fileName });
    await expect(row).toContainText("借款合同");
    const {
      rows: [a],
    } = await db.query<{ id: number; sha256: string }>(
      `SELECT id, sha256 FROM "Attachment" WHERE "borrowerId" = $1 AND "fileName" = $2`,
      [b!.id, fileName],
    );
    expect(a, "the attachment is stored").toBeTruthy();

    // She records a post-loan visit with a photo on the loan's page.
    const photo = await sharp({
      create: { width: 16, height: 12, channels: 3, background: { r: 190, g: 40, b: 40 } },
    })
      .png()
      .toBuffer();
    const usage = `e2e 回访 ${Date.now()}：购买牛犊 6 头，圈舍已建成`;
    await clerk.goto(`/loans/${b!.loan}#visits`);
    const form = clerk.getByTestId("visit-form");
    await form.getByLabel("资金使用情况").fill(usage);
    await form
      .getByLabel("回访照片")
      .setInputFiles({ name: "回访.png", mimeType: "image/png", buffer: photo });
    await form.getByRole("button", { name: "登记回访" }).click();
    await expect(clerk.getByTestId("visits").getByRole("status")).toContainText("回访已登记");
    await expect(clerk.getByTestId("visits-table")).toContainText(usage);
    const {
      rows: [v],
    } = await db.query<{ photoId: number | null; kind: string | null }>(
      `SELECT v."photoId", a.kind::text AS kind FROM "LoanVisit" v LEFT JOIN "Attachment" a ON a.id = v."photoId"
       WHERE v."loanId" = $1 AND v.usage = $2`,
      [b!.loan, usage],
    );
    expect(v, "the visit is stored").toBeTruthy();
    expect(v!.kind, "its photo is a VISIT_PHOTO attachment").toBe("VISIT_PHOTO");

    // The city's auditor sees it on the borrower's page and downloads it: the same bytes, and an audit event.
    const auditor = await browser.newPage();
    await login(auditor, "lz_auditor");
    await auditor.goto(`/borrowers/${b!.id}`);
    const link = auditor
      .getByTestId("attachments-table")
      .getByRole("row")
      .filter({ hasText: fileName })
      .getByRole("link", { name: "下载（留痕）" });
    const [download] = await Promise.all([auditor.waitForEvent("download"), link.click()]);
    const path = await download.path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path).equals(content), "the downloaded bytes are the uploaded ones").toBe(true);
    await expect
      .poll(async () => {
        const { rows } = await db.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM "AuditEvent" e
           WHERE e.action = 'attachment.download' AND e."entityId" = $1 AND e.username = 'lz_auditor'
             AND e.outcome = 'OK' AND e.after->>'sha256' = $2`,
          [String(a!.id), a!.sha256],
        );
        return Number(rows[0]!.n);
      })
      .toBe(1);

    // An official of 巴中市: the borrower's page and the file answer 404, as for records that do not exist.
    const other = await browser.newPage();
    await login(other, "bz_official");
    expect((await other.goto(`/borrowers/${b!.id}`))!.status()).toBe(404);
    const res = await other.request.get(`/attachments/${a!.id}`);
    expect(res.status()).toBe(404);
    expect(await res.text()).not.toContain("%PDF");
    const missing = await other.request.get(`/attachments/999999999`);
    expect(missing.status()).toBe(404);
    await Promise.all([clerk.close(), auditor.close(), other.close()]);
  } finally {
    await db.end();
  }
});
