/**
 * npm run bench [-- --loans 1000000 --statement-rows 50000]
 * Runs every benchmark on the synthetic province, one script after another (each in its own process, so
 * one's memory and connections do not colour the next), and writes docs/benchmarks.md: date, machine, data
 * size, each script's tables and targets. The hand-kept "Before and after" section of the file is carried
 * over unchanged.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import pg from "pg";
import { withBenchData } from "./lib/ensure";
import { arg, runMain } from "./lib/cli";

const DOC = path.resolve("docs/benchmarks.md");
const HISTORY = "## Before and after";

function runScript(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.resolve("node_modules/tsx/dist/cli.mjs"),
        "--conditions=react-server",
        `scripts/bench/${script}`,
        ...args,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      process.stdout.write(c);
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

async function main() {
  const loans = arg("loans", "1000000");
  const runs = arg("runs", "20");
  const started = new Date();
  const { meta, version } = await withBenchData(Number(loans), async (url, meta) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return {
        meta,
        version: (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
      };
    } finally {
      await c.end();
    }
  });
  const sections: [string, string][] = [
    [
      "Dashboard queries — `npm run bench:dashboard`",
      await runScript("dashboard.ts", ["--loans", loans, "--runs", runs]),
    ],
    [
      "Loan list, borrower search, posting — `npm run bench:queries`",
      await runScript("queries.ts", ["--loans", loans, "--runs", runs]),
    ],
    ["Exports — `npm run bench:export`", await runScript("export.ts", ["--loans", loans])],
    [
      "Import — `npm run bench:import`",
      await runScript("import.ts", ["--rows", arg("import-rows", "100000")]),
    ],
    [
      "Bank statement — `npm run bench:statement`",
      await runScript("statement.ts", ["--loans", loans, "--rows", arg("statement-rows", "50000")]),
    ],
    [
      "Attachments: a 20 MB photo up and down, server memory — `npm run bench:attachments`",
      await runScript("attachments.ts", ["--mb", arg("attachment-mb", "20")]),
    ],
    [
      "The app from outside: page speed, server memory during an export, load — `npm run bench:web`",
      await runScript("web.ts", ["--loans", loans, "--duration", arg("duration", "60")]),
    ],
  ];
  const cpus = os.cpus();
  const head = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC (took ${((Date.now() - started.getTime()) / 60_000).toFixed(0)} min).`,
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, PostgreSQL ${version} (embedded, settings in scripts/bench/lib/bench-db.ts).`,
    `Data: ${meta.loans.toLocaleString("en")} loans, ${meta.borrowers.toLocaleString("en")} borrowers, ${meta.instalments.toLocaleString("en")} instalments, ${meta.journal.toLocaleString("en")} journal rows (synthetic province, \`npm run bench:data\`, generated in ${meta.seconds} s).`,
    "These machines are noisy: read the ratios, and repeat before concluding.",
  ].join("\n");
  const body = sections
    .map(([title, out]) => `## ${title}\n\n${out.replace(/^Starting the benchmark[^\n]*\n/m, "")}`)
    .join("\n\n");
  const old = fs.existsSync(DOC) ? fs.readFileSync(DOC, "utf8") : "";
  const history = old.includes(HISTORY)
    ? old.slice(old.indexOf(HISTORY))
    : `${HISTORY}\n\n(none recorded yet)\n`;
  fs.writeFileSync(DOC, `${head}\n\n${body}\n\n${history.trimEnd()}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), DOC)}`);
}

runMain("all.ts", main);
