/**
 * The workbook command: check every input first, run the notebooks, write executed copies, report.
 * Returns the exit code instead of exiting, so tests can call it in-process.
 */
import { rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { runNotebooks, type NotebookInput, type NotebookOutcome } from "./batch";
import { parseOrExitCode } from "../cli-usage";
import { parseCliArgs, USAGE } from "./cli-args";
import { CellError, RunnerError, usefulSentence } from "./errors";
import { serializeNotebook } from "./nbjson";
import { cloneNotebook, isBlankSource, parseNotebookBytes, readNotebookBytes, type Notebook } from "./notebook";
import { helperSha256, sourceSha256, stampProvenance } from "./provenance";
import { createPrivateSocketDir } from "./socket-dir";
import { neutralizeControls } from "./terminal-text";
import { prepareOutDir, writeFileAtomic } from "./output-files";
import { createReporter, summaryTable } from "./progress";

/** Where the command writes and which directory it treats as the project root. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  cwd: string;
}

const MAX_WARNINGS_SHOWN = 20;

/** Runs `npm run workbook -- …` with the given arguments; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const options = parseOrExitCode("workbook", USAGE, () => parseCliArgs(argv), io);
  if (typeof options === "number") return options;

  try {
    const paths = options.notebooks.length > 0 ? options.notebooks : await defaultNotebooks(io.cwd);
    const inputs = await readAll(paths.map((path) => resolve(io.cwd, path)), io.cwd);
    const outDir = resolve(io.cwd, options.out);
    await prepareOutDir(outDir, inputs.map((input) => input.path), io.cwd);
    // Refuse before anything runs when the kernel's sockets have no private place (never fall back to TCP).
    if (options.transport === "ipc") rmSync(createPrivateSocketDir(), { recursive: true });
    const helper = helperSha256();

    const reporter = createReporter(io.stderr);
    const warnings: string[] = [];
    const outcomes = await runNotebooks(inputs, {
      timeout: options.timeout,
      allowErrors: options.allowErrors,
      allowLostOutput: options.allowLostOutput,
      transport: options.transport,
      warn: (message) => warnings.push(message),
      onNotebookStart: (input) => reporter.notebookStart(input.path, executableCells(input.notebook)),
      onProgress: (_input, event) => {
        if (event.type === "kernel-ready") reporter.cellsDone(0, event.cellsToRun);
        if (event.type === "cell-end") reporter.cellsDone(event.done, event.cellsToRun);
      },
      onNotebookEnd: async (outcome, index) => {
        // A failed run is written too (outcome "failed"), so an older clean copy never stands in for it.
        const executed = executedCopy(outcome, inputs[index], helper);
        try {
          await writeFileAtomic(join(outDir, basename(outcome.path)), serializeNotebook(executed));
        } catch (error) {
          outcome.error ??= error as Error;
        }
        reporter.notebookEnd(outcome);
      },
    });

    io.stdout.write(`${neutralizeControls(summaryTable(outcomes.map((outcome) => ({ ...outcome, path: displayPath(outcome.path, io.cwd) }))))}\n`);
    for (const warning of warnings.slice(0, MAX_WARNINGS_SHOWN)) io.stderr.write(`warning: ${neutralizeControls(warning)}\n`);
    if (warnings.length > MAX_WARNINGS_SHOWN) io.stderr.write(`(${warnings.length - MAX_WARNINGS_SHOWN} more warnings)\n`);
    // With --allow-errors a notebook whose cells raised still succeeds, but which cells raised is said in full.
    for (const outcome of outcomes) {
      if (!outcome.error && failedCellsOf(outcome).length > 0) io.stderr.write(`\n${describeFailure(outcome, io.cwd, options.verbose)}\n`);
    }
    const failed = outcomes.filter((outcome) => outcome.error);
    if (failed.length === 0) {
      io.stdout.write(`${outcomes.length} notebook${outcomes.length === 1 ? "" : "s"} executed into ${neutralizeControls(displayPath(outDir, io.cwd))}\n`);
      return 0;
    }
    // Every failed notebook in full, not only the first.
    for (const outcome of failed) io.stderr.write(`\n${describeFailure(outcome, io.cwd, options.verbose)}\n`);
    io.stderr.write(`\n${failed.length} of ${outcomes.length} notebook(s) failed; executed copies are in ${neutralizeControls(displayPath(outDir, io.cwd))}, marked "failed"\n`);
    return 1;
  } catch (error) {
    if (!(error instanceof RunnerError)) throw error;
    io.stderr.write(`workbook: ${neutralizeControls(error.message)}\n`);
    return 1;
  }
}

/** Every notebooks/*.ipynb under the project root, in name order. */
async function defaultNotebooks(cwd: string): Promise<string[]> {
  const dir = join(cwd, "notebooks");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new RunnerError(`no notebooks/ folder in ${cwd}; run from the project root or pass notebook paths`);
  }
  const notebooks = names.filter((name) => name.endsWith(".ipynb")).sort();
  if (notebooks.length === 0) throw new RunnerError(`${dir} has no .ipynb files; pass notebook paths to run others`);
  return notebooks.map((name) => join(dir, name));
}

