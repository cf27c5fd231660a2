// `npm run book` as the real command, in a process of its own (tsx, exit code, stderr): the unit tests in
// site.test.ts and pages.test.ts call its main() in their process, so this is where the command's wiring is checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { failingCourse, writeCourse, writeSources } from "./fixture";
import { tempDir } from "../helpers/temp-dir";

const root = path.resolve(__dirname, "..", "..");

test("npm run book, as a command: a failing notebook is rendered visibly and the command exits 1, saying why on stderr", (t) => {
  const dir = tempDir(t, "book-command-");
  const course = failingCourse();
  const executed = writeCourse(path.join(dir, "executed"), course);
  const notebooks = writeSources(path.join(dir, "notebooks"), course);
  const out = path.join(dir, "book");
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "book", "main.ts"), "--executed", executed, "--notebooks", notebooks, "--out", out, "--no-run"], { encoding: "utf8", cwd: root, timeout: 300_000 });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /01-broken.ipynb cell 3 failed/);
  assert.match(run.stderr, /cell 4 did not run/);
  assert.match(run.stdout, /book: wrote \d+ pages to /);
  assert.match(fs.readFileSync(path.join(out, "01-broken.html"), "utf8"), /<aside class="run-problems" role="alert"><strong>This notebook did not run cleanly/);
  assert.match(fs.readFileSync(path.join(out, "index.html"), "utf8"), /did not run cleanly/);
});
