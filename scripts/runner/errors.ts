import type { Notebook } from "./notebook";

/** Base class of every error the runner raises on purpose, so callers can tell them from bugs. */
export class RunnerError extends Error {
  override name = "RunnerError";
}

/** The notebook file cannot be run: missing, not JSON, not nbformat 4, or not a tslab/jslab notebook. */
export class NotebookInputError extends RunnerError {
  override name = "NotebookInputError";
  /** @param path the notebook file the problem is about */
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** The output directory cannot be created or written. */
export class OutputDirError extends RunnerError {
  override name = "OutputDirError";
  constructor(
    readonly dir: string,
    problem: string,
  ) {
    super(`output directory ${dir}: ${problem}`);
  }
}

/** The kernel process did not start or never answered kernel_info. */
export class KernelStartError extends RunnerError {
  override name = "KernelStartError";
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(stderr ? `${message}\nkernel stderr:\n${indent(stderr)}` : message);
  }
}

/** What every cell-level failure knows: which cell, what it said, and the notebook as far as it got. */
export interface CellFailure {
  /** 0-based index of the cell in `notebook.cells`. */
  cellIndex: number;
  /** The cell's source text. */
  source: string;
  /** Everything the cell wrote to stderr (tslab reports errors only there). */
  stderr: string;
  /** The notebook with the outputs collected until the failure. */
  notebook?: Notebook;
}

/** Base of the errors tied to one cell; the message names the cell and quotes its first lines and stderr. */
export abstract class CellError extends RunnerError {
  readonly cellIndex: number;
  readonly source: string;
  readonly stderr: string;
  /** The partially executed notebook, filled in by the executor before the error leaves it. */
  notebook?: Notebook;

  constructor(headline: string, failure: CellFailure) {
    super(describeCell(headline, failure));
    this.cellIndex = failure.cellIndex;
    this.source = failure.source;
    this.stderr = failure.stderr;
    this.notebook = failure.notebook;
  }

  /** 1-based cell number as a reader counts cells in the notebook (markdown cells included). */
  get cellNumber(): number {
    return this.cellIndex + 1;
  }
}

/** The kernel replied `status: "error"` for a cell that does not allow errors. */
export class CellExecutionError extends CellError {
  override name = "CellExecutionError";
  constructor(failure: CellFailure) {
    super(`cell ${failure.cellIndex + 1} raised an error`, failure);
  }
}

/** A cell ran longer than the timeout; the kernel was interrupted, and killed if it ignored the interrupt. */
export class CellTimeoutError extends CellError {
  override name = "CellTimeoutError";
  constructor(
    failure: CellFailure,
    readonly timeoutSeconds: number,
    readonly killed: boolean,
  ) {
    const how = killed ? "it ignored the interrupt, so the kernel was killed" : "the kernel was interrupted";
    super(
      `cell ${failure.cellIndex + 1} timed out after ${timeoutSeconds} s (${how}); ` +
        `raise --timeout if the cell is just slow`,
      failure,
    );
  }
}

/** The kernel process exited while a cell was running. */
export class DeadKernelError extends CellError {
  override name = "DeadKernelError";
  constructor(
    failure: CellFailure,
    readonly exit: string,
  ) {
    super(`the kernel died while running cell ${failure.cellIndex + 1} (${exit})`, failure);
  }
}

const SOURCE_LINES_SHOWN = 5;
const STDERR_CHARS_SHOWN = 4000;

/** Headline, the first lines of the cell's source, and its stderr, indented for a terminal. */
function describeCell(headline: string, failure: CellFailure): string {
  const lines = failure.source.split("\n");
  const shown = lines.slice(0, SOURCE_LINES_SHOWN).join("\n");
  const more = lines.length > SOURCE_LINES_SHOWN ? `\n  … (${lines.length - SOURCE_LINES_SHOWN} more lines)` : "";
  let text = `${headline}\n${indent(shown)}${more}`;
  const stderr = failure.stderr.trimEnd();
  if (stderr) {
    const clipped = stderr.length > STDERR_CHARS_SHOWN ? `${stderr.slice(0, STDERR_CHARS_SHOWN)}\n…` : stderr;
    text += `\nstderr:\n${indent(clipped)}`;
  }
  return text;
}

/** Indents every line by two spaces. */
function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
