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
