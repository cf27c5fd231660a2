/** Failing cells against the real tslab kernel: errors, timeouts, a wedged kernel and a dying one. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { runNotebooks, type NotebookOutcome } from "../../scripts/runner/batch";
import { CellError, CellExecutionError, CellTimeoutError, DeadKernelError } from "../../scripts/runner/errors";
import { readNotebook, type CodeCell } from "../../scripts/runner/notebook";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processesIn, testNotebook } from "./helpers";

/**
 * How long a looping cell runs before the runner interrupts it. Generous: the interrupt must find the cell already
 * in its loop (compiled and started), which takes seconds on a busy machine; the waiting costs no CPU.
 */
const LOOP_TIMEOUT_S = 10;
const outcomes = new Map<string, NotebookOutcome>();
/** The test notebooks are copied here, so the kernels of this file (and only those) run in this folder. */
const folder = mkdtempSync(join(tmpdir(), "runner-failures-"));
after(() => rmSync(folder, { recursive: true, force: true }));

/** Runs the named test notebooks as one batch (kernels start while the previous notebook runs). */
async function batch(prefix: string, names: string[], options: Parameters<typeof runNotebooks>[1]): Promise<void> {
  const inputs = await Promise.all(names.map(async (name) => {
    const path = join(folder, `${name}.ipynb`);
    if (!existsSync(path)) copyFileSync(testNotebook(`${name}.ipynb`), path);
    return { path, notebook: await readNotebook(path) };
  }));
  const results = await runNotebooks(inputs, { timeout: 120, ...options });
  results.forEach((outcome, i) => outcomes.set(`${prefix}/${names[i]}`, outcome));
}

before(async () => {
  // A kernel that honours SIGINT is waited for as long as it takes; one that ignores it is killed 2 s later.
  const looping = { timeout: LOOP_TIMEOUT_S, interruptGrace: 120 };
  const wedged = { timeout: LOOP_TIMEOUT_S, interruptGrace: 2 };
  const interrupting = { allowErrors: true, interruptOnTimeout: true };
  await Promise.all([
    (async () => {
      await batch("strict", ["compile-error", "throw", "reject", "raises-exception", "process-exit"], {});
      await batch("allow", ["cascade", "process-exit"], { allowErrors: true });
    })(),
    // The timeouts wait rather than work, so they run beside the rest.
    batch("strict", ["busy-loop"], looping),
    batch("strict", ["wedged-timer"], wedged),
    batch("interrupt", ["busy-loop"], { ...looping, ...interrupting }),
    batch("interrupt", ["wedged-timer"], { ...wedged, ...interrupting }),
  ]);
});

/** The error of a run that must have failed, checked to be of `type`. */
function failure<T extends CellError>(key: string, type: new (...args: never[]) => T): T {
  const error = outcomes.get(key)?.error;
  assert.ok(error instanceof type, `${key}: expected ${type.name}, got ${error}`);
  return error;
}
const cellOf = (error: CellError, index: number) => error.notebook!.cells[index] as CodeCell;

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

test("a busy loop in a timer ignores SIGINT: after the grace period the kernel is killed", () => {
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
  const outcome = outcomes.get("interrupt/busy-loop")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["error", "ok"]);
});

test("interrupt-on-timeout with a kernel that ignores SIGINT ends in a dead kernel instead of hanging", () => {
  const error = failure("interrupt/wedged-timer", DeadKernelError);
  assert.equal(error.exit, "killed after ignoring an interrupt");
});

test("no kernel process is left behind by any of these runs", () => {
  assert.deepEqual(processesIn(folder), []);
});
