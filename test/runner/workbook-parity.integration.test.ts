import { test } from "node:test";
/**
 * The course's own notebooks through nbclient and through the runner give the same executed notebooks, byte for
 * byte in every output. The workbook is executed once, by the runner (the shared run, test/helpers/workbook.ts,
 * the very copies the workbook tests check), which keeps a transcript of what it asked tslab and what tslab sent
 * back for each cell. nbclient then runs each notebook on a kernel that answers with that transcript
 * (replay-kernel.ts), which also checks that nbclient asks what the runner asked: both executors are answered with
 * the same messages, so their notebooks must agree to the last digit. Only the cells' timing metadata is compared
 * by its keys, as the replaying kernel's headers carry new dates. That nbclient and the runner also agree on a live
 * tslab, protocol cases included, is checked by protocol.integration.test.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import { nbclientUnavailable, runNbclient, type ExtraKernel, type NbclientJob } from "./nbclient";
import { comparable, ROOT, tempDir } from "./helpers";
import { executedWorkbook, workbookNames, type ExecutedNotebook } from "../helpers/workbook";
import { skipFor } from "../helpers/skip";

const notebooksDir = join(ROOT, "notebooks");
const names = workbookNames();
const skip = nbclientUnavailable();

/** A kernelspec that replays one notebook's transcript. */
function replayKernel(name: string, transcript: string): ExtraKernel {
  const replay = join(__dirname, "replay-kernel.ts");
  return { name, argv: [process.execPath, "--require", require.resolve("tsx/cjs"), replay, "{connection_file}", transcript] };
}

/** The transcript of a notebook of the shared run, which must have run to its end. */
function transcriptOf(run: ExecutedNotebook): string {
  assert.equal(run.error, null, `${run.name} failed in the runner: ${run.error}`);
  assert.equal(run.transcriptError, null, `${run.name}: the shared run could not keep its transcript`);
  assert.ok(run.transcript && fs.existsSync(run.transcript), `${run.name}: the shared run kept its transcript`);
  return run.transcript;
}

test("the workbook: nbclient, given the kernel messages of the shared run, writes the runner's notebooks", { skip: skipFor(skip) }, async (t) => {
  const workbook = await executedWorkbook();
  assert.deepEqual(workbook.notebooks.map((n) => n.name), names, "the shared run executed every notebook");
  const out = tempDir(t, "runner-workbook-");
  const kernels = workbook.notebooks.map((run, i) => replayKernel(`replay-${i}`, transcriptOf(run)));
  const jobs: NbclientJob[] = names.map((name, i) => ({ input: join(notebooksDir, name), output: join(out, name), timeout: 60, kernel_name: kernels[i].name }));
  const reference = await runNbclient(jobs, process.env, kernels);
  for (const [i, run] of workbook.notebooks.entries()) {
    assert.equal(reference[i].error, null, `${run.name} failed under nbclient`);
    // metadata.workbook is the runner's provenance stamp (contract 1), which nbclient has no counterpart for.
    const ours = comparable(run.executed!) as { metadata: Record<string, unknown> };
    assert.ok(ours.metadata.workbook, `${run.name}: the runner's copy carries its provenance`);
    delete ours.metadata.workbook;
    assert.deepEqual(ours, comparable(jobs[i].output), `${run.name}: same executed notebook`);
  }
});

test("the replaying kernel answers only the recorded requests: a changed cell, or a request nbclient sends with other options, fails naming what differs", { skip: skipFor(skip) }, async (t) => {
  const workbook = await executedWorkbook();
  const run = workbook.notebooks[0];
  const out = tempDir(t, "runner-replay-");
  const source = join(notebooksDir, run.name);
  const changed = JSON.parse(fs.readFileSync(source, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  const cell = changed.cells.find((c) => c.cell_type === "code")!;
  cell.source = `${[cell.source].flat().join("")}\n// changed`;
  const changedInput = join(out, run.name);
  fs.writeFileSync(changedInput, JSON.stringify(changed));
  const kernel = replayKernel("replay-check", transcriptOf(run));
  // The same notebook with allow_errors: nbclient then sends stop_on_error: false, where the runner sent true.
  const jobs: NbclientJob[] = [
    { input: changedInput, output: join(out, "changed.ipynb"), timeout: 60, kernel_name: kernel.name },
    { input: source, output: join(out, "allow-errors.ipynb"), timeout: 60, kernel_name: kernel.name, allow_errors: true },
  ];
  const results = await runNbclient(jobs, process.env, [kernel]);
  const mismatch = (file: string) => {
    const executed = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { outputs?: { ename?: string; evalue?: string }[] }[] };
    return executed.cells.flatMap((c) => c.outputs ?? []).find((o) => o.ename === "ReplayMismatch")?.evalue ?? "";
  };
  assert.equal(results[0].error, "CellExecutionError", "nbclient stops at the changed cell");
  assert.match(mismatch(jobs[0].output), /^execute request 1 differs from the recorded one in code\./);
  // With errors allowed nbclient goes on, so every cell is refused; the first names the option.
  assert.match(mismatch(jobs[1].output), /^execute request 1 differs from the recorded one in stop_on_error\./);
});
