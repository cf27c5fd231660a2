/**
 * `npm run workbook` end to end (in-process through runCli, and once through npm): inputs checked first, executed
 * copies written atomically, exit codes, reports, failures described (issue 14 item 8, issue 20 items 4 and 6).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
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

/** A valid tslab notebook with one code cell per source. */
function notebookText(sources: string | string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } },
    cells: [sources].flat().map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
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

test("failing notebooks: exit 1, every one described (notebook, In [n], source, stderr; the sentence first, no terminal escapes), later ones still run, all written with metadata.workbook", async (t) => {
  const dir = tempDir(t, "failures-");
  const escape = "\x1b]0;title\x07\x1b[2J\x1b[31m";
  writeFileSync(join(dir, "a.ipynb"), notebookText(['console.log("ok")', `// ${escape}\nthrow new Error("first ${escape}problem")`]));
  writeFileSync(join(dir, "b.ipynb"), notebookText([`process.stderr.write("${escape.replace(/\x1b/g, "\\x1b").replace(/\x07/g, "\\x07")}");\nconst n: number = "second problem";`]));
  copyFileSync(testNotebook("compile-error.ipynb"), join(dir, "compile-error.ipynb"));
  writeFileSync(join(dir, "c.ipynb"), notebookText(['console.log("fine")']));
  const { code, stdout, stderr } = await workbook(dir, ["--out", "out", "a.ipynb", "b.ipynb", "compile-error.ipynb", "c.ipynb"]);
  assert.equal(code, 1);
  assert.doesNotMatch(stderr, /[\x00-\x08\x0b-\x1f\x7f]/, "no control character reaches the terminal");
  assert.match(stderr, /␛\]0;title␇/, "they are shown, made visible");
  assert.match(stderr, /a\.ipynb failed \(failed cells: In \[2\]\): In \[2\] \(cell 2\) raised an error: Error: first ␛.*problem\n/);
  assert.match(stderr, /b\.ipynb failed \(failed cells: In \[1\]\): In \[1\] \(cell 1\) raised an error: 2:7 - Type 'string' is not assignable/);
  assert.match(
    stderr,
    /compile-error\.ipynb failed \(failed cells: In \[1\]\): In \[1\] \(cell 1\) raised an error: 1:7 - Type 'string' is not assignable to type 'number'\.\n {2}source:\n {4}const count: number = "not a number";\n {2}stderr:\n {4}1:7 - Type 'string'/,
  );
  assert.match(stderr, /stack frames? in tslab and Node\.js hidden; --verbose shows them/);
  assert.doesNotMatch(stderr, /node_modules\/tslab\/dist/, "tslab's own frames are trimmed");
  assert.match(stderr, /3 of 4 notebook\(s\) failed/);
  assert.match(stdout, /compile-error\.ipynb │ +0\/2 │ +[\d.]+ │ FAILED at In \[1\] \(cell 1\) \(CellExecutionError\)/);
  assert.deepEqual(
    readdirSync(join(dir, "out")).sort(),
    [".made-by-workbook-tool", "a.ipynb", "b.ipynb", "c.ipynb", "compile-error.ipynb"],
    "later notebooks still run",
  );

  const a = readFileSync(join(dir, "a.ipynb"));
  const executedA = JSON.parse(readFileSync(join(dir, "out", "a.ipynb"), "utf8"));
  assert.deepEqual(executedA.metadata.workbook.failed_cells, [2]);
  assert.equal(executedA.metadata.workbook.outcome, "failed");
  assert.equal(executedA.metadata.workbook.source_sha256, createHash("sha256").update(a).digest("hex"));
  assert.match(executedA.metadata.workbook.helper_sha256, /^[0-9a-f]{64}$/);
  assert.equal("lost_output" in executedA.metadata.workbook, false);
  const failed = JSON.parse(readFileSync(join(dir, "out", "compile-error.ipynb"), "utf8"));
  assert.equal(failed.metadata.workbook.outcome, "failed", "the failed run is written, marked failed, so no older copy stands in for it");
  const executedC = JSON.parse(readFileSync(join(dir, "out", "c.ipynb"), "utf8"));
  assert.equal(executedC.metadata.workbook.outcome, "ok");
  assert.deepEqual(executedC.metadata.workbook.failed_cells, []);

  const verbose = await workbook(dir, ["--out", "out", "--verbose", "a.ipynb"]);
  assert.match(verbose.stderr, /node_modules\/tslab\/dist/, "--verbose keeps the full stack");
});

test("--allow-errors runs every cell after an error (tslab's abort window waited out), lists the cells that raised and reports them in the table", async (t) => {
  const dir = tempDir(t, "allow-");
  const sources = ['throw new Error("boom")', 'console.log("second ran")', 'throw new TypeError("again")', 'console.log("fourth ran")'];
  writeFileSync(join(dir, "cascade.ipynb"), notebookText(sources));
  const { code, stdout, stderr } = await workbook(dir, ["--allow-errors", "--out", "out", "cascade.ipynb"]);
  assert.equal(code, 0);
  assert.match(stderr, /cascade\.ipynb: every cell ran \(--allow-errors\), and some raised \(failed cells: In \[1\], In \[3\]\)/);
  assert.match(stderr, /In \[3\]: TypeError: again/);
  assert.match(stdout, /cascade\.ipynb │ +4\/4 │ +[\d.]+ │ ok, 2 cell errors allowed/);
  const executed = JSON.parse(readFileSync(join(dir, "out", "cascade.ipynb"), "utf8"));
  const text = (i: number) => executed.cells[i].outputs.map((o: { text?: string[] }) => (o.text ?? []).join("")).join("");
  assert.match(text(0), /Error: boom/, "the error is kept in the executed notebook");
  assert.equal(text(1), "second ran\n");
  assert.equal(text(3), "fourth ran\n");
  assert.deepEqual(executed.cells.map((c: { execution_count: number }) => c.execution_count), [1, 2, 3, 4]);
  assert.deepEqual(executed.metadata.workbook.failed_cells, [1, 3]);
  assert.equal(executed.metadata.workbook.outcome, "failed");
});

test("npm run workbook is wired to the CLI", () => {
  const result = spawnSync("npm", ["run", "-s", "workbook", "--", "--help"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^usage: npm run workbook -- \[--out DIR\] \[--timeout SECONDS\] \[--allow-errors\] \[--allow-lost-output\]/);
  assert.match(result.stdout, /--transport ipc\|tcp/);
  assert.match(result.stdout, /WORKBOOK_TRANSPORT/);
});
