/**
 * The workbook command: check every input first, run the notebooks, write executed copies, report.
 * Returns the exit code instead of exiting, so tests can call it in-process.
 */
import { readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { runNotebooks, type NotebookInput, type NotebookOutcome } from "./batch";
import { parseOrExitCode } from "../cli-usage";
import { parseCliArgs, USAGE } from "./cli-args";
import { RunnerError } from "./errors";
import { serializeNotebook } from "./nbjson";
import { readNotebook } from "./notebook";
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

    const reporter = createReporter(io.stderr);
    const warnings: string[] = [];
    const outcomes = await runNotebooks(inputs, {
      timeout: options.timeout,
      allowErrors: options.allowErrors,
      warn: (message) => warnings.push(message),
      onNotebookStart: (input) => reporter.notebookStart(input.path, executableCells(input.notebook)),
      onProgress: (_input, event) => {
        if (event.type === "kernel-ready") reporter.cellsDone(0, event.cellsToRun);
        if (event.type === "cell-end") reporter.cellsDone(event.done, event.cellsToRun);
      },
      onNotebookEnd: async (outcome) => {
        if (outcome.result) {
          try {
            await writeFileAtomic(join(outDir, basename(outcome.path)), serializeNotebook(outcome.result.notebook));
          } catch (error) {
            outcome.error = error as Error;
          }
        }
        reporter.notebookEnd(outcome);
      },
    });

    io.stdout.write(`${summaryTable(outcomes.map((outcome) => ({ ...outcome, path: displayPath(outcome.path, io.cwd) })))}\n`);
    for (const warning of warnings.slice(0, MAX_WARNINGS_SHOWN)) io.stderr.write(`warning: ${warning}\n`);
    const failed = outcomes.filter((outcome) => outcome.error);
    if (failed.length === 0) {
      io.stdout.write(`${outcomes.length} notebook${outcomes.length === 1 ? "" : "s"} executed into ${displayPath(outDir, io.cwd)}\n`);
      return 0;
    }
    io.stderr.write(`\n${describeFailure(failed[0], io.cwd)}\n`);
    if (failed.length > 1) io.stderr.write(`(${failed.length - 1} more notebook(s) failed; see the table above)\n`);
    return 1;
  } catch (error) {
    if (!(error instanceof RunnerError)) throw error;
    io.stderr.write(`workbook: ${error.message}\n`);
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
  const results = await Promise.allSettled(paths.map((path) => readNotebook(path)));
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
  return paths.map((path, index) => ({ path, notebook: (results[index] as PromiseFulfilledResult<NotebookInput["notebook"]>).value }));
}

/** Code cells with source: what the bar shows until the kernel is ready and the exact count is known. */
function executableCells(notebook: NotebookInput["notebook"]): number {
  return notebook.cells.filter((cell) => cell.cell_type === "code" && cell.source.trim() !== "").length;
}

/** The first failure, in full: notebook, cell number, first source lines, stderr. */
function describeFailure(outcome: NotebookOutcome, cwd: string): string {
  return `${displayPath(outcome.path, cwd)} failed: ${outcome.error!.message}`;
}

/** A path relative to the project root when it is inside it. */
function displayPath(path: string, cwd: string): string {
  return path.startsWith(cwd + "/") ? path.slice(cwd.length + 1) : path;
}
