/**
 * The runner against the real tslab kernel, on the test notebooks in test/notebooks/, each executed once (in
 * before()) and read by several tests: outputs.ipynb checked cell by cell; failing cells (errors, timeouts, a wedged
 * kernel and a dying one); then parity with the reference executor: the protocol test notebooks through nbclient
 * (Debian's python3-nbclient, on the same tslab binary) give the same executed notebooks as the runner's runs above,
 * timestamps aside.
 *
 * The runs share kernels: each kernel runs a few notebooks one after another (test/helpers/one-kernel.ts), so the
 * file starts 4 kernels instead of 12 (a tslab start costs 3–4 s of CPU). Four runs end in a dead kernel (two
 * process.exit(3), two wedged timers killed after the interrupt), so each of those ends a kernel's sequence. The
 * notebooks declare nothing the others use; the notebooks whose executed copies are compared with nbclient's (a fresh
 * kernel each) run first on their kernel, or depend on nothing before them (process-exit); outputs.ipynb, whose last
 * cell prints from a timer after the cell ended, is followed only by a notebook whose outputs no test reads (tslab
 * gives such late output to whichever request runs then).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { NotebookOutcome } from "../../scripts/runner/batch";
import { CellError, CellExecutionError, CellTimeoutError, DeadKernelError } from "../../scripts/runner/errors";
import type { ExecuteResult } from "../../scripts/runner/executor";
import { serializeNotebook } from "../../scripts/runner/nbjson";
import { readNotebook, type CodeCell, type Output } from "../../scripts/runner/notebook";
import { runOnOneKernel, type OneKernelOptions } from "../helpers/one-kernel";
import { assertNoProcessesIn, comparable, nbformatProblems, processesIn, tempDir, testNotebook } from "./helpers";
import { nbclientUnavailable, runNbclient } from "./nbclient";
import { skipFor } from "../helpers/skip";

let result: ExecuteResult;
const sourceBefore = readFileSync(testNotebook("outputs.ipynb"), "utf8");

/**
 * How long a looping cell runs before the runner interrupts it. Generous: the interrupt must find the cell already
 * in its loop (compiled and started), which takes seconds on a busy machine. Only busy-loop.ipynb spins (and uses a
 * core meanwhile): the other never-ending cells block in Atomics.wait, which costs no CPU.
 */
const LOOP_TIMEOUT_S = 10;
const outcomes = new Map<string, NotebookOutcome>();
/** The test notebooks are copied here, so the kernels of this file (and only those) run in this folder. */
const folder = tempDir({ after }, "runner-failures-");
/** outputs.ipynb's copy, run where the other notebooks run (checked unchanged afterwards). */
const path = join(folder, "outputs.ipynb");

/** One run of a test notebook: the key its outcome is kept under (`<options>/<name>`), and its options. */
type Run = { key: string; options?: OneKernelOptions };

/** Runs the runs in order on one kernel (the last may kill it); each test notebook is copied into `folder` once. */
async function onOneKernel(runs: Run[]): Promise<void> {
  const inputs = await Promise.all(runs.map(async ({ key, options }) => {
    const name = `${key.split("/")[1]}.ipynb`;
    const path = join(folder, name);
    if (!existsSync(path)) copyFileSync(testNotebook(name), path);
    return { path, notebook: await readNotebook(path), options };
  }));
  const results = await runOnOneKernel(inputs, { timeout: 120 });
  results.forEach((outcome, i) => outcomes.set(runs[i].key, outcome));
}

before(async () => {
  // A kernel that honours SIGINT is waited for as long as it takes; one that ignores it is killed 2 s later.
  const looping = { timeout: LOOP_TIMEOUT_S, interruptGrace: 120 };
  const wedged = { timeout: LOOP_TIMEOUT_S, interruptGrace: 2 };
  const interrupting = { allowErrors: true, interruptOnTimeout: true };
  // The kernels run at the same time: the timeouts wait rather than work.
  await Promise.all([
    onOneKernel([{ key: "plain/outputs", options: { timeout: 60 } }, { key: "strict/wedged-timer", options: wedged }]),
    onOneKernel([{ key: "strict/compile-error" }, { key: "strict/throw" }, { key: "allow/cascade", options: { allowErrors: true } }, { key: "strict/process-exit" }]),
    // The looping cells run on a kernel that has already compiled a cell, so their timeout is not spent compiling.
    onOneKernel([{ key: "strict/reject" }, { key: "strict/busy-loop", options: looping }, { key: "allow/process-exit", options: { allowErrors: true } }]),
    onOneKernel([
      { key: "strict/raises-exception" },
      { key: "interrupt/blocked", options: { ...looping, ...interrupting } },
      { key: "interrupt/wedged-timer", options: { ...wedged, ...interrupting } },
    ]),
  ]);
  const outputs = outcomes.get("plain/outputs")!;
  if (!outputs.result) throw outputs.error;
  result = outputs.result;
});

