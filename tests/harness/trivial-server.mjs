// Harness fixture: a trivial page for the Playwright runs of tests/integration/harness.test.ts.
import http from "node:http";
const port = Number(process.env.HARNESS_PORT ?? 3190);
http
  .createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>harness</title><h1>半边天</h1>");
  })
  .listen(port, "127.0.0.1", () => console.log(`harness page ready on ${port}`));
