/**
 * Parity with the reference executor: the protocol test notebooks through nbclient (Debian's python3-nbclient, on
 * the same tslab binary) and through the runner give the same executed notebooks, timestamps aside.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CellError } from "../../scripts/runner/errors";
import { executeNotebook } from "../../scripts/runner/executor";
import { serializeNotebook } from "../../scripts/runner/nbjson";
import { nbclientUnavailable, runNbclient } from "./nbclient";
import { comparable, nbformatProblems, tempDir, testNotebook } from "./helpers";

/** Each notebook with the options both executors get (nbclient's defaults otherwise). */
const cases = [
  { name: "outputs.ipynb", timeout: 60 },
  { name: "compile-error.ipynb", timeout: 60 },
  { name: "raises-exception.ipynb", timeout: 60, afterError: 2 },
  { name: "cascade.ipynb", timeout: 60, allowErrors: true, afterError: 1 },
  // Long enough for the cell to reach its loop before the interrupt, on a busy machine too.
  { name: "busy-loop.ipynb", timeout: 10, allowErrors: true, interruptOnTimeout: true },
  { name: "process-exit.ipynb", timeout: 60 },
];

/**
 * tslab aborts the requests that reach it within about 200 ms of an error and runs later ones; on a busy machine
 * one executor's next request can miss that window while the other's does not. So the cells from `first` on may
 * either have no output (aborted) or their own console.log line (ran); each is checked to be one of the two and
 * then its outputs are left out of the comparison.
 */
function windowCellsRanOrAborted(notebook: unknown, first: number, name: string): void {
  const cells = (notebook as { cells: { cell_type: string; source: string | string[]; outputs?: unknown[] }[] }).cells.filter((c) => c.cell_type === "code");
  for (const cell of cells.slice(first)) {
    const source = ([] as string[]).concat(cell.source).join("");
    const printed = /console\.log\("([^"]+)"\)/.exec(source)?.[1];
    const text = JSON.stringify(cell.outputs);
    assert.ok(text === "[]" || (printed !== undefined && text.includes(printed)), `${name}: a cell after the error is aborted or shows its own output, got ${text}`);
    cell.outputs = ["(aborted or ran)"];
  }
}

test("protocol test notebooks: the runner writes what nbclient writes", { skip: nbclientUnavailable() ?? false }, async (t) => {
  const dir = tempDir(t, "runner-parity-");
  const reference = runNbclient(
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
    let error: string | null = null;
    try {
      const result = await executeNotebook(testNotebook(c.name), c);
      writeFileSync(output, serializeNotebook(result.notebook));
    } catch (e) {
      assert.ok(e instanceof CellError && e.notebook, `unexpected failure: ${e}`);
      error = e.name;
      writeFileSync(output, serializeNotebook(e.notebook));
    }
    assert.equal(error, reference[i].error, `${c.name}: both end the same way`);
    const [mine, theirs] = [comparable(output), comparable(join(dir, `nbclient-${c.name}`))];
    if (c.afterError !== undefined) for (const notebook of [mine, theirs]) windowCellsRanOrAborted(notebook, c.afterError, c.name);
    assert.deepEqual(mine, theirs, `${c.name}: same executed notebook`);
    ours.push(output);
  }
  assert.equal(nbformatProblems(ours), "", "nbformat's validator accepts what the runner wrote");
  t.diagnostic(`compared ${ours.map((o) => basename(o)).join(", ")}`);
});