/** The error of a run that must have failed, checked to be of `type`. */
function failure<T extends CellError>(key: string, type: new (...args: never[]) => T): T {
  const error = outcomes.get(key)?.error;
  assert.ok(error instanceof type, `${key}: expected ${type.name}, got ${error}`);
  return error;
}
const cellOf = (error: CellError, index: number) => error.notebook!.cells[index] as CodeCell;

// --- outputs.ipynb, cell by cell ---------------------------------------------------------------------------------

/** The executed cell with this id. */
function cell(id: string): CodeCell {
  const found = result.notebook.cells.find((c) => c.id === id);
  assert.ok(found && found.cell_type === "code", `no code cell ${id}`);
  return found;
}
const texts = (outputs: Output[]) => outputs.map((o) => (o.output_type === "stream" ? `${o.name}:${o.text}` : o.output_type));
const plain = (o: Output) => (o as { data: Record<string, string> }).data["text/plain"];

test("several stdout and stderr writes in one cell stay separate outputs in order", () => {
  assert.deepEqual(texts(cell("streams").outputs), ["stdout:out 1\n", "stderr:err 1\n", "stdout:out 2\n", "stdout:no newline", "stderr:err 2\n"]);
});

test("the last expression's value is printed to stdout; null and undefined print nothing", () => {
  assert.deepEqual(texts(cell("last-object").outputs), ["stdout:{ x: 1, label: 'a' }\n"]);
  assert.deepEqual(cell("last-null").outputs, []);
  assert.deepEqual(cell("no-value").outputs, []);
  assert.deepEqual(texts(cell("last-string").outputs), ["stdout:a string value\n"]);
});

test("blank and skip-execution cells are left exactly as they were, stale outputs included", () => {
  assert.equal(cell("blank").execution_count, null);
  assert.deepEqual(cell("skipped").outputs, [{ name: "stdout", output_type: "stream", text: "stale output kept\n" }]);
  assert.equal(cell("skipped").execution_count, 7);
  assert.equal(cell("skipped").metadata.execution, undefined);
});

test("execution counts are the client's own count of executed cells", () => {
  const counts = result.notebook.cells.filter((c) => c.cell_type === "code" && c.id !== "blank" && c.id !== "skipped");
  assert.deepEqual(counts.map((c) => (c as CodeCell).execution_count), counts.map((_, i) => i + 1));
});

test("display_data outputs appear in order, and a display is updated in place, also from a later cell", () => {
  const outputs = cell("displays").outputs;
  assert.deepEqual(outputs.map((o) => o.output_type), ["display_data", "display_data", "display_data", "stream"]);
  assert.deepEqual((outputs[0] as { data: unknown }).data, { "text/html": "<b>bold</b>" });
  assert.deepEqual((outputs[1] as { data: unknown }).data, { "text/markdown": "*markdown*" });
  assert.equal(plain(outputs[2]), "third, from a later cell", "two updates in its own cell, the last from the next cell");
  assert.deepEqual(cell("update-later").outputs, [], "an update adds no output where it runs");
});

test("binary display data arrives base64-encoded under image/png", () => {
  const [png] = cell("png").outputs as { data: Record<string, string> }[];
  assert.match(png.data["image/png"], /^iVBORw0KGgo/);
  assert.equal(Buffer.from(png.data["image/png"], "base64").subarray(1, 4).toString(), "PNG");
});

test("emoji, CJK, NUL and line separators survive the round trip", () => {
  assert.deepEqual(texts(cell("unicode").outputs), [
    "stdout:emoji 😀👍🏽, CJK 漢字かな한글, NUL [\u0000]\n",
    "stdout:form\ffeed, line\u2028separator, CRLF\r\nend\n",
    "stdout:tab\tand NUL\u0000 in a value\n",
  ]);
});

