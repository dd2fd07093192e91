import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defineAction } from "@/server/action";
import { route } from "@/server/route";
import {
  flushRefusalWindows,
  pgTransact,
  recordAnonymousRefusal,
  REFUSAL_WINDOW_MS,
} from "@/shared/refusal-window";
import { applyAction } from "@/app/(app)/loans/actions";
import { transitionClaimAction } from "@/app/(app)/claims/actions";
import { frontOf } from "../../scripts/lib/front";
import { makeUser, seedRegions } from "../support/factories";
import { resetDatabase, sql, testUrl } from "../support/db";

// No request scope under vitest: the session and the client address come from here.
const who = vi.hoisted(() => ({ ip: "203.0.113.7", session: null as { uid: number; sv: number } | null }));
vi.mock("@/server/auth", () => ({ auth: async () => who.session, clientIp: async () => who.ip }));

const pool = new pg.Pool({ connectionString: testUrl(), max: 4 });
const transact = pgTransact(pool);
afterAll(() => pool.end());

interface Event {
  action: string;
  entity: string;
  ip: string | null;
  userId: number | null;
  message: string;
  refusals: number | null;
  kind: string | null;
}
const events = () =>
  sql<Event>(
    `select action, entity, ip, "userId", message, (after->>'refusals')::int refusals, after->>'kind' kind
       from "AuditEvent" where outcome = 'DENIED' order by id`,
  );
const total = (es: Event[]) => es.reduce((n, e) => n + (e.refusals ?? 0), 0);
/** Every window audited: as if the server's timer ran a window from now. */
const flushAll = () => flushRefusalWindows(transact, new Date(Date.now() + 2 * REFUSAL_WINDOW_MS));

const action = defineAction("loan.test", "loan.write", async () => "done");
const upload = route(async () => Response.json({ ok: true }));
const post = (headers: Record<string, string>) =>
  upload(new Request("http://127.0.0.1:3000/imports/upload", { method: "POST", headers }), {});

beforeEach(async () => {
  await resetDatabase();
  who.ip = "203.0.113.7";
  who.session = null;
});

