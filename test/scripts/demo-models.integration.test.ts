import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_MODELS, sha256 } from "../../src/demo-models";
import { formatBytes } from "../../scripts/demo-models/report";
import { tempDir } from "../helpers/temp-dir";

const root = path.resolve(__dirname, "..", "..");
const out = tempDir({ after }, "demo-models-cli-");

const runCli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "demo-models", "main.ts"), ...args], { cwd: root, encoding: "utf8" });

test("sizes print as B, kB and MB", () => {
  assert.deepEqual([formatBytes(999), formatBytes(1500), formatBytes(9_190_000)], ["999 B", "1.5 kB", "9.19 MB"]);
});

test("npm run demo-models -- --out DIR builds every demo model there and prints each file's size and true sha256", () => {
  const run = runCli("--out", out);
  assert.equal(run.status, 0, run.stderr);
  for (const demoModel of DEMO_MODELS) {
    const dir = path.join(out, demoModel.name);
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.ok(files.length >= 5, `${demoModel.name} has its files`);
    for (const entry of files) {
      const file = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
      const hash = sha256(fs.readFileSync(path.join(dir, file)));
      assert.match(run.stdout, new RegExp(`^  ${file.replace(/[.]/g, "\\.")} +\\d[\\d.]* (B|kB|MB)  ${hash}$`, "m"), `${file} is listed with its sha256`);
    }
    assert.match(run.stdout, new RegExp(`^  total .* built in \\d+\\.\\d\\d s$`, "m"));
  }
  assert.match(run.stdout, /demo model\(s\) in \d+\.\d\d s/);
});

test("an unknown demo model name is a usage error listing the known ones, and nothing is built", () => {
  const run = runCli("--out", out, "distilbert-sst2-demo", "no-such-model");
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^demo-models: no demo model named "no-such-model"; known demo models: distilbert-sst2-demo/);
  assert.match(run.stderr, /usage: npm run demo-models/);
  assert.equal(run.stdout, "", "no demoModel was built before the bad name was found");
});
