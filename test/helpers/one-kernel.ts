/**
 * Several notebooks of one folder executed one after another on ONE kernel, each with its own outcome (as
 * `runNotebooks` gives them: result or error, cells run). For tests that run many course notebooks on one model:
 * a fresh tslab kernel per notebook starts TypeScript (its lib files) and loads transformers.js and onnxruntime
 * again, which costs more CPU than most notebooks' own work (notebooks 01–06 on one demo model: 75 s of CPU with a
 * kernel each, 35 s on one).
 *
 * This is not what a learner does (a kernel per notebook): a notebook here also sees the names the notebooks before
 * it declared, and the modules they loaded. Use it only for notebooks the shared workbook run (test/helpers/
 * workbook.ts, a kernel each) shows run on their own, or small test notebooks that declare nothing the others use,
 * and say so where it is used.
 */
import assert from "node:assert/strict";
import { basename, dirname, resolve } from "node:path";
import type { NotebookInput, NotebookOutcome } from "../../scripts/runner";
import { executeOnKernel, startKernelFor, type ExecuteOptions, type ProgressEvent } from "../../scripts/runner/executor";
import type { Kernel } from "../../scripts/runner/kernel";
import { isBlankSource, type Notebook } from "../../scripts/runner/notebook";
import { executedWorkbook } from "./workbook";

/** What the kernel and each notebook run with (the runner's ExecuteOptions, but one folder for all). */
export type OneKernelOptions = Omit<ExecuteOptions, "cwd" | "onProgress">;

/** A notebook for the shared kernel, with options of its own over the common ones (a timeout, allowErrors…). */
export type OneKernelInput = NotebookInput & { options?: OneKernelOptions };

/**
 * Runs `inputs` in order on one kernel started in their folder; never throws for a notebook's failure. As in
 * runNotebooks, the first notebook's seconds include the kernel's start.
 */
export async function runOnOneKernel(inputs: readonly OneKernelInput[], options: OneKernelOptions = {}): Promise<NotebookOutcome[]> {
  if (inputs.length === 0) return [];
  const folders = [...new Set(inputs.map((input) => dirname(resolve(input.path))))];
  if (folders.length > 1) throw new Error(`runOnOneKernel runs notebooks of one folder (the kernel's cwd); got ${folders.join(", ")}`);
  const execute: ExecuteOptions = { ...options, cwd: folders[0] };
  const outcomes: NotebookOutcome[] = [];
  const kernelStartedAt = performance.now();
  let kernel: Kernel;
  try {
    kernel = await startKernelFor(inputs[0].notebook, execute);
  } catch (error) {
    return inputs.map((input) => ({ path: input.path, error: error as Error, cellsRun: 0, cellsToRun: codeCellCount(input.notebook), seconds: 0 }));
  }
  // executeOnKernel shuts its kernel down after the notebook; this view of the kernel leaves that to the end here.
  const kept = Object.create(kernel, { shutdown: { value: async () => {} } }) as Kernel;
  try {
    for (const [index, input] of inputs.entries()) {
      const startedAt = index === 0 ? kernelStartedAt : performance.now();
      const outcome: NotebookOutcome = { path: input.path, cellsRun: 0, cellsToRun: codeCellCount(input.notebook), seconds: 0 };
      if (kernel.process.exit) {
        outcome.error = new Error(`not run: the kernel exited during an earlier notebook (${outcomes.at(-1)?.error?.message ?? "no error reported"})`);
      } else {
        const onProgress = (event: ProgressEvent) => {
          if (event.type === "kernel-ready") outcome.cellsToRun = event.cellsToRun;
          if (event.type === "cell-end") outcome.cellsRun = event.done;
        };
        try {
          outcome.result = await executeOnKernel(input.notebook, Promise.resolve(kept), { ...execute, ...input.options, cwd: execute.cwd, onProgress }, startedAt);
        } catch (error) {
          outcome.error = error as Error;
        }
      }
      outcome.seconds = (performance.now() - startedAt) / 1000;
      outcomes.push(outcome);
    }
  } finally {
    await kernel.shutdown();
  }
  return outcomes;
}

/**
 * Asserts what one kernel for several notebooks cannot show: each of these course notebooks (file names or paths)
 * ran to its end on a kernel of its own in the shared workbook run.
 */
export async function assertEachRanAlone(notebooks: readonly string[]): Promise<void> {
  const workbook = await executedWorkbook();
  for (const name of notebooks.map((n) => basename(n))) {
    const run = workbook.notebooks.find((n) => n.name === name);
    assert.ok(run, `${name} is in the shared workbook run`);
    assert.equal(run.error, null, `${name} failed in the shared workbook run (a kernel of its own)`);
    assert.equal(run.cellsRun, run.cellsToRun, `${name}: every cell ran in the shared workbook run (a kernel of its own)`);
  }
}

/** Code cells with some source: what the runner will execute, before the kernel says so. */
function codeCellCount(notebook: Notebook): number {
  return notebook.cells.filter((cell) => cell.cell_type === "code" && !isBlankSource(cell.source)).length;
}
