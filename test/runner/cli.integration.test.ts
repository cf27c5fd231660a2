/** `npm run workbook` end to end: inputs checked first, executed copies written atomically, exit codes, reports. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../scripts/runner/cli";
import { captureStream, kernelProcessesIn, ROOT, tempDir, testNotebook } from "./helpers";

/** Runs the CLI in-process with `cwd` as project root; returns exit code and what it printed. */
async function workbook(cwd: string, args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A minimal valid tslab notebook with one cell. */
function notebookText(source: string): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
    cells: [{ cell_type: "code", id: "only", metadata: {}, source, outputs: [], execution_count: null }],
  });
}

test("a file that is not JSON stops the run before any kernel starts, naming the file", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "good.ipynb"), notebookText("1"));
  writeFileSync(join(dir, "broken.ipynb"), "{ this is not json");
  const { code, stderr } = await workbook(dir, ["--out", "out", "good.ipynb", "broken.ipynb"]);
  assert.equal(code, 1);
  assert.match(stderr, /cannot run, nothing was written:\n {2}broken\.ipynb: is not valid JSON/);
  assert.equal(existsSync(join(dir, "out")), false, "the output directory is not even created");
});

test("nbformat 3, a python kernelspec and a missing path are all reported together", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "old.ipynb"), JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [], metadata: {} }));
  writeFileSync(join(dir, "python.ipynb"), notebookText("1").replace('"name":"tslab"', '"name":"python3"'));
  const { code, stderr } = await workbook(dir, ["old.ipynb", "python.ipynb", "missing.ipynb"]);
  assert.equal(code, 1);
  assert.match(stderr, /old\.ipynb: has nbformat 3; only nbformat 4/);
  assert.match(stderr, /python\.ipynb: uses kernel "python3"/);
  assert.match(stderr, /missing\.ipynb: no such file/);
  assert.equal(existsSync(join(dir, "build")), false);
});

test("an unwritable --out is refused before anything runs", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "a.ipynb"), notebookText("1"));
  writeFileSync(join(dir, "taken"), "a file, not a directory");
  // A file, a path below a file, and a file system that refuses new directories (Node's own mkdir -p spins there).
  for (const out of [join(dir, "taken"), join(dir, "taken", "sub"), "/proc/runner-test-out"]) {
    const { code, stderr } = await workbook(dir, ["--out", out, "a.ipynb"]);
    assert.equal(code, 1, out);
    assert.match(stderr, new RegExp(`output directory ${out}: cannot be created \\((ENOTDIR|ENOENT)[^)]*\\); choose another --out`), out);
  }
  assert.deepEqual(kernelProcessesIn(dir), []);
});

test("a bad flag is a usage error with exit code 2", async (t) => {
  const { code, stderr } = await workbook(tempDir(t), ["--timeout", "never"]);
  assert.equal(code, 2);
  assert.match(stderr, /--timeout must be a number[\s\S]*usage: npm run workbook/);
});

test("without arguments every notebooks/*.ipynb runs in name order into build/executed", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "notebooks"));
  writeFileSync(join(dir, "notebooks", "02-second.ipynb"), notebookText('console.log("second")'));
  writeFileSync(join(dir, "notebooks", "01-first.ipynb"), notebookText('console.log("first")'));
  writeFileSync(join(dir, "notebooks", "notes.txt"), "not a notebook");
  const before = readFileSync(join(dir, "notebooks", "01-first.ipynb"), "utf8");
  const { code, stdout, stderr } = await workbook(dir, []);
  assert.equal(code, 0, stderr);
  // Non-TTY progress: one line per notebook, in order.
  assert.match(stderr, /^01-first\.ipynb: ok, 1\/1 cells in [\d.]+ s\n02-second\.ipynb: ok, 1\/1 cells in [\d.]+ s\n$/);
  assert.match(stdout, /│ notebook\s+│ cells │ seconds │ status │[\s\S]*01-first\.ipynb[\s\S]*02-second\.ipynb/);
  assert.deepEqual(readdirSync(join(dir, "build", "executed")).sort(), [".made-by-workbook-tool", "01-first.ipynb", "02-second.ipynb"], "no temp files left; the folder is marked as the runner's");
  const executed = JSON.parse(readFileSync(join(dir, "build", "executed", "01-first.ipynb"), "utf8"));
  assert.deepEqual(executed.cells[0].outputs, [{ name: "stdout", output_type: "stream", text: ["first\n"] }]);
  assert.equal(executed.metadata.language_info.name, "typescript");
  assert.equal(readFileSync(join(dir, "notebooks", "01-first.ipynb"), "utf8"), before, "the source is untouched");
});

test("a failing notebook: exit 1, the failure shows notebook, cell, source and stderr; it is written marked failed", async (t) => {
  const dir = tempDir(t);
  copyFileSync(testNotebook("compile-error.ipynb"), join(dir, "compile-error.ipynb"));
  writeFileSync(join(dir, "fine.ipynb"), notebookText("1 + 1"));
  const { code, stdout, stderr } = await workbook(dir, ["--out", "out", "compile-error.ipynb", "fine.ipynb"]);
  assert.equal(code, 1);
  assert.match(
    stderr,
    /compile-error\.ipynb failed \(failed cells: In \[1\]\): In \[1\] \(cell 1\) raised an error: 1:7 - Type 'string' is not assignable to type 'number'\.\n {2}source:\n {4}const count: number = "not a number";\n {2}stderr:\n {4}1:7 - Type 'string'/,
  );
  assert.match(stdout, /compile-error\.ipynb │ +0\/2 │ +[\d.]+ │ FAILED at In \[1\] \(cell 1\) \(CellExecutionError\)/);
  assert.deepEqual(readdirSync(join(dir, "out")).sort(), [".made-by-workbook-tool", "compile-error.ipynb", "fine.ipynb"], "later notebooks still run");
  const failed = JSON.parse(readFileSync(join(dir, "out", "compile-error.ipynb"), "utf8"));
  assert.equal(failed.metadata.workbook.outcome, "failed", "the failed run is written, marked failed, so no older copy stands in for it");
});

test("--allow-errors keeps going past failing cells and reports them in the table", async (t) => {
  const dir = tempDir(t);
  copyFileSync(testNotebook("cascade.ipynb"), join(dir, "cascade.ipynb"));
  const { code, stdout } = await workbook(dir, ["--allow-errors", "--out", "out", "cascade.ipynb"]);
  assert.equal(code, 0);
  assert.match(stdout, /cascade\.ipynb │ +3\/3 │ +[\d.]+ │ ok, 1 cell error allowed/);
  const executed = JSON.parse(readFileSync(join(dir, "out", "cascade.ipynb"), "utf8"));
  assert.match(executed.cells[0].outputs[0].text.join(""), /Type 'string' is not assignable/);
});

test("npm run workbook is wired to the CLI", () => {
  const result = spawnSync("npm", ["run", "-s", "workbook", "--", "--help"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^usage: npm run workbook -- \[--out DIR\] \[--timeout SECONDS\] \[--allow-errors\] \[--allow-lost-output\]/);
  assert.match(result.stdout, /--transport ipc\|tcp/);
  assert.match(result.stdout, /WORKBOOK_TRANSPORT/);
});