describe("anonymous refusals are folded per address and window", () => {
  it("1,000 sessionless action calls from one address: a few events whose counts sum to 1,000", async () => {
    const answers = [];
    for (let i = 0; i < 10; i++)
      answers.push(...(await Promise.all(Array.from({ length: 100 }, () => action({})))));
    expect(answers.every((a) => !a.ok && a.message === "登录已过期，请重新登录")).toBe(true);
    const opened = await events();
    // one window (two if the run crossed a minute): its first refusal is audited at once, with the address
    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(opened.length).toBeLessThanOrEqual(3);
    expect(opened[0]).toMatchObject({
      action: "loan.test",
      entity: "Action",
      ip: "203.0.113.7",
      refusals: 1,
    });
    expect(opened[0]!.message).toMatch(/^no session \(anonymous\)/);
    // e2e/authz-matrix.spec.ts counts anonymous refusals so: every refusal adds one, before and after the audit
    const recorded = async () =>
      Number(
        (
          await sql<{ n: string }>(
            `select (select coalesce(sum(count - 1), 0) from "RefusalWindow")
                  + (select coalesce(sum((after->>'refusals')::int), 0) from "AuditEvent"
                      where outcome = 'DENIED' and "userId" is null and after ? 'refusals') n`,
          )
        )[0]!.n,
      );
    expect(await recorded()).toBe(1000);
    await flushAll();
    expect(await recorded()).toBe(1000);
    const all = await events();
    expect(all.length).toBeLessThanOrEqual(4);
    expect(total(all)).toBe(1000);
    expect(
      all.every((e) => e.userId === null && e.ip === "203.0.113.7" && e.kind === "action.no-session"),
    ).toBe(true);
    expect(all.at(-1)!.message).toMatch(/\d+ more refusals from 203\.0\.113\.7/);
    expect(await sql(`select * from "RefusalWindow"`)).toEqual([]);
  });

  it("two addresses are counted apart; an IPv6 /64 is one source", async () => {
    for (const ip of [
      "198.51.100.1",
      "198.51.100.2",
      "198.51.100.1",
      "2001:db8:1:2::1",
      "2001:db8:1:2:ffff::9",
    ]) {
      who.ip = ip;
      await action({});
    }
    await flushAll();
    const byIp = new Map<string | null, number>();
    for (const e of await events()) byIp.set(e.ip, (byIp.get(e.ip) ?? 0) + e.refusals!);
    expect(Object.fromEntries(byIp)).toEqual({
      "198.51.100.1": 2,
      "198.51.100.2": 1,
      "2001:db8:1:2::/64": 2,
    });
  });

  it("a new window opens a new event and reports the closed one; concurrent refusals are all counted", async () => {
    const t0 = new Date(
      Math.floor(Date.parse("2026-12-01T08:00:00Z") / REFUSAL_WINDOW_MS) * REFUSAL_WINDOW_MS,
    );
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const refuse = (ms: number, address = "192.0.2.9") =>
      recordAnonymousRefusal(transact, { kind: "route.no-session", address, action: "POST /x" }, at(ms));
    await Promise.all(Array.from({ length: 150 }, (_, i) => refuse(i * 10))); // all in the first window
    expect((await events()).map((e) => e.refusals)).toEqual([1]);
    await Promise.all(Array.from({ length: 50 }, () => refuse(REFUSAL_WINDOW_MS + 5))); // the next window
    const es = await events();
    expect(es.map((e) => e.refusals)).toEqual([1, 1, 149]); // each window's first; the closed one's rest
    expect(es.find((e) => e.refusals === 149)!.message).toContain(`window ${t0.toISOString()}`);
    // another address's window opening also reports closed windows; the last one is reported by the timer
    await refuse(3 * REFUSAL_WINDOW_MS, "192.0.2.10");
    await flushRefusalWindows(transact, at(10 * REFUSAL_WINDOW_MS));
    const all = await events();
    expect(total(all.filter((e) => e.ip === "192.0.2.9"))).toBe(200);
    expect(all.map((e) => [e.ip, e.refusals])).toEqual([
      ["192.0.2.9", 1],
      ["192.0.2.9", 1],
      ["192.0.2.9", 149],
      ["192.0.2.10", 1],
      ["192.0.2.9", 49],
    ]);
  });
});

describe("a server action checks the caller's right before it reads her input", () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it("a malformed input from a role without the right: refused as such and audited, not answered field by field", async () => {
    await seedRegions();
    const u = await makeUser("AUDITOR", "620123");
    who.session = { uid: u.id, sv: 1 };
    const r = await applyAction(null, form({ borrowerId: "x", amount: "一万", termMonths: "-3" }));
    expect(r).toEqual({ ok: false, message: "您没有执行此操作的权限" });
    expect(await events()).toEqual([
      {
        action: "loan.apply",
        entity: "Action",
        ip: "203.0.113.7",
        userId: u.id,
        message: "role AUDITOR lacks loan.write",
        refusals: null,
        kind: null,
      },
    ]);
  });

  it("a NUL byte from a role without the right is refused as a refusal too", async () => {
    await seedRegions();
    const u = await makeUser("ADMIN", "620123");
    who.session = { uid: u.id, sv: 1 };
    const r = await applyAction(null, form({ borrowerId: "1", purpose: "a\u0000b" }));
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.fieldErrors).toBeFalsy();
    expect((await events()).map((e) => [e.action, e.userId, e.message])).toEqual([
      ["loan.apply", u.id, "role ADMIN lacks loan.write"],
    ]);
  });

  it("when the permission depends on the input, a role with none of them is refused before the parse", async () => {
    await seedRegions();
    const u = await makeUser("ADMIN", "620123");
    who.session = { uid: u.id, sv: 1 };
    const r = await transitionClaimAction(null, form({ claimId: "not a number", action: "NOPE" }));
    expect(r).toEqual({ ok: false, message: "您没有执行此操作的权限" });
    expect((await events()).map((e) => [e.action, e.userId, e.message])).toEqual([
      ["claim.transition", u.id, "role ADMIN lacks claim.write or claim.approve"],
    ]);
  });

  it("a role with the right still gets her malformed input back field by field, and nothing is audited", async () => {
    await seedRegions();
    const u = await makeUser("COUNTY_STAFF", "620123");
    who.session = { uid: u.id, sv: 1 };
    const r = await applyAction(null, form({ borrowerId: "x", amount: "一万", termMonths: "-3" }));
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.message).toBe("请检查标出的字段");
    expect(r.ok === false && Object.keys(r.fieldErrors ?? {})).toContain("amount");
    expect(await events()).toEqual([]);
  });
});

