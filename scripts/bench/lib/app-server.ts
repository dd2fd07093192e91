/**
 * The production app (`next start`) on the benchmark database, for the load test, page speed and the
 * server's memory during an export. Builds first when the build is missing or stale (like npm start).
 */
import fs from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { NEXT_BIN, needsBuild, run } from "../../lib/build";
import { assertPortFree } from "../../lib/ports";

export interface AppServer {
  baseUrl: string;
  /** Resident memory of the server process and its children, in bytes. */
  rss: () => number;
  stop: () => Promise<void>;
  /** SIGKILL to the server and every process it started (the crash test). */
  crash: () => Promise<void>;
}

const BENCH_AUTH_SECRET = "benchmark-only-auth-secret-0123456789abcdef";

function treeRss(root: number): number {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* exited */
    }
  }
  let total = 0;
  for (const pid of parent.keys()) {
    let p: number | undefined = pid;
    while (p && p !== root) p = parent.get(p);
    if (p !== root) continue;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      total += m ? Number(m[1]) * 1024 : 0;
    } catch {
      /* exited */
    }
  }
  return total;
}

export async function startAppServer(
  databaseUrl: string,
  port: number,
  log: (m: string) => void = (m) => console.error(m),
  /** More of the server's environment (bench:web --replica: HALFSKY_REPLICA_URL). */
  extraEnv: Record<string, string> = {},
): Promise<AppServer> {
  // A server left on the port would answer instead of this one (and measure an old build).
  await assertPortFree(
    port,
    "the benchmark app server",
    "Stop the process on that port (an earlier run's server?).",
  );
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: BENCH_AUTH_SECRET,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
    ...extraEnv,
  };
  if (needsBuild()) {
    log("Building the app (next build) …");
    if ((await run(NEXT_BIN, ["build"], env, true)) !== 0) throw new Error("next build failed");
  }
  // The server's own log (snapshot job progress, refusals) goes to a file when asked for.
  const out = process.env.BENCH_SERVER_LOG ? fs.openSync(process.env.BENCH_SERVER_LOG, "a") : "ignore";
  const child: ChildProcess = spawn(NEXT_BIN, ["start", "-p", String(port), "-H", "127.0.0.1"], {
    env,
    stdio: ["ignore", out, "inherit"],
    detached: true,
  });
  // Its own process group, so that a signal reaches the server and any worker it starts.
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* already gone */
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode})`);
    try {
      if ((await fetch(`${baseUrl}/login`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > 90_000) throw new Error("the app did not start in 90 s");
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseUrl,
    rss: () => treeRss(child.pid!),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
    crash: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      signal("SIGKILL");
      await exited;
    },
  };
}

/** Debian's chromium (as in playwright.config.ts), or Playwright's own where installed. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** A browser context logged in as `username` (through the login page, like a person). */
export async function loggedIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByTestId("whoami").waitFor({ timeout: 60_000 });
  await page.close();
  return context;
}

export async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

/**
 * The posting request is captured from a real submission in Chromium (the server action's id, router
 * headers and multipart body), then replayed with a fresh idempotency key and another loan.
 */
export async function capturePosting(
  browser: Browser,
  server: Pick<AppServer, "baseUrl">,
  username: string,
  password: string,
  loanId: number,
) {
  const context = await loggedIn(browser, server.baseUrl, username, password);
  const page = await context.newPage();
  await page.goto(`/loans/${loanId}`);
  const form = page.getByTestId("repay");
  await form.getByLabel("本金（元）").fill("0"); // the form offers what is due now: post interest only
  await form.getByLabel("利息（元）").fill("1.00");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    form.getByRole("button", { name: "登记还款" }).click(),
  ]);
  await page.getByText("还款已登记").waitFor();
  const captured = await request.allHeaders();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(captured))
    if (
      !k.startsWith(":") &&
      !["content-length", "cookie", "host", "accept-encoding", "connection"].includes(k)
    )
      headers[k] = v;
  headers.cookie = await cookieHeader(context);
  const body = request.postDataBuffer()!.toString("latin1");
  await context.close();
  return { headers, body };
}

export type CapturedPosting = Awaited<ReturnType<typeof capturePosting>>;

export function postingRequest(c: CapturedPosting, loanId: number, key: string) {
  const oldKey = /name="_1_idempotencyKey"\r\n\r\n([^\r]*)/.exec(c.body)![1]!;
  const body = c.body.replace(oldKey, key).replace(/(name="_1_loanId"\r\n\r\n)\d+/, `$1${loanId}`);
  return { path: `/loans/${loanId}`, headers: c.headers, body: Buffer.from(body, "latin1") };
}
