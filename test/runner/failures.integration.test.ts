/** Failing cells against the real tslab kernel: errors, timeouts, a wedged kernel and a dying one. */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { runNotebooks, type NotebookOutcome } from "../../scripts/runner/batch";
import { CellError, CellExecutionError, CellTimeoutError, DeadKernelError } from "../../scripts/runner/errors";
import { readNotebook, type CodeCell } from "../../scripts/runner/notebook";
import { processesIn, testNotebook, TEST_NOTEBOOKS } from "./helpers";

const strict = ["compile-error", "throw", "reject", "raises-exception", "busy-loop", "wedged-timer", "process-exit"];
const allowing = ["cascade", "process-exit"];
const interrupting = ["busy-loop", "wedged-timer"];
const outcomes = new Map<string, NotebookOutcome>();

/** Runs the named test notebooks as one batch (kernels start while the previous notebook runs). */
async function batch(prefix: string, names: string[], options: Parameters<typeof runNotebooks>[1]): Promise<void> {
  const inputs = await Promise.all(names.map(async (name) => ({ path: testNotebook(`${name}.ipynb`), notebook: await readNotebook(testNotebook(`${name}.ipynb`)) })));
  const results = await runNotebooks(inputs, { timeout: 1, interruptGrace: 1, ...options });
  results.forEach((outcome, i) => outcomes.set(`${prefix}/${names[i]}`, outcome));
}

before(async () => {
  await batch("strict", strict, {});
  await batch("allow", allowing, { allowErrors: true });
  await batch("interrupt", interrupting, { allowErrors: true, interruptOnTimeout: true });
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
  assert.match(error.message, /cell 1 raised an error\n {2}const count: number = "not a number";\nstderr:\n {2}1:7 - Type 'string'/);
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

test("raises-exception lets a cell fail; tslab then aborts the next cell, which is not an error", () => {
  const outcome = outcomes.get("strict/raises-exception")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["ok", "error", "aborted"]);
  const cells = outcome.result!.notebook.cells as CodeCell[];
  assert.match((cells[1].outputs[0] as { text: string }).text, /expected by the raises-exception tag/);
  assert.deepEqual(cells[2].outputs, []);
  assert.equal(cells[2].execution_count, 3, "aborted cells still get the client's count");
});

test("with allow-errors every cell sent within 200 ms of an error is aborted by tslab (the cascade)", () => {
  const outcome = outcomes.get("allow/cascade")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["error", "aborted", "aborted"]);
});

test("while(true){} times out: SIGINT interrupts it and the timeout is reported with the cell", () => {
  const error = failure("strict/busy-loop", CellTimeoutError);
  assert.equal(error.killed, false);
  assert.match(error.message, /cell 1 timed out after 1 s \(the kernel was interrupted\)/);
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
    assert.match(error.message, /the kernel died while running cell 1 \(exit code 3\)/);
    assert.equal((cellOf(error, 0).outputs[0] as { text: string }).text, "exiting with code 3\n");
  }
});

test("interrupt-on-timeout (nbclient's option) turns the timeout into a cell error and goes on", () => {
  const outcome = outcomes.get("interrupt/busy-loop")!;
  assert.equal(outcome.error, undefined);
  assert.deepEqual(outcome.result!.cells.map((c) => c.status), ["error", "aborted"]);
});

test("interrupt-on-timeout with a kernel that ignores SIGINT ends in a dead kernel instead of hanging", () => {
  const error = failure("interrupt/wedged-timer", DeadKernelError);
  assert.equal(error.exit, "killed after ignoring an interrupt");
});

test("no kernel process is left behind by any of these runs", () => {
  assert.deepEqual(processesIn(TEST_NOTEBOOKS), []);
});