describe("Origin refusals are audited", () => {
  it("route handlers: a foreign, null or missing Origin is refused and audited; anonymous ones folded", async () => {
    for (const origin of ["https://evil.example", "null", undefined, "http://127.0.0.1:3000.evil.example"]) {
      const r = await post({ host: "127.0.0.1:3000", ...(origin ? { origin } : {}) });
      expect(r.status).toBe(403);
      expect(await r.json()).toEqual({ message: "请求来源不正确" });
    }
    const [first, ...rest] = await events();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ action: "POST /imports/upload", entity: "Route", kind: "route.origin" });
    expect(first!.message).toContain('Origin "https://evil.example"');
    await flushAll();
    expect(total(await events())).toBe(4);
    // this site's own Origin (also behind a trusted proxy's X-Forwarded-Host) reaches the session check
    expect((await post({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })).status).toBe(401);
    expect(
      (await post({ host: "127.0.0.1:3000", "x-forwarded-host": "hs.example", origin: "https://hs.example" }))
        .status,
    ).toBe(401);
  });

  it("a signed-in user's Origin refusal is one event each, naming her", async () => {
    await seedRegions();
    const u = await makeUser("COUNTY_STAFF", "620123");
    who.session = { uid: u.id, sv: 1 };
    for (let i = 0; i < 3; i++)
      expect((await post({ host: "127.0.0.1:3000", origin: "https://evil.example" })).status).toBe(403);
    const es = await events();
    expect(es).toHaveLength(3);
    expect(
      es.every(
        (e) => e.userId === u.id && /^foreign origin: Origin "https:\/\/evil\.example"/.test(e.message),
      ),
    ).toBe(true);
  });

  it("sessionless route POSTs are folded too", async () => {
    for (let i = 0; i < 20; i++)
      expect((await post({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })).status).toBe(401);
    expect(await events()).toHaveLength(1);
    await flushAll();
    expect(total(await events())).toBe(20);
  });
});

describe("the front server refuses and audits server actions from another origin", () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it("500 foreign-Origin action calls on a real socket: 403, never passed to Next, audited in bounded events", async () => {
    const passed: string[] = [];
    server = http.createServer(
      frontOf(
        (req, res) => {
          passed.push(String(req.headers.origin));
          res.end("next");
        },
        "",
        "s".repeat(40),
        (r) =>
          recordAnonymousRefusal(transact, {
            kind: "action.origin",
            address: r.address,
            action: `POST ${r.path}`,
            detail: `Origin ${r.origin ?? "(none)"}`,
          }),
      ),
    );
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const send = (origin?: string) =>
      fetch(`http://127.0.0.1:${port}/loans/1?x=1`, {
        method: "POST",
        headers: { "next-action": "7f00aa", ...(origin ? { origin } : {}) },
        body: "[]",
      });
    for (let i = 0; i < 5; i++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, j) => send(["https://evil.example", "null", undefined][j % 3])),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(100).fill(403));
    }
    expect(passed).toEqual([]);
    expect((await send(`http://127.0.0.1:${port}`)).status).toBe(200); // this site: passed on
    await flushAll();
    const es = await events();
    expect(es.length).toBeLessThanOrEqual(4);
    expect(total(es)).toBe(500);
    expect(es[0]).toMatchObject({
      action: "POST /loans/1",
      entity: "Action",
      ip: "127.0.0.1",
      kind: "action.origin",
    });
  });
});
