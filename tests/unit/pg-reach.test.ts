import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkReachableByPostgresUser } from "../../scripts/lib/pg-reach";

describe("npm start as root: the postgres user must be able to enter the checkout", () => {
  const made: string[] = [];
  afterEach(() => made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "halfsky-reach-"));
    made.push(d);
    return d;
  };

  it("names the folder it cannot enter and how to fix it", () => {
    const home = tmp();
    fs.chmodSync(home, 0o700);
    const dataDir = path.join(home, "halfsky", ".data", "pg");
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    expect(() => checkReachableByPostgresUser([dataDir])).toThrow(
      new RegExp(`may\\nnot enter ${home} \\(mode 700\\)[\\s\\S]*chmod o\\+x ${home}`),
    );
  });

  it("passes when every folder on the way may be entered", () => {
    const top = tmp();
    fs.chmodSync(top, 0o755);
    const dataDir = path.join(top, "halfsky", ".data", "pg");
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    expect(() => checkReachableByPostgresUser([dataDir])).not.toThrow();
  });
});
