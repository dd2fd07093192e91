/**
 * Upload bounds, one number each: the upload route, the body Next.js buffers before the route sees it
 * (next.config.ts), the spreadsheet reader and SECURITY.md all take them from here.
 */
const MiB = 1024 * 1024;

export const UPLOAD_LIMITS = {
  /** The file itself (what the screen and SECURITY.md promise). */
  maxFileBytes: 20 * MiB,
  /** The request body: the file plus the multipart envelope and the other fields. */
  maxBodyBytes: 21 * MiB,
  /** Everything inside an .xlsx once expanded (sum of the declared sizes of its parts). */
  maxExpandedBytes: 400 * MiB,
} as const;

/**
 * Attachments of the borrower's file (decision 041): streamed to the store while hashed, never held whole in
 * memory. A phone's photo runs to 10–20 MB; a scanned contract less.
 */
export const ATTACHMENT_LIMITS = {
  maxFileBytes: 25 * MiB,
  /** An image's width × height: a small file that would decode to gigabytes (a "pixel bomb") is refused. */
  maxImagePixels: 120_000_000,
  /** Attachments listed on the borrower's page (newest first); the rest are counted. */
  listed: 200,
} as const;

/**
 * Heavy work (exports, print views, dashboard recomputes, imports): how many one user may run at once, and
 * how many all users together, per pool — so that one auditor's exports cannot slow every clerk's page.
 */
export const HEAVY_LIMITS = {
  kinds: {
    export: { perUser: 1, pool: "bulk" },
    print: { perUser: 1, pool: "bulk" },
    import: { perUser: 1, pool: "bulk" },
    // A dashboard page computes two views at once (figures and the monthly rates).
    dashboard: { perUser: 2, pool: "views" },
  },
  pools: { bulk: 1, views: 4 },
  /**
   * Bulk work (exports, print views, imports) runs at background priority: while other requests are arriving
   * (one in the last `activeWindowMs`) it may be busy only this share of the time and rests the remainder, so
   * that on a small server (2 cores) the clerk's pages stay near their idle speed while an export runs; alone,
   * it runs flat out. 0.1 = an export takes about ten times as long while others work, and after each bulk
   * job the pool rests nine times as long (at most `maxRestMs`): measured in bench:web (docs/benchmarks.md),
   * 0.5 left a clerk's page at 6.1 × its idle p95 under an auditor's exports and print views, 0.2 at 3.5 ×,
   * 0.1 at 1.7 ×.
   */
  bulkDuty: 0.1,
  activeWindowMs: 2000,
  /** The longest rest the bulk pool takes after a job (so a long export never blocks the next for long). */
  maxRestMs: 30_000,
  /** Rests shorter than this are carried over (a timer cannot sleep for a tenth of a millisecond). */
  minRestMs: 4,
} as const;

/**
 * Export bounds (decision 011). An .xlsx is written a batch at a time at the client's pace, so memory does not
 * grow with its size; these bound what a spreadsheet program can open and how long one request runs.
 */
export const EXPORT_LIMITS = {
  /** Data rows per worksheet: Excel and WPS open at most 1,048,576 rows (header and totals included). */
  xlsxRowsPerSheet: 1_000_000,
  /** Rows of one .xlsx (five worksheets); above it the export is refused with a message offering CSV. */
  xlsxMaxRows: 5_000_000,
} as const;

/** A bank's repayment statement (services/bank-statements.ts): data rows of one file. */
export const STATEMENT_LIMITS = {
  maxRows: 100_000,
  /** Rows of each category the preview lists (all are counted and summed). */
  previewRows: 200,
} as const;

/**
 * Interactive transactions (every `db.$transaction(async (tx) => …)`): how long one may wait for a connection
 * and run. Prisma's defaults (2 s, 5 s) fail postings on a loaded small server; a posting's transaction holds
 * one loan's row lock, so a longer bound blocks nobody else.
 */
export const TRANSACTION_LIMITS = {
  maxWait: 10_000,
  timeout: 30_000,
} as const;

/** What a dashboard writes out in full; the rest is counted (a province can have thousands of alerts). */
export const DASHBOARD_LIMITS = {
  /** Suspension alerts listed one by one; all are counted per county with a link to each county's list. */
  alertsListed: 10,
} as const;

/**
 * Work lists (到期提醒, 催收): rows of one page. The counts and sums on the page cover the whole list; a city's
 * list runs to tens of thousands of loans, which no screen shows at once (issue 20 item 8).
 */
export const WORKLIST_LIMITS = {
  pageRows: 200,
} as const;