/** Reads and checks every notebook before anything runs, so bad input fails fast and nothing is half-written. */
async function readAll(paths: string[], cwd: string): Promise<NotebookInput[]> {
  const read = async (path: string): Promise<NotebookInput> => {
    const bytes = await readNotebookBytes(path);
    return { path, notebook: parseNotebookBytes(bytes, path), sourceSha256: sourceSha256(bytes) };
  };
  const results = await Promise.allSettled(paths.map(read));
  const problems = results.flatMap((result) => (result.status === "rejected" ? [result.reason as Error] : []));
  for (const problem of problems) if (!(problem instanceof RunnerError)) throw problem;
  const seen = new Map<string, string>();
  for (const path of paths) {
    const other = seen.get(basename(path));
    if (other) problems.push(new RunnerError(`${path} and ${other} would both be written as ${basename(path)}; run them separately`));
    seen.set(basename(path), path);
  }
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  ${problem.message.replaceAll(cwd + "/", "")}`);
    throw new RunnerError(`cannot run, nothing was written:\n${lines.join("\n")}`);
  }
  return results.map((result) => (result as PromiseFulfilledResult<NotebookInput>).value);
}

/** Code cells with source: what the bar shows until the kernel is ready and the exact count is known. */
function executableCells(notebook: NotebookInput["notebook"]): number {
  return notebook.cells.filter((cell) => cell.cell_type === "code" && !isBlankSource(cell.source)).length;
}

/** In [n] of the cells that failed in a run (allowed errors included). */
function failedCellsOf(outcome: NotebookOutcome): number[] {
  if (outcome.result) return outcome.result.failedCells;
  return outcome.error instanceof CellError ? outcome.error.failedCells : [];
}

/** The notebook to write for an outcome, with metadata.workbook: the executed one, as far as it got, or the source. */
function executedCopy(outcome: NotebookOutcome, input: NotebookInput, helper: string | undefined): Notebook {
  const partial = outcome.error instanceof CellError ? outcome.error.notebook : undefined;
  const notebook = outcome.result?.notebook ?? partial ?? cloneNotebook(input.notebook);
  const lost = outcome.result?.lostOutput ?? (outcome.error instanceof CellError && outcome.error.lostOutput);
  stampProvenance(notebook, {
    sourceSha256: input.sourceSha256 ?? "",
    helperSha256: helper,
    failed: outcome.error !== undefined,
    failedCells: failedCellsOf(outcome),
    lostOutput: lost,
    model: outcome.model,
  });
  return notebook;
}

/** One failed notebook in full: which cells failed (In [n]), then the error with the cell's source and stderr. */
function describeFailure(outcome: NotebookOutcome, cwd: string, verbose: boolean): string {
  const where = displayPath(outcome.path, cwd);
  const cells = failedCellsOf(outcome);
  const list = cells.length > 0 ? ` (failed cells: ${cells.map((n) => `In [${n}]`).join(", ")})` : "";
  if (!outcome.error) {
    const lines = [`${where}: every cell ran (--allow-errors), and some raised${list}:`];
    for (const cell of outcome.result?.notebook.cells ?? []) {
      if (cell.cell_type === "code" && cell.execution_count !== null && cells.includes(Number(cell.execution_count))) {
        const stderr = cell.outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => (o as { text: string }).text).join("");
        lines.push(`  In [${cell.execution_count}]: ${usefulSentence(stderr) || "(no error message)"}`);
      }
    }
    return neutralizeControls(lines.join("\n"));
  }
  const message = outcome.error instanceof CellError ? outcome.error.describe(verbose) : outcome.error.message;
  return neutralizeControls(`${where} failed${list}: ${message}`);
}

/** A path relative to the project root when it is inside it. */
function displayPath(path: string, cwd: string): string {
  return path.startsWith(cwd + "/") ? path.slice(cwd.length + 1) : path;
}
