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

/**
 * Each notebook with the options both executors get (nbclient's defaults otherwise). Left out on purpose: notebooks
 * with a cell after an allowed error (cascade, raises-exception, busy-loop with interrupt-on-timeout), where nbclient
 * loses the later cells to tslab's abort window and the runner runs them (failures.test.ts and
 * runner-findings.integration.test.ts check that).
 */
const cases: { name: string; timeout: number; allowErrors?: boolean; interruptOnTimeout?: boolean }[] = [
  { name: "outputs.ipynb", timeout: 60 },
  { name: "compile-error.ipynb", timeout: 60 },
  { name: "process-exit.ipynb", timeout: 60 },
];

test("protocol test notebooks: the runner writes what nbclient writes", { skip: nbclientUnavailable() ?? false }, async (t) => {
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
    assert.deepEqual(mine, theirs, `${c.name}: same executed notebook`);
    ours.push(output);
  }
  assert.equal(nbformatProblems(ours), "", "nbformat's validator accepts what the runner wrote");
  t.diagnostic(`compared ${ours.map((o) => basename(o)).join(", ")}`);
});
