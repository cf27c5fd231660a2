/**
 * The runner against the real tslab kernel: one run of test/notebooks/outputs.ipynb, checked cell by cell; then
 * parity with the reference executor: the protocol test notebooks through nbclient (Debian's python3-nbclient, on
 * the same tslab binary) and through the runner give the same executed notebooks, timestamps aside (the runner's
 * outputs.ipynb is that same run).
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CellError } from "../../scripts/runner/errors";
import { executeNotebook, type ExecuteResult } from "../../scripts/runner/executor";
import { serializeNotebook } from "../../scripts/runner/nbjson";
import type { CodeCell, Output } from "../../scripts/runner/notebook";
import { comparable, nbformatProblems, tempDir, testNotebook } from "./helpers";
import { nbclientUnavailable, runNbclient } from "./nbclient";

const path = testNotebook("outputs.ipynb");
let result: ExecuteResult;
const sourceBefore = readFileSync(path, "utf8");

const OPTIONS = { timeout: 60 };
before(async () => {
  result = await executeNotebook(path, OPTIONS);
});

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
  assert.equal(readFileSync(path, "utf8"), sourceBefore);
});

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
      // outputs.ipynb with the same options as the run above: that run is reused, not repeated.
      const run = c.name === "outputs.ipynb" && c.timeout === OPTIONS.timeout ? result : await executeNotebook(testNotebook(c.name), c);
      writeFileSync(output, serializeNotebook(run.notebook));
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