test("top-level await works and its value is printed", () => {
  assert.deepEqual(texts(cell("await").outputs), ["stdout:42\n"]);
});

test("a megabyte of output arrives whole", () => {
  const [big] = cell("megabyte").outputs as { text: string }[];
  assert.equal(big.text.length, 1_000_001);
  assert.match(big.text, /^x+\n$/);
});

// No load can let the print in before idle: the cell has no top-level await, so tslab runs it and publishes idle
// without returning to the event loop, and the timer runs only after that (the cell's comment).
test("output printed after the cell went idle is lost, as with nbclient", () => {
  assert.deepEqual(texts(cell("late").outputs), ["stdout:timer scheduled\n"]);
});

test("language_info comes from the kernel and timings are recorded for every executed cell", () => {
  assert.equal(result.notebook.metadata.language_info?.name, "typescript");
  assert.equal(result.notebook.metadata.language_info?.file_extension, ".ts");
  const keys = Object.keys(cell("streams").metadata.execution ?? {}).sort();
  assert.deepEqual(keys, ["iopub.status.busy", "iopub.status.idle", "shell.execute_reply"]);
  assert.equal(result.cells.length, 12);
  assert.ok(result.cells.every((c) => c.status === "ok" && c.seconds > 0));
  assert.ok(result.kernelStartSeconds > 0 && result.kernelStartSeconds < result.seconds);
});

test("the source notebook is not modified", () => {
  assert.equal(readFileSync(path, "utf8"), sourceBefore, "the notebook the runner read is byte-identical afterwards");
});

// --- failing cells ------------------------------------------------------------------------------------------------

test("a TypeScript compile error fails the cell with tslab's diagnostic from stderr", () => {
  const error = failure("strict/compile-error", CellExecutionError);
  assert.equal(error.cellNumber, 1);
  assert.match(error.stderr, /^1:7 - Type 'string' is not assignable to type 'number'\./);
  assert.match(error.message, /In \[1\] \(cell 1\) raised an error: 1:7 - Type 'string'.*\n {2}source:\n {4}const count: number = "not a number";\n {2}stderr:\n {4}1:7 - Type 'string'/);
  assert.deepEqual(cellOf(error, 1).outputs, [], "later cells are not run");
  assert.equal(cellOf(error, 1).execution_count, null);
});

test("a runtime exception fails the cell; output before it is kept", () => {
  const error = failure("strict/throw", CellExecutionError);
  assert.match(error.stderr, /Error: boom from the test/);
  assert.deepEqual(cellOf(error, 0).outputs[0], { output_type: "stream", name: "stdout", text: "before the throw\n" });
});

test("a rejected top-level await fails the cell", () => {
  const error = failure("strict/reject", CellExecutionError);
  assert.match(error.stderr, /Error: rejected on purpose/);
});

test("raises-exception lets a cell fail; the next cell still runs (tslab's abort window is waited out)", () => {
  const outcome = outcomes.get("strict/raises-exception")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["ok", "error", "ok"]);
  const cells = outcome.result!.notebook.cells as CodeCell[];
  assert.match((cells[1].outputs[0] as { text: string }).text, /expected by the raises-exception tag/);
  assert.match((cells[2].outputs[0] as { text: string }).text, /within 200 ms of an error/);
  assert.equal(cells[2].execution_count, 3);
  assert.deepEqual(outcome.result!.failedCells, [], "an expected error is not a failure");
});

test("with allow-errors every cell after an error runs (no cascade of aborts as in nbclient)", () => {
  const outcome = outcomes.get("allow/cascade")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["error", "ok", "ok"]);
  assert.deepEqual(outcome.result!.failedCells, [1]);
});

test("while(true){} times out: SIGINT interrupts it and the timeout is reported with the cell", () => {
  const error = failure("strict/busy-loop", CellTimeoutError);
  assert.equal(error.killed, false);
  assert.match(error.message, new RegExp(`In \\[1\\] \\(cell 1\\) timed out after ${LOOP_TIMEOUT_S} s \\(the kernel was interrupted\\)`));
  assert.match(error.message, /while \(true\) \{\}/);
  assert.match(error.stderr, /Script execution was interrupted by `SIGINT`/);
  assert.equal((cellOf(error, 0).outputs[0] as { text: string }).text, "spinning\n");
});

