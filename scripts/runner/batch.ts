/**
 * Runs several notebooks one after another, each on its own fresh kernel. While one notebook executes, the next
 * notebook's kernel is already starting (tslab takes 1.5–2.5 s to load TypeScript), which hides most start-up time;
 * the next kernel starts only once the current one is ready, so the first notebook never waits for two start-ups.
 * Kernels are independent processes, so starting one early changes nothing a notebook can observe but the clock.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { MODEL_RECORD_VARIABLE, type ModelRecord } from "../../src/model/record";
import { executeOnKernel, startKernelFor, type ExecuteOptions, type ExecuteResult, type ProgressEvent } from "./executor";
import type { Channel, Direction } from "./client";
import type { Kernel } from "./kernel";
import { isBlankSource, type Notebook } from "./notebook";
import type { JupyterMessage } from "./wire";

/** A notebook to run, already read and validated. */
export interface NotebookInput {
  path: string;
  notebook: Notebook;
  /** Hex sha256 of the source file's bytes, for metadata.workbook (contract 1). */
  sourceSha256?: string;
}

/** How one notebook went: a result, or the error that stopped it. */
export interface NotebookOutcome {
  path: string;
  result?: ExecuteResult;
  error?: Error;
  /** Code cells that finished (successfully or with an allowed error). */
  cellsRun: number;
  /** Code cells the notebook would run. */
  cellsToRun: number;
  seconds: number;
  /** The first model the notebook's loaders recorded (see src/model/record.ts), if any. */
  model?: ModelRecord;
}

/** Batch options: everything `executeNotebook` takes, plus per-notebook callbacks. */
export interface BatchOptions extends Omit<ExecuteOptions, "cwd" | "onProgress" | "onKernelMessage"> {
  /** How many kernels to start ahead of the notebook being run (default 1; 0 starts each kernel when needed). */
  prestart?: number;
  onNotebookStart?: (input: NotebookInput, index: number) => void;
  onProgress?: (input: NotebookInput, event: ProgressEvent) => void;
  onNotebookEnd?: (outcome: NotebookOutcome, index: number) => void | Promise<void>;
  /** Sees every message sent to and received from each notebook's kernel (kernels start early: notebooks interleave). */
  onKernelMessage?: (input: NotebookInput, channel: Channel, message: JupyterMessage, direction: Direction) => void;
}

/** Runs the notebooks in order, in their own folders; never throws for a notebook's failure (see the outcomes). */
export async function runNotebooks(inputs: NotebookInput[], options: BatchOptions = {}): Promise<NotebookOutcome[]> {
  const outcomes: NotebookOutcome[] = [];
  const ahead = options.prestart ?? 1;
  // Each kernel records the models its notebook loads in its own file (WORKBOOK_MODEL_RECORD), read after the run.
  const records = mkdtempSync(join(tmpdir(), "workbook-models-"));
  const recordFile = (input: NotebookInput) => join(records, `${inputs.indexOf(input)}.jsonl`);
  const optionsFor = (input: NotebookInput): ExecuteOptions => ({
    ...options,
    cwd: dirname(resolve(input.path)),
    env: { ...(options.env ?? process.env), [MODEL_RECORD_VARIABLE]: recordFile(input) },
    onProgress: undefined,
    onKernelMessage: options.onKernelMessage && ((channel, message, direction) => options.onKernelMessage!(input, channel, message, direction)),
  });
  // Each kernel starts once the one before it is up (ready or failed): two tslab processes loading TypeScript at
  // once on a small machine would each take longer, and the first notebook would wait for both.
  let previousStart: Promise<unknown> = Promise.resolve();
  const start = (input: NotebookInput): Promise<Kernel> => {
    const starting = previousStart.then(() => startKernelFor(input.notebook, optionsFor(input)));
    previousStart = starting.catch(() => {});
    // Observed later by executeOnKernel; this only stops an early failure from counting as unhandled.
    starting.catch(() => {});
    return starting;
  };

  // Kernels already starting, by notebook index.
  const kernels = new Map<number, Promise<Kernel>>();
  try {
    for (const [index, input] of inputs.entries()) {
      const startedAt = performance.now();
      for (let next = index; next <= Math.min(index + ahead, inputs.length - 1); next++) {
        if (!kernels.has(next)) kernels.set(next, start(inputs[next]));
      }
      const kernel = kernels.get(index)!;
      kernels.delete(index);
      options.onNotebookStart?.(input, index);
      let cellsRun = 0;
      let cellsToRun = codeCellCount(input.notebook);
      const onProgress = (event: ProgressEvent) => {
        if (event.type === "kernel-ready") cellsToRun = event.cellsToRun;
        if (event.type === "cell-end") cellsRun = event.done;
        options.onProgress?.(input, event);
      };
      const outcome: NotebookOutcome = { path: input.path, cellsRun: 0, cellsToRun, seconds: 0 };
      try {
        outcome.result = await executeOnKernel(input.notebook, kernel, { ...optionsFor(input), onProgress }, startedAt);
      } catch (error) {
        outcome.error = error as Error;
      }
      Object.assign(outcome, { cellsRun, cellsToRun, seconds: (performance.now() - startedAt) / 1000 });
      const model = firstRecord(recordFile(input));
      if (model) outcome.model = model;
      outcomes.push(outcome);
      await options.onNotebookEnd?.(outcome, index);
    }
  } finally {
    // Kernels started for notebooks that never ran (an exception above) must not outlive the batch.
    await Promise.all([...kernels.values()].map((kernel) => kernel.then((k) => k.shutdown(), () => {})));
    rmSync(records, { recursive: true, force: true });
  }
  return outcomes;
}

/** Code cells with some source (an upper bound of what will run, before the kernel is ready). */
function codeCellCount(notebook: Notebook): number {
  return notebook.cells.filter((cell) => cell.cell_type === "code" && !isBlankSource(cell.source)).length;
}

/** The first well-formed model record in a kernel's record file, or undefined when it recorded none. */
function firstRecord(file: string): ModelRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    try {
      const record = JSON.parse(line) as Partial<ModelRecord>;
      if (["hub", "demo", "directory"].includes(record.kind as string) && typeof record.name === "string" && typeof record.source === "string" && typeof record.banner === "string") {
        return { kind: record.kind!, name: record.name, source: record.source, banner: record.banner };
      }
    } catch {
      // A line cut short by a kernel that died mid-write: look at the next one.
    }
  }
  return undefined;
}