test("a timer callback that never returns ignores SIGINT: after the grace period the kernel is killed", () => {
  const error = failure("strict/wedged-timer", CellTimeoutError);
  assert.equal(error.killed, true);
  assert.match(error.message, /it ignored the interrupt, so the kernel was killed/);
});

test("process.exit(3) is reported as a dead kernel with the exit code, even with allow-errors", () => {
  for (const key of ["strict/process-exit", "allow/process-exit"]) {
    const error = failure(key, DeadKernelError);
    assert.equal(error.exit, "exit code 3");
    assert.match(error.message, /the kernel died while running In \[1\] \(cell 1\) \(exit code 3\)/);
    assert.equal((cellOf(error, 0).outputs[0] as { text: string }).text, "exiting with code 3\n");
  }
});

test("interrupt-on-timeout (nbclient's option) turns the timeout into a cell error and goes on", () => {
  const outcome = outcomes.get("interrupt/blocked")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["error", "ok"]);
  const cells = outcome.result!.notebook.cells as CodeCell[];
  assert.deepEqual(cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "after the interrupt\n" }]);
});

test("interrupt-on-timeout with a kernel that ignores SIGINT ends in a dead kernel instead of hanging", () => {
  const error = failure("interrupt/wedged-timer", DeadKernelError);
  assert.equal(error.exit, "killed after ignoring an interrupt");
});

test("no kernel process is left behind by any of these runs", async () => {
  await assertNoProcessesIn(folder);
});

// --- parity with nbclient ------------------------------------------------------------------------------------------

/**
 * Each notebook with the options both executors get (nbclient's defaults otherwise). Left out on purpose: notebooks
 * with a cell after an allowed error (cascade, raises-exception, blocked with interrupt-on-timeout), where nbclient
 * loses the later cells to tslab's abort window and the runner runs them (the failure tests above and
 * runner-findings.integration.test.ts check that). The runner's side is the runs of before(), with the same options
 * (timeouts aside, which change nothing that is written).
 */
const cases: { name: string; timeout: number; allowErrors?: boolean; interruptOnTimeout?: boolean }[] = [
  { name: "outputs.ipynb", timeout: 60 },
  { name: "compile-error.ipynb", timeout: 60 },
  { name: "process-exit.ipynb", timeout: 60 },
];

/** The runner's run of each compared notebook, from before(). */
const runnerRuns: Record<string, () => { result?: ExecuteResult; error?: Error }> = {
  "outputs.ipynb": () => ({ result }),
  "compile-error.ipynb": () => outcomes.get("strict/compile-error")!,
  "process-exit.ipynb": () => outcomes.get("strict/process-exit")!,
};

test("protocol test notebooks: the runner writes what nbclient writes", { skip: skipFor(nbclientUnavailable()) }, async (t) => {
  const dir = tempDir(t, "runner-parity-");
  const reference = await runNbclient(
    cases.map((c) => ({
      input: testNotebook(c.name),
      output: join(dir, `nbclient-${c.name}`),
      timeout: c.timeout,
      allow_errors: !!c.allowErrors,
      interrupt_on_timeout: !!c.interruptOnTimeout,
    })),
  );
  const ours: string[] = [];
  for (const [i, c] of cases.entries()) {
    const output = join(dir, `runner-${c.name}`);
    const run = runnerRuns[c.name]();
    if (run.error) assert.ok(run.error instanceof CellError && run.error.notebook, `unexpected failure: ${run.error}`);
    writeFileSync(output, serializeNotebook(run.error ? (run.error as CellError).notebook! : run.result!.notebook));
    assert.equal(run.error?.name ?? null, reference[i].error, `${c.name}: both end the same way`);
    const [mine, theirs] = [comparable(output), comparable(join(dir, `nbclient-${c.name}`))];
    assert.deepEqual(mine, theirs, `${c.name}: same executed notebook`);
    ours.push(output);
  }
  assert.equal(nbformatProblems(ours), "", "nbformat's validator accepts what the runner wrote");
  t.diagnostic(`compared ${ours.map((o) => basename(o)).join(", ")}`);
});
